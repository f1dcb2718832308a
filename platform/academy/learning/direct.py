"""A reader's next lesson page, served from the kept pages before Flask runs.

pages.py keeps every rendered lesson page per kind of reader. What a kept page still cost
per request was mostly Flask's: the request and app contexts, the session, Flask-Login,
Flask-Babel, the before- and after-request hooks, the ORM session. This WSGI middleware
serves such a page without them, and stays exact by replaying only what the app already
did for the same request:

- When the app serves a kept lesson page with status 200 and leaves the session as it
  was (no Set-Cookie), pages.lesson_page describes the visit (who is signed in, with which
  session version, their signed CSRF token, the language the browser asks for, until
  when the session is valid) and this middleware records it, with the response headers,
  under the request's inputs: every cookie, the client's address and forwarded
  addresses, the user agent, the host, the script root, the scheme and Accept-Language.
  Every check the app made on those inputs (the access rule, Flask-Login's session
  protection, trusted hosts, the session cookie's signature) gives the same answer when
  they come again.
- What can change between requests is read again on every request, in one query (the
  lesson view's own, `queries.READER_WITH_PROGRESS`): the session version (signing out
  everywhere, deactivation), the active flag, the roles, the language chosen in the
  profile and the reading progress; the session's age limits are checked against the
  clock; the course comes from the catalog, unless the catalog is due to look for a newly
  published version.
- Anything else goes to the app: other inputs (a new cookie, another browser or
  address), a path the app routes elsewhere, a course or module it would refuse, a page
  not kept yet, an expired session, a failing query (the app shows its error page).
"""

from __future__ import annotations

import logging
import re
import time
from collections import namedtuple
from collections.abc import Callable, Iterable
from dataclasses import replace
from threading import Lock
from typing import Any

from flask import Flask
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException

from .. import clock
from ..accounts import session_users
from ..config import LANGUAGES
from ..content import Catalog
from ..web import COURSE_SLUG, MAX_SLUG
from . import pages, queries

log = logging.getLogger(__name__)

LESSON_PATH = re.compile(r"/courses/([^/]+)/([^/]+)\Z")
# What the app's answer may depend on, besides the path and the database.
INPUTS = (
    "HTTP_COOKIE",
    "HTTP_USER_AGENT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_HOST",
    "REMOTE_ADDR",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "SCRIPT_NAME",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
)
MAX_VISITS = 10_000  # per worker; about 1 KB each
DRAFT_READERS = frozenset({"trainer", "admin"})


class KeptLessons:
    def __init__(self, wsgi_app: Callable, app: Flask, engine: Engine) -> None:
        self.wsgi_app, self.app, self.engine = wsgi_app, app, engine
        self.catalog: Catalog = app.extensions["catalog"]
        self.visits: dict[tuple, pages.Visit] = {}
        self.pages = pages.cache_of(app)
        self.statement = DriverStatement(engine, queries.READER_WITH_PROGRESS)
        self.routed: dict[str, bool] = {}  # path -> the app routes it to the lesson view
        self.served = 0  # pages this worker served without the app (for tests and bench)
        self._lock = Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        match = LESSON_PATH.match(path)
        if match is None or environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return self.wsgi_app(environ, start_response)
        inputs = tuple(environ.get(name) for name in INPUTS)
        visit = self.visits.get(inputs)
        page = self._page(visit, path, *match.groups()) if visit else None
        if page is None:
            environ[pages.VISIT_WANTED] = True
            return self.wsgi_app(environ, self._recording(environ, inputs, start_response))
        start_response("200 OK", [*visit.headers, ("Content-Length", str(len(page)))])
        self.served += 1
        return [page]

    def _page(self, visit: pages.Visit, path: str, slug: str, module_slug: str) -> bytes | None:
        if (
            time.time() - visit.cookie_signed_at
            > self.app.permanent_session_lifetime.total_seconds()
        ):
            return None
        if visit.session_deadline is not None and clock.utcnow() >= visit.session_deadline:
            return None
        if len(slug) > MAX_SLUG or not COURSE_SLUG.match(slug) or not self._routed(path):
            return None
        course = self.catalog.served(slug)
        module = course.module(module_slug) if course else None
        if module is None:
            return None
        try:
            reader = self._reader(visit, slug)
        except Exception:  # the app tries again and shows its own error page
            log.exception("reading the signed-in reader failed")
            return None
        if reader is None or not reader.active:
            return None
        if course.draft and not reader.roles & DRAFT_READERS:
            return None
        progress = queries.course_progress(reader, course)
        locale = reader.locale if reader.locale in LANGUAGES else visit.browser_locale
        page = self.pages.get(pages.key(course, module, locale, reader.roles, progress))
        return None if page is None else page.filled(visit.csrf_token, reader.name)

    def _reader(self, visit: pages.Visit, slug: str) -> session_users.SessionUser | None:
        rows = self.statement.rows(user_id=visit.user_id, course_slug=slug)
        reader = session_users.from_rows(visit.user_id, visit.session_version, rows)
        if reader is not None:
            reader.facts[queries.PROGRESS_OF] = slug
        return reader

    def _routed(self, path: str) -> bool:
        """Whether the app's URL map sends this path to the lesson view (a fixed route
        such as /courses/<slug>/exam comes first there)."""
        routed = self.routed.get(path)
        if routed is None:
            try:
                endpoint, _ = self.app.url_map.bind("localhost").match(path, method="GET")
            except HTTPException:  # not found, or a redirect to another address
                endpoint = None
            routed = endpoint == "learning.module"
            with self._lock:
                if len(self.routed) >= MAX_VISITS:
                    self.routed.clear()
                self.routed[path] = routed
        return routed

    def _recording(self, environ: dict, inputs: tuple, start_response: Callable) -> Callable:
        def record_then_start(status: str, headers: list, exc_info: Any = None):
            visit: pages.Visit | None = environ.get(pages.VISIT)
            if visit is not None and status.startswith("200 ") and _no_cookie_set(headers):
                kept = tuple((n, v) for n, v in headers if n.lower() != "content-length")
                self._remember(inputs, replace(visit, headers=kept))
            return start_response(status, headers, exc_info)

        return record_then_start

    def _remember(self, inputs: tuple, visit: pages.Visit) -> None:
        with self._lock:
            if len(self.visits) >= MAX_VISITS:
                self.visits.clear()  # rarely: start over rather than keep every visit
            self.visits[inputs] = visit


class DriverStatement:
    """A SELECT compiled once for the engine's database and run on a pooled connection
    through the database driver: SQLAlchemy's Core execution (connection object,
    compiled-cache look-up, result processing) cost as much as the query itself. Rows
    come back as the driver gives them (SQLite: time stamps as text)."""

    def __init__(self, engine: Engine, statement: Any) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        self.engine, self.sql = engine, str(compiled)
        self.order = tuple(compiled.positiontup or ()) if compiled.positional else None
        self.row = namedtuple("Row", [column.key for column in statement.selected_columns])

    def rows(self, **params: Any) -> list[Any]:
        values = [params[name] for name in self.order] if self.order is not None else params
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self.sql, values)
            rows = cursor.fetchall()
            cursor.close()
        finally:
            connection.close()  # back to the pool, which ends the transaction
        return [self.row(*row) for row in rows]


def _no_cookie_set(headers: list) -> bool:
    return not any(name.lower() == "set-cookie" for name, _ in headers)


def install(app: Flask) -> None:
    """Outside development (templates and courses change there, pages are not kept)."""
    if app.config["TEMPLATES_AUTO_RELOAD"]:
        return
    from ..extensions import db

    with app.app_context():
        engine = db.engine
    middleware = KeptLessons(app.wsgi_app, app, engine)
    app.extensions["kept_lessons"] = middleware
    app.wsgi_app = middleware  # type: ignore[method-assign]
