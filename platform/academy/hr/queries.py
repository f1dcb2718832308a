"""Reads for HR: what an HR person may see (their scope), the dashboard figures, the
list of people, a person's record, departments, rules, invitations and reminders.

Every figure is an SQL aggregate (GROUP BY) over the open assignments; Python only
folds the few grouped rows (courses x departments x statuses) into totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, and_, false, func, or_, select, true
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import Department, Invitation, Role, User
from ..certificates.models import Certificate
from ..emails import normalize_email
from ..exams.models import ExamAttempt, ExamResult
from ..extensions import db
from ..learning.models import ModuleCompletion
from ..web import PAGE_SIZE
from .models import Assignment, AssignmentKind, AssignmentRule, HrScope, Reminder
from .status import Facts, Status, facts, is_open

# --- scope ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The departments an HR person sees: all of them, or these."""

    everything: bool
    department_ids: frozenset[int] = frozenset()

    def people(self, column=User.department_id) -> ColumnElement[bool]:
        """A filter: the person (their department column) is in the scope."""
        if self.everything:
            return true()
        if not self.department_ids:
            return false()
        return column.in_(sorted(self.department_ids))

    def user_ids(self) -> Select | None:
        """The people in scope as a sub-query for facts(); None: everyone."""
        return None if self.everything else select(User.id).where(self.people())

    def covers(self, person: User) -> bool:
        return self.everything or person.department_id in self.department_ids

    def covers_department(self, department: Department | None) -> bool:
        if department is None:  # a new department: only who sees everything creates one
            return self.everything
        return self.everything or department.id in self.department_ids


def scope_of(user: User) -> Scope:
    """Admins see everything; an HR person what an admin gave them (nothing at first)."""
    if user.has_any_role("admin"):
        return Scope(everything=True)
    scope = db.session.get(HrScope, user.id)
    if scope is None:
        return Scope(everything=False)
    return Scope(scope.all_departments, frozenset(d.id for d in scope.departments))


# --- dashboard figures ------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    assigned: int = 0
    not_started: int = 0
    in_progress: int = 0
    certified: int = 0
    expired: int = 0
    overdue: int = 0
    expiring: int = 0

    @property
    def completion_rate(self) -> int:
        """Percent of the assigned people who hold a valid certificate (rounded down, so
        100 % means everyone)."""
        return 100 * self.certified // self.assigned if self.assigned else 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        return (
            self.assigned,
            self.not_started,
            self.in_progress,
            self.certified,
            self.expired,
            self.overdue,
            self.expiring,
        )


@dataclass
class Summary:
    """Counts by course, by department (within one course or all), and in total."""

    by_course: dict[str, Counts] = field(default_factory=dict)
    by_department: dict[int | None, Counts] = field(default_factory=dict)
    total: Counts = Counts()


def summary(scope: Scope, today: date, course_slug: str | None = None) -> Summary:
    """One GROUP BY over the open assignments in scope: course, department, status and
    the two flags; the handful of groups is then added up."""
    f = facts(today, course_slug, scope.user_ids())
    grouped = (
        f.select(
            Assignment.course_slug.label("course"),
            User.department_id.label("department"),
            f.status.label("status"),
            f.overdue.label("overdue"),
            f.expiring.label("expiring"),
        )
        .where(scope.people())
        .subquery()
    )
    rows = db.session.execute(
        select(
            grouped.c.course,
            grouped.c.department,
            grouped.c.status,
            grouped.c.overdue,
            grouped.c.expiring,
            func.count(),
        ).group_by(*grouped.c)
    )
    result = Summary()
    by_course: dict[str, Counts] = defaultdict(Counts)
    by_department: dict[int | None, Counts] = defaultdict(Counts)
    for course, department, status, overdue, expiring, count in rows:
        counts = _counts(status, bool(overdue), bool(expiring), count)
        by_course[course] += counts
        by_department[department] += counts
        result.total += counts
    result.by_course, result.by_department = dict(by_course), dict(by_department)
    return result


def people_per_department(scope: Scope, course_slug: str | None = None) -> dict[int | None, int]:
    """How many people (not assignments) the dashboard's department figures are about."""
    query = (
        select(User.department_id, func.count(Assignment.user_id.distinct()))
        .select_from(Assignment)
        .join(User, User.id == Assignment.user_id)
        .where(is_open(), User.active, scope.people())
        .group_by(User.department_id)
    )
    if course_slug:
        query = query.where(Assignment.course_slug == course_slug)
    return {department: count for department, count in db.session.execute(query)}


@dataclass(frozen=True)
class DepartmentFigures:
    """The department table as HR may see it: a department of fewer people than the
    minimum is not shown alone (one person's status could be read off its figures);
    such departments are added up into one row, itself shown only when that row is about
    enough people."""

    shown: list[tuple[int | None, Counts]]
    pooled: Counts
    pooled_departments: int  # departments in the pooled row, not counting "none"
    pooled_people: int
    minimum: int
    pooled_without_department: bool = False  # people without a department are in it

    @property
    def pooled_visible(self) -> bool:
        return self.pooled_people >= self.minimum

    @property
    def pooled_any(self) -> bool:
        return bool(self.pooled_departments or self.pooled_without_department)


def pool_small_departments(
    by_department: dict[int | None, Counts], people: dict[int | None, int], minimum: int
) -> DepartmentFigures:
    shown, pooled, departments, pooled_people = [], Counts(), 0, 0
    for department, counts in by_department.items():
        if people.get(department, 0) >= minimum:
            shown.append((department, counts))
        else:
            pooled, departments = pooled + counts, departments + (department is not None)
            pooled_people += people.get(department, 0)
    without = None in by_department and people.get(None, 0) < minimum
    return DepartmentFigures(shown, pooled, departments, pooled_people, minimum, without)


def _counts(status: str, overdue: bool, expiring: bool, count: int) -> Counts:
    return Counts(
        assigned=count,
        not_started=count if status == Status.NOT_STARTED else 0,
        in_progress=count if status == Status.IN_PROGRESS else 0,
        certified=count if status == Status.CERTIFIED else 0,
        expired=count if status == Status.EXPIRED else 0,
        overdue=count if overdue else 0,
        expiring=count if expiring else 0,
    )


def certificates_per_week(scope: Scope, today: date, weeks: int = 26) -> list[tuple[date, int]]:
    """Certificates issued to people in scope per week (Monday first), the last `weeks`
    weeks up to this one; grouped by day in SQL, the days then put into their weeks."""
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    day = func.date(Certificate.issued_at)
    rows = db.session.execute(
        select(day, func.count())
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.issued_at >= first, scope.people())
        .group_by(day)
    )
    counts = {first + timedelta(weeks=w): 0 for w in range(weeks)}
    for issued_on, count in rows:
        issued = date.fromisoformat(str(issued_on)[:10])
        counts[issued - timedelta(days=issued.weekday())] += count
    return sorted(counts.items())


def courses_in_use(scope: Scope) -> list[str]:
    """Slugs of the courses with open assignments in scope."""
    return list(
        db.session.scalars(
            select(Assignment.course_slug)
            .join(User, User.id == Assignment.user_id)
            .where(is_open(), scope.people())
            .distinct()
            .order_by(Assignment.course_slug)
        )
    )


# --- the list of people -----------------------------------------------------------------

SORTS = ("due", "name", "department", "status")


@dataclass(frozen=True)
class ListFilters:
    course: str = ""
    department_id: int | None = None
    status: str = ""  # a Status or Flag value
    due_before: date | None = None
    manager: str = ""  # the manager's e-mail address
    search: str = ""
    sort: str = "due"


@dataclass(frozen=True)
class ListRow:
    assignment: Assignment
    status: str
    overdue: bool
    expiring: bool
    valid_until: date | None

    @property
    def person(self) -> User:
        return self.assignment.user


def _list_query(scope: Scope, today: date, filters: ListFilters) -> tuple[Facts, Select]:
    people = _people(scope, filters)
    user_ids = select(User.id).where(*people) if people else None
    f = facts(today, filters.course or None, user_ids)
    query = f.select(Assignment).where(*people)
    if filters.status:
        query = query.where(f.where_status(filters.status))
    if filters.due_before is not None:
        query = query.where(Assignment.due_on < filters.due_before)
    return f, query.order_by(*_order(f, filters.sort))


def _people(scope: Scope, filters: ListFilters) -> list[ColumnElement[bool]]:
    """The list's conditions on the person (not on their status): facts() reads the
    certificates, attempts and reading of only these people."""
    people = [] if scope.everything else [scope.people()]
    if filters.department_id is not None:
        people.append(User.department_id == filters.department_id)
    if filters.manager:
        manager = select(User.id).where(User.email == normalize_email(filters.manager))
        people.append(User.manager_id.in_(manager.scalar_subquery()))
    if filters.search:
        pattern = f"%{filters.search.lower()}%"
        people.append(or_(User.email.like(pattern), func.lower(User.name).like(pattern)))
    return people


def _order(f: Facts, sort: str) -> list:
    by_name = [func.lower(User.name), User.id, Assignment.course_slug]
    if sort == "name":
        return by_name
    if sort == "department":
        department = select(Department.key).where(Department.id == User.department_id)
        return [department.scalar_subquery().nulls_last(), *by_name]
    if sort == "status":
        return [f.status, Assignment.due_on, *by_name]
    return [Assignment.due_on, *by_name]


def people_page(scope: Scope, today: date, filters: ListFilters, page: int):
    """One page of open assignments (person x course) and the rows to show for it."""
    _, query = _list_query(scope, today, filters)
    query = query.options(
        joinedload(Assignment.user).joinedload(User.department),
        joinedload(Assignment.user).joinedload(User.manager),
    )
    pages = _CountedPagination(
        select=query, session=db.session(), page=page, per_page=PAGE_SIZE, error_out=False
    )
    return pages, _rows(today, filters.course or None, pages.items)


class _CountedPagination(SelectPagination):
    """`db.paginate`'s pagination with the total counted by the page's own query
    (`count(*) OVER ()`): the list must compute every status to filter and sort anyway,
    so a separate count query would compute them all a second time."""

    def _query_items(self) -> list:
        select = self._query_args["select"].add_columns(func.count().over())
        select = select.limit(self.per_page).offset(self._query_offset)
        rows = self._query_args["session"].execute(select).unique().all()
        self._counted = rows[0][1] if rows else None
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        return super()._query_count()  # a page past the end: no row to read it from


def _rows(today: date, course: str | None, assignments: list[Assignment]) -> list[ListRow]:
    """The page's statuses: facts() about the page's people only."""
    if not assignments:
        return []
    f = facts(today, course, sorted({a.user_id for a in assignments}))
    states = {
        row.id: row
        for row in db.session.execute(
            f.select(Assignment.id, f.status, f.overdue, f.expiring, f.valid_until).where(
                Assignment.id.in_([a.id for a in assignments])
            )
        )
    }
    return [ListRow(a, *(tuple(states[a.id])[1:])) for a in assignments]


def list_export_rows(scope: Scope, today: date, filters: ListFilters) -> Select:
    """Every row of the filtered list, flat, for the CSV and XLSX download."""
    f, query = _list_query(scope, today, filters)
    manager = User.__table__.alias("manager")
    department = Department.__table__.alias("department")
    return (
        query.with_only_columns(
            User.name,
            User.email,
            User.employee_number,
            department.c.name,
            User.location,
            manager.c.email,
            Assignment.course_slug,
            Assignment.due_on,
            f.status,
            f.overdue,
            f.valid_until,
            Assignment.kind,
            maintain_column_froms=False,
        )
        .outerjoin(department, department.c.id == User.department_id)
        .outerjoin(manager, manager.c.id == User.manager_id)
    )


def remindable_assignments(scope: Scope, today: date, filters: ListFilters) -> list[int]:
    """Ids of the filtered list's assignments whose person is not certified."""
    f, query = _list_query(scope, today, filters)
    return list(
        db.session.scalars(
            query.with_only_columns(Assignment.id, maintain_column_froms=False).where(
                or_(f.valid_until.is_(None), f.expired)
            )
        )
    )


# --- one person -------------------------------------------------------------------------


def person(scope: Scope, person_id: int) -> User | None:
    """The person, if the HR person's scope covers them (else None, like a missing one)."""
    found = db.session.get(User, person_id)
    return found if found is not None and scope.covers(found) else None


def person_by_email(scope: Scope, email: str) -> User | None:
    found = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    return found if found is not None and scope.covers(found) else None


def assignments_of(user: User) -> list[Assignment]:
    """All of the person's assignments, open ones first, then newest first."""
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.user_id == user.id)
            .order_by(
                (Assignment.completed_at.is_(None) & Assignment.cancelled_at.is_(None)).desc(),
                Assignment.due_on.desc(),
                Assignment.id.desc(),
            )
        )
    )


def open_assignments_of(user: User) -> list[Assignment]:
    """The learner's open assignments, most urgent (earliest due) first."""
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.user_id == user.id, is_open())
            .order_by(Assignment.due_on, Assignment.course_slug)
        )
    )


def open_assignment(
    user: User, course_slug: str, kind: AssignmentKind = AssignmentKind.COURSE
) -> Assignment | None:
    """The person's open assignment of this kind in the course (at most one)."""
    return db.session.scalar(
        select(Assignment).where(
            Assignment.user_id == user.id,
            Assignment.course_slug == course_slug,
            Assignment.kind == kind.value,
            is_open(),
        )
    )


@dataclass(frozen=True)
class AttemptSummary:
    """An exam attempt as HR sees it: dates and score, never the answers."""

    course_slug: str
    started_at: object
    submitted_at: object
    percent: int | None
    passed: bool | None


def attempts_of(user: User) -> list[AttemptSummary]:
    rows = db.session.execute(
        select(
            ExamAttempt.course_slug,
            ExamAttempt.started_at,
            ExamAttempt.submitted_at,
            ExamResult.percent,
            ExamResult.passed,
        )
        .outerjoin(ExamResult, ExamResult.attempt_id == ExamAttempt.id)
        .where(ExamAttempt.user_id == user.id)
        .order_by(ExamAttempt.started_at.desc())
    )
    return [AttemptSummary(*row) for row in rows]


def certificates_of(user: User) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc())
        )
    )


def states_of(user: User, today: date) -> dict[int, tuple[str, bool]]:
    """Assignment id -> (status, overdue) of the person's open assignments."""
    f = facts(today, people=[user.id])
    rows = db.session.execute(
        f.select(Assignment.id, f.status, f.overdue).where(Assignment.user_id == user.id)
    )
    return {row[0]: (row[1], bool(row[2])) for row in rows}


def courses_touched(user: User) -> set[str]:
    """Slugs of the courses the person read in, sat an exam in or holds a certificate in."""
    read = select(ModuleCompletion.course_slug).where(ModuleCompletion.user_id == user.id)
    tried = select(ExamAttempt.course_slug).where(ExamAttempt.user_id == user.id)
    held = select(Certificate.course_slug).where(Certificate.user_id == user.id)
    return set(db.session.scalars(read.union(tried, held)))


# --- departments, rules ----------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentRow:
    department: Department
    people: int


def departments(scope: Scope) -> list[DepartmentRow]:
    """The departments in scope with their number of active people."""
    people = (
        select(User.department_id, func.count().label("people"))
        .where(User.active)
        .group_by(User.department_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Department, func.coalesce(people.c.people, 0))
        .outerjoin(people, people.c.department_id == Department.id)
        .where(scope.people(Department.id))
        .order_by(Department.key)
    )
    return [DepartmentRow(d, n) for d, n in rows]


def department(scope: Scope, department_id: int) -> Department | None:
    found = db.session.get(Department, department_id)
    return found if found is not None and scope.covers_department(found) else None


def department_named(scope: Scope, name: str) -> Department | None:
    from ..accounts.queries import department_by_name

    found = department_by_name(name)
    return found if found is not None and scope.covers_department(found) else None


def people_without_department() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.active, User.department_id.is_(None))
        )
        or 0
    )


@dataclass(frozen=True)
class RuleRow:
    rule: AssignmentRule
    open: int  # open assignments it created


def rules(scope: Scope) -> list[RuleRow]:
    """Active rules for everyone and for the departments in scope."""
    open_count = (
        select(Assignment.rule_id, func.count().label("open"))
        .where(is_open())
        .group_by(Assignment.rule_id)
        .subquery()
    )
    rows = db.session.execute(
        select(AssignmentRule, func.coalesce(open_count.c.open, 0))
        .outerjoin(open_count, open_count.c.rule_id == AssignmentRule.id)
        .options(joinedload(AssignmentRule.department))
        .where(
            AssignmentRule.ended_at.is_(None),
            or_(
                AssignmentRule.department_id.is_(None),
                scope.people(AssignmentRule.department_id),
            ),
        )
        .order_by(AssignmentRule.created_at.desc())
    )
    return [RuleRow(rule, n) for rule, n in rows]


def rule(scope: Scope, rule_id: int) -> AssignmentRule | None:
    found = db.session.get(AssignmentRule, rule_id)
    if found is None or found.ended_at is not None:
        return None
    return found if scope.covers_department(found.department) else None


def assignment(scope: Scope, assignment_id: int) -> Assignment | None:
    found = db.session.get(Assignment, assignment_id)
    return found if found is not None and scope.covers(found.user) else None


def active_rules() -> list[AssignmentRule]:
    return list(db.session.scalars(select(AssignmentRule).where(AssignmentRule.ended_at.is_(None))))


def active_rules_for_department(department: Department) -> list[AssignmentRule]:
    return list(
        db.session.scalars(
            select(AssignmentRule).where(
                AssignmentRule.ended_at.is_(None), AssignmentRule.department_id == department.id
            )
        )
    )


def valid_until(user: User, course_slug: str) -> date | None:
    """The end of the person's best certificate in the course (None: none valid or not)."""
    return db.session.scalar(
        select(func.max(Certificate.valid_until)).where(
            Certificate.user_id == user.id,
            Certificate.course_slug == course_slug,
            Certificate.revoked_at.is_(None),
        )
    )


# --- HR people and their scopes (admins) ----------------------------------------------


def hr_people() -> list[tuple[User, HrScope | None]]:
    rows = db.session.execute(
        select(User, HrScope)
        .join(Role, and_(Role.user_id == User.id, Role.name == "hr"))
        .outerjoin(HrScope, HrScope.user_id == User.id)
        .options(joinedload(HrScope.departments))
        .order_by(func.lower(User.name))
    ).unique()
    return [(user, scope) for user, scope in rows]


def emails_by_id(ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(ids)
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            (row.id, row.email)
            for row in db.session.execute(select(User.id, User.email).where(User.id.in_(chunk)))
        )
    return found


def hr_person(person_id: int) -> User | None:
    found = db.session.get(User, person_id)
    return found if found is not None and found.has_any_role("hr") else None


# --- invitations, reminders -------------------------------------------------------------


def invitations_page(scope: Scope, viewer: User, page: int):
    """Invitations, newest first: everything for who sees everything; otherwise the
    ones this HR person sent and those to people in their departments."""
    query = select(Invitation).order_by(Invitation.created_at.desc(), Invitation.id.desc())
    if not scope.everything:
        in_scope = select(User.email).where(scope.people())
        query = query.where(
            or_(Invitation.created_by_id == viewer.id, Invitation.email.in_(in_scope))
        )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def invitation(scope: Scope, viewer: User, invitation_id: int) -> Invitation | None:
    found = db.session.get(Invitation, invitation_id)
    if found is None or scope.everything or found.created_by_id == viewer.id:
        return found
    person = db.session.scalar(select(User).where(User.email == found.email))
    return found if person is not None and scope.covers(person) else None


def reminders_page(scope: Scope, page: int):
    """The reminders recorded, newest first (failed ones are retried by the next run)."""
    query = (
        select(Reminder)
        .join(User, User.id == Reminder.user_id)
        .where(scope.people())
        .options(joinedload(Reminder.user), joinedload(Reminder.recipient))
        .order_by(Reminder.created_at.desc(), Reminder.id.desc())
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def reminder_counts(scope: Scope) -> dict[str, int]:
    rows = db.session.execute(
        select(Reminder.status, func.count())
        .join(User, User.id == Reminder.user_id)
        .where(scope.people())
        .group_by(Reminder.status)
    )
    return dict(rows.all())
