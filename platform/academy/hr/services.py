"""Writes for HR: assignments and the rules that create them, renewals after a
certificate, HR scopes, department merges, and HR's changes to people (through the
accounts services). They check the rules first, flush, record an audit event; the view
(or command) commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import case, delete, exists, insert, literal, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import Date, DateTime, Integer, String

from .. import audit, clock
from ..accounts import services as accounts
from ..accounts.models import Department, User
from ..certificates.models import Certificate
from ..content import Course
from ..exams.models import ExamAttempt
from ..extensions import db
from ..learning import queries as learning
from . import queries
from .models import Assignment, AssignmentKind, AssignmentRule, HrScope, hr_scope_departments
from .outcomes import HrRefusal, HrRefused
from .queries import Scope
from .status import best_certificates, first_activity, is_open

MAX_DUE_DAYS = 3650


@dataclass(frozen=True)
class Due:
    """A fixed due date, or a number of days after the person gets the assignment."""

    on: date | None = None
    days: int | None = None

    def for_start(self, start: date) -> date:
        return self.on if self.on is not None else start + timedelta(days=self.days or 0)

    def check(self) -> None:
        if self.on is not None and self.on < clock.today():
            raise HrRefused(HrRefusal.DUE_IN_PAST)

    def describe(self) -> str:
        return self.on.isoformat() if self.on is not None else f"+{self.days}d"


def assignable_course(slug: str) -> Course:
    """A published course (drafts are invisible to learners, so nobody could take them)."""
    course = learning.catalog().get(slug)
    if course is None:
        raise HrRefused(HrRefusal.UNKNOWN_COURSE, slug=slug)
    return course


# --- assignments ------------------------------------------------------------------------


def assign_people(course: Course, people: Iterable[User], due: Due, by: User | None) -> int:
    """Assign the course to each person who has no open assignment for it; returns how
    many got one."""
    due.check()
    created = 0
    for person in people:
        if person.active and _assign(person, course.slug, due, None, by) is not None:
            created += 1
    if not created:
        raise HrRefused(HrRefusal.NOBODY)
    return created


def _assign(
    person: User, course_slug: str, due: Due, rule: AssignmentRule | None, by: User | None
) -> Assignment | None:
    """One assignment, unless the person has an open one for the course already. Who
    holds a valid certificate is due when it ends (if that is later)."""
    if queries.open_assignment(person, course_slug) is not None:
        return None
    due_on = due.for_start(clock.today())
    valid = queries.valid_until(person, course_slug)
    if valid is not None and valid > due_on:
        due_on = valid
    assignment = Assignment(
        user_id=person.id,
        course_slug=course_slug,
        due_on=due_on,
        rule_id=rule.id if rule is not None else None,
        assigned_by_id=by.id if by is not None else None,
        started_at=db.session.scalar(select(first_activity(person.id, course_slug))),
    )
    try:
        with db.session.begin_nested():  # a parallel request may assign it at this moment
            db.session.add(assignment)
    except IntegrityError:
        return None
    _record_created(assignment, person, by, rule=rule.id if rule is not None else None)
    return assignment


def _record_created(assignment: Assignment, person: User, by: User | None, **details) -> None:
    """The audit record of a new assignment (one by one; rules record their count)."""
    audit.record(
        "assignment.created",
        by,
        assignment,
        person=person,
        course=assignment.course_slug,
        due=assignment.due_on.isoformat(),
        **details,
    )


def create_rule(
    course: Course, department: Department | None, due: Due, by: User | None, scope: Scope
) -> tuple[AssignmentRule, int]:
    """Assign the course to everyone (department None) or to a department, now and to
    whoever joins later; returns the rule and how many people got an assignment now."""
    if not scope.covers_department(department):
        reason = HrRefusal.NEEDS_EVERYTHING if department is None else HrRefusal.NOT_IN_SCOPE
        raise HrRefused(reason)
    due.check()
    rule = AssignmentRule(
        course_slug=course.slug,
        department_id=department.id if department is not None else None,
        due_on=due.on,
        due_days=due.days if due.on is None else None,
        created_by_id=by.id if by is not None else None,
    )
    db.session.add(rule)
    db.session.flush()
    created = _assign_in_bulk(rule, by)
    audit.record(
        "assignment_rule.created",
        by,
        rule,
        course=course.slug,
        department=department.name if department is not None else None,
        due=due.describe(),
        people=created,
    )
    return rule, created


def _assign_in_bulk(rule: AssignmentRule, by: User | None, only: list[int] | None = None) -> int:
    """INSERT … SELECT: the rule's assignment for every active person with a confirmed
    address it covers who has no open one for the course and never had one from this
    rule (one statement, whatever the number of people)."""
    today = clock.today()
    due_on = rule.due_for(today)
    best = best_certificates(rule.course_slug)
    due_expr = case((best.c.valid_until > due_on, best.c.valid_until), else_=literal(due_on, Date))
    already = exists().where(
        Assignment.user_id == User.id,
        Assignment.course_slug == rule.course_slug,
        Assignment.kind == AssignmentKind.COURSE.value,
        is_open(),
    )
    given = exists().where(Assignment.user_id == User.id, Assignment.rule_id == rule.id)
    people = (
        select(
            User.id,
            literal(rule.course_slug, String),
            due_expr,
            literal(clock.utcnow(), DateTime),
            literal(rule.id, Integer),
            literal(by.id, Integer) if by is not None else null(),
            first_activity(User.id, rule.course_slug),
        )
        .outerjoin(best, best.c.user_id == User.id)
        # A self-registration whose address is not confirmed is nobody's employee yet:
        # it gets the rules' courses once confirmed (accounts sends people_placed then).
        .where(User.active, User.email_verified_at.is_not(None), ~already, ~given)
    )
    if rule.department_id is not None:
        people = people.where(User.department_id == rule.department_id)
    if only is not None:
        people = people.where(User.id.in_(only))
    columns = [
        "user_id",
        "course_slug",
        "due_on",
        "assigned_at",
        "rule_id",
        "assigned_by_id",
        "started_at",
    ]
    # kind: the column's default, "course"
    table = Assignment.__table__
    # Counted through RETURNING: psycopg reports no row count for INSERT … SELECT.
    created = db.session.execute(insert(table).from_select(columns, people).returning(table.c.id))
    return len(created.all())


def end_rule(rule: AssignmentRule, by: User | None, scope: Scope) -> int:
    """Withdraw a rule: nobody new gets it, and its open assignments are cancelled."""
    if not scope.covers_department(rule.department):
        raise HrRefused(HrRefusal.NOT_IN_SCOPE)
    now = clock.utcnow()
    rule.ended_at = now
    cancelled = db.session.execute(
        update(Assignment)
        .where(Assignment.rule_id == rule.id, is_open())
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    audit.record("assignment_rule.ended", by, rule, course=rule.course_slug, cancelled=cancelled)
    return cancelled or 0


def cancel_assignment(assignment: Assignment, by: User | None) -> None:
    if not assignment.is_open:
        raise HrRefused(HrRefusal.NOT_OPEN)
    assignment.cancelled_at = clock.utcnow()
    db.session.flush()
    audit.record(
        "assignment.cancelled",
        by,
        assignment,
        person=assignment.user,
        course=assignment.course_slug,
    )


def apply_rules(_sender, *, users: list[User], **_extra) -> None:
    """Receiver of people_placed: people who were created or changed department get the
    assignments of the rules that now cover them (one INSERT per rule, once per rule and
    person, whatever the number of people)."""
    by_department: dict[int | None, list[int]] = defaultdict(list)
    for user in users:
        if user.active:
            by_department[user.department_id].append(user.id)
    if not by_department:
        return
    everyone = [i for ids in by_department.values() for i in ids]
    for rule in queries.active_rules():
        covered = everyone if rule.department_id is None else by_department.get(rule.department_id)
        created = _assign_in_bulk(rule, None, only=covered) if covered else 0
        if created:
            person = users[0] if len(users) == 1 else None
            audit.record("assignment_rule.applied", None, rule, person=person, people=created)


def renew_after_certificate(
    _sender, *, user: User, course: Course, certificate: Certificate, **_extra
) -> None:
    """Receiver of certificate_issued: the certificate completes the person's open
    assignment for the course, and the next round is assigned at once, due on the day
    the certificate ends. Who took the course without an assignment gets none."""
    current = queries.open_assignment(user, course.slug)
    if current is None:
        return
    current.completed_at = clock.utcnow()
    current.certificate_id = certificate.id
    db.session.flush()  # the open slot is free now: the unique index allows the next one
    following = Assignment(
        user_id=user.id,
        course_slug=course.slug,
        due_on=certificate.valid_until,
        rule_id=current.rule_id,
        renews_certificate_id=certificate.id,
        # They read and passed the exam for the certificate: a course assignment counts
        # what came before it (it matters again once the certificate has run out).
        started_at=db.session.scalar(select(first_activity(user.id, course.slug))),
    )
    db.session.add(following)
    db.session.flush()
    audit.record("assignment.completed", None, current, person=user, certificate=certificate.number)
    audit.record(
        "assignment.renewed",
        None,
        following,
        person=user,
        course=course.slug,
        due=certificate.valid_until.isoformat(),
    )


def assign_retraining(
    _sender,
    *,
    people: list[User],
    course_slug: str,
    number: int,
    modules: list[str],
    by: User | None = None,
    **_extra,
) -> None:
    """Receiver of retraining_assigned: each active person gets an assignment of kind
    retraining, due RETRAINING_DUE_DAYS from today. It stands beside their renewal of the
    course (another obligation, another date). Someone whose retraining is still open
    keeps that assignment, and a later due date if the new change brings one: the
    further modules take time too."""
    due_on = clock.today() + timedelta(days=current_app.config["SETTINGS"].retraining_due_days)
    for person in people:
        if not person.active:
            continue
        current = queries.open_assignment(person, course_slug, AssignmentKind.RETRAINING)
        if current is not None:
            if current.due_on < due_on:
                current.due_on = due_on
                db.session.flush()
                audit.record(
                    "assignment.extended",
                    by,
                    current,
                    person=person,
                    course=course_slug,
                    due=due_on.isoformat(),
                    number=number,
                )
            continue
        # Not started, whatever they read before: only what they do from now on counts.
        assignment = Assignment(
            user_id=person.id,
            course_slug=course_slug,
            kind=AssignmentKind.RETRAINING.value,
            due_on=due_on,
            assigned_by_id=by.id if by is not None else None,
        )
        db.session.add(assignment)
        db.session.flush()
        _record_created(
            assignment,
            person,
            by,
            kind=AssignmentKind.RETRAINING.value,
            number=number,
            modules=modules,
        )


def complete_retraining(_sender, *, user: User, course_slug: str, **_extra) -> None:
    """Receiver of retraining_completed: the re-check is passed (or the modules read)."""
    current = queries.open_assignment(user, course_slug, AssignmentKind.RETRAINING)
    if current is None:
        return
    current.completed_at = clock.utcnow()
    db.session.flush()
    audit.record("assignment.completed", None, current, person=user, course=course_slug)


def mark_started(user_id: int, course_slug: str) -> None:
    """The person read a module or started an exam in the course: their open assignments
    of it that were not started are now. The first activity counts; later ones do not
    move the mark."""
    db.session.execute(
        update(Assignment)
        .where(
            Assignment.user_id == user_id,
            Assignment.course_slug == course_slug,
            Assignment.started_at.is_(None),
            is_open(),
        )
        .values(started_at=clock.utcnow())
        .execution_options(synchronize_session="fetch")
    )


def start_after_reading(_sender, *, user: User, course: Course, **_extra) -> None:
    """Receiver of learning's module_completed."""
    mark_started(user.id, course.slug)


def start_after_exam(_sender, *, user: User, attempt: ExamAttempt, **_extra) -> None:
    """Receiver of exams' exam_started (a final exam or a re-check)."""
    mark_started(user.id, attempt.course_slug)


# --- people and departments -------------------------------------------------------------


def _check_department(department: Department | None, scope: Scope) -> None:
    if department is not None and not scope.covers_department(department):
        raise HrRefused(HrRefusal.NOT_IN_SCOPE)


def add_person(email: str, name: str, by: User, scope: Scope, **details) -> User:
    """A person HR adds by hand (they set their password through an invitation)."""
    _check_department(details.get("department"), scope)
    if details.get("department") is None and not scope.everything:
        raise HrRefused(HrRefusal.NOT_IN_SCOPE)
    return accounts.create_user(email, name, None, ("learner",), by, **details)


def update_person(person: User, by: User, scope: Scope, **changes) -> dict:
    _check_protected(person, by)
    if "department" in changes:
        _check_department(changes["department"], scope)
    return accounts.update_person(person, by, **changes)


def set_active(person: User, active: bool, by: User) -> None:
    """Deactivating keeps everything (assignments, attempts, certificates); the person
    can no longer sign in and is left out of figures and reminders."""
    _check_protected(person, by)
    accounts.set_active(person, active, by)


def _check_protected(person: User, by: User) -> None:
    if person.has_any_role("admin") and not by.has_any_role("admin"):
        raise HrRefused(HrRefusal.PROTECTED)


def create_department(name: str, by: User | None, scope: Scope) -> Department:
    if not scope.everything:
        raise HrRefused(HrRefusal.NEEDS_EVERYTHING)
    return accounts.create_department(name, by)


def merge_departments(source: Department, target: Department, by: User | None, scope: Scope) -> int:
    """Fold `source` into `target`: its people, its rules and the HR scopes that named
    it move to `target`; the target's rules then apply to the people who moved."""
    if not (scope.covers_department(source) and scope.covers_department(target)):
        raise HrRefused(HrRefusal.NOT_IN_SCOPE)
    moved_ids = list(db.session.scalars(select(User.id).where(User.department_id == source.id)))
    _move_scopes(source, target)
    db.session.execute(
        update(AssignmentRule)
        .where(AssignmentRule.department_id == source.id)
        .values(department_id=target.id)
        .execution_options(synchronize_session=False)
    )
    moved = accounts.merge_departments(source, target, by)
    for rule in queries.active_rules_for_department(target):
        _assign_in_bulk(rule, None, only=moved_ids)
    return moved


def _move_scopes(source: Department, target: Department) -> None:
    """Who was responsible for `source` is now responsible for `target`."""
    scopes, other = hr_scope_departments, hr_scope_departments.alias("other")
    already = select(other.c.user_id).where(other.c.department_id == target.id)
    holders = select(scopes.c.user_id, literal(target.id, Integer)).where(
        scopes.c.department_id == source.id, scopes.c.user_id.not_in(already)
    )
    db.session.execute(insert(scopes).from_select(["user_id", "department_id"], holders))
    db.session.execute(delete(scopes).where(scopes.c.department_id == source.id))


# --- scopes -----------------------------------------------------------------------------


def set_scope(person: User, all_departments: bool, departments: list[Department], by: User) -> None:
    """An admin decides which departments an HR person sees."""
    scope = db.session.get(HrScope, person.id)
    if scope is None:
        scope = HrScope(user_id=person.id)
        db.session.add(scope)
    before = {
        "all": scope.all_departments,
        "departments": sorted(d.name for d in scope.departments),
    }
    scope.all_departments = all_departments
    scope.departments = [] if all_departments else list(departments)
    db.session.flush()
    audit.record(
        "hr_scope.changed",
        by,
        person,
        person=person,
        before=before,
        all=all_departments,
        departments=sorted(d.name for d in scope.departments),
    )
