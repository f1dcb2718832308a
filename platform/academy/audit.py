"""The audit trail: every service that changes data records who did what to which records.

Domains call `record()` after their write has flushed (so new rows have ids), in the same
transaction: the event exists exactly when the change does. Events hold ids and the
action, never copies of personal data (no names, e-mail addresses or typed text).

The events form a hash chain. Each event's `hash` is SHA-256 over a canonical
serialisation of its id, time, action, the digest of its body (who, whom, which rows,
what changed) and the previous event's hash, so changing, inserting or deleting an event
breaks the chain from there on; `verify()` finds the first break. Two things may remove
parts of the chain, both done by the retention rules of the privacy domain: the body of
a sign-in event is removed after a while (its digest stays, so the chain still checks),
and the oldest events are deleted as a whole (an `audit.pruned` event then names the
first event kept).

`actor_id` and `person_id` are plain numbers, not foreign keys: deleting a person must
not rewrite the log (the chain would break); the entries keep the former id, which
identifies nobody once the account is gone (ids are never reused).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, func, insert, select, text
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .extensions import db

ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")  # "<thing>.<what happened>", e.g. account.created
GENESIS = "0" * 64  # the "previous hash" of the first event
# Events whose body (who signed in) the sign-in retention rule removes after a while.
REDACTABLE = frozenset({"account.signed_in", "account.sign_in_failed", "account.signed_out"})
PRUNED = "audit.pruned"
# PostgreSQL advisory lock key: one writer appends to the chain at a time.
CHAIN_LOCK = 0x41554454


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_actor", "actor_id", "at"),
        Index("ix_audit_events_person", "person_id", "at"),
        Index("ix_audit_events_action", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow(), index=True)
    # Who did it; None: the system (a command, a scheduled job) or nobody signed in.
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(60))
    # The person the records are about, if any: what a data-access request must list.
    person_id: Mapped[int | None]
    targets: Mapped[list] = mapped_column(JSON)  # ["table:id", …] of the records changed
    details: Mapped[dict] = mapped_column(JSON)  # what changed: ids, role names, slugs
    body_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the four above
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    redacted_at: Mapped[datetime | None]  # when retention removed the body


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def body_digest(actor_id, person_id, targets, details) -> str:
    body = {"actor": actor_id, "person": person_id, "targets": targets, "details": details}
    return hashlib.sha256(canonical(body)).hexdigest()


def chain_hash(event_id: int, at: datetime, action: str, digest: str, prev_hash: str) -> str:
    frame = {
        "id": event_id,
        "at": at.isoformat(timespec="microseconds"),
        "action": action,
        "body": digest,
        "prev": prev_hash,
    }
    return hashlib.sha256(canonical(frame)).hexdigest()


def record(action: str, actor, *targets, person=None, **details: Any) -> AuditEvent:
    """Append an event to the chain in the current transaction. `actor` and `person`
    are users (or None); `targets` are the model instances the action changed.

    One INSERT with the hash already computed: the chain is locked first, then its head
    is read and the new event's id taken (on an exam hand-in the former insert, read
    and second flush for the hash were a third of the request). Returns the event as
    written; it is not added to the session."""
    if not ACTION.match(action):
        raise ValueError(f"audit action must look like 'thing.event': {action!r}")
    actor_id = actor.id if actor is not None else None
    person_id = person.id if person is not None else None
    names = [f"{t.__tablename__}:{t.id}" for t in targets]
    digest = body_digest(actor_id, person_id, names, details)
    # Core, not the ORM: the event is not kept in the session (nothing reads it there).
    # The caller flushed its write before, so the targets have their ids.
    connection = db.session.connection()
    event_id, previous = _chain_head(connection)
    if event_id is None:  # the first event ever, or all were pruned: the database numbers it
        return _first_event(action, actor_id, person_id, names, details, digest)
    at = clock.utcnow()
    columns = {
        "id": event_id,
        "at": at,
        "actor_id": actor_id,
        "action": action,
        "person_id": person_id,
        "targets": names,
        "details": details,
        "body_digest": digest,
        "prev_hash": previous,
        "hash": chain_hash(event_id, at, action, digest, previous),
    }
    connection.execute(_INSERT, columns)
    return AuditEvent(**columns)


# Built once: building an insert costs about as much as running it.
_INSERT = insert(AuditEvent)
# SQLite numbers a row max(id) + 1 (no AUTOINCREMENT on this table), so the id is known
# before the insert and the primary key refuses a second event after the same head.
_SQLITE_HEAD = select(AuditEvent.id + 1, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
# PostgreSQL: the id from the table's sequence, taken while holding the chain's lock, so
# every event of another transaction has a smaller id and is committed already.
_POSTGRESQL_HEAD = select(
    func.nextval(func.pg_get_serial_sequence("audit_events", "id")),
    select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1).scalar_subquery(),
)


def _chain_head(connection) -> tuple[int | None, str]:
    """Lock the chain, then: the new event's id and the previous event's hash (None and
    GENESIS when the log is empty)."""
    if connection.dialect.name == "postgresql":
        # Wait until no other transaction is appending (held until commit). A separate
        # statement: a statement reads the rows committed when it started, so the head
        # must be read by a later one.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
        event_id, previous = connection.execute(_POSTGRESQL_HEAD).one()
        return (event_id, previous) if previous is not None else (None, GENESIS)
    _sqlite_write_lock(connection)
    head = connection.execute(_SQLITE_HEAD).first()
    return (head[0], head[1]) if head is not None else (None, GENESIS)


def _sqlite_write_lock(connection) -> None:
    """Take the database's write lock before reading the head, so that no other writer
    appends in between. A transaction that wrote already holds it; the driver opens a
    transaction only for a write (or a savepoint), so without one nothing was written."""
    driver = connection.connection.dbapi_connection
    if not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _first_event(action, actor_id, person_id, names, details, digest) -> AuditEvent:
    """The chain's first event: the database picks its id, then the hash is added."""
    event = AuditEvent(
        at=clock.utcnow(),
        actor_id=actor_id,
        action=action,
        person_id=person_id,
        targets=names,
        details=details,
        body_digest=digest,
        prev_hash=GENESIS,
        hash="",
    )
    db.session.add(event)
    db.session.flush()
    event.hash = chain_hash(event.id, event.at, action, digest, GENESIS)
    db.session.flush()
    return event


@dataclass(frozen=True)
class Verification:
    checked: int
    head_id: int | None
    head_hash: str | None
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(events: Iterable[AuditEvent], first_kept: int | None) -> Verification:
    """Recompute the chain over the events in id order. `first_kept`: the first event
    the latest pruning kept (None: nothing was ever pruned, so the chain must start at
    the beginning)."""
    previous: AuditEvent | None = None
    checked = 0
    for event in events:
        reason = _fault(event, previous, first_kept)
        if reason:
            return Verification(checked, _id(previous), _hash(previous), event.id, reason)
        previous, checked = event, checked + 1
    return Verification(checked, _id(previous), _hash(previous))


def _fault(event: AuditEvent, previous: AuditEvent | None, first_kept: int | None) -> str:
    if previous is None and event.prev_hash != GENESIS and event.id != first_kept:
        return "the entries before it are missing"
    if previous is not None and event.prev_hash != previous.hash:
        return "the entry before it was changed or deleted"
    if event.redacted_at is None:
        expected = body_digest(event.actor_id, event.person_id, event.targets, event.details)
        if expected != event.body_digest:
            return "its content was changed"
    elif event.action not in REDACTABLE or _has_body(event):
        return "its content was removed, which retention does only for sign-ins"
    if chain_hash(event.id, event.at, event.action, event.body_digest, event.prev_hash) != (
        event.hash
    ):
        return "its id, time, action or hash was changed"
    return ""


def _has_body(event: AuditEvent) -> bool:
    return bool(event.actor_id or event.person_id or event.targets or event.details)


def _id(event: AuditEvent | None) -> int | None:
    return event.id if event is not None else None


def _hash(event: AuditEvent | None) -> str | None:
    return event.hash if event is not None else None
