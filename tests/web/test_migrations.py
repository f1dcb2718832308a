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


def test_0013_marks_started_assignments_and_goes_back(empty_database, tmp_path):
    """The backfill: a course assignment is started from the person's first reading or
    attempt in the course, whenever; a retraining only by one at or after it was
    assigned; nothing in the course, no mark. Downgrading drops the column."""
    from flask_migrate import downgrade, upgrade

    app = create_app(make_environ(empty_database, tmp_path))
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO users (id, email, name, active, session_version, created_at)"
                " VALUES (1, 'a@firma.example', 'A', true, 1, '2025-12-01 00:00:00')",
                "INSERT INTO module_completions (user_id, course_slug, module_slug,"
                " module_version, completed_at) VALUES (1, 'kurs', 'eins', 'v1',"
                " '2026-01-01 00:00:00')",
                "INSERT INTO module_completions (user_id, course_slug, module_slug,"
                " module_version, completed_at) VALUES (1, 'anders', 'eins', 'v1',"
                " '2025-12-02 00:00:00')",
                "INSERT INTO exam_attempts (user_id, course_slug, course_version, kind,"
                " pass_mark, reveal_answers, questions, started_at) VALUES (1, 'kurs', 'v1',"
                " 'exam', 80, 'after_pass', '[]', '2026-02-01 00:00:00')",
                # course, assigned after the reading: started with the reading
                "INSERT INTO assignments (id, user_id, course_slug, kind, due_on, assigned_at)"
                " VALUES (1, 1, 'kurs', 'course', '2027-01-01', '2026-06-01 00:00:00')",
                # retraining before the attempt: started with the attempt, not the reading
                "INSERT INTO assignments (id, user_id, course_slug, kind, due_on, assigned_at)"
                " VALUES (2, 1, 'kurs', 'retraining', '2027-01-01', '2026-01-15 00:00:00')",
                # retraining after everything (closed since): not started
                "INSERT INTO assignments (id, user_id, course_slug, kind, due_on, assigned_at,"
                " cancelled_at) VALUES (3, 1, 'kurs', 'retraining', '2027-01-01',"
                " '2026-06-01 00:00:00', '2026-07-01 00:00:00')",
                # a course nothing was done in
                "INSERT INTO assignments (id, user_id, course_slug, kind, due_on, assigned_at)"
                " VALUES (4, 1, 'leer', 'course', '2027-01-01', '2026-06-01 00:00:00')",
            ):
                connection.execute(text(statement))
        upgrade(revision="0013")
        with db.engine.connect() as connection:
            started = connection.execute(
                text("SELECT started_at FROM assignments ORDER BY id")
            ).scalars()
            days = [str(value)[:10] if value is not None else None for value in started]
        assert days == ["2026-01-01", "2026-02-01", None, None]
        downgrade(revision="0012")
        with db.engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("assignments")}
            left = connection.execute(text("SELECT count(*) FROM assignments")).scalar()
        assert "started_at" not in columns and left == 4
        db.engine.dispose()
