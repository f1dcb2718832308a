"""Assignments (who must take which course by when), the rules that create them, which
departments each HR person sees, and the reminders sent (the outbox of reminder mails)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..accounts.models import Department, User
from ..extensions import db

# An assignment is open until a certificate (a retraining: the re-check) completes it or
# HR withdraws it.
OPEN = "completed_at IS NULL AND cancelled_at IS NULL"


class AssignmentKind(StrEnum):
    COURSE = "course"  # take the course and earn (or renew) its certificate
    # After a material change: re-read the changed modules and pass the re-check. The
    # person holds a valid certificate, so it is not "certified" until that is done.
    RETRAINING = "retraining"


class AssignmentRule(db.Model):
    """HR's decision "everyone (or this department) takes this course": it creates an
    assignment for each person it covers now, and for each person who joins later."""

    __tablename__ = "assignment_rules"
    __table_args__ = (CheckConstraint("(due_on IS NULL) <> (due_days IS NULL)", name="one_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(  # None: everyone
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date | None]  # a fixed date, or …
    due_days: Mapped[int | None]  # … this many days after the person gets the assignment
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    ended_at: Mapped[datetime | None]  # withdrawn: covers nobody new

    department: Mapped[Department | None] = relationship()

    def due_for(self, start: date) -> date:
        """The due date for a person who gets the assignment on `start`."""
        if self.due_on is not None:
            return self.due_on
        return date.fromordinal(start.toordinal() + (self.due_days or 0))


class Assignment(db.Model):
    """One person must take one course (or a retraining in it) by `due_on`."""

    __tablename__ = "assignments"
    __table_args__ = (
        # One open assignment per person, course and kind: rules that overlap, a double
        # click or two hosts cannot assign the same course twice. A retraining is a kind
        # of its own because its holders usually have an open renewal of the course
        # (due when the certificate ends) beside it: two obligations, two due dates.
        Index(
            "uq_assignments_open",
            "user_id",
            "course_slug",
            "kind",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
        # The dashboard and the reminders read the open assignments of a course.
        Index(
            "ix_assignments_open_course",
            "course_slug",
            "due_on",
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
        Index("ix_assignments_rule_user", "rule_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(
        String(20), default=AssignmentKind.COURSE.value, server_default="course"
    )
    due_on: Mapped[date]
    assigned_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment_rules.id", ondelete="SET NULL")
    )
    # Who assigned it; None: the platform (a rule for someone who joined, a renewal).
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The next round after this certificate (due when it expires).
    renews_certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    completed_at: Mapped[datetime | None]
    certificate_id: Mapped[int | None] = mapped_column(  # the certificate that completed it
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    cancelled_at: Mapped[datetime | None]
    # When the person first read a module or started an exam in the course for it: the
    # status "not started" / "in progress" without looking through their reading and
    # attempts. A course assignment counts what came before it too; a retraining only
    # what came after it was assigned (what they did for the earlier round is no start).
    started_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None


hr_scope_departments = Table(
    "hr_scope_departments",
    db.metadata,
    Column("user_id", ForeignKey("hr_scopes.user_id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class HrScope(db.Model):
    """The departments an HR person sees (an admin sets it; admins see everything)."""

    __tablename__ = "hr_scopes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    all_departments: Mapped[bool] = mapped_column(default=False)

    departments: Mapped[list[Department]] = relationship(secondary=hr_scope_departments)


class ReminderKind(StrEnum):
    DUE = "due"  # the due date comes closer
    OVERDUE = "overdue"  # past the due date, weekly
    MANAGER = "manager"  # a copy to the manager of someone overdue
    EXPIRY = "expiry"  # a certificate ends soon
    MANUAL = "manual"  # HR sent it from the dashboard


class ReminderStatus(StrEnum):
    QUEUED = "queued"  # recorded, not sent yet
    SENDING = "sending"  # claimed by one run, which is sending it now
    SENT = "sent"
    FAILED = "failed"  # the mail server refused: the next run tries again


class Reminder(db.Model):
    """One reminder mail. The unique key (kind, what it is about, which step) is what
    makes a re-run, or two hosts running at once, send nothing twice."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status", "status", "claimed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    # The learner it is about, and who gets the mail (the learner or their manager).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(100))
    deadline: Mapped[date]  # the due date, or the day the certificate ends
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL")
    )
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    requested_by_id: Mapped[int | None] = mapped_column(  # HR, for a manual reminder
        ForeignKey("users.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(10), default=ReminderStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    claimed_by: Mapped[str | None] = mapped_column(String(32))  # the run that is sending it
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    sent_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
