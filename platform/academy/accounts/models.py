"""People, their roles and their place in the organisation (department, manager)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # SQLite would otherwise give a new account the id of a deleted one, and with it the
    # deleted person's entries in the audit log (which keeps ids, see audit.py).
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    # stored normalised (NFKC, case-folded: emails.normalize_email)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None until set
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))  # None: from the browser
    # Part of the session id: raising it signs the user out everywhere (sign-out,
    # password change, deactivation), remember-me cookies included.
    session_version: Mapped[int] = mapped_column(default=1)
    # When the person proved the address is theirs (a confirmation, invitation or reset
    # link); None only for a self-registered account not yet confirmed, which cannot
    # sign in. Accounts an admin, HR or an import creates count as confirmed.
    email_verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    last_login_at: Mapped[datetime | None]
    # Identity data that import, HR forms and single sign-on set (HR reads it).
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    location: Mapped[str | None] = mapped_column(String(120))
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    employee_number: Mapped[str | None] = mapped_column(String(50), unique=True)
    deactivated_at: Mapped[datetime | None]  # retention erases people deactivated long ago

    role_rows: Mapped[list[Role]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="joined"
    )
    department: Mapped[Department | None] = relationship()
    manager: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[manager_id])

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.name for r in self.role_rows)

    def has_any_role(self, *names: str) -> bool:
        return bool(self.roles.intersection(names))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The name case-folded: "Vertrieb" and "vertrieb " are one department.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())


def department_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class Role(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(20))  # learner, trainer, hr, admin

    user: Mapped[User] = relationship(back_populates="role_rows")


class Invitation(db.Model):
    """A single-use link that lets someone create an account with the given roles."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the token the link holds; None once used (the record stays for HR's
    # overview until retention deletes it, the token does not)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    roles: Mapped[str] = mapped_column(String(100))  # space-separated role names
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    def state(self, now: datetime | None = None) -> InvitationState:
        if self.used_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at < (now or clock.utcnow()):
            return InvitationState.EXPIRED
        return InvitationState.PENDING


class InvitationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"


class PasswordReset(db.Model):
    """A single-use token sent by email to set a new password."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class EmailConfirmation(db.Model):
    """A single-use link that confirms a self-registered person's address."""

    __tablename__ = "email_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    expires_at: Mapped[datetime]


class SiteSetting(db.Model):
    """Settings an admin changes at run time (they override the environment's defaults)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(1000))
