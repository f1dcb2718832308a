"""Synthetic company data at any size for load tests and benchmarks
(`flask --app app demo seed --learners 50000`, refused in production).

The services issue one certificate at a time with its audit entry and signals; for tens
of thousands of people that takes many minutes. So this writes the same rows with bulk
INSERTs (ids come back through RETURNING), consistent with what the services would
have written: every certificate has the passed attempt and the read modules behind it,
completes an assignment and has the next round assigned, due when it ends.

People follow a fixed pattern of 20 (so the proportions are exact and testable):

| stage | of 20 | what it looks like |
| --- | --- | --- |
| not started | 5 | an open assignment due in 5–60 days, nothing read |
| in progress | 4 | some modules read, every fourth with a failed attempt |
| overdue | 3 | one not started and two in progress, due 1–40 days ago |
| certified | 6 | everything read, a passed attempt, a valid certificate (one of the six ends within 30 days), the next round assigned |
| expired | 1 | the certificate ended 1–60 days ago; the next round is due since then |
| recertified | 1 | two certificates (sequence 1 and 2), the second valid |

Seeded people have no password (they cannot sign in) unless one is given; the run is
audited once (`demo.seeded`), not per row.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update

from .. import audit, clock
from ..accounts.models import Department, Role, User, department_key
from ..certificates.models import Certificate
from ..certificates.numbers import new_number
from ..certificates.openbadges import identity_hash
from ..certificates.services import NUMBER_PREFIX, add_months
from ..certificates.status import LIST_SIZE
from ..content import Course
from ..exams.grading import draw
from ..exams.models import AttemptKind, ExamAttempt, ExamResult
from ..extensions import db
from ..learning import queries as learning
from ..learning.models import ModuleCompletion
from .models import Assignment, AssignmentRule

DOMAIN = "seed.example"
PEOPLE_PER_DEPARTMENT = 250
BATCH = 5_000
ENGLISH_EVERY = 7  # every seventh person reads in English (the English course)
PATTERN = (
    *["not started"] * 5,
    *["in progress"] * 4,
    "overdue, not started",
    *["overdue, in progress"] * 2,
    *["certified"] * 5,
    "certified, expiring",
    "expired",
    "recertified",
)
assert len(PATTERN) == 20


class SeedRefused(Exception):
    pass


@dataclass
class Seeded:
    """What a run wrote: rows per table and people per stage."""

    rows: Counter = field(default_factory=Counter)
    stages: Counter = field(default_factory=Counter)


@dataclass
class _Plan:
    """Rows waiting to be inserted, with references resolved batch by batch."""

    users: list[dict] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)


def seed(learners: int, password_hash: str | None = None, rng_seed: int = 14) -> Seeded:
    """Create `learners` people in departments of about 250, with assignments, reading
    progress, attempts and certificates. Refused when seeded people exist already."""
    if learners < 1:
        raise SeedRefused("--learners must be at least 1")
    existing = db.session.scalar(
        select(func.count()).select_from(User).where(User.email.like(f"%@{DOMAIN}"))
    )
    if existing:
        raise SeedRefused(f"the database holds {existing} seeded people already")
    courses = _courses()
    _fast_compression()
    rng, now, seeded = random.Random(rng_seed), clock.utcnow(), Seeded()
    departments = _departments(max(1, -(-learners // PEOPLE_PER_DEPARTMENT)), now, seeded)
    rules = _rules(courses, now, seeded)
    exams = {course.slug: _ExamShape(course, rng) for course in courses.values()}
    status_bits = _StatusBits(learners, rng)
    for start in range(0, learners, BATCH):
        plan = _plan(range(start, min(learners, start + BATCH)), departments, courses, now)
        if password_hash:
            for row in plan.users:
                row["password_hash"] = password_hash
        ids = _insert_returning(User, plan.users, seeded)
        _insert(Role, [{"user_id": i, "name": "learner"} for i in ids], seeded)
        _histories(ids, plan, rules, exams, status_bits, rng, now, seeded)
    _managers(seeded)
    audit.record("demo.seeded", None, learners=learners, departments=len(departments))
    db.session.flush()
    return seeded


def _fast_compression() -> None:
    """PostgreSQL compresses each attempt's drawn questions (about 27 KB of JSON) as it
    stores them; with its default method (pglz) that is most of the seed's time. For this
    transaction use LZ4 where the server has it: several times faster, read the same."""
    if db.session.connection().dialect.name != "postgresql":
        return
    methods = db.session.scalar(
        text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    )
    if methods and "lz4" in methods:
        db.session.execute(text("SET LOCAL default_toast_compression = 'lz4'"))


def _courses() -> dict[str, Course]:
    """The German course for most, the English one for every seventh person."""
    catalog = learning.catalog()
    german, english = catalog.get("ki-am-arbeitsplatz"), catalog.get("ai-at-work")
    if german is None:
        raise SeedRefused("the bundled course ki-am-arbeitsplatz is not served")
    return {"de": german, "en": english or german}


def _departments(count: int, now: datetime, seeded: Seeded) -> list[int]:
    names = [f"Bereich {n:03d}" for n in range(1, count + 1)]
    taken = set(db.session.scalars(select(Department.key)))
    rows = [
        {"name": name, "key": department_key(name), "created_at": now}
        for name in names
        if department_key(name) not in taken
    ]
    if rows:
        _insert_returning(Department, rows, seeded)
    keys = [department_key(name) for name in names]
    found = dict(db.session.execute(select(Department.key, Department.id)).all())
    return [found[key] for key in keys]


def _rules(courses: dict[str, Course], now: datetime, seeded: Seeded) -> dict[str, int]:
    """One rule per course for everyone: it also reaches whoever joins later."""
    slugs = sorted({course.slug for course in courses.values()})
    rows = [{"course_slug": slug, "due_days": 60, "created_at": now} for slug in slugs]
    return dict(zip(slugs, _insert_returning(AssignmentRule, rows, seeded), strict=True))


def _plan(numbers: range, departments: list[int], courses: dict[str, Course], now) -> _Plan:
    plan = _Plan()
    for n in numbers:
        language = "en" if n % ENGLISH_EVERY == ENGLISH_EVERY - 1 else "de"
        plan.users.append(
            {
                "email": f"person{n:06d}@{DOMAIN}",
                "name": f"Person {n:06d}",
                "active": True,
                "locale": language,
                "session_version": 1,
                "created_at": now - timedelta(days=400),
                "department_id": departments[n // PEOPLE_PER_DEPARTMENT],
                "location": ("Köln", "Leipzig", "München")[n % 3],
                "employee_number": f"S{n:07d}",
            }
        )
        plan.stages.append(PATTERN[n % len(PATTERN)])
        plan.courses.append(courses[language])
    return plan


class _ExamShape:
    """One real draw of the course's exam, reused by every seeded attempt (the rows are
    what the exam pages read; drawing per person would only add time)."""

    def __init__(self, course: Course, rng: random.Random) -> None:
        drawn = draw(course, rng)
        # Serialised once: encoding 15 KB of questions per row would be most of the run.
        self.questions = json.dumps([q.to_json() for q in drawn])
        self.right = json.dumps({q.id: sorted(q.correct_ids) for q in drawn})
        self.wrong = json.dumps({q.id: [] for q in drawn})
        self.total = len(drawn)
        self.pass_mark = course.exam.pass_mark
        self.reveal = course.exam.reveal_answers


class _StatusBits:
    """Random distinct bits of the revocation lists, kept at most half full as the
    service keeps them, avoiding the bits certificates already hold."""

    def __init__(self, learners: int, rng: random.Random) -> None:
        taken = set(db.session.scalars(select(Certificate.status_index)))
        total = len(taken) + learners  # at most one certificate per person … or two
        lists = 1 + 2 * (total + learners // 20) // LIST_SIZE
        space = lists * LIST_SIZE
        wanted = min(space - len(taken), learners + learners // 20 + 1)
        self._free = iter(
            i for i in rng.sample(range(space), wanted + len(taken)) if i not in taken
        )

    def next(self) -> int:
        return next(self._free)


def _histories(ids, plan: _Plan, rules, exams, bits, rng, now, seeded) -> None:
    """Reading, attempts, certificates and assignments of one batch of people."""
    rows: dict[str, list[dict]] = {"reading": [], "attempts": [], "certified": []}
    assignments: list[dict] = []
    today = now.date()
    for user_id, stage, course, person in zip(
        ids, plan.stages, plan.courses, plan.users, strict=True
    ):
        seeded.stages[stage] += 1
        history = _History(
            user_id, person, course, exams[course.slug], rules[course.slug], rng, now
        )
        if stage.startswith("certified") or stage in ("expired", "recertified"):
            history.certify(stage, today, bits)
        else:
            history.start(stage, today)
        history.mark_started()
        rows["reading"] += history.reading
        rows["attempts"] += history.attempts
        rows["certified"] += history.certificates
        assignments += history.assignments
    _insert(ModuleCompletion, rows["reading"], seeded)
    attempt_ids = _insert_returning(ExamAttempt, [a["row"] for a in rows["attempts"]], seeded)
    results = []
    for attempt, attempt_id in zip(rows["attempts"], attempt_ids, strict=True):
        attempt["id"] = attempt_id
        results.append({**attempt["result"], "attempt_id": attempt_id})
    _insert(ExamResult, results, seeded)
    for certificate in rows["certified"]:
        certificate["row"]["attempt_id"] = certificate["attempt"]["id"]
    certificate_ids = _insert_returning(Certificate, [c["row"] for c in rows["certified"]], seeded)
    for certificate, certificate_id in zip(rows["certified"], certificate_ids, strict=True):
        certificate["id"] = certificate_id
    for assignment in assignments:
        for key in ("certificate_id", "renews_certificate_id"):
            if isinstance(assignment.get(key), dict):
                assignment[key] = assignment[key]["id"]
    _insert(Assignment, assignments, seeded)


class _History:
    """One person's rows; certificates and attempts are dicts until their ids exist."""

    def __init__(self, user_id, person, course: Course, exam: _ExamShape, rule_id, rng, now):
        self.user_id, self.person, self.course, self.exam = user_id, person, course, exam
        self.rule_id, self.rng, self.now = rule_id, rng, now
        self.reading: list[dict] = []
        self.attempts: list[dict] = []
        self.certificates: list[dict] = []
        self.assignments: list[dict] = []

    def start(self, stage: str, today: date) -> None:
        overdue = stage.startswith("overdue")
        due = today + timedelta(
            days=-self.rng.randint(1, 40) if overdue else self.rng.randint(5, 60)
        )
        self._assign(
            due,
            assigned=self.now
            - timedelta(days=self.rng.randint(61, 100) if overdue else self.rng.randint(1, 55)),
        )
        if stage.endswith("in progress"):
            modules = self.rng.randint(1, max(1, len(self.course.modules) - 1))
            self._read(modules, self.now - timedelta(days=self.rng.randint(0, 20)))
            if self.rng.random() < 0.25:
                self._attempt(self.now - timedelta(days=self.rng.randint(0, 10)), passed=False)

    def certify(self, stage: str, today: date, bits: _StatusBits) -> None:
        months = self.course.validity_months
        validity = (add_months(today, months) - today).days
        if stage == "certified, expiring":
            ends_in = self.rng.randint(1, 29)
        elif stage == "expired":
            ends_in = -self.rng.randint(1, 60)
        else:
            ends_in = self.rng.randint(31, validity - 1)
        first_day = today + timedelta(days=ends_in - validity)
        issued = datetime.combine(first_day, self.now.time())
        if stage == "recertified":  # the first round ended, the second runs from its end
            earlier = issued - timedelta(days=validity)
            first = self._certificate(earlier, add_months(earlier.date(), months), 1, bits)
            self._assign(earlier.date(), earlier - timedelta(days=30), completed=first)
            self._assign(first["row"]["valid_until"], earlier, completed=None, renews=first)
            issued = earlier + timedelta(days=validity - self.rng.randint(1, 20))
            second = self._certificate(
                issued, add_months(first["row"]["valid_until"], months), 2, bits
            )
            self.assignments[-1]["completed_at"] = issued
            self.assignments[-1]["certificate_id"] = second
            self._assign(second["row"]["valid_until"], issued, renews=second)
            return
        certificate = self._certificate(issued, add_months(issued.date(), months), 1, bits)
        self._assign(
            issued.date() + timedelta(days=10), issued - timedelta(days=30), completed=certificate
        )
        self._assign(certificate["row"]["valid_until"], issued, renews=certificate)

    def mark_started(self) -> None:
        """As hr's services mark them: a course assignment is started from the person's
        first reading or attempt in the course, before or after it was assigned."""
        first = min(
            [row["completed_at"] for row in self.reading]
            + [attempt["row"]["started_at"] for attempt in self.attempts],
            default=None,
        )
        for assignment in self.assignments:
            assignment["started_at"] = first

    def _certificate(self, issued: datetime, valid_until: date, sequence: int, bits) -> dict:
        if sequence == 1:
            self._read(len(self.course.modules), issued - timedelta(hours=2))
        attempt = self._attempt(issued - timedelta(minutes=20), passed=True)
        salt = f"{self.user_id:08x}{sequence:08x}{self.rng.getrandbits(64):016x}"
        certificate = {
            "row": {
                "number": new_number(NUMBER_PREFIX),
                "user_id": self.user_id,
                "sequence": sequence,
                "course_slug": self.course.slug,
                "course_version": self.course.version,
                "course_title": self.course.title,
                "course_as_of": self.course.as_of or None,
                "certificate_title": self.course.certificate_title,
                "language": self.course.language,
                "objectives": _objectives(self.course),
                "holder_name": self.person["name"],
                "organisation": "Seed GmbH",
                "score_percent": 100,
                "issued_at": issued,
                "valid_until": valid_until,
                "status_index": bits.next(),
                "recipient_salt": salt,
                "recipient_hash": identity_hash(self.person["email"], salt),
            },
            "attempt": attempt,
        }
        self.certificates.append(certificate)
        return certificate

    def _read(self, modules: int, at: datetime) -> None:
        self.reading += [
            {
                "user_id": self.user_id,
                "course_slug": self.course.slug,
                "module_slug": module.slug,
                "module_version": module.version,
                "completed_at": at,
            }
            for module in self.course.modules[:modules]
        ]

    def _attempt(self, started: datetime, passed: bool) -> dict:
        exam = self.exam
        right = exam.total if passed else max(0, exam.total * exam.pass_mark // 100 - 2)
        attempt = {
            "row": {
                "user_id": self.user_id,
                "course_slug": self.course.slug,
                "course_version": self.course.version,
                "kind": AttemptKind.EXAM,
                "pass_mark": exam.pass_mark,
                "reveal_answers": exam.reveal,
                "questions": exam.questions,
                "started_at": started,
                "submitted_at": started + timedelta(minutes=15),
            },
            "result": {
                "answers": exam.right if passed else exam.wrong,
                "correct_count": right,
                "total": exam.total,
                "percent": 100 * right // max(1, exam.total),
                "passed": passed,
                "late": False,
                "graded_at": started + timedelta(minutes=15),
            },
        }
        self.attempts.append(attempt)
        return attempt

    def _assign(self, due: date, assigned: datetime, completed=None, renews=None) -> None:
        self.assignments.append(
            {
                "user_id": self.user_id,
                "course_slug": self.course.slug,
                "due_on": due,
                "assigned_at": assigned,
                "rule_id": self.rule_id,
                "renews_certificate_id": renews,
                "completed_at": completed["row"]["issued_at"] if completed else None,
                "certificate_id": completed,
            }
        )


_OBJECTIVES: dict[str, str] = {}


def _objectives(course: Course) -> str:
    key = f"{course.slug}:{course.version}"
    if key not in _OBJECTIVES:
        _OBJECTIVES[key] = json.dumps(
            [{"title": m.title, "objectives": list(m.objectives)} for m in course.modules]
        )
    return _OBJECTIVES[key]


def _managers(seeded: Seeded) -> None:
    """The first seeded person of each department manages the others in it."""
    heads = db.session.execute(
        select(User.department_id, func.min(User.id))
        .where(User.email.like(f"%@{DOMAIN}"))
        .group_by(User.department_id)
    ).all()
    for department_id, manager_id in heads:
        db.session.execute(
            update(User)
            .where(User.department_id == department_id, User.id != manager_id)
            .where(User.email.like(f"%@{DOMAIN}"))
            .values(manager_id=manager_id)
            .execution_options(synchronize_session=False)
        )
    seeded.rows["managers"] = len(heads)


def _insert(model, rows: list[dict[str, Any]], seeded: Seeded) -> None:
    seeded.rows[model.__tablename__] += len(rows)
    if not rows:
        return
    if db.session.connection().dialect.name == "postgresql":
        _copy(model.__table__, rows)
    else:
        _executemany(model.__table__, rows)


def _executemany(table, rows: list[dict[str, Any]]) -> None:
    """SQLite: one prepared INSERT for all rows on the session's own connection, values
    in the form SQLAlchemy stores them (its per-row parameter processing would take
    longer than SQLite writing the rows)."""
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    raw = db.session.connection().connection.dbapi_connection
    cursor = raw.cursor()
    try:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                [
                    [_sqlite_value(row[name]) for name in columns]
                    for row in rows[start : start + BATCH]
                ],
            )
    finally:
        cursor.close()


def _sqlite_value(value: Any) -> Any:
    kind = type(value)
    if kind is datetime:  # as SQLAlchemy's SQLite DATETIME stores it
        return value.isoformat(" ", "microseconds")
    if kind is date:
        return value.isoformat()
    if kind is list or kind is dict:
        return json.dumps(value)
    return value  # str (JSON columns get their text), int, bool, None


def _insert_returning(model, rows: list[dict[str, Any]], seeded: Seeded) -> list[int]:
    """Insert rows with ids chosen here, and return the ids.

    PostgreSQL: from the table's own sequence (then COPY), so the sequence stays right
    for every row created later. SQLite: the next free ids (SQLite gives max(id) + 1 to
    a row without one); the seed's transaction holds SQLite's write lock from its first
    insert, so no other writer takes them meanwhile. (INSERT … RETURNING in parameter
    order would cost SQLite one statement per row.)"""
    if not rows:
        return []
    connection = db.session.connection()
    table = model.__table__
    if connection.dialect.name == "postgresql":
        ids = list(
            connection.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
                ),
                {"table": table.name, "n": len(rows)},
            )
        )
    else:
        first = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
    for row, row_id in zip(rows, ids, strict=True):
        row["id"] = row_id
    _insert(model, rows, seeded)
    return ids


def _copy(table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY on the session's own connection (same transaction)."""
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    raw = db.session.connection().connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])
