"""The application factory: settings, extensions, then each domain wires itself.

Adding a domain is one folder with an `init_app(app)` and one entry in DOMAINS.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from datetime import timedelta

from flask import Flask, current_app, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    accounts,
    certificates,
    config,
    dashboard,
    errors,
    exams,
    health,
    hr,
    learning,
    navigation,
    outbox,
    privacy,
    request_logs,
    session_cookies,
    sso,
    templating,
    trainer,
    web,
)
from .config import LANGUAGES, PROJECT_ROOT, Settings
from .extensions import babel, csrf, db, limiter, login_manager, migrate

# In order: a domain may rely on the ones before it (learning loads the catalog that
# exams and certificates read). Each has init_app(app).
DOMAINS = (accounts, learning, exams, certificates, hr, trainer, dashboard, privacy, sso)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def create_app(environ: Mapping[str, str] | None = None) -> Flask:
    """Build the app from environment variables (or the given mapping, for tests)."""
    settings = config.load(environ)
    app = Flask(
        __name__,
        instance_path=str(settings.instance_dir),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, settings)
    session_cookies.init_app(app)
    if settings.proxy_hops:
        # X-Forwarded-Host is not trusted: links come from PUBLIC_URL, and the host a
        # request may name is checked against TRUSTED_HOSTS.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.proxy_hops,
            x_proto=settings.proxy_hops,
            x_prefix=settings.proxy_hops,
        )
    _init_extensions(app)
    templating.init_app(app)
    web.init_app(app)  # before the domains: their routes use its converter
    outbox.init_app(app)
    request_logs.install()
    for domain in DOMAINS:
        domain.init_app(app)
    app.config["CONTENT_SECURITY_POLICY"] = _content_security_policy(app)
    app.extensions["security_headers"] = _header_defaults(app)
    health.init_app(app)
    navigation.check(app)
    errors.init_app(app)
    app.after_request(_security_headers)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        TESTING=settings.env == "testing",
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings.database_url),
        PUBLIC_COURSES=settings.public_courses,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.production,
        REMEMBER_COOKIE_DURATION=timedelta(days=settings.remember_days),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        BABEL_DEFAULT_LOCALE="de",
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        BABEL_TRANSLATION_DIRECTORIES=str(PROJECT_ROOT / "platform" / "academy" / "translations"),
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        RATELIMIT_ENABLED=settings.ratelimit_enabled,
        RATELIMIT_HEADERS_ENABLED=True,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        TEMPLATES_AUTO_RELOAD=settings.env == "development",
        TRUSTED_HOSTS=list(settings.trusted_hosts) or None,
    )
    if settings.env != "testing":
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


def _engine_options(database_url: str) -> dict:
    """Give up quickly on a database that does not answer, so that a request gets a
    friendly 503 in seconds instead of hanging until the worker is killed."""
    if database_url.startswith("sqlite"):
        # A file cannot go away like a server connection: no ping before each request.
        connect_args = {"timeout": 5}  # waits for a lock at most this long (also the pragma)
        return {"pool_timeout": 10, "connect_args": connect_args}
    connect_args = {"connect_timeout": 5, "options": "-c statement_timeout=30000"}
    return {"pool_pre_ping": True, "pool_timeout": 10, "connect_args": connect_args}


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":  # only there: each listener costs a little
            event.listen(db.engine, "savepoint", _sqlite_savepoint_inside_a_transaction)
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "platform" / "academy" / "migrations"),
        render_as_batch=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)


def _select_locale() -> str:
    """The signed-in user's choice, else the language cookie, else the browser's."""
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return web.browser_locale()


def _content_security_policy(app: Flask) -> str:
    """Forms post to this site only; a domain may add an origin its forms are sent on
    to (single sign-on: sign-out continues at the provider, and browsers apply
    form-action to that redirect too)."""
    origins = " ".join(app.config.get("FORM_ACTION_ORIGINS", ()))
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    return (
        policy.replace("form-action 'self'", f"form-action 'self' {origins}") if origins else policy
    )


def _header_defaults(app: Flask) -> list[tuple[str, str]]:
    """The headers every response gets unless a view set its own, worked out once."""
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": app.config["CONTENT_SECURITY_POLICY"]}
    if app.config["SETTINGS"].production:  # TLS at the proxy: browsers keep to it
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return list(headers.items())


def _security_headers(response):
    headers = response.headers
    for name, value in current_app.extensions["security_headers"]:
        if name not in headers:
            headers.add(name, value)
    if request.endpoint == "static":
        return response
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "sessionless", False):  # /healthz: never a user query, sets no-store
        return response
    if getattr(view, "noindex", False):  # pages for one reader (verification): not kept
        response.headers.setdefault("X-Robots-Tag", "noindex")
        response.headers["Cache-Control"] = "no-store"
    # A page about a person: no shared or disk cache. is_anonymous, not is_authenticated:
    # it reads no column, so a view that committed does not reload the user for it.
    if not current_user.is_anonymous:
        response.headers["Cache-Control"] = "no-store"
    return response


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: write-ahead log synced at checkpoints, enforced foreign keys, wait instead
    of failing when busy,
    and deleted rows overwritten with zeros (an erased person stays out of the file)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # With the write-ahead log, NORMAL syncs the log at checkpoints instead of at
        # every commit (FULL): a commit no longer waits for the disk, about 9 ms on the
        # development machine, while the writer holds the database's one write lock. The
        # database stays consistent; a power failure (not a crash of the app) may lose
        # the last commits. Deployments that cannot accept that use PostgreSQL.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def _sqlite_savepoint_inside_a_transaction(connection, _name) -> None:
    """SQLite: Python's driver begins a transaction before a write, not before SAVEPOINT,
    so a savepoint opened before the transaction's first write would itself be the
    transaction, and releasing it would commit what the caller may still roll back (an
    exam attempt without its audit event). Begin first, taking the write lock a savepoint
    is opened for (waiting for it as a write would)."""
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
