"""The trainer's migration fills the item statistics from the exams graded before it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from academy.extensions import db
from academy.factory import create_app
from tests.fixtures.settings import make_environ
from tests.web.test_migrations import empty_database  # noqa: F401  (a fixture)

QUESTIONS = """[
 {"id": "q1", "module": "a", "prompt": "", "body": "", "explanation": "",
  "options": [{"id": "r", "html": "", "correct": true}, {"id": "w", "html": "", "correct": false}]},
 {"id": "q2", "module": "b", "prompt": "", "body": "", "explanation": "",
  "options": [{"id": "r", "html": "", "correct": true}, {"id": "w", "html": "", "correct": false}]}
]"""
NOW = datetime(2026, 11, 1, 10, 0)


def attempt(connection, attempt_id: int, answers: str, late: bool = False) -> None:
    connection.execute(
        text(
            "INSERT INTO exam_attempts (id, user_id, course_slug, course_version, pass_mark,"
            " questions, started_at, submitted_at) VALUES (:id, 1, 'kurs', 'v1', 50, :q, :t, :t)"
        ),
        {"id": attempt_id, "q": QUESTIONS, "t": NOW},
    )
    connection.execute(
        text(
            "INSERT INTO exam_results (attempt_id, answers, correct_count, total, percent,"
            " passed, late, graded_at) VALUES (:id, :a, 0, 2, 0, false, :late, :t)"
        ),
        {"id": attempt_id, "a": answers, "late": late, "t": NOW},
    )


def test_upgrade_fills_the_item_sums_from_graded_exams(empty_database, tmp_path):  # noqa: F811
    from flask_migrate import upgrade

    app = create_app(make_environ(empty_database, tmp_path))
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, active, session_version, created_at)"
                    " VALUES (1, 'a@firma.example', 'A', true, 1, :t)"
                ),
                {"t": NOW},
            )
            attempt(connection, 1, '{"q1": ["r"], "q2": ["w"]}')
            attempt(connection, 2, '{"q1": ["r"], "q2": ["r"]}')
            attempt(connection, 3, '{"q1": ["r"]}', late=True)  # not graded: left out
        upgrade()
        with db.engine.connect() as connection:
            sums = connection.execute(
                text(
                    'SELECT question_id, drawn, "right", rest, rest_squares, rest_when_right'
                    " FROM question_sums WHERE course_slug = 'kurs' AND course_version = 'v1'"
                    " ORDER BY question_id"
                )
            ).all()
            wrong = connection.execute(
                text("SELECT question_id, option_id, chosen FROM wrong_choice_counts")
            ).all()
            kinds = connection.execute(text("SELECT DISTINCT kind FROM exam_attempts")).all()
        db.engine.dispose()
    # q1 right twice, rest scores 0 and 1; q2 right once (attempt 2), rest scores 1 and 1
    assert [tuple(row) for row in sums] == [("q1", 2, 2, 1, 1, 1), ("q2", 2, 1, 2, 2, 1)]
    assert [tuple(row) for row in wrong] == [("q2", "w", 1)]
    assert [k[0] for k in kinds] == ["exam"]
