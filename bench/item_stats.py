"""Benchmark: item statistics over many graded exams.

Fills a fresh database with --attempts graded final exams (100,000 by default) of the
bundled German course, 20 of its 45 questions each, then times the statistics page's
queries, the whole page, the CSV and what one graded exam adds. Figures, not pass/fail.

    .venv/bin/python bench/item_stats.py                   # SQLite in a temporary folder
    .venv/bin/python bench/item_stats.py --database-url postgresql+psycopg://…/scratch
      (the database's public schema is dropped and re-created: use a scratch database)
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import astuple
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from sqlalchemy import create_engine, insert, text  # noqa: E402

SLUG = "ki-am-arbeitsplatz"
BATCH = 2000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        app = make_app(url, Path(folder))
        with app.app_context():
            filled = fill(app, args.attempts)
            report(app, args, filled)


def make_app(url: str, instance: Path):
    from flask_migrate import upgrade
    from tests.fixtures.settings import make_environ

    from academy.factory import create_app

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(make_environ(url, instance))
    with app.app_context():
        upgrade()
    return app


def fill(app, attempts: int) -> float:
    """Graded exams: the attempts, and their item sums as the exam_graded receiver adds
    them (added up here per batch); returns the seconds taken."""
    from academy.accounts import services as accounts
    from academy.exams.models import ExamAttempt, ExamResult
    from academy.extensions import db
    from academy.learning.queries import catalog

    started = time.perf_counter()
    course = catalog().get(SLUG)
    user = accounts.create_user("bench@firma.example", "Bench", "bench password 1", ["learner"])
    db.session.commit()
    rng = random.Random(1)
    ease = {q.id: rng.uniform(0.2, 0.99) for q in course.questions}
    now = datetime(2026, 11, 1)
    for first in range(1, attempts + 1, BATCH):
        ids = range(first, min(first + BATCH, attempts + 1))
        attempt = {"user_id": user.id, "course_slug": SLUG, "course_version": course.version}
        attempt |= {"kind": "exam", "pass_mark": 80, "questions": [], "started_at": now}
        attempt |= {"submitted_at": now}
        db.session.execute(insert(ExamAttempt), [{"id": i, **attempt} for i in ids])
        result = {"answers": {}, "correct_count": 0, "total": 20, "percent": 0, "passed": False}
        db.session.execute(insert(ExamResult), [{"attempt_id": i, **result} for i in ids])
        add_sums(course, [exam(course, ease, rng) for _ in ids])
        db.session.commit()
    return time.perf_counter() - started


def exam(course, ease, rng) -> dict:
    """Question id -> (right?, wrong option ticked or None) of one synthetic exam."""
    ability = rng.gauss(0, 0.15)
    answers = {}
    for question in rng.sample(course.questions, 20):
        right = rng.random() < min(0.99, ease[question.id] + ability)
        wrong = [o.id for o in question.options if not o.correct]
        answers[question.id] = (right, None if right or not wrong else rng.choice(wrong))
    return answers


def add_sums(course, exams: list[dict]) -> None:
    from academy.trainer import services
    from academy.trainer.models import QuestionSums, WrongChoiceCount
    from academy.trainer.statistics import graded

    where = {"course_slug": SLUG, "course_version": course.version}
    sums: dict[str, list[int]] = {}
    wrong: dict[tuple[str, str], int] = {}
    for answers in exams:
        for added in graded({qid: right for qid, (right, _) in answers.items()}):
            totals = sums.setdefault(added.question_id, [0] * 5)
            for index, value in enumerate(astuple(added)[1:]):
                totals[index] += value
        for qid, (_, option) in answers.items():
            if option is not None:
                wrong[(qid, option)] = wrong.get((qid, option), 0) + 1
    names = ("drawn", "right", "rest", "rest_squares", "rest_when_right")
    rows = [
        {**where, "question_id": q, **dict(zip(names, v, strict=True))}
        for q, v in sorted(sums.items())
    ]
    services._add(QuestionSums, rows, names)
    choices = [
        {**where, "question_id": q, "option_id": o, "chosen": n}
        for (q, o), n in sorted(wrong.items())
    ]
    services._add(WrongChoiceCount, choices, ("chosen",))


def one_graded_exam(course, ease, rng) -> None:
    """The write path of one exam, as the receiver does it (then undone)."""
    from academy.extensions import db

    add_sums(course, [exam(course, ease, rng)])
    db.session.rollback()


def timed(run, repeat: int = 5) -> float:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def report(app, args, filled: float) -> None:
    from tests.fixtures.web import login

    from academy.accounts import services as accounts
    from academy.extensions import db
    from academy.learning.queries import catalog
    from academy.trainer import queries

    course = catalog().get(SLUG)
    version, rng = course.version, random.Random(2)
    ease = {q.id: 0.7 for q in course.questions}
    accounts.create_user("trainer@firma.example", "T", "bench password 1", ["trainer"])
    db.session.commit()
    client = app.test_client()
    login(client, "trainer@firma.example", "bench password 1")
    page = f"/trainer/courses/{SLUG}/statistics"
    results = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "database": db.engine.dialect.name,
        "attempts": args.attempts,
        "sum_rows": db.session.scalar(text("SELECT count(*) FROM question_sums")),
        "fill_seconds": round(filled, 1),
        "aggregates_seconds": round(timed(lambda: queries.item_statistics_for(SLUG, version)), 3),
        "versions_seconds": round(timed(lambda: queries.statistics_versions(SLUG)), 3),
        "all_versions_seconds": round(timed(lambda: queries.item_statistics_for(SLUG, None)), 3),
        "page_seconds": round(timed(lambda: client.get(page)), 3),
        "csv_seconds": round(timed(lambda: client.get(f"{page}.csv")), 3),
        "one_exam_write_seconds": round(
            timed(lambda: one_graded_exam(course, ease, rng), repeat=50), 4
        ),
    }
    print(json.dumps(results, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = results["when"].replace(":", "")
    (out / f"item-stats-{results['database']}-{stamp}.json").write_text(
        json.dumps(results, indent=2)
    )


if __name__ == "__main__":
    main()
