"""People and their roles."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None until set
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))  # None: from the browser
    # Part of the session id: raising it signs the user out everywhere (password change).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    last_login_at: Mapped[datetime | None]

    role_rows: Mapped[list[Role]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="joined"
    )

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
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True
    )  # sha256; the link holds the token
    email: Mapped[str] = mapped_column(String(254))
    roles: Mapped[str] = mapped_column(String(100))  # space-separated role names
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PasswordReset(db.Model):
    """A single-use token sent by email to set a new password."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SiteSetting(db.Model):
    """Settings an admin changes at run time (they override the environment's defaults)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(1000))
