"""Writes about people: accounts, passwords, roles, their place in the organisation
(department, location, manager, employee number), departments, invitations, resets,
settings.

They flush and record an audit event; the view commits. A rule that refuses raises
AccountRefused before anything is written (or undoes it: all_or_nothing).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit, clock
from ..emails import domain_of, normalize_email
from ..extensions import db
from ..names import clean_name
from ..outcomes import all_or_nothing
from ..signals import people_placed
from . import passwords, queries
from .access import ROLES
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
from .outcomes import AccountRefusal, AccountRefused

INVITATION_DAYS = 14
RESET_HOURS = 2
CONFIRMATION_HOURS = 48
MIN_PASSWORD = passwords.MIN_LENGTH
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
    verified: bool = True,
    **details,
) -> User:
    """A new account; `by` is who created it (None: the person registered themselves or
    a command did). `verified` False: a self-registered address, to be confirmed before
    the account can sign in. `details` are PERSON_FIELDS (department, location, …)."""
    email = normalize_email(email)
    _refuse_unusable_address(email)
    if queries.user_by_email(email) is not None:
        raise AccountRefused(AccountRefusal.EXISTS, email=email)
    _check_employee_number(None, details.get("employee_number"))
    user = User(
        email=email,
        name=clean_name(name),
        password_hash=hash_password(password) if password else None,
        email_verified_at=clock.utcnow() if verified else None,
    )
    user.role_rows = [Role(name=r) for r in sorted(set(roles)) if r in ROLES]
    for field, value in details.items():
        setattr(user, field, value)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:  # registered by a parallel request just now
        raise AccountRefused(AccountRefusal.EXISTS, email=email) from None
    audit.record(
        "account.created",
        by or user,
        user,
        person=user,
        roles=sorted(user.roles),
        **{f: _shown(v) for f, v in details.items() if v},
    )
    _placed([user])
    return user


def create_people(people: Sequence[Mapping], by: User | None) -> list[User]:
    """Many accounts without a password at once (the HR import): one flush, one signal,
    an audit event each. Each mapping has email, name, roles and PERSON_FIELDS; the
    caller has checked that no address or employee number is taken."""
    users = []
    for spec in people:
        # The address comes from the organisation's own records: confirmed.
        user = User(
            email=normalize_email(spec["email"]),
            name=clean_name(spec["name"]),
            email_verified_at=clock.utcnow(),
        )
        user.role_rows = [Role(name=r) for r in sorted(set(spec["roles"])) if r in ROLES]
        for field in PERSON_FIELDS[1:]:
            if field in spec:
                setattr(user, field, spec[field])
        users.append(user)
    db.session.add_all(users)
    db.session.flush()
    for user, spec in zip(users, people, strict=True):
        details = {f: _shown(spec[f]) for f in PERSON_FIELDS[1:] if spec.get(f)}
        audit.record(
            "account.created", by or user, user, person=user, roles=sorted(user.roles), **details
        )
    _placed(users)
    return users


# What update_person() may change (attributes of User).
PERSON_FIELDS = ("name", "department", "location", "manager", "employee_number", "locale")


def update_person(user: User, by: User | None, **changes) -> dict[str, tuple]:
    """Change a person's name, department, location, manager, employee number or
    language; returns {field: (before, after)} of what really changed (nothing: no
    write, no audit event, so a repeated import is quiet)."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not a person field: {unknown}")
    if changes.get("name") is not None:
        changes["name"] = clean_name(changes["name"])
    changed = {
        field: (getattr(user, field), value)
        for field, value in changes.items()
        if getattr(user, field) != value
    }
    if not changed:
        return {}
    if "employee_number" in changed:
        _check_employee_number(user, changed["employee_number"][1])
    if "manager" in changed:
        _check_manager(user, changed["manager"][1])
    for field, (_before, after) in changed.items():
        setattr(user, field, after)
    db.session.flush()
    audit.record(
        "person.updated",
        by,
        user,
        person=user,
        **{f: [_shown(b), _shown(a)] for f, (b, a) in changed.items()},
    )
    if "department" in changed:
        _placed([user])
    return changed


@all_or_nothing
def set_managers(pairs: Sequence[tuple[User, User | None]], by: User | None) -> list[User]:
    """Managers for many people at once (the HR import), checked for cycles with all of
    them in place; returns the people whose manager changed."""
    changed = [
        (user, user.manager, manager) for user, manager in pairs if user.manager is not manager
    ]
    for user, _before, manager in changed:
        user.manager = manager
    for user, _before, manager in changed:
        _check_manager(user, manager)
    db.session.flush()
    for user, before, manager in changed:
        audit.record(
            "person.updated", by, user, person=user, manager=[_shown(before), _shown(manager)]
        )
    return [user for user, _before, _manager in changed]


def _shown(value) -> object:
    """How a field's value appears in the audit trail."""
    if isinstance(value, Department):
        return value.name
    if isinstance(value, User):
        return value.email
    return value


def _placed(users: list[User]) -> None:
    people_placed.send(current_app._get_current_object(), users=users)


def _check_employee_number(user: User | None, number: str | None) -> None:
    holder = queries.user_by_employee_number(number) if number else None
    if holder is not None and holder is not user:
        raise AccountRefused(
            AccountRefusal.EMPLOYEE_NUMBER_TAKEN, number=number, email=holder.email
        )


def _check_manager(user: User, manager: User | None) -> None:
    """Nobody manages themselves, not even through others (a cycle)."""
    seen = 0
    while manager is not None and seen < 100:
        if manager is user:
            raise AccountRefused(AccountRefusal.MANAGER_CYCLE, email=user.email)
        manager, seen = manager.manager, seen + 1


def create_department(name: str, by: User | None) -> Department:
    name = " ".join(name.split())
    if queries.department_by_name(name) is not None:
        raise AccountRefused(AccountRefusal.DEPARTMENT_EXISTS, name=name)
    department = Department(name=name, key=department_key(name))
    db.session.add(department)
    db.session.flush()
    audit.record("department.created", by, department, name=name)
    return department


def rename_department(department: Department, name: str, by: User | None) -> None:
    name = " ".join(name.split())
    other = queries.department_by_name(name)
    if other is not None and other.id != department.id:
        raise AccountRefused(AccountRefusal.DEPARTMENT_EXISTS, name=name)
    before = department.name
    department.name, department.key = name, department_key(name)
    db.session.flush()
    audit.record("department.renamed", by, department, before=before, after=name)


def merge_departments(source: Department, target: Department, by: User | None) -> int:
    """Move everyone from `source` to `target` and remove `source`; returns how many
    people moved. Rows of other domains that point at `source` must be moved first
    (the HR domain does that before it calls this)."""
    if source.id == target.id:
        raise AccountRefused(AccountRefusal.SAME_DEPARTMENT)
    moved = db.session.execute(
        update(User)
        .where(User.department_id == source.id)
        .values(department_id=target.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(
        "department.merged", by, target, source=source.name, target=target.name, people=moved
    )
    db.session.execute(delete(Department).where(Department.id == source.id))
    db.session.expire_all()  # people loaded before now still name the old department
    return moved


@dataclass(frozen=True)
class Registration:
    """What a registration did: the account the address belongs to, and the token of a
    confirmation link to mail to it (None: the address had a confirmed account already,
    whose owner is told instead). The visitor sees the same answer either way."""

    user: User
    token: str | None


def register(email: str, name: str, password: str) -> Registration:
    """Self-registration under the registration policy: an account that can sign in once
    the link mailed to the address is used. For an address that has an account, nothing
    changes (the owner gets a mail); the same work is done, so the answer takes as long."""
    mode, domains = queries.registration_policy()
    if mode == "closed":
        raise AccountRefused(AccountRefusal.REGISTRATION_CLOSED)
    if mode == "domains" and domain_of(email) not in domains:
        raise AccountRefused(AccountRefusal.DOMAIN_NOT_ALLOWED, domains=", ".join(domains))
    _refuse_unusable_address(email)
    existing = queries.user_by_email(email)
    if existing is None:
        user = create_user(email, name, password, verified=False)
        return Registration(user, create_confirmation(user))
    hash_password(password)  # as long as creating the account would take
    if existing.email_verified_at is None and existing.active:
        return Registration(existing, create_confirmation(existing))
    return Registration(existing, None)


def _refuse_unusable_address(email: str) -> None:
    """An address whose account could never sign in (see authenticate)."""
    demo = domain_of(email) == DEMO_DOMAIN
    if demo and current_app.config["SETTINGS"].production:
        raise AccountRefused(AccountRefusal.ADDRESS_NOT_USABLE, email=normalize_email(email))


def create_confirmation(user: User) -> str:
    """A new confirmation link for a self-registered address; returns its token (only
    its hash is stored). Earlier links stay valid until used or expired."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        EmailConfirmation(
            token_hash=queries.token_hash(token),
            user_id=user.id,
            expires_at=clock.utcnow() + timedelta(hours=CONFIRMATION_HOURS),
        )
    )
    db.session.flush()
    audit.record("account.confirmation_sent", None, user, person=user)
    return token


def resend_confirmation(email: str) -> tuple[User, str] | None:
    """A new link for an active account whose address is not confirmed yet, else None."""
    user = queries.user_by_email(email)
    if user is None or user.email_verified_at is not None or not user.active:
        return None
    return user, create_confirmation(user)


def confirm_email(token: str, password: str) -> User:
    """Use a confirmation link: the address is the person's once they also give the
    account's password (so a link alone confirms nobody's account for someone else).
    Every link of the account is spent."""
    confirmation = queries.open_confirmation(token)
    if confirmation is None:
        raise AccountRefused(AccountRefusal.INVALID_TOKEN)
    user = db.session.get(User, confirmation.user_id)
    assert user is not None  # the foreign key cascades deletions
    if not password_matches(user, password):
        raise AccountRefused(AccountRefusal.CONFIRMATION_PASSWORD)
    if not user.active or not _claim(EmailConfirmation, confirmation.id):
        raise AccountRefused(AccountRefusal.INVALID_TOKEN)
    _mark_verified(user)
    audit.record("account.email_confirmed", user, user, person=user)
    return user


def _mark_verified(user: User) -> None:
    newly = user.email_verified_at is None
    if newly:
        user.email_verified_at = clock.utcnow()
    db.session.execute(delete(EmailConfirmation).where(EmailConfirmation.user_id == user.id))
    db.session.flush()
    if newly:  # assignment rules skip unconfirmed addresses: now they apply
        _placed([user])


def may_use_password(email: str) -> bool:
    """With LOCAL_PASSWORDS=false (single sign-on for everyone) only the break-glass
    admins sign in with a password, and only while they hold the admin role."""
    settings = current_app.config["SETTINGS"]
    if settings.local_passwords:
        return True
    address = normalize_email(email)
    if address not in settings.break_glass_admins:
        return False
    user = queries.user_by_email(address)
    return user is not None and "admin" in user.roles


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (the same time either
    way). Raises AccountRefused(UNCONFIRMED) for the right password of an account whose
    address is not confirmed yet: only someone who knows the password learns that."""
    user = queries.user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(_hash_method()), password)
        return _failed_sign_in(user)
    if not check_password_hash(user.password_hash, password) or not user.active:
        return _failed_sign_in(user)
    if is_demo_account(user) and current_app.config["SETTINGS"].production:
        current_app.logger.warning("sign-in refused: demo account %s in production", user.email)
        return _failed_sign_in(user)
    if user.email_verified_at is None:
        _failed_sign_in(user)
        raise AccountRefused(AccountRefusal.UNCONFIRMED)
    user.last_login_at = clock.utcnow()
    db.session.flush()
    audit.record("account.signed_in", user, user, person=user)
    return user


def _failed_sign_in(user: User | None) -> None:
    """Recorded for the account tried, if there is one (never the address typed: it may
    be someone's without an account); the caller commits."""
    audit.record("account.sign_in_failed", None, person=user)


def is_demo_account(user: User) -> bool:
    """The accounts `flask users demo` creates, whose password is published."""
    return user.email.endswith("@" + DEMO_DOMAIN)


def sign_out(user: User) -> None:
    """End every session of the person: a copied session or remember-me cookie names the
    old session version and stops working."""
    user.session_version += 1
    db.session.flush()
    audit.record("account.signed_out", user, user, person=user)


def set_password(user: User, password: str, by: User | None = None) -> None:
    """New password; every other session of the user ends, and every password-reset
    link sent before stops working."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    db.session.flush()
    audit.record("account.password_set", by or user, user, person=user)


def change_password(user: User, current: str, new: str) -> None:
    """The person changes their own password, proving they know the current one."""
    if not password_matches(user, current):
        raise AccountRefused(AccountRefusal.WRONG_PASSWORD)
    set_password(user, new)


def password_matches(user: User, password: str) -> bool:
    return user.password_hash is not None and check_password_hash(user.password_hash, password)


def update_profile(user: User, name: str, locale: str | None) -> None:
    # The audit event names the fields that changed, not their values (personal data).
    changed = [
        field
        for field, old, new in (
            ("name", user.name, clean_name(name)),
            ("locale", user.locale, locale),
        )
        if old != new
    ]
    user.name, user.locale = clean_name(name), locale
    db.session.flush()
    audit.record("account.profile_changed", user, user, person=user, changed=changed)


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        user.locale = locale
        db.session.flush()
        audit.record("account.language_changed", user, user, person=user)


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
    user.deactivated_at = None if active else clock.utcnow()
    if not active:
        user.session_version += 1  # signs the person out at once
    db.session.flush()
    audit.record("account.reactivated" if active else "account.deactivated", by, user, person=user)


def replace_roles(
    user: User, roles: Iterable[str], managed: Iterable[str], by: User | None
) -> bool:
    """Single sign-on: the person holds exactly those of the `managed` roles that
    `roles` names; roles outside `managed` stay as they are. True when something changed."""
    managed = set(managed)
    wanted = (user.roles - managed) | ({r for r in roles if r in ROLES} & managed)
    if wanted == user.roles:
        return False
    before = sorted(user.roles)
    user.role_rows = [r for r in user.role_rows if r.name in wanted] + [
        Role(name=name) for name in sorted(wanted - user.roles)
    ]
    db.session.flush()
    audit.record(
        "account.roles_changed", by, user, person=user, before=before, after=sorted(wanted)
    )
    return True


def change_email(user: User, email: str, by: User | None) -> None:
    """A new address (single sign-on follows the company's); the caller has checked
    that no other account holds it."""
    user.email = normalize_email(email)
    db.session.flush()
    audit.record("account.email_changed", by, user, person=user)


def deactivate_people(users: Iterable[User], by: User | None) -> int:
    """Lock many accounts at once (the directory sync); their history and certificates
    stay. Each is signed out everywhere. Returns how many were active."""
    count = 0
    now = clock.utcnow()
    for user in users:
        if not user.active:
            continue
        user.active, user.deactivated_at = False, now
        user.session_version += 1
        audit.record("account.deactivated", by, user, person=user)
        count += 1
    db.session.flush()
    return count


def create_invitation(email: str, roles: Iterable[str], by: User | None) -> str:
    """Return the token for the link; only its hash is stored. Only admins (and
    commands, `by` None) give roles beyond learner."""
    wanted = {r for r in roles if r in ROLES} or {"learner"}
    if wanted != {"learner"} and by is not None and not by.has_any_role("admin"):
        raise AccountRefused(AccountRefusal.ROLES_NOT_ALLOWED)
    _refuse_unusable_address(email)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=queries.token_hash(token),
        email=normalize_email(email),
        roles=" ".join(sorted(wanted)),
        created_by_id=by.id if by is not None else None,
        expires_at=clock.utcnow() + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.created", by, invitation, roles=sorted(wanted))
    return token


def resend_invitation(invitation: Invitation, by: User | None) -> str:
    """A new link (the old one stops working) valid for INVITATION_DAYS again; also
    re-opens an expired or revoked invitation. An accepted one is refused."""
    if invitation.state() is InvitationState.ACCEPTED:
        raise AccountRefused(AccountRefusal.INVITATION_ACCEPTED)
    token = secrets.token_urlsafe(32)
    invitation.token_hash = queries.token_hash(token)
    invitation.expires_at = clock.utcnow() + timedelta(days=INVITATION_DAYS)
    invitation.revoked_at = None
    db.session.flush()
    audit.record("invitation.resent", by, invitation, email=invitation.email)
    return token


def revoke_invitation(invitation: Invitation, by: User | None) -> None:
    if invitation.state() is not InvitationState.PENDING:
        raise AccountRefused(AccountRefusal.INVITATION_NOT_PENDING)
    invitation.revoked_at = clock.utcnow()
    db.session.flush()
    audit.record("invitation.revoked", by, invitation, email=invitation.email)


@all_or_nothing
def accept_invitation(token: str, name: str, password: str) -> User:
    """Create the account, or set the password of a person HR added (or imported)
    before: such a person has no password yet."""
    invitation = queries.open_invitation(token)
    if invitation is None:
        raise AccountRefused(AccountRefusal.INVALID_TOKEN)
    existing = queries.user_by_email(invitation.email)
    # A person HR added has no password yet; a self-registration never confirmed may be
    # someone else's squatting: the invitation proves the address, so it takes either over.
    claimed = existing is not None and (
        existing.password_hash is not None and existing.email_verified_at is not None
    )
    if claimed or (existing is not None and not existing.active):
        raise AccountRefused(AccountRefusal.EXISTS, email=invitation.email)
    if not _use_invitation(invitation):
        raise AccountRefused(AccountRefusal.INVALID_TOKEN)
    if existing is None:
        user = create_user(invitation.email, name, password, invitation.roles.split())
    else:
        user = existing
        update_person(user, user, name=clean_name(name))
        add_roles(user, invitation.roles.split(), by=None)
        set_password(user, password)
    _mark_verified(user)  # the link reached the address
    audit.record("invitation.accepted", user, invitation, person=user)
    return user


def add_roles(user: User, roles: Iterable[str], by: User | None) -> list[str]:
    """Give roles the person does not have yet (never takes one away); returns them."""
    new = sorted({r for r in roles if r in ROLES} - user.roles)
    if new:
        user.role_rows.extend(Role(name=r) for r in new)
        db.session.flush()
        audit.record("account.roles_changed", by, user, person=user, added=new)
    return new


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
    _mark_verified(user)  # the link reached the address
    return user


def _use_invitation(invitation: Invitation) -> bool:
    """Mark the invitation accepted and forget its token (the record stays for HR's
    overview until the retention rule deletes it); False when another request was first."""
    now = clock.utcnow()
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now, token_hash=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    invitation.used_at, invitation.token_hash = now, None
    return True


def _claim(model, row_id: int) -> bool:
    """Use a password-reset or confirmation link up by deleting it (a used link is of no further use);
    False when another request was first."""
    result = db.session.execute(
        delete(model).where(model.id == row_id).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_registration_policy(mode: str, domains: Iterable[str], by: User) -> None:
    values = {"registration": mode, "registration_domains": " ".join(domains)}
    store_site_settings(values)
    audit.record("settings.registration_changed", by, **values)


def store_site_settings(values: Mapping[str, str]) -> None:
    """Save settings changed at run time (any domain's); the caller records the event."""
    for key, value in values.items():
        setting = db.session.get(SiteSetting, key)
        if setting is None:
            db.session.add(SiteSetting(key=key, value=value))
        else:
            setting.value = value
    db.session.flush()
