"""Benchmark: the HR figures, list and exports at company size (figures, not pass/fail).

Fills a fresh database with `demo seed` (PEOPLE people in departments of 250: not
started, in progress, overdue, certified, expiring, expired, recertified), then times
the dashboard's GROUP BY (every department, ten departments, one department), filtered
list pages, the timeline, and a full CSV and XLSX export of the list and the evidence
report (with the peak of Python memory while exporting), and prints PostgreSQL's plan
of the dashboard query.

    .venv/bin/python bench/hr.py                                   # SQLite in a temp folder
    .venv/bin/python bench/hr.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench --reset
    .venv/bin/python bench/hr.py --database-url … --reuse          # measure a seeded database again

--reset drops and re-creates the PostgreSQL database's public schema first; without it
(and without --reuse) the database must be empty.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

COURSE = "ki-am-arbeitsplatz"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="the database is seeded already")
    parser.add_argument("--repeat", type=int, default=10, help="timings per query")
    parser.add_argument("--no-exports", action="store_true")
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
    from academy.extensions import db
    from academy.hr import seed

    with app.app_context():
        seed.seed(people)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE")
                )
        db.session.remove()


def timed(label: str, run, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    median, worst = statistics.median(times), max(times)
    print(f"{label:<46} median {median:8.1f} ms, worst {worst:8.1f} ms")
    return {label: {"median_ms": round(median, 1), "worst_ms": round(worst, 1)}}


def measure(app, args) -> dict:
    from academy import clock
    from academy.extensions import db
    from academy.hr import queries
    from academy.hr.queries import ListFilters, Scope

    everything = Scope(everything=True)
    some = Scope(False, frozenset(range(1, 11)))
    one = Scope(False, frozenset({3}))
    today = clock.today()
    figures: dict = {}
    repeat = args.repeat
    with app.test_request_context():
        work = {
            "dashboard, one course, every department": lambda: queries.summary(
                everything, today, COURSE
            ),
            "dashboard, all courses": lambda: queries.summary(everything, today),
            "dashboard, HR with 10 departments": lambda: queries.summary(some, today, COURSE),
            "dashboard, HR with 1 department": lambda: queries.summary(one, today),
            "certificates per week (26 weeks)": lambda: queries.certificates_per_week(
                everything, today
            ),
            "list page: overdue, sorted by name": lambda: queries.people_page(
                everything, today, ListFilters(course=COURSE, status="overdue", sort="name"), 3
            ),
            "list page: one department, by due date": lambda: queries.people_page(
                everything, today, ListFilters(department_id=5), 1
            ),
            "list page: HR with 1 department": lambda: queries.people_page(
                one, today, ListFilters(), 1
            ),
        }
        for label, run in work.items():
            run()  # warm: statement caches, the database's buffers
            figures |= timed(label, run, repeat)
        if not args.no_exports:
            for kind in ("csv", "xlsx"):
                figures |= export(f"list as {kind}", lambda k=kind: _export(k, everything, today))
                figures |= export(
                    f"evidence as {kind}", lambda k=kind: _evidence(k, everything, today)
                )
        if db.engine.dialect.name == "postgresql":
            explain(everything, today)
        db.session.remove()
    return figures


def _chunks(kind: str, header, rows):
    from academy.hr import exports

    if kind == "csv":
        return exports.csv_lines(header, rows)
    return exports.xlsx_chunks(header, rows, "x")


def _export(kind: str, scope, today) -> int:
    from academy.hr import reports
    from academy.hr.queries import ListFilters

    header, rows = reports.people_table(scope, today, ListFilters(), {})
    return sum(len(chunk) for chunk in _chunks(kind, header, rows))


def _evidence(kind: str, scope, today) -> int:
    from academy.hr import evidence, reports

    header, rows = reports.evidence_table(scope, today, evidence.Filters(), {})
    return sum(len(chunk) for chunk in _chunks(kind, header, rows))


def export(label: str, run) -> dict:
    """Timed in one run, Python's memory traced in a second (tracemalloc slows the run
    it watches several times over)."""
    start = time.perf_counter()
    size = run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{'export: ' + label:<46} {seconds * 1000:8.1f} ms, {size / 1e6:.1f} MB, Python memory peak {peak / 1e6:.1f} MB"
    )
    return {f"export {label}": {"ms": round(seconds * 1000), "peak_mb": round(peak / 1e6, 1)}}


def explain(scope, today) -> None:
    """PostgreSQL's plan of the dashboard's GROUP BY, with timings."""
    from sqlalchemy import func, select

    from academy.accounts.models import User
    from academy.extensions import db
    from academy.hr.models import Assignment
    from academy.hr.status import facts

    f = facts(today, COURSE)
    grouped = (
        f.select(Assignment.course_slug, User.department_id, f.status, f.overdue, f.expiring)
        .where(scope.people())
        .subquery()
    )
    statement = select(*grouped.c, func.count()).group_by(*grouped.c)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars().all()
    print("\nPostgreSQL plan of the dashboard query:")
    print("\n".join(plan))


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        if args.reset and url.startswith("postgresql"):
            reset(url)
        app = make_app(url, Path(folder))
        if not args.reuse:
            start = time.perf_counter()
            fill(app, args.people)
            print(
                f"seeded {args.people} people in {time.perf_counter() - start:.0f} s ({url.split(':')[0]})\n"
            )
        figures = measure(app, args)
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        (results / f"hr-{stamp}.json").write_text(
            json.dumps({"people": args.people, "database": url.split(":")[0], **figures}, indent=2)
        )


if __name__ == "__main__":
    main()
