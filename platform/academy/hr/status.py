"""Where each open assignment stands, as SQL: the dashboard counts it with GROUP BY and
CASE, the list filters and sorts by it, the exports and reminders read it. Nothing here
loops over people in Python.

A person's status in an assigned course:

- certified: a certificate that is not revoked and still valid today;
- expired: no valid certificate, but one that has run out;
- in progress: neither, but modules read or an exam started;
- not started: nothing yet.

Across these: overdue (not certified and past the due date) and expiring (certified,
but the certificate ends within EXPIRING_DAYS). Deactivated people are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import User
from ..certificates.models import Certificate
from ..exams.models import ExamAttempt
from ..learning.models import ModuleCompletion
from .models import Assignment

EXPIRING_DAYS = 30


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    CERTIFIED = "certified"
    EXPIRED = "expired"


class Flag(StrEnum):
    """Filters across the statuses."""

    OVERDUE = "overdue"
    EXPIRING = "expiring"


def is_open() -> ColumnElement[bool]:
    return and_(Assignment.completed_at.is_(None), Assignment.cancelled_at.is_(None))


def best_certificates(course_slug: str | None = None):
    """Per person and course: the latest end date of a certificate not revoked."""
    query = select(
        Certificate.user_id,
        Certificate.course_slug,
        func.max(Certificate.valid_until).label("valid_until"),
    ).where(Certificate.revoked_at.is_(None), Certificate.user_id.is_not(None))
    if course_slug:
        query = query.where(Certificate.course_slug == course_slug)
    return query.group_by(Certificate.user_id, Certificate.course_slug).subquery("best")


@dataclass(frozen=True)
class Facts:
    """The open assignments of active people, joined with what their status needs (the
    person, their best certificate). `select(*columns)` starts a query over them; add
    filters and GROUP BY to it."""

    base: Select
    valid_until: ColumnElement
    today: date

    def select(self, *columns) -> Select:
        return self.base.with_only_columns(*columns, maintain_column_froms=False)

    @property
    def certified(self) -> ColumnElement[bool]:
        return self.valid_until >= self.today

    @property
    def expired(self) -> ColumnElement[bool]:
        return self.valid_until < self.today

    @property
    def started(self) -> ColumnElement[bool]:
        read = exists().where(
            ModuleCompletion.user_id == Assignment.user_id,
            ModuleCompletion.course_slug == Assignment.course_slug,
        )
        tried = exists().where(
            ExamAttempt.user_id == Assignment.user_id,
            ExamAttempt.course_slug == Assignment.course_slug,
        )
        return or_(read, tried)

    @property
    def status(self) -> ColumnElement[str]:
        return case(
            (self.certified, Status.CERTIFIED.value),
            (self.expired, Status.EXPIRED.value),
            (self.started, Status.IN_PROGRESS.value),
            else_=Status.NOT_STARTED.value,
        )

    @property
    def overdue(self) -> ColumnElement[bool]:
        return and_(
            or_(self.valid_until.is_(None), self.valid_until < self.today),
            Assignment.due_on < self.today,
        )

    @property
    def expiring(self) -> ColumnElement[bool]:
        return and_(self.certified, self.valid_until <= self.today + timedelta(days=EXPIRING_DAYS))

    def where_status(self, wanted: str) -> ColumnElement[bool]:
        """A filter by a Status or Flag value (the list's status filter)."""
        conditions = {
            Status.CERTIFIED: self.certified,
            Status.EXPIRED: self.expired,
            Status.IN_PROGRESS: and_(self.valid_until.is_(None), self.started),
            Status.NOT_STARTED: and_(self.valid_until.is_(None), ~self.started),
            Flag.OVERDUE: self.overdue,
            Flag.EXPIRING: self.expiring,
        }
        return conditions[wanted]


def facts(today: date, course_slug: str | None = None) -> Facts:
    best = best_certificates(course_slug)
    query = (
        select()
        .select_from(Assignment)
        .join(User, User.id == Assignment.user_id)
        .outerjoin(
            best,
            and_(
                best.c.user_id == Assignment.user_id, best.c.course_slug == Assignment.course_slug
            ),
        )
        .where(is_open(), User.active)
    )
    if course_slug:
        query = query.where(Assignment.course_slug == course_slug)
    return Facts(query, best.c.valid_until, today)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
