"""Writes for single sign-on: find, link or create the person (just in time), and set
department and roles from the provider's claims on every sign-in.

Every check runs before the first write, and the whole sign-in is one savepoint: a
refused sign-in leaves no account, link or department behind.
"""

from __future__ import annotations

from .. import audit, clock
from ..accounts import queries as people
from ..accounts import services as accounts
from ..accounts.models import Department, User
from ..extensions import db
from ..outcomes import all_or_nothing
from . import claims, queries
from .models import SsoIdentity
from .outcomes import SsoRefusal, SsoRefused


@all_or_nothing
def sign_in(person: claims.Person, settings) -> User:
    """The person behind a verified ID token, signed in; `settings` is OidcSettings."""
    if settings.require_group and not claims.in_known_group(person, settings):
        raise SsoRefused(SsoRefusal.UNKNOWN_GROUP, detail=f"groups {list(person.groups)}")
    identity = queries.identity(settings.issuer, person.subject)
    user = identity.user if identity is not None else _account_to_link(person, settings)
    if user is not None and not user.active:
        raise SsoRefused(SsoRefusal.DEACTIVATED, detail=f"account {user.id}", user=user)
    if user is None:
        name = person.name or person.email.partition("@")[0]  # the person may correct it
        user = accounts.create_user(person.email, name, None, ["learner"])
    if identity is None:
        _link(user, person, settings)
    elif person.email_verified and person.email and person.email != user.email:
        _follow_email(user, person.email)
    _apply_claims(user, person, settings)
    user.last_login_at = clock.utcnow()
    db.session.flush()
    audit.record("account.signed_in", user, user, person=user, method="sso")
    return user


def _account_to_link(person: claims.Person, settings) -> User | None:
    """An existing account with the person's address (None: a new person). Only an
    address the provider vouches for may create or claim an account."""
    if not person.email:
        raise SsoRefused(SsoRefusal.NO_EMAIL, detail=f"subject {person.subject}")
    if not person.email_verified:
        raise SsoRefused(
            SsoRefusal.EMAIL_NOT_VERIFIED,
            detail=f"subject {person.subject}: {settings.email_verified_claim} is not true",
        )
    user = people.user_by_email(person.email)
    if user is not None and queries.identity_of(user, settings.issuer) is not None:
        raise SsoRefused(
            SsoRefusal.LINKED_ELSEWHERE, detail=f"account {user.id} has another subject"
        )
    return user


def _link(user: User, person: claims.Person, settings) -> SsoIdentity:
    identity = SsoIdentity(user_id=user.id, issuer=settings.issuer, subject=person.subject)
    db.session.add(identity)
    db.session.flush()
    audit.record("account.sso_linked", user, identity, person=user)
    return identity


def _follow_email(user: User, email: str) -> None:
    """The company changed the person's address: follow it, unless it is another
    account's (then the old one stays, and the log says why)."""
    if people.user_by_email(email) is None:
        accounts.change_email(user, email, by=None)


def _apply_claims(user: User, person: claims.Person, settings) -> None:
    changes: dict = {"name": person.name} if person.name else {}
    if person.department:
        changes["department"] = _department(person.department)
    accounts.update_person(user, None, **changes)
    if settings.role_map:
        accounts.replace_roles(
            user, claims.roles(person, settings), settings.managed_roles, by=None
        )


def _department(name: str) -> Department:
    """As the people import does: an unknown department is created."""
    return people.department_by_name(name) or accounts.create_department(name, None)
