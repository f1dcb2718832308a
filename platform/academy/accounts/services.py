"""Writes about people: accounts, passwords, roles, invitations, resets, settings.

They flush and record an audit event; the view commits. A rule that refuses raises
AccountRefused before anything is written (or undoes it: all_or_nothing).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit, clock
from ..emails import domain_of, normalize_email
from ..extensions import db
from ..outcomes import all_or_nothing
from . import queries
from .access import ROLES
from .models import Invitation, PasswordReset, Role, SiteSetting, User
from .outcomes import AccountRefusal, AccountRefused

INVITATION_DAYS = 14
RESET_HOURS = 2
MIN_PASSWORD = 10
DEMO_DOMAIN = "demo.example"


def _hash_method() -> str:
    return current_app.config["SETTINGS"].password_hash_method


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """Compared against when the email is unknown, so that the answer takes as long
    either way. Made on first use, not at import."""
    return generate_password_hash("not a real password", method=method)


def create_user(
    email: str,
    name: str,
    password: str | None,
    roles: Iterable[str] = ("learner",),
    by: User | None = None,
) -> User:
    """A new account; `by` is who created it (None: the person registered themselves or
    a command did)."""
    email = normalize_email(email)
    if queries.user_by_email(email) is not None:
        raise AccountRefused(AccountRefusal.EXISTS, email=email)
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password) if password else None
    )
    user.role_rows = [Role(name=r) for r in sorted(set(roles)) if r in ROLES]
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:  # registered by a parallel request just now
        raise AccountRefused(AccountRefusal.EXISTS, email=email) from None
    audit.record("account.created", by or user, user, person=user, roles=sorted(user.roles))
    return user


def register(email: str, name: str, password: str) -> User:
    """Self-registration under the registration policy."""
    mode, domains = queries.registration_policy()
    if mode == "closed":
        raise AccountRefused(AccountRefusal.REGISTRATION_CLOSED)
    if mode == "domains" and domain_of(email) not in domains:
        raise AccountRefused(AccountRefusal.DOMAIN_NOT_ALLOWED, domains=", ".join(domains))
    return create_user(email, name, password)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (the same time either way)."""
    user = queries.user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(_hash_method()), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    if is_demo_account(user) and current_app.config["SETTINGS"].production:
        current_app.logger.warning("sign-in refused: demo account %s in production", user.email)
        return None
    user.last_login_at = clock.utcnow()
    db.session.flush()
    audit.record("account.signed_in", user, user, person=user)
    return user


def is_demo_account(user: User) -> bool:
    """The accounts `flask users demo` creates, whose password is published."""
    return user.email.endswith("@" + DEMO_DOMAIN)


def set_password(user: User, password: str, by: User | None = None) -> None:
    """New password; every other session of the user ends."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.flush()
    audit.record("account.password_set", by or user, user, person=user)


def change_password(user: User, current: str, new: str) -> None:
    """The person changes their own password, proving they know the current one."""
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise AccountRefused(AccountRefusal.WRONG_PASSWORD)
    set_password(user, new)


def update_profile(user: User, name: str, locale: str | None) -> None:
    before = {"name": user.name, "locale": user.locale}
    user.name, user.locale = name.strip(), locale
    db.session.flush()
    audit.record("account.profile_changed", user, user, person=user, before=before)


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        user.locale = locale
        db.session.flush()
        audit.record("account.language_changed", user, user, person=user, locale=locale)


def set_roles(user: User, roles: Iterable[str], by: User) -> None:
    wanted = {r for r in roles if r in ROLES}
    if user.id == by.id and "admin" in user.roles and "admin" not in wanted:
        raise AccountRefused(AccountRefusal.OWN_ADMIN_ROLE)
    before = sorted(user.roles)
    user.role_rows = [r for r in user.role_rows if r.name in wanted] + [
        Role(name=name) for name in sorted(wanted - user.roles)
    ]
    db.session.flush()
    audit.record(
        "account.roles_changed", by, user, person=user, before=before, after=sorted(wanted)
    )


def set_active(user: User, active: bool, by: User) -> None:
    if user.id == by.id and not active:
        raise AccountRefused(AccountRefusal.OWN_ACCOUNT)
    user.active = active
    if not active:
        user.session_version += 1  # signs the person out at once
    db.session.flush()
    audit.record("account.reactivated" if active else "account.deactivated", by, user, person=user)


def create_invitation(email: str, roles: Iterable[str], by: User) -> str:
    """Return the token for the link; only its hash is stored. Only admins give roles
    beyond learner."""
    wanted = {r for r in roles if r in ROLES} or {"learner"}
    if wanted != {"learner"} and not by.has_any_role("admin"):
        raise AccountRefused(AccountRefusal.ROLES_NOT_ALLOWED)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=queries.token_hash(token),
        email=normalize_email(email),
        roles=" ".join(sorted(wanted)),
        created_by_id=by.id,
        expires_at=clock.utcnow() + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.created", by, invitation, email=invitation.email, roles=sorted(wanted))
    return token


@all_or_nothing
def accept_invitation(token: str, name: str, password: str) -> User:
    invitation = queries.open_invitation(token)
    if invitation is None:
        raise AccountRefused(AccountRefusal.INVALID_TOKEN)
    if queries.user_by_email(invitation.email) is not None:
        raise AccountRefused(AccountRefusal.EXISTS, email=invitation.email)
    if not _claim(Invitation, invitation.id):
        raise AccountRefused(AccountRefusal.INVALID_TOKEN)
    user = create_user(invitation.email, name, password, invitation.roles.split())
    audit.record("invitation.accepted", user, invitation, person=user)
    return user


def create_password_reset(email: str) -> tuple[User, str] | None:
    user = queries.user_by_email(email)
    if user is None or not user.active:
        return None
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        token_hash=queries.token_hash(token),
        user_id=user.id,
        expires_at=clock.utcnow() + timedelta(hours=RESET_HOURS),
    )
    db.session.add(reset)
    db.session.flush()
    audit.record("password_reset.requested", None, reset, person=user)
    return user, token


def reset_password(token: str, password: str) -> User:
    reset = queries.open_reset(token)
    if reset is None or not _claim(PasswordReset, reset.id):
        raise AccountRefused(AccountRefusal.INVALID_TOKEN)
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


def set_registration_policy(mode: str, domains: Iterable[str], by: User) -> None:
    values = {"registration": mode, "registration_domains": " ".join(domains)}
    for key, value in values.items():
        setting = db.session.get(SiteSetting, key)
        if setting is None:
            db.session.add(SiteSetting(key=key, value=value))
        else:
            setting.value = value
    db.session.flush()
    audit.record("settings.registration_changed", by, **values)
