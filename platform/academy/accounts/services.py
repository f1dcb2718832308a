"""Writes about people: accounts, passwords, roles, invitations, resets.

They flush; the caller commits. Rule violations raise AccountError with a message for
the user.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..extensions import db
from . import queries
from .access import ROLES
from .models import Invitation, PasswordReset, Role, SiteSetting, User

INVITATION_DAYS = 14
RESET_HOURS = 2
MIN_PASSWORD = 10
# Compared against when the email is unknown, so that the answer takes as long either way.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


class AccountError(Exception):
    """A request about an account that cannot be carried out; the message is for the user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def create_user(
    email: str, name: str, password: str | None, roles: Iterable[str] = ("learner",)
) -> User:
    email = queries.normalize_email(email)
    if queries.user_by_email(email) is not None:
        raise AccountError("exists")
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password) if password else None
    )
    user.role_rows = [Role(name=r) for r in sorted(set(roles)) if r in ROLES]
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise AccountError("exists") from None
    return user


def authenticate(email: str, password: str) -> User | None:
    user = queries.user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = clock.utcnow()
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """New password; every other session of the user ends."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.flush()


def set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = {r for r in roles if r in ROLES}
    user.role_rows = [r for r in user.role_rows if r.name in wanted] + [
        Role(name=name) for name in sorted(wanted - user.roles)
    ]
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.session_version += 1  # signs the person out at once
    db.session.flush()


def create_invitation(email: str, roles: Iterable[str], created_by: User | None) -> str:
    """Return the token for the link; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        Invitation(
            token_hash=queries.token_hash(token),
            email=queries.normalize_email(email),
            roles=" ".join(sorted({r for r in roles if r in ROLES} or {"learner"})),
            created_by_id=created_by.id if created_by else None,
            expires_at=clock.utcnow() + timedelta(days=INVITATION_DAYS),
        )
    )
    db.session.flush()
    return token


def accept_invitation(token: str, name: str, password: str) -> User:
    invitation = queries.open_invitation(token)
    if invitation is None or not _claim(Invitation, invitation.id):
        raise AccountError("invalid")
    return create_user(invitation.email, name, password, invitation.roles.split())


def create_password_reset(email: str) -> tuple[User, str] | None:
    user = queries.user_by_email(email)
    if user is None or not user.active:
        return None
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            token_hash=queries.token_hash(token),
            user_id=user.id,
            expires_at=clock.utcnow() + timedelta(hours=RESET_HOURS),
        )
    )
    db.session.flush()
    return user, token


def reset_password(token: str, password: str) -> User:
    reset = queries.open_reset(token)
    if reset is None or not _claim(PasswordReset, reset.id):
        raise AccountError("invalid")
    user = db.session.get(User, reset.user_id)
    assert user is not None  # the foreign key cascades deletions
    set_password(user, password)
    return user


def _claim(model, row_id: int) -> bool:
    """Mark a single-use token used; False when another request was first."""
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.used_at.is_(None))
        .values(used_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_registration_policy(mode: str, domains: Iterable[str]) -> None:
    values = {"registration": mode, "registration_domains": " ".join(domains)}
    for key, value in values.items():
        setting = db.session.get(SiteSetting, key)
        if setting is None:
            db.session.add(SiteSetting(key=key, value=value))
        else:
            setting.value = value
    db.session.flush()


def may_register(email: str) -> bool:
    mode, domains = queries.registration_policy()
    if mode == "closed":
        return False
    if mode == "domains":
        return queries.normalize_email(email).rpartition("@")[2] in domains
    return True
