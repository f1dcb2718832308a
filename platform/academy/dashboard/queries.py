"""Where a learner stands in each course: reading, exam, certificate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    Select,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    true,
    union_all,
)

from .. import clock
from ..accounts import session_users
from ..certificates.models import Certificate, CertificateState
from ..content import Course, Module
from ..exams import rules
from ..exams.models import AttemptKind, ExamAttempt, ExamResult
from ..extensions import db
from ..hr.models import Assignment
from ..hr.status import is_open
from ..learning.models import ModuleCompletion
from ..learning.queries import CourseProgress, catalog, progress_from_rows
from ..trainer.models import Retraining


class CourseState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    EXAM_PASSED = "exam_passed"  # modules still open, or the certificate not yet issued
    CERTIFIED = "certified"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CourseStatus:
    course: Course
    progress: CourseProgress
    passed_at: datetime | None  # the latest passed exam
    certificate: Certificate | None  # the newest one, whatever its state

    def state(self, today: date | None = None) -> CourseState:
        certificate = self.certificate.state(today) if self.certificate else None
        if certificate is CertificateState.VALID:
            return CourseState.CERTIFIED
        newer_pass = self.passed_at is not None and (
            self.certificate is None or self.passed_at > self.certificate.issued_at
        )
        if newer_pass:
            return CourseState.EXAM_PASSED
        if certificate is CertificateState.EXPIRED:
            return CourseState.EXPIRED
        return CourseState.IN_PROGRESS if self.progress.started else CourseState.NOT_STARTED

    def due_soon(self, today: date | None = None) -> bool:
        """Certified, but the certificate may be renewed already (its last weeks)."""
        return self.certificate is not None and self.certificate.renewable(today)

    def retake_due(self, today: date | None = None) -> bool:
        """The certificate is about to end or has ended: time to take the exam again."""
        return self.due_soon(today) or self.state(today) is CourseState.EXPIRED

    @property
    def next_module(self) -> Module | None:
        return self.progress.next_module()

    @property
    def exam_open(self) -> bool:
        return self.progress.all_done or not self.course.exam.requires_modules


# The start page and a course's overview cost three queries each, whatever the number
# of courses and modules (tests/web/test_query_counts.py): the signed-in user, then one
# Core query for the facts that are plain values (reading progress, passes, recent
# attempts: a UNION ALL of one part per kind) and one ORM query for the records the
# pages show as objects (certificates, assignments, retrainings, the open attempt:
# each table LEFT JOINed to its own row of a three-row list, so the rows add up
# instead of multiplying). The dashboard sits above every domain it reads here.

_PROGRESS, _PASSED, _ATTEMPT = "progress", "passed", "attempt"


_FACT_COLUMNS = ("course", "text", "extra", "flag", "at", "at2", "at3")


def _part(kind: str, **columns) -> Select:
    """One part of the facts union: kind, then _FACT_COLUMNS."""
    return session_users.part(kind, _FACT_COLUMNS, **columns)


def _progress_part():
    return _part(
        _PROGRESS,
        course=ModuleCompletion.course_slug,
        text=ModuleCompletion.module_slug,
        extra=ModuleCompletion.module_version,
        at=ModuleCompletion.completed_at,
        # The first part fixes the union's types (PostgreSQL needs them typed).
        flag=cast(null(), Boolean()),
        at2=cast(null(), DateTime()),
        at3=cast(null(), DateTime()),
    ).where(ModuleCompletion.user_id == bindparam("user_id"))


def _passes_part():
    return (
        _part(_PASSED, course=ExamAttempt.course_slug, at=func.max(ExamResult.graded_at))
        .join(ExamResult, ExamResult.attempt_id == ExamAttempt.id)
        .where(
            ExamAttempt.user_id == bindparam("user_id"),
            ExamAttempt.kind == AttemptKind.EXAM,
            ExamResult.passed,
        )
        .group_by(ExamAttempt.course_slug)
    )


def _progress(courses: list[Course], rows) -> dict[str, CourseProgress]:
    return progress_from_rows(courses, ((r.course, r.text, r.extra, r.at) for r in rows))


def _records_of(*tables: tuple[type, object]):
    """One ORM query for the rows of several tables that belong to :user_id."""
    slots = union_all(*(select(literal_column(str(n)).label("n")) for n in range(len(tables))))
    slot = slots.subquery("slot")
    query = select(*(table for table, _ in tables)).select_from(slot)
    for n, (table, condition) in enumerate(tables):
        mine = table.user_id == bindparam("user_id")
        query = query.outerjoin(table, and_(slot.c.n == n, mine, condition))
    return query, len(tables)


def _records(records_of, **params) -> list[list]:
    """The objects of each table of a _records_of() query, in order."""
    query, count = records_of
    found: list[dict[int, object]] = [{} for _ in range(count)]
    for row in db.session.execute(query, params):
        for n, record in enumerate(row):
            if record is not None:
                found[n][record.id] = record
    return [list(records.values()) for records in found]


@dataclass(frozen=True)
class StartPage:
    statuses: dict[str, CourseStatus]
    assignments: list[Assignment]  # open, earliest due first
    retrainings: list[Retraining]  # open, oldest first


# Built once: building a statement costs more than running it.
_START_FACTS = union_all(_progress_part(), _passes_part())
_START_RECORDS = _records_of(
    (Certificate, true()),
    (Assignment, is_open()),
    (Retraining, Retraining.completed_at.is_(None)),
)


def start_page(user, courses: list[Course]) -> StartPage:
    """Every course's status, the open assignments and retrainings: two queries."""
    rows = db.session.execute(_START_FACTS, {"user_id": user.id}).all()
    progress = _progress(courses, (r for r in rows if r.kind == _PROGRESS))
    passes = {r.course: r.at for r in rows if r.kind == _PASSED}
    certificates, assignments, retrainings = _records(_START_RECORDS, user_id=user.id)
    latest: dict[str, Certificate] = {}
    for certificate in sorted(certificates, key=lambda c: (c.issued_at, c.id), reverse=True):
        latest.setdefault(certificate.course_slug, certificate)
    statuses = {
        c.slug: CourseStatus(c, progress[c.slug], passes.get(c.slug), latest.get(c.slug))
        for c in courses
    }
    assignments.sort(key=lambda a: (a.due_on, a.course_slug))
    retrainings.sort(key=lambda r: (r.assigned_at, r.id))
    return StartPage(statuses, assignments, retrainings)


@dataclass(frozen=True)
class Overview:
    status: CourseStatus
    attempts: list[rules.PastAttempt]  # of the last day, in all editions of the course
    open_attempt: ExamAttempt | None  # the attempt the learner can still continue


_OVERVIEW_FACTS = union_all(
    _progress_part().where(ModuleCompletion.course_slug == bindparam("course_slug")),
    _passes_part().where(ExamAttempt.course_slug == bindparam("course_slug")),
    _part(
        _ATTEMPT,
        flag=ExamResult.passed,
        at=ExamAttempt.started_at,
        at2=ExamAttempt.submitted_at,
        at3=ExamAttempt.deadline_at,
    )
    .select_from(ExamAttempt)
    .outerjoin(ExamResult, ExamResult.attempt_id == ExamAttempt.id)
    .where(
        ExamAttempt.user_id == bindparam("user_id"),
        ExamAttempt.course_slug.in_(bindparam("editions", expanding=True)),
        ExamAttempt.started_at > bindparam("since"),
    ),
)
_OVERVIEW_RECORDS = _records_of(
    (Certificate, Certificate.course_slug == bindparam("course_slug")),
    (
        ExamAttempt,
        and_(
            ExamAttempt.course_slug == bindparam("course_slug"),
            ExamAttempt.submitted_at.is_(None),
        ),
    ),
)


def overview(user, course: Course) -> Overview:
    """The course's status, the recent attempts and the open attempt: two queries."""
    now = clock.utcnow()
    params = {
        "user_id": user.id,
        "course_slug": course.slug,
        # The language editions of a course share one exam: their attempts count together.
        "editions": list(catalog().editions(course)),
        "since": now - rules.DAY,
    }
    rows = db.session.execute(_OVERVIEW_FACTS, params).all()
    progress = _progress([course], (r for r in rows if r.kind == _PROGRESS))[course.slug]
    passed_at = next((r.at for r in rows if r.kind == _PASSED), None)
    attempts = [
        rules.past_attempt(r.at, r.at2, r.at3, r.flag, now=now) for r in rows if r.kind == _ATTEMPT
    ]
    certificates, unsubmitted = _records(
        _OVERVIEW_RECORDS, user_id=user.id, course_slug=course.slug
    )
    certificate = max(certificates, key=lambda c: c.sequence, default=None)
    attempt = next((a for a in unsubmitted if not a.timed_out()), None)
    status = CourseStatus(course, progress, passed_at, certificate)
    return Overview(status, attempts, attempt)


def resume(statuses: Iterable[CourseStatus]) -> CourseStatus | None:
    """The course worked on most recently that still has something to do."""
    unfinished = (CourseState.IN_PROGRESS, CourseState.EXPIRED, CourseState.EXAM_PASSED)
    candidates = [
        s for s in statuses if s.progress.last_activity is not None and s.state() in unfinished
    ]
    return max(candidates, key=lambda s: s.progress.last_activity, default=None)
