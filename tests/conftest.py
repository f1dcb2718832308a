"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
the app, its client and factories for users and signed-in clients."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text

from academy import create_app
from academy.extensions import db

ROOT = Path(__file__).resolve().parents[1]
COURSES = ROOT / "courses"
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def pytest_report_header() -> str:
    return f"database: {_database_kind()}"


def _database_kind() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """An empty database for the session: PostgreSQL gets a fresh schema."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def make_environ(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    return {
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-everything",
        "DATABASE_URL": database_url,
        "COURSES_DIR": str(COURSES),
        "INSTANCE_DIR": str(instance),
        "RATELIMIT_ENABLED": "false",
        "ORGANISATION_NAME": "Muster GmbH",
        "PUBLIC_URL": "https://academy.example.com",
        **extra,
    }


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    application = create_app(make_environ(database_url, tmp_path_factory.mktemp("instance")))
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(database_url, tmp_path) -> Iterator[Callable[..., Flask]]:
    """Another app on the same database with other settings, e.g. make_app(REGISTRATION="closed").

    The extensions are process-wide singletons and the last init_app() wins for some of
    their state (the rate limiter's on/off switch), so it is put back afterwards."""
    from academy.extensions import limiter

    made: list[Flask] = []

    def make(**settings: str) -> Flask:
        made.append(create_app(make_environ(database_url, tmp_path, **settings)))
        return made[-1]

    yield make
    if getattr(limiter, "_storage", None) is not None:
        limiter.reset()
    limiter.enabled = False
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request) -> Iterator[None]:
    """Every test starts with empty tables (the schema stays)."""
    yield
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        tables = [
            t for t in reversed(db.metadata.sorted_tables) if inspect(db.engine).has_table(t.name)
        ]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client: FlaskClient, path: str = "/privacy") -> str:
    """The session's CSRF token, as any page's language form carries it."""
    response = client.get(path)
    match = CSRF.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """POST with the session's CSRF token, like a browser submitting a form."""
    return client.post(path, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


@pytest.fixture
def create_user(app) -> Callable:
    from academy.accounts import services

    counter = iter(range(1, 10_000))

    def create(
        *roles: str, email: str | None = None, name: str | None = None, password: str = PASSWORD
    ):
        number = next(counter)
        with app.app_context():
            user = services.create_user(
                email or f"person{number}@firma.example",
                name or f"Person {number}",
                password,
                roles or ("learner",),
            )
            db.session.commit()
            return user.id, user.email

    return create


def login(client: FlaskClient, email: str, password: str = PASSWORD):
    response = post(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def signed_in(app, create_user) -> Callable:
    """A client signed in as a new user with these roles; returns (client, user_id)."""

    def make(*roles: str, **kwargs):
        user_id, email = create_user(*roles, **kwargs)
        client = app.test_client()
        login(client, email, kwargs.get("password", PASSWORD))
        return client, user_id

    return make
