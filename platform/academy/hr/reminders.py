"""Reminder mails: which are due today (plan), recording them in the outbox under a
unique key (queue), and sending what the outbox holds (deliver).

The key says what a reminder is about and which step it is ("due:<assignment>:<due
date>:<days before>", "overdue:<assignment>:<due date>:<week>", "expiry:<certificate>:
<days before>", …). Queuing inserts with ON CONFLICT DO NOTHING on that key, so running
again, or on two hosts at once, records each reminder once. Delivering claims a batch
of rows in one UPDATE (committed before anything is sent), so no two runs send the same
row (the claim is the mail outbox's, academy/outbox.py). A refused mail stays in the
outbox as failed and is tried again on the next run.
Only a run that dies between sending a mail and recording it can send that one mail
again, after STALE (a claim that old counts as abandoned).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased, joinedload

from .. import clock, outbox
from ..accounts.models import User
from ..certificates.models import Certificate
from ..extensions import db
from ..mail import MailError, connection
from . import mails
from .models import Assignment, Reminder, ReminderKind, ReminderStatus
from .status import facts

BATCH = 50


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str
    user_id: int
    recipient_id: int
    course_slug: str
    deadline: date
    assignment_id: int | None = None
    certificate_id: int | None = None
    requested_by_id: int | None = None

    def values(self) -> dict:
        return {
            "key": self.key,
            "kind": self.kind,
            "user_id": self.user_id,
            "recipient_id": self.recipient_id,
            "course_slug": self.course_slug,
            "deadline": self.deadline,
            "assignment_id": self.assignment_id,
            "certificate_id": self.certificate_id,
            "requested_by_id": self.requested_by_id,
            "status": ReminderStatus.QUEUED.value,
            "attempts": 0,
            "created_at": clock.utcnow(),
        }


# --- which step applies today (pure) ----------------------------------------------------


def due_step(days_left: int, steps: tuple[int, ...]) -> int | None:
    """The reminder step for a due date `days_left` days away: the nearest configured
    day not yet passed (14, 3, 0: 10 days left is step 14, 2 days left is step 3). A
    run that missed a day still sends the step that applies, once."""
    reached = [step for step in steps if 0 <= days_left <= step]
    return min(reached) if reached else None


def overdue_round(days_over: int, every: int) -> int | None:
    """0 for the first `every` days after the due date, then 1, 2, …"""
    if every <= 0 or days_over < 1:
        return None
    return (days_over - 1) // every


# --- planning ---------------------------------------------------------------------------


def plan(today: date, settings) -> list[Planned]:
    """Every reminder that applies today (whether or not it was sent already)."""
    return [*_assignment_reminders(today, settings), *_expiry_reminders(today, settings)]


def _assignment_reminders(today: date, settings) -> Iterator[Planned]:
    """Due soon or overdue: open assignments of people who hold no valid certificate,
    and open retrainings (whose people do)."""
    horizon = today + timedelta(days=max(settings.reminder_due_days, default=0))
    manager = aliased(User)
    f = facts(today)
    rows = db.session.execute(
        f.select(
            Assignment.id,
            Assignment.user_id,
            Assignment.course_slug,
            Assignment.due_on,
            manager.id,
        )
        .outerjoin(manager, and_(manager.id == User.manager_id, manager.active))
        .where(or_(f.valid_until.is_(None), f.expired, f.retraining), Assignment.due_on <= horizon)
    )
    for assignment_id, user_id, course, due_on, manager_id in rows:
        base = {"user_id": user_id, "course_slug": course, "deadline": due_on}
        left = (due_on - today).days
        step = due_step(left, settings.reminder_due_days)
        if step is not None:
            key = f"due:{assignment_id}:{due_on}:{step}"
            yield Planned(
                key, ReminderKind.DUE, recipient_id=user_id, assignment_id=assignment_id, **base
            )
        round_ = overdue_round(-left, settings.reminder_overdue_every)
        if round_ is None:
            continue
        key = f"overdue:{assignment_id}:{due_on}:{round_}"
        yield Planned(
            key, ReminderKind.OVERDUE, recipient_id=user_id, assignment_id=assignment_id, **base
        )
        if settings.reminder_manager_copy and manager_id is not None:
            key = f"manager:{assignment_id}:{due_on}:{round_}"
            yield Planned(
                key,
                ReminderKind.MANAGER,
                recipient_id=manager_id,
                assignment_id=assignment_id,
                **base,
            )


def _expiry_reminders(today: date, settings) -> Iterator[Planned]:
    """Certificates that end soon and are the person's best in their course."""
    if not settings.reminder_expiry_days:
        return
    horizon = today + timedelta(days=max(settings.reminder_expiry_days))
    better = aliased(Certificate)
    rows = db.session.execute(
        select(
            Certificate.id, Certificate.user_id, Certificate.course_slug, Certificate.valid_until
        )
        .join(User, User.id == Certificate.user_id)
        .where(
            User.active,
            Certificate.revoked_at.is_(None),
            Certificate.valid_until >= today,
            Certificate.valid_until <= horizon,
            ~exists().where(
                better.user_id == Certificate.user_id,
                better.course_slug == Certificate.course_slug,
                better.revoked_at.is_(None),
                better.valid_until > Certificate.valid_until,
            ),
        )
    )
    for certificate_id, user_id, course, valid_until in rows:
        step = due_step((valid_until - today).days, settings.reminder_expiry_days)
        if step is not None:
            yield Planned(
                f"expiry:{certificate_id}:{step}",
                ReminderKind.EXPIRY,
                user_id=user_id,
                recipient_id=user_id,
                course_slug=course,
                deadline=valid_until,
                certificate_id=certificate_id,
            )


def manual(assignment_ids: list[int], by: User, today: date) -> list[Planned]:
    """HR's reminder from the dashboard: once per assignment and day."""
    rows = db.session.execute(
        select(Assignment.id, Assignment.user_id, Assignment.course_slug, Assignment.due_on).where(
            Assignment.id.in_(assignment_ids)
        )
    )
    return [
        Planned(
            f"manual:{assignment_id}:{today}",
            ReminderKind.MANUAL,
            user_id=user_id,
            recipient_id=user_id,
            course_slug=course,
            deadline=due_on,
            assignment_id=assignment_id,
            requested_by_id=by.id,
        )
        for assignment_id, user_id, course, due_on in rows
    ]


def not_recorded(planned: list[Planned]) -> list[Planned]:
    """The planned reminders whose key is not in the outbox yet (for a dry run)."""
    known: set[str] = set()
    keys = [p.key for p in planned]
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        known.update(db.session.scalars(select(Reminder.key).where(Reminder.key.in_(chunk))))
    return [p for p in planned if p.key not in known]


# --- the outbox -------------------------------------------------------------------------


def queue(planned: list[Planned]) -> None:
    """Record reminders; a key that is recorded already is skipped (not an error)."""
    if not planned:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Reminder.__table__).on_conflict_do_nothing(index_elements=["key"])
    for start in range(0, len(planned), 500):
        db.session.execute(statement, [p.values() for p in planned[start : start + 500]])


@dataclass
class Delivery:
    sent: list[Reminder] = field(default_factory=list)
    failed: list[Reminder] = field(default_factory=list)


def waiting() -> list[Reminder]:
    """Queued and failed reminders: what the next delivery sends."""
    query = (
        select(Reminder)
        .where(Reminder.status.in_([ReminderStatus.QUEUED, ReminderStatus.FAILED]))
        .options(joinedload(Reminder.recipient))
        .order_by(Reminder.id)
    )
    return list(db.session.scalars(query).unique())


def deliver(limit: int | None = None, budget: float | None = None) -> Delivery:
    """Send what the outbox holds, in claimed batches, until `limit` mails or `budget`
    seconds; commits as it goes (a claim must be visible to other runs before the mail
    leaves)."""
    run, started, clock_start = uuid.uuid4().hex, clock.utcnow(), time.monotonic()
    delivery = Delivery()
    while limit is None or len(delivery.sent) + len(delivery.failed) < limit:
        if budget is not None and time.monotonic() - clock_start > budget:
            break
        # Within a budget one at a time, so that what is not reached stays unclaimed.
        size = 1 if budget is not None else BATCH
        if limit is not None:
            size = min(size, limit - len(delivery.sent) - len(delivery.failed))
        batch = _claim(run, started, size)
        if not batch:
            break
        _send(batch, delivery)
    return delivery


def _claim(run: str, started, size: int) -> list[Reminder]:
    """The outbox's claim: queued, failed in an earlier run, or abandoned by a dead run."""
    return outbox.claim(
        Reminder,
        outbox.claimable(Reminder, started),
        run,
        size,
        joinedload(Reminder.user),
        joinedload(Reminder.recipient),
    )


def _send(batch: list[Reminder], delivery: Delivery) -> None:
    with connection() as outbox:
        for reminder in batch:
            try:
                outbox.send(mails.reminder(reminder))
            except MailError as error:
                reminder.status = ReminderStatus.FAILED
                reminder.last_error = str(error)[:300]
                delivery.failed.append(reminder)
            else:
                reminder.status = ReminderStatus.SENT
                reminder.sent_at = clock.utcnow()
                reminder.last_error = None
                delivery.sent.append(reminder)
            db.session.commit()  # recorded at once: a crash later cannot resend this one
