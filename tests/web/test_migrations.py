"""The schema comes from Alembic migrations, and they match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, make_url, text

from academy.extensions import db
from academy.factory import create_app
from tests.fixtures.settings import make_environ


@pytest.fixture
def empty_database(database_url, tmp_path):
    """A second, empty database of the same kind as the test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    # Named after the test database: parallel workers and other checkouts never share it.
    name = f"{make_url(database_url).database}_migration"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_then_downgrade(empty_database, tmp_path):
    from flask_migrate import downgrade, upgrade

    app = create_app(make_environ(empty_database, tmp_path))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {
            "users",
            "user_roles",
            "module_completions",
            "exam_attempts",
            "exam_results",
            "certificates",
        } <= tables
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"render_as_batch": True})
            assert compare_metadata(context, db.metadata) == []  # models and migrations agree
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_upgrading_keeps_the_data_of_every_person(empty_database, tmp_path):
    """SQLite rebuilds a table to change it; with foreign keys enforced, rebuilding
    `users` would cascade and delete everything that refers to a person."""
    from datetime import datetime

    from flask_migrate import upgrade

    app = create_app(make_environ(empty_database, tmp_path))
    now = datetime(2026, 1, 1)
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, active, session_version, created_at)"
                    " VALUES (1, 'a@firma.example', 'A', true, 1, :t)"
                ),
                {"t": now},
            )
            connection.execute(
                text(
                    "INSERT INTO module_completions (user_id, course_slug, module_slug,"
                    " module_version, completed_at) VALUES (1, 'kurs', 'eins', 'v1', :t)"
                ),
                {"t": now},
            )
        upgrade()
        with db.engine.connect() as connection:
            kept = connection.execute(text("SELECT count(*) FROM module_completions")).scalar()
        db.engine.dispose()
    assert kept == 1


def test_0012_makes_open_retrainings_assignments_and_goes_back(empty_database, tmp_path):
    """Open retrainings become assignments of kind "retraining" beside the person's open
    renewal of the course; downgrading removes them and restores the old index."""
    from datetime import datetime

    from flask_migrate import downgrade, upgrade

    app = create_app(make_environ(empty_database, tmp_path))
    now = datetime(2026, 1, 1)
    with app.app_context():
        upgrade(revision="0011")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO users (id, email, name, active, session_version, created_at)"
                " VALUES (1, 'a@firma.example', 'A', true, 1, :t)",
                "INSERT INTO assignments (user_id, course_slug, due_on, assigned_at)"
                " VALUES (1, 'kurs', '2027-01-01', :t)",
                "INSERT INTO course_versions (id, course_slug, number, version, archive,"
                " published_at, note, change, modules)"
                " VALUES (1, 'kurs', 1, 'v2', :b, :t, 'neu', 'material', '[\"eins\"]')",
                "INSERT INTO retrainings (user_id, course_slug, version_id, earned_on, modules,"
                " assigned_at) VALUES (1, 'kurs', 1, 'v1', '[\"eins\"]', :t)",
            ):
                connection.execute(text(statement), {"t": now, "b": b"zip"})
        upgrade(revision="0012")
        with db.engine.connect() as connection:
            kinds = (
                connection.execute(text("SELECT kind FROM assignments ORDER BY id")).scalars().all()
            )
        assert kinds == ["course", "retraining"]
        downgrade(revision="0011")
        with db.engine.connect() as connection:
            left = connection.execute(text("SELECT count(*) FROM assignments")).scalar()
            columns = {c["name"] for c in inspect(connection).get_columns("assignments")}
        assert left == 1 and "kind" not in columns
        db.engine.dispose()
