"""Reads about people, invitations and tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import func, or_, select

from .. import clock
from ..disclosure import KEYS as DISCLOSURE_KEYS
from ..disclosure import Disclosure
from ..disclosure import parse as parse_disclosure
from ..emails import normalize_email
from ..extensions import db
from ..web import PAGE_SIZE
from .models import (
    Department,
    EmailConfirmation,
    Invitation,
    InvitationState,
    PasswordReset,
    Role,
    SiteSetting,
    User,
    department_key,
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def user_for_session(session_id: str) -> User | None:
    """Flask-Login's loader: 'id:version'; a stale version means signed out."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def open_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    )
    if invitation is None or invitation.state() is not InvitationState.PENDING:
        return None
    return invitation


def invitation_by_id(invitation_id: int) -> Invitation | None:
    return db.session.get(Invitation, invitation_id)


def latest_invitation(email: str) -> Invitation | None:
    return db.session.scalar(
        select(Invitation)
        .where(Invitation.email == normalize_email(email))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(1)
    )


def open_reset(token: str) -> PasswordReset | None:
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at < clock.utcnow():
        return None
    return reset


def open_confirmation(token: str) -> EmailConfirmation | None:
    confirmation = db.session.scalar(
        select(EmailConfirmation).where(EmailConfirmation.token_hash == token_hash(token))
    )
    if confirmation is None or confirmation.expires_at < clock.utcnow():
        return None
    return confirmation


def registration_policy() -> tuple[str, tuple[str, ...]]:
    """('open' | 'domains' | 'closed', allowed domains): the admin's choice, else the environment's."""
    settings = current_app.config["SETTINGS"]
    stored = site_settings("registration", "registration_domains")
    mode = stored.get("registration", settings.registration)
    raw = stored.get("registration_domains")
    domains = tuple(d for d in raw.split()) if raw is not None else settings.registration_domains
    return mode, domains


def site_settings(*keys: str) -> dict[str, str]:
    """The stored values of these run-time settings (any domain's); missing keys are absent."""
    rows = db.session.execute(
        select(SiteSetting.key, SiteSetting.value).where(SiteSetting.key.in_(keys))
    )
    return {key: value for key, value in rows}


def disclosure() -> Disclosure:
    """What HR and the public may see (the privacy settings page changes it)."""
    return parse_disclosure(site_settings(*DISCLOSURE_KEYS))


def users_page(search: str, page: int):
    """One page of people, newest first (a Flask-SQLAlchemy Pagination)."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(User.email.like(pattern), func.lower(User.name).like(pattern)))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def role_counts() -> dict[str, int]:
    return {
        name: count
        for name, count in db.session.execute(select(Role.name, func.count()).group_by(Role.name))
    }


def users_by_emails(emails: Iterable[str]) -> dict[str, User]:
    """Address -> person, for many addresses in few queries (an import checks thousands)."""
    wanted = sorted({normalize_email(e) for e in emails})
    found: dict[str, User] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            (u.email, u)
            for u in db.session.scalars(select(User).where(User.email.in_(chunk))).unique()
        )
    return found


def emails_by_employee_number(numbers: Iterable[str]) -> dict[str, str]:
    """Employee number -> the address of the person holding it, for many numbers."""
    wanted = sorted(set(numbers))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = db.session.execute(
            select(User.employee_number, User.email).where(User.employee_number.in_(chunk))
        )
        found.update((number, email) for number, email in rows)
    return found


def user_by_employee_number(number: str) -> User | None:
    return db.session.scalar(select(User).where(User.employee_number == number))


def department_by_id(department_id: int) -> Department | None:
    return db.session.get(Department, department_id)


def department_by_name(name: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.key == department_key(name)))


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.key)))


def active_people() -> list[User]:
    """Everyone who may sign in (the directory sync compares them with its file)."""
    return list(db.session.scalars(select(User).where(User.active.is_(True))).unique())
