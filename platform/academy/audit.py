"""The audit trail: every service that changes data records who did what to which records.

Domains call `record()` after their write has flushed (so new rows have ids), in the same
transaction: the event exists exactly when the change does. The privacy domain builds
the audit log view on this table.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .extensions import db

ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")  # "<thing>.<what happened>", e.g. account.created


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_actor", "actor_id", "at"),
        Index("ix_audit_events_person", "person_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow(), index=True)
    # Who did it; None: the system (a command, a scheduled job).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    # The person the records are about, if any: what a data-access request must list.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    targets: Mapped[list] = mapped_column(JSON)  # ["table:id", …] of the records changed
    details: Mapped[dict] = mapped_column(JSON)  # what changed, never a secret


def record(action: str, actor, *targets, person=None, **details: Any) -> AuditEvent:
    """Add an event to the session. `actor` and `person` are users (or None); `targets`
    are the model instances the action changed."""
    if not ACTION.match(action):
        raise ValueError(f"audit action must look like 'thing.event': {action!r}")
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        person_id=person.id if person is not None else None,
        targets=[f"{t.__tablename__}:{t.id}" for t in targets],
        details=details,
    )
    db.session.add(event)
    return event
