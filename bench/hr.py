"""Benchmark: the HR figures, list and exports at company size (figures, not pass/fail).

Fills a fresh database with PEOPLE people in 200 departments (assignments, reading
progress, exam attempts, certificates valid, expiring and expired), then times the
dashboard's GROUP BY, a filtered list page, the timeline, and a full CSV and XLSX export
(with the peak of Python memory while exporting), and prints PostgreSQL's plan of the
dashboard query.

    .venv/bin/python bench/hr.py                                   # SQLite in a temp folder
    .venv/bin/python bench/hr.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench --reset

--reset drops and re-creates the PostgreSQL database's public schema first; without it
the database must be empty.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

COURSE = "ki-am-arbeitsplatz"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reset", action="store_true")
    return parser.parse_args()


def make_app(url: str, instance: Path):
    from flask_migrate import upgrade
    from tests.fixtures.settings import make_environ

    from academy.factory import create_app

    app = create_app(make_environ(url, instance))
    with app.app_context():
        upgrade()
    return app


def reset(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fill(app, people: int) -> None:
    """Rows written with plain INSERTs (the services would take minutes for this)."""
    from academy.accounts.models import Department, User
    from academy.certificates.models import Certificate
    from academy.exams.models import ExamAttempt
    from academy.extensions import db
    from academy.hr.models import Assignment
    from academy.learning.models import ModuleCompletion

    rng, now = random.Random(7), datetime(2026, 11, 30, 9)
    today = now.date()
    with app.app_context():
        db.session.execute(
            insert(Department),
            [
                {"name": f"Abteilung {d}", "key": f"abteilung {d}", "created_at": now}
                for d in range(200)
            ],
        )
        users = [
            {"email": f"p{n}@firma.example", "name": f"Person {n}", "active": n % 50 != 0, "session_version": 1,
             "created_at": now, "department_id": 1 + n % 200, "manager_id": None, "employee_number": str(100000 + n)}
            for n in range(people)
        ]  # fmt: skip
        for start in range(0, people, 5000):
            db.session.execute(insert(User), users[start : start + 5000])
        rows = {"assignments": [], "reading": [], "attempts": [], "certificates": []}
        for n in range(1, people + 1):
            kind = rng.random()
            rows["assignments"].append(
                {
                    "user_id": n,
                    "course_slug": COURSE,
                    "due_on": today + timedelta(days=rng.randint(-60, 90)),
                    "assigned_at": now,
                }
            )
            if kind < 0.5:
                valid = today + timedelta(days=rng.randint(-40, 365))
                rows["certificates"].append(
                    {
                        "number": f"KIA-B{n:07d}",
                        "user_id": n,
                        "sequence": 1,
                        "course_slug": COURSE,
                        "course_version": "v1",
                        "course_title": "KI am Arbeitsplatz",
                        "certificate_title": "KI am Arbeitsplatz",
                        "language": "de",
                        "objectives": [],
                        "holder_name": f"Person {n}",
                        "organisation": "Bench",
                        "score_percent": 90,
                        "issued_at": now - timedelta(days=rng.randint(0, 365)),
                        "valid_until": valid,
                    }
                )
            if kind < 0.75:
                rows["reading"] += [
                    {
                        "user_id": n,
                        "course_slug": COURSE,
                        "module_slug": f"m{m}",
                        "module_version": "v",
                        "completed_at": now,
                    }
                    for m in range(3)
                ]
            if kind < 0.55:
                rows["attempts"].append(
                    {
                        "user_id": n,
                        "course_slug": COURSE,
                        "course_version": "v1",
                        "pass_mark": 80,
                        "questions": [],
                        "started_at": now,
                        "submitted_at": now,
                    }
                )
        for model, key in (
            (Assignment, "assignments"),
            (ModuleCompletion, "reading"),
            (ExamAttempt, "attempts"),
            (Certificate, "certificates"),
        ):
            for start in range(0, len(rows[key]), 5000):
                db.session.execute(insert(model), rows[key][start : start + 5000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE")
                )


def timed(label: str, run, repeat: int = 3) -> dict:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<46} {best * 1000:8.1f} ms")
    return {label: round(best * 1000, 1)}


def measure(app) -> dict:
    from academy import clock
    from academy.extensions import db
    from academy.hr import queries
    from academy.hr.queries import ListFilters, Scope

    everything = Scope(everything=True)
    some = Scope(False, frozenset(range(1, 11)))
    today = clock.today()
    figures: dict = {}
    with app.test_request_context():
        figures |= timed(
            "dashboard, one course, every department",
            lambda: queries.summary(everything, today, COURSE),
        )
        figures |= timed("dashboard, all courses", lambda: queries.summary(everything, today))
        figures |= timed(
            "dashboard, HR with 10 departments", lambda: queries.summary(some, today, COURSE)
        )
        figures |= timed(
            "certificates per week (26 weeks)",
            lambda: queries.certificates_per_week(everything, today),
        )
        overdue = ListFilters(course=COURSE, status="overdue", sort="name")
        figures |= timed(
            "list page: overdue, sorted by name",
            lambda: queries.people_page(everything, today, overdue, 3),
        )
        figures |= timed(
            "list page: one department, by due date",
            lambda: queries.people_page(everything, today, ListFilters(department_id=5), 1),
        )
        for kind in ("csv", "xlsx"):
            figures |= export(kind, lambda kind=kind: _export(kind, everything, today))
        if db.engine.dialect.name == "postgresql":
            explain(everything, today)
    return figures


def _export(kind: str, scope, today) -> int:
    from academy.hr import exports, reports
    from academy.hr.queries import ListFilters

    header, rows = reports.people_table(scope, today, ListFilters(), {})
    chunks = (
        exports.csv_lines(header, rows) if kind == "csv" else exports.xlsx_chunks(header, rows, "x")
    )
    return sum(len(chunk) for chunk in chunks)


def export(kind: str, run) -> dict:
    tracemalloc.start()
    start = time.perf_counter()
    size = run()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{'export of every row as ' + kind:<46} {seconds * 1000:8.1f} ms, {size / 1e6:.1f} MB, Python memory peak {peak / 1e6:.1f} MB"
    )
    return {
        f"export {kind} ms": round(seconds * 1000),
        f"export {kind} peak MB": round(peak / 1e6, 1),
    }


def explain(scope, today) -> None:
    """PostgreSQL's plan of the dashboard's GROUP BY, with timings."""
    from academy.accounts.models import User
    from academy.extensions import db
    from academy.hr import queries
    from academy.hr.models import Assignment
    from academy.hr.status import facts

    f = facts(today, COURSE)
    grouped = (
        f.select(Assignment.course_slug, User.department_id, f.status, f.overdue, f.expiring)
        .where(scope.people())
        .subquery()
    )
    from sqlalchemy import func, select

    statement = select(*grouped.c, func.count()).group_by(*grouped.c)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars().all()
    print("\nPostgreSQL plan of the dashboard query:")
    print("\n".join(plan))
    del queries


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        if args.reset and url.startswith("postgresql"):
            reset(url)
        app = make_app(url, Path(folder))
        start = time.perf_counter()
        fill(app, args.people)
        print(
            f"filled {args.people} people in {time.perf_counter() - start:.0f} s ({url.split(':')[0]})\n"
        )
        figures = measure(app)
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        (results / f"hr-{stamp}.json").write_text(
            json.dumps({"people": args.people, "database": url.split(":")[0], **figures}, indent=2)
        )


if __name__ == "__main__":
    main()
