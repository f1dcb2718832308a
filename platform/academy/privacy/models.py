"""Erasures: what stays of a deleted person, and until when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..extensions import db


class Erasure(db.Model):
    """A person was deleted. The rows other domains kept as evidence of the training
    (their certificates) carry the pseudonym instead of the name and are deleted, with
    this row, when the evidence retention ends. Nothing here leads back to the person."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True)  # random
    erased_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    keep_until: Mapped[date]  # the evidence is deleted after this day
    evidence: Mapped[list] = mapped_column(JSON)  # ["table:id", …] of the rows kept
