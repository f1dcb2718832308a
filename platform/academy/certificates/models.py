"""Issued certificates. What they say is copied at issue, so later edits change nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..accounts.models import User
from ..extensions import db

# In its last 30 days a certificate can be renewed: passing again then issues the next
# one, valid from the day the current one ends, so nobody loses a day by being early.
RENEWAL_WINDOW = timedelta(days=30)


class CertificateState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        # One certificate per round of certification (first, then each recertification);
        # a double submit or two racing requests cannot issue a second one.
        UniqueConstraint("user_id", "course_slug", "sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # public, unguessable
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("exam_attempts.id", ondelete="SET NULL"), unique=True
    )
    sequence: Mapped[int]  # 1 = first certificate in this course, 2 = first recertification …
    course_slug: Mapped[str] = mapped_column(String(100))
    course_version: Mapped[str] = mapped_column(String(12))
    course_title: Mapped[str] = mapped_column(String(200))
    course_as_of: Mapped[str | None] = mapped_column(String(60))  # the course's "Stand" at issue
    certificate_title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))
    # The modules and learning objectives covered, as at issue: [{title, objectives: [...]}]
    objectives: Mapped[list] = mapped_column(JSON)
    holder_name: Mapped[str] = mapped_column(String(200))  # as at issue
    organisation: Mapped[str] = mapped_column(String(200))  # the issuer, as configured at issue
    score_percent: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow(), index=True)
    valid_until: Mapped[date]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # After a revocation no new certificate in the course until an admin allows it (then).
    reissue_allowed_at: Mapped[datetime | None]
    # The credential's bit in the revocation status list (status.py): list index // size,
    # bit index % size; drawn at random, so a position tells nothing about the order of issue.
    status_index: Mapped[int] = mapped_column(unique=True)
    # The holder as the credential names them: SHA-256 of the e-mail address at issue and
    # this salt ("sha256$<hex>"), so the credential carries no readable address.
    recipient_salt: Mapped[str] = mapped_column(String(32))
    recipient_hash: Mapped[str] = mapped_column(String(80))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def withholds_new(self) -> bool:
        """Revoked, and no admin has allowed a new certificate in the course since: the
        holder cannot simply pass again to replace it."""
        return self.revoked_at is not None and self.reissue_allowed_at is None

    def state(self, today: date | None = None) -> CertificateState:
        if self.revoked_at is not None:
            return CertificateState.REVOKED
        if (today or clock.today()) <= self.valid_until:
            return CertificateState.VALID
        return CertificateState.EXPIRED

    def renewable(self, today: date | None = None) -> bool:
        """Valid, and in its last RENEWAL_WINDOW."""
        today = today or clock.today()
        return self.state(today) is CertificateState.VALID and (
            self.valid_until - today <= RENEWAL_WINDOW
        )
