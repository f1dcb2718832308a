"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
the app, its client, factories for users and signed-in clients, and a way to serve a
changed course. Plain helpers (post with a CSRF token, a learner's steps) live in
tests/fixtures/."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import URL, create_engine, inspect, make_url, text

from academy.content import Course
from academy.extensions import db
from academy.factory import create_app
from academy.learning.queries import catalog
from tests.fixtures import mail
from tests.fixtures.journey import COURSE, finish_modules, pass_exam
from tests.fixtures.settings import make_environ
from tests.fixtures.web import PASSWORD, login


def pytest_report_header() -> str:
    return f"database: {_database_kind()}"


def _database_kind() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    """An empty database for the session: PostgreSQL gets a fresh schema. With parallel
    workers (pytest-xdist) each worker has a database of its own, named after it."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if worker_id != "master":
        url = _worker_database(make_url(url), worker_id)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _worker_database(url: URL, worker_id: str) -> str:
    """<database>_<worker>, created next to the given database when missing."""
    name = f"{url.database}_{worker_id}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


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
def make_app(app, database_url, tmp_path) -> Iterator[Callable[..., Flask]]:
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
        # The session app remembers the courses published in the browser for a while;
        # they are gone with the tables, so the next test must not be served them.
        application.extensions["catalog"].forget_published()


@pytest.fixture
def smtp_server():
    """A real SMTP server on the loopback: (port, inbox)."""
    with mail.smtp_server() as server:
        yield server


@pytest.fixture
def make_mail_app(make_app, smtp_server) -> Callable[..., tuple[Flask, mail.Inbox]]:
    """An app (with these further settings) that sends its mail to `smtp_server`."""
    port, inbox = smtp_server

    def make(**settings: str) -> tuple[Flask, mail.Inbox]:
        application = make_app(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(port),
            SMTP_STARTTLS="false",
            MAIL_FROM="akademie@firma.example",
            **settings,
        )
        return application, inbox

    return make


@pytest.fixture
def mail_app(make_mail_app):
    """An app that sends its mail to `smtp_server`: (app, inbox)."""
    return make_mail_app()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


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


@pytest.fixture
def signed_in(app, create_user) -> Callable:
    """A client signed in as a new user with these roles; returns (client, user_id)."""

    def make(*roles: str, **kwargs):
        user_id, email = create_user(*roles, **kwargs)
        client = app.test_client()
        login(client, email, kwargs.get("password", PASSWORD))
        return client, user_id

    return make


@pytest.fixture
def learner(signed_in, app):
    """A signed-in learner who has finished every module of the German course."""
    client, user_id = signed_in()
    finish_modules(client, app)
    return client, user_id


@pytest.fixture
def certified(signed_in, app):
    """A signed-in learner holding a certificate for the German course."""
    client, user_id = signed_in(name="Clara Zertifiziert")
    finish_modules(client, app)
    pass_exam(client, app)
    return client, user_id


@pytest.fixture
def replace_course(app, monkeypatch) -> Callable[..., Course]:
    """Serve a changed copy of a course for this test only, e.g.
    replace_course(exam={"time_limit_minutes": 30}) or replace_course(modules=(...))."""

    def replace(slug: str = COURSE, *, exam: dict | None = None, **fields) -> Course:
        with app.app_context():
            courses = catalog()
            original = courses.get(slug, include_drafts=True)
            assert original is not None, slug
            if exam:
                fields["exam"] = dataclasses.replace(original.exam, **exam)
            changed = dataclasses.replace(original, **fields)
            monkeypatch.setitem(courses._courses, slug, changed)
        return changed

    return replace


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID provider process on the loopback (tests/oidc/provider.mjs)."""
    from tests.fixtures.oidc import running_provider

    with running_provider(tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


@pytest.fixture
def provider(oidc_provider):
    """The provider with its first key, the app's client and no users; put back after
    the test."""
    from tests.fixtures.oidc import client

    keys = list(oidc_provider.keys)
    yield oidc_provider
    oidc_provider.configure(keys=keys, clients=[client()], users={})
