"""/healthz for load balancers and monitoring: is the database reachable, and is its
schema at the migrations this code expects?

No sign-in and no session (a probe every few seconds must not cost a user query), plain
JSON, 200 when ready and 503 when not, so that a proxy takes a host out of rotation
while its database is down or a deploy has not migrated yet.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Flask, jsonify
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from .accounts import access
from .config import PROJECT_ROOT
from .extensions import db

bp = Blueprint("health", __name__)
MIGRATIONS = PROJECT_ROOT / "platform" / "academy" / "migrations"


@lru_cache(maxsize=1)
def expected_revisions() -> frozenset[str]:
    """The head revisions of the migration scripts this code ships (read once: they do
    not change while the process runs)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_revisions() -> frozenset[str]:
    """The revisions the database was migrated to (none when it never was); raises when
    the database cannot be reached."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(row[0] for row in rows)


def _sessionless(view):
    """The security-header hook skips its signed-in check (a user query) for this view."""
    view.sessionless = True
    return view


@bp.get("/healthz")
@access.public
@_sessionless
def healthz():
    expected = expected_revisions()
    try:
        current = database_revisions()
    except SQLAlchemyError as error:  # down, refusing us, or not answering in time
        reason = type(getattr(error, "orig", None) or error).__name__
        body = {"status": "unavailable", "database": "unreachable", "error": reason}
        return _answer(body, 503)
    migrations = "current" if current == expected else "pending"
    body = {
        "status": "ok" if migrations == "current" else "unavailable",
        "database": "ok",
        "migrations": migrations,
        "revision": ",".join(sorted(current)) or None,
        "expected": ",".join(sorted(expected)),
    }
    return _answer(body, 200 if migrations == "current" else 503)


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"  # a proxy must ask us, not its cache
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
