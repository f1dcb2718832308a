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

"Started" is the assignment's own mark, Assignment.started_at: hr.services sets it when
the person reads a module or starts an exam in the course, and at once for a new course
assignment of someone who did so before (first_activity). Reading the mark costs
nothing; aggregating every reading row (236,000 at 50,000 people) for it was most of
the whole-company dashboard's time.

A retraining (Assignment.kind "retraining") is never "certified" while open: its person
holds a valid certificate, which is why they retrain. It is not started until they read
a module or start the re-check after it was assigned (what they did for the earlier
round does not count), in progress from then on, expired when the certificate ran out
meanwhile, overdue after its due date, and ends when the re-check is passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import Select, and_, case, func, or_, select, union_all
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
    started: ColumnElement[bool]  # the person read a module or started an exam for it
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


def facts(today: date, course_slug: str | None = None, people: People | None = None) -> Facts:
    """Joins, not correlated sub-selects: PostgreSQL then estimates the cost of the
    dashboard's GROUP BY correctly (and does not spend longer compiling it than
    running it).

    `people` (a SELECT of user ids, or the ids) are the only people the caller asks
    about; it restricts the aggregates too, because PostgreSQL does not push a join
    condition into a GROUP BY sub-query: without it a list of one department would
    aggregate the certificates of the whole company. The caller still filters its own
    query by the same people."""
    best = best_certificates(course_slug, people)
    query = (
        select()
        .select_from(Assignment)
        .join(User, User.id == Assignment.user_id)
        .outerjoin(
            best,
            and_(
                best.c.user_id == Assignment.user_id,
                best.c.course_slug == Assignment.course_slug,
            ),
        )
        .where(is_open(), User.active)
    )
    if course_slug:
        query = query.where(Assignment.course_slug == course_slug)
    return Facts(query, best.c.valid_until, Assignment.started_at.is_not(None), today)


def first_activity(user_id, course_slug):
    """When the person first read a module or started an exam in the course, as a scalar
    sub-select; NULL when never. The arguments are values, or columns of the statement it
    goes into (it correlates with them)."""
    reads = select(ModuleCompletion.completed_at.label("at")).where(
        ModuleCompletion.user_id == user_id, ModuleCompletion.course_slug == course_slug
    )
    tries = select(ExamAttempt.started_at.label("at")).where(
        ExamAttempt.user_id == user_id, ExamAttempt.course_slug == course_slug
    )
    # Explicitly: SQLAlchemy correlates by itself only with the directly enclosing SELECT,
    # and these sit inside a UNION inside a sub-select.
    both = union_all(
        reads.correlate_except(ModuleCompletion), tries.correlate_except(ExamAttempt)
    ).subquery("activity")
    return select(func.min(both.c.at)).scalar_subquery()
