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

A retraining (Assignment.kind "retraining") is never "certified" while open: its person
holds a valid certificate, which is why they retrain. It counts as in progress (they took
the course before; telling whether they did something *since* it was assigned would need
a correlated look-up per row, which made PostgreSQL's plans for the dashboard and the
list many times slower), expired when the certificate ran out meanwhile, overdue after
its due date, and ends when the re-check is passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import User
from ..certificates.models import Certificate
from ..exams.models import ExamAttempt
from ..learning.models import ModuleCompletion
from .models import Assignment, AssignmentKind

EXPIRING_DAYS = 30

# The people a query is about: a SELECT of user ids (a scope, a filter) or the ids.
People = Select | Sequence[int]


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


def best_certificates(course_slug: str | None = None, people: People | None = None):
    """Per person and course: the latest end date of a certificate not revoked."""
    query = select(
        Certificate.user_id,
        Certificate.course_slug,
        func.max(Certificate.valid_until).label("valid_until"),
    ).where(Certificate.revoked_at.is_(None), Certificate.user_id.is_not(None))
    if course_slug:
        query = query.where(Certificate.course_slug == course_slug)
    if people is not None:
        query = query.where(Certificate.user_id.in_(people))
    return query.group_by(Certificate.user_id, Certificate.course_slug).subquery("best")


@dataclass(frozen=True)
class Facts:
    """The open assignments of active people, joined with what their status needs (the
    person, their best certificate). `select(*columns)` starts a query over them; add
    filters and GROUP BY to it."""

    base: Select
    valid_until: ColumnElement
    started: ColumnElement[bool]  # the person read a module or sat an exam
    today: date

    def select(self, *columns) -> Select:
        return self.base.with_only_columns(*columns, maintain_column_froms=False)

    @property
    def retraining(self) -> ColumnElement[bool]:
        return Assignment.kind == AssignmentKind.RETRAINING.value

    @property
    def certified(self) -> ColumnElement[bool]:
        return and_(~self.retraining, self.valid_until >= self.today)

    @property
    def expired(self) -> ColumnElement[bool]:
        return self.valid_until < self.today

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
            or_(self.valid_until.is_(None), self.valid_until < self.today, self.retraining),
            Assignment.due_on < self.today,
        )

    @property
    def expiring(self) -> ColumnElement[bool]:
        return and_(self.certified, self.valid_until <= self.today + timedelta(days=EXPIRING_DAYS))

    def where_status(self, wanted: str) -> ColumnElement[bool]:
        """A filter by a Status or Flag value (the list's status filter)."""
        neither = or_(
            self.valid_until.is_(None), and_(self.retraining, self.valid_until >= self.today)
        )
        conditions = {
            Status.CERTIFIED: self.certified,
            Status.EXPIRED: self.expired,
            Status.IN_PROGRESS: and_(neither, self.started),
            Status.NOT_STARTED: and_(neither, ~self.started),
            Flag.OVERDUE: self.overdue,
            Flag.EXPIRING: self.expiring,
        }
        return conditions[wanted]


def _pairs(model, course_slug: str | None, people: People | None, name: str):
    """Distinct (person, course) pairs of a table (GROUP BY: a hash, not a sort)."""
    query = select(model.user_id, model.course_slug).group_by(model.user_id, model.course_slug)
    if course_slug:
        query = query.where(model.course_slug == course_slug)
    if people is not None:
        query = query.where(model.user_id.in_(people))
    return query.subquery(name)


def facts(today: date, course_slug: str | None = None, people: People | None = None) -> Facts:
    """Joins, not correlated sub-selects: PostgreSQL then estimates the cost of the
    dashboard's GROUP BY correctly (and does not spend longer compiling it than
    running it).

    `people` (a SELECT of user ids, or the ids) are the only people the caller asks
    about; it restricts the aggregates too, because PostgreSQL does not push a join
    condition into a GROUP BY sub-query: without it a list of one department would
    aggregate the certificates, attempts and reading of the whole company. The caller
    still filters its own query by the same people."""
    best = best_certificates(course_slug, people)
    read = _pairs(ModuleCompletion, course_slug, people, "read")
    tried = _pairs(ExamAttempt, course_slug, people, "tried")
    query = (
        select()
        .select_from(Assignment)
        .join(User, User.id == Assignment.user_id)
        .outerjoin(best, _same_pair(best))
        .outerjoin(read, _same_pair(read))
        .outerjoin(tried, _same_pair(tried))
        .where(is_open(), User.active)
    )
    if course_slug:
        query = query.where(Assignment.course_slug == course_slug)
    started = or_(read.c.user_id.is_not(None), tried.c.user_id.is_not(None))
    return Facts(query, best.c.valid_until, started, today)


def _same_pair(subquery) -> ColumnElement[bool]:
    return and_(
        subquery.c.user_id == Assignment.user_id,
        subquery.c.course_slug == Assignment.course_slug,
    )
