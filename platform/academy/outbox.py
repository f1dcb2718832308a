"""The mail outbox: a mail is a row written in the same transaction as the change that
causes it, and it leaves only after that transaction committed.

So a rolled-back change sends nothing (its row is gone with it), and no transaction is
open while the mail server is slow: the request that queued a mail sends it after its
response went out (`after_response`, a budget of a few seconds), and
`flask --app app mail send` (from cron) sends what is left, batches and retries. A mail
the server refuses stays in the outbox with the error, and is tried again after a
growing pause (BACKOFF); after MAX_ATTEMPTS it is given up (its body is removed).

Rows hold links with tokens (password reset, invitation): a sent mail is deleted at
once, and the retention rules delete what waited too long (privacy/retention.py).

Claiming is shared with the HR reminders (`claim()`): one UPDATE marks a batch as being
sent by this run and is committed before any mail leaves, so two runs, or a request and
the command, never send the same row; a claim older than STALE counts as abandoned.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import click
from flask import Flask, current_app, g, has_request_context, request
from flask.cli import AppGroup
from sqlalchemy import String, Text, and_, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .extensions import db
from .mail import Mail, MailError, connection

BATCH = 50
STALE = timedelta(minutes=30)
MAX_ATTEMPTS = 6
# After the n-th failed attempt the next one waits BACKOFF * 4**(n-1): 1, 4, 16, 64, 256 min.
BACKOFF = timedelta(minutes=1)
# What the request that queued mails may spend sending them after its response.
REQUEST_BUDGET_SECONDS = 10.0


class MailStatus(StrEnum):
    QUEUED = "queued"  # waiting; sent mails are deleted, not kept
    SENDING = "sending"  # claimed by one run, which is sending it now
    FAILED = "failed"  # refused or unreachable: tried again from next_attempt_at
    GAVE_UP = "gave_up"  # failed MAX_ATTEMPTS times; the body is removed


class OutboxMail(db.Model):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)  # holds links with tokens: deleted once sent
    html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    last_error: Mapped[str | None] = mapped_column(String(300))
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())

    def mail(self) -> Mail:
        return Mail(self.recipient, self.subject, self.text, self.html)


# --- queuing ------------------------------------------------------------------------------


def queue(mail: Mail) -> OutboxMail:
    """Record a mail in the current transaction. In a request it is sent after the
    response (if the transaction was committed); otherwise by `deliver()`."""
    row = OutboxMail(
        recipient=mail.to,
        subject=mail.subject[:300],
        text=mail.text,
        html=mail.html,
        status=MailStatus.QUEUED,
        attempts=0,
        next_attempt_at=clock.utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    if has_request_context():
        if "outbox_ids" not in g:
            g.outbox_ids = []
            after_response(lambda ids=g.outbox_ids: deliver(ids=ids, budget=REQUEST_BUDGET_SECONDS))
        g.outbox_ids.append(row.id)
    return row


def after_response(job: Callable[[], object]) -> None:
    """Run `job` once this request's response has been sent, in an app context of its
    own: the view's transaction has ended by then (committed, or rolled back, in which
    case its outbox rows do not exist and nothing is sent for them)."""
    g.setdefault("after_response", []).append(job)


def _run_after_response(response):
    jobs = g.pop("after_response", None)
    if jobs:
        app, root = current_app._get_current_object(), request.root_url
        response.call_on_close(lambda: _run_in(app, root, jobs))
    return response


def _run_in(app: Flask, root: str, jobs: list[Callable[[], object]]) -> None:
    # A request context of its own (the request's is gone), so that mails rendered now
    # can build their links; they take the host from PUBLIC_URL (external_url).
    with app.test_request_context("/", base_url=root):
        for job in jobs:
            try:
                job()
            except Exception:  # the response is gone; the command retries what is left
                app.logger.exception("sending mails after the response failed")
                db.session.rollback()


# --- claiming (shared with hr.reminders) ----------------------------------------------------


def claimable(model, started: datetime):
    """Queued; failed in an earlier run; or claimed by a run that died (STALE)."""
    return or_(
        model.status == MailStatus.QUEUED,
        and_(model.status == MailStatus.FAILED, model.claimed_at < started),
        and_(model.status == MailStatus.SENDING, model.claimed_at < started - STALE),
    )


def claim(model, condition, run: str, size: int, *options) -> list:
    """Mark up to `size` rows matching `condition` as being sent by `run`, commit, and
    return them. The condition is checked again in the UPDATE: another run may have
    claimed a row since the sub-select."""
    candidates = select(model.id).where(condition).order_by(model.id).limit(size)
    db.session.execute(
        update(model)
        .where(model.id.in_(candidates.scalar_subquery()), condition)
        .values(
            status=MailStatus.SENDING,
            claimed_by=run,
            claimed_at=clock.utcnow(),
            attempts=model.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    query = select(model).where(model.claimed_by == run, model.status == MailStatus.SENDING)
    return list(db.session.scalars(query.options(*options).order_by(model.id)).unique())


# --- delivering -----------------------------------------------------------------------------


@dataclass
class Delivery:
    sent: int = 0
    failed: list[OutboxMail] = field(default_factory=list)  # tried again later
    gave_up: list[OutboxMail] = field(default_factory=list)
    held: int = 0  # production without SMTP_HOST: kept in the outbox


def _due(started: datetime, ids: list[int] | None):
    condition = and_(claimable(OutboxMail, started), OutboxMail.next_attempt_at <= started)
    return condition if ids is None else and_(condition, OutboxMail.id.in_(ids))


def deliver(ids: list[int] | None = None, budget: float | None = None) -> Delivery:
    """Send the mails that are due (only `ids`, when given), in claimed batches, until
    `budget` seconds are spent; commits as it goes."""
    settings = current_app.config["SETTINGS"]
    delivery = Delivery()
    if settings.production and not settings.smtp_host:
        delivery.held = waiting()
        if delivery.held:
            current_app.logger.warning(NO_SMTP, delivery.held)
        return delivery
    run, started, clock_start = uuid.uuid4().hex, clock.utcnow(), time.monotonic()
    while budget is None or time.monotonic() - clock_start < budget:
        # Within a budget one at a time, so that what is not reached stays unclaimed.
        batch = claim(OutboxMail, _due(started, ids), run, 1 if budget else BATCH)
        if not batch:
            break
        _send(batch, delivery)
    return delivery


NO_SMTP = (
    "SMTP_HOST is not set: %d mail(s) wait in the outbox (not sent, not printed). "
    "Set SMTP_HOST and run: flask --app app mail send"
)


def _send(batch: list[OutboxMail], delivery: Delivery) -> None:
    with connection() as smtp:
        for row in batch:
            try:
                smtp.send(row.mail())
            except MailError as error:
                _failed(row, str(error), delivery)
            else:
                db.session.delete(row)  # sent: its body (with a token) goes at once
                delivery.sent += 1
            db.session.commit()  # recorded at once: a crash later cannot resend this one


def _failed(row: OutboxMail, error: str, delivery: Delivery) -> None:
    row.last_error = error[:300]
    if row.attempts >= MAX_ATTEMPTS:
        row.status, row.text, row.html = MailStatus.GAVE_UP, "", None
        delivery.gave_up.append(row)
        return
    row.status = MailStatus.FAILED
    row.next_attempt_at = clock.utcnow() + BACKOFF * 4 ** (row.attempts - 1)
    delivery.failed.append(row)


def waiting() -> int:
    """Mails not sent yet (queued, being sent, or to be retried)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMail)
            .where(OutboxMail.status != MailStatus.GAVE_UP)
        )
        or 0
    )


def delete_older_than(moment: datetime) -> int:
    """Retention: whatever waited since before `moment` (its links have expired)."""
    result = db.session.execute(delete(OutboxMail).where(OutboxMail.created_at < moment))
    return result.rowcount or 0


def count_older_than(moment: datetime) -> int:
    query = select(func.count()).select_from(OutboxMail).where(OutboxMail.created_at < moment)
    return db.session.scalar(query) or 0


# --- the command ----------------------------------------------------------------------------

mail_cli = AppGroup("mail", help="The mail outbox.")


@mail_cli.command("send")
def send_command() -> None:
    """Send the mails waiting in the outbox, and retry those that failed before (when
    their pause is over). Run it every few minutes from cron or a timer; running it on
    several hosts at once sends nothing twice. Exits with 1 when a mail failed."""
    delivery = deliver()
    if delivery.held:
        raise click.ClickException(NO_SMTP % delivery.held)
    for row in delivery.failed:
        click.echo(
            f"failed: mail {row.id} to {row.recipient}: {row.last_error}; "
            f"tried again from {row.next_attempt_at:%Y-%m-%d %H:%M} UTC",
            err=True,
        )
    for row in delivery.gave_up:
        click.echo(
            f"gave up: mail {row.id} to {row.recipient} after {row.attempts} attempts: "
            f"{row.last_error}",
            err=True,
        )
    click.echo(
        f"sent {delivery.sent} mail(s), {len(delivery.failed)} failed, "
        f"{len(delivery.gave_up)} given up; {waiting()} waiting"
    )
    if delivery.failed or delivery.gave_up:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.after_request(_run_after_response)
    app.cli.add_command(mail_cli)
    settings = app.config["SETTINGS"]
    if settings.production and not settings.smtp_host:
        app.logger.warning(
            "SMTP_HOST is not set: mails stay in the outbox until it is (nothing is printed)"
        )
