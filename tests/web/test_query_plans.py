"""Every query behind the HR dashboard, the people list and its filters, the exports and
the reminders can use an index on PostgreSQL at company size.

A database of its own (next to the test database) is seeded once per session with
`demo seed` (PLAN_TEST_PEOPLE people, 20,000 by default) and analysed. The queries are
recorded while the real functions run, then each is EXPLAINed with the planner told to
avoid sequential scans wherever it has another way: a large table that is still read by
a Seq Scan has no index the query can use. (With default settings PostgreSQL rightly
reads a whole table sequentially when the dashboard counts every open assignment of the
company; what this guards against is a query that has no other way.)

Not checked here: that a question about one department reads only that department's
certificates (and, for the evidence report, attempts and reading). hr/status.py and
hr/evidence.py restrict their aggregates to the people asked about (tests/web/test_hr_dashboard.py checks the
statements); whether PostgreSQL then probes the indexes or reads a small table whole is
its choice by size (at 50,000 people it probes them for one department: bench/hr.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, make_url, select, text

from academy import clock
from academy.extensions import db
from academy.factory import create_app
from tests.fixtures.settings import make_environ

PEOPLE = int(os.environ.get("PLAN_TEST_PEOPLE", "20000"))
LARGE_TABLES = {
    "users",
    "user_roles",
    "assignments",
    "certificates",
    "module_completions",
    "exam_attempts",
    "exam_results",
    "reminders",
    "audit_events",
}
COURSE = "ki-am-arbeitsplatz"


@dataclass(frozen=True)
class Recorded:
    label: str
    statement: str
    parameters: object


@pytest.fixture(scope="session")
def company(database_url, tmp_path_factory) -> Iterator[Flask]:
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "query plans are checked on PostgreSQL (TEST_DATABASE_URL); SQLite has no planner to ask"
        )
    from flask_migrate import upgrade

    from academy.hr import seed

    name = f"{make_url(database_url).database}_plans"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    app = create_app(make_environ(url, tmp_path_factory.mktemp("plans")))
    with app.app_context():
        upgrade()
        seed.seed(PEOPLE)
        db.session.commit()
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def recording(app: Flask, label: str, into: list[Recorded]) -> Iterator[None]:
    def listener(_conn, _cursor, statement, parameters, _context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not executemany:
            into.append(Recorded(label, statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def sequential_scans(plan: dict) -> set[str]:
    """The large tables a plan reads with a Seq Scan, anywhere in the tree."""
    found = set()
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in LARGE_TABLES:
        found.add(plan["Relation Name"])
    for child in plan.get("Plans", ()):
        found |= sequential_scans(child)
    return found


def explain(recorded: Recorded, avoid_seqscan: bool) -> set[str]:
    with db.engine.connect() as connection:
        if avoid_seqscan:
            connection.exec_driver_sql("SET enable_seqscan = off")
        (plan,) = connection.exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) {recorded.statement}", recorded.parameters
        ).scalar_one()
        connection.rollback()
    return sequential_scans(plan["Plan"])


def record_all(app: Flask, work: dict[str, Callable[[], object]]) -> list[Recorded]:
    recorded: list[Recorded] = []
    with app.test_request_context():
        for label, run in work.items():
            with recording(app, label, recorded):
                result = run()
                if hasattr(result, "__next__") or isinstance(result, tuple):
                    _drain(result)
            db.session.rollback()
    assert {r.label for r in recorded} == set(work), "every function ran a query"
    return recorded


def _drain(result) -> None:
    rows = result[1] if isinstance(result, tuple) else result
    for _ in rows:
        pass


def hr_work(app: Flask) -> dict[str, Callable[[], object]]:
    from academy.accounts.models import User
    from academy.hr import evidence, queries, reminders, reports
    from academy.hr.queries import ListFilters, Scope

    everything = Scope(everything=True)
    today = clock.today()
    with app.app_context():
        departments = frozenset(range(1, 6))
        manager = db.session.scalar(select(User.email).where(User.manager_id.is_(None)).limit(1))
    some = Scope(False, departments)
    settings = app.config["SETTINGS"]
    return {
        "dashboard, every course": lambda: queries.summary(everything, today),
        "dashboard, one course": lambda: queries.summary(everything, today, COURSE),
        "dashboard, five departments": lambda: queries.summary(some, today, COURSE),
        "certificates per week": lambda: queries.certificates_per_week(everything, today),
        "list: overdue by name": lambda: queries.people_page(
            everything, today, ListFilters(course=COURSE, status="overdue", sort="name"), 3
        ),
        "list: one department": lambda: queries.people_page(
            everything, today, ListFilters(department_id=3), 1
        ),
        "list: due before": lambda: queries.people_page(
            everything, today, ListFilters(due_before=today + timedelta(days=10)), 1
        ),
        "list: expiring": lambda: queries.people_page(
            everything, today, ListFilters(status="expiring"), 1
        ),
        "list: by manager": lambda: queries.people_page(
            everything, today, ListFilters(manager=manager), 1
        ),
        "list: HR with five departments": lambda: queries.people_page(
            some, today, ListFilters(), 1
        ),
        "export of the list": lambda: reports.people_table(everything, today, ListFilters(), {}),
        "evidence export": lambda: list(evidence.rows(everything, evidence.Filters())),
        "reminders planned": lambda: reminders.plan(today, settings),
    }


@pytest.fixture(scope="session")
def hr_queries(company) -> list[Recorded]:
    return record_all(company, hr_work(company))


def test_every_hr_query_has_an_index_for_each_large_table(company, hr_queries):
    with company.app_context():
        scans = {
            f"{r.label}: {table}\n{r.statement}"
            for r in hr_queries
            for table in explain(r, avoid_seqscan=True)
        }
    assert scans == set()


def test_the_check_sees_a_sequential_scan(company):
    """The check itself works: a filter on a column without an index is caught."""
    from academy.accounts.models import User

    recorded: list[Recorded] = []
    with company.test_request_context(), recording(company, "unindexed", recorded):
        db.session.execute(select(User.id).where(User.location == "Köln")).all()
    with company.app_context():
        assert explain(recorded[0], avoid_seqscan=True) == {"users"}
