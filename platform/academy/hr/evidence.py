"""The evidence report: for every person in scope and every course they are assigned or
hold a certificate in, the latest certificate (number, course version and "Stand",
issued, valid until, score), where they stand, and an open retraining after a material
change of the course (its due date). One query, read as a stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select, union
from sqlalchemy.orm import aliased

from ..accounts.models import Department, User
from ..certificates.models import Certificate
from ..exams.models import ExamAttempt
from ..extensions import db
from ..learning.models import ModuleCompletion
from .models import Assignment, AssignmentKind
from .queries import Scope
from .status import is_open


@dataclass(frozen=True)
class Filters:
    course: str = ""
    department_id: int | None = None


@dataclass(frozen=True)
class EvidenceRow:
    person: str
    email: str
    employee_number: str | None
    department: str | None
    course_slug: str
    course_title: str | None  # as on the certificate; None: no certificate yet
    course_version: str | None
    as_of: str | None
    certificate_number: str | None
    issued: datetime | None
    valid_until: date | None
    score: int | None
    revoked: bool
    started: bool
    due_on: date | None
    retraining_due: date | None  # an open retraining: the certificate's version is outdated

    def status(self, today: date) -> str:
        if self.revoked:
            return "revoked"
        if self.valid_until is not None:
            return "certified" if self.valid_until >= today else "expired"
        return "in_progress" if self.started else "not_started"

    def overdue(self, today: date) -> bool:
        if self.retraining_due is not None and self.retraining_due < today:
            return True
        return self.due_on is not None and self.due_on < today and self.status(today) != "certified"


def _pairs(scope: Scope, filters: Filters):
    """(person, course) with an open assignment or a certificate, active people in scope.
    The people are chosen inside both halves, so that a report for some departments
    reads only their assignments and certificates."""
    assigned = select(Assignment.user_id, Assignment.course_slug).where(is_open())
    certified = select(Certificate.user_id, Certificate.course_slug).where(
        Certificate.user_id.is_not(None)
    )
    if filters.course:
        assigned = assigned.where(Assignment.course_slug == filters.course)
        certified = certified.where(Certificate.course_slug == filters.course)
    if not scope.everything or filters.department_id is not None:
        people = select(User.id).where(User.active, scope.people())
        if filters.department_id is not None:
            people = people.where(User.department_id == filters.department_id)
        assigned = assigned.where(Assignment.user_id.in_(people))
        certified = certified.where(Certificate.user_id.in_(people))
    return union(assigned, certified).subquery("pairs")


def rows(scope: Scope, filters: Filters) -> Iterator[EvidenceRow]:
    pairs = _pairs(scope, filters)
    latest_id = (
        select(Certificate.id)
        .where(
            Certificate.user_id == pairs.c.user_id, Certificate.course_slug == pairs.c.course_slug
        )
        .order_by(Certificate.sequence.desc())
        .limit(1)
        .scalar_subquery()
    )
    latest = aliased(Certificate)
    retraining = aliased(Assignment)
    started = or_(
        exists().where(
            ModuleCompletion.user_id == pairs.c.user_id,
            ModuleCompletion.course_slug == pairs.c.course_slug,
        ),
        exists().where(
            ExamAttempt.user_id == pairs.c.user_id, ExamAttempt.course_slug == pairs.c.course_slug
        ),
    )
    query = (
        select(
            User.name,
            User.email,
            User.employee_number,
            Department.name,
            pairs.c.course_slug,
            latest.course_title,
            latest.course_version,
            latest.course_as_of,
            latest.number,
            latest.issued_at,
            latest.valid_until,
            latest.score_percent,
            latest.revoked_at.is_not(None),
            started,
            Assignment.due_on,
            retraining.due_on,
        )
        .select_from(pairs)
        .join(User, User.id == pairs.c.user_id)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(latest, latest.id == latest_id)
        .outerjoin(
            Assignment,
            and_(
                Assignment.user_id == pairs.c.user_id,
                Assignment.course_slug == pairs.c.course_slug,
                Assignment.kind == AssignmentKind.COURSE.value,
                is_open(),
            ),
        )
        .outerjoin(
            retraining,
            and_(
                retraining.user_id == pairs.c.user_id,
                retraining.course_slug == pairs.c.course_slug,
                retraining.kind == AssignmentKind.RETRAINING.value,
                retraining.completed_at.is_(None),
                retraining.cancelled_at.is_(None),
            ),
        )
        .where(User.active, scope.people())
        .order_by(Department.key, User.name, User.id, pairs.c.course_slug)
    )
    if filters.department_id is not None:
        query = query.where(User.department_id == filters.department_id)
    for row in db.session.execute(query.execution_options(yield_per=500)):
        values = list(row)
        values[12], values[13] = bool(values[12]), bool(values[13])  # SQLite gives 0/1
        yield EvidenceRow(*values)


@dataclass(frozen=True)
class CourseVersion:
    slug: str
    version: str
    title: str
    as_of: str | None
    modules: tuple[tuple[str, tuple[str, ...]], ...]  # (module title, objectives)


def course_versions(keys: set[tuple[str, str]]) -> list[CourseVersion]:
    """What each course version taught, as its certificates recorded it."""
    found = []
    for slug, version in sorted(keys):
        certificate = db.session.scalar(
            select(Certificate)
            .where(Certificate.course_slug == slug, Certificate.course_version == version)
            .limit(1)
        )
        if certificate is not None:
            modules = tuple(
                (m["title"], tuple(m["objectives"])) for m in certificate.objectives or ()
            )
            found.append(
                CourseVersion(
                    slug, version, certificate.course_title, certificate.course_as_of, modules
                )
            )
    return found
