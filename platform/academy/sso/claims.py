"""What a verified ID token says about a person, read with the configured claim names.
Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MAX_NAME = 200
MAX_DEPARTMENT = 120


class UnreadableGroups(Exception):
    """The token names groups the platform cannot read (Entra ID's "groups overage": a
    person in too many groups gets a link to Microsoft Graph instead of the list)."""


@dataclass(frozen=True)
class Person:
    subject: str
    email: str  # lower-case; empty when the provider sent none
    email_verified: bool
    name: str  # empty: the token names none (an existing person keeps theirs)
    department: str  # empty: the token names none
    groups: tuple[str, ...]


def read(claims: Mapping, settings) -> Person:
    """`settings` is config.OidcSettings."""
    email = str(claims.get("email") or "").strip().lower()
    return Person(
        subject=str(claims["sub"]),
        email=email,
        email_verified=_true(claims.get(settings.email_verified_claim)),
        name=_name(claims),
        department=_text(
            claims.get(settings.department_claim) if settings.department_claim else None
        )[:MAX_DEPARTMENT],
        groups=_groups(claims, settings.groups_claim),
    )


def roles(person: Person, settings) -> frozenset[str]:
    """The roles the role map gives this person's groups."""
    groups = set(person.groups)
    return frozenset(role for group, role in settings.role_map if group in groups)


def in_known_group(person: Person, settings) -> bool:
    groups = set(person.groups)
    return any(group in groups for group, _role in settings.role_map)


def _true(value) -> bool:
    """Some providers send the flag as the string "true"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _text(value) -> str:
    if isinstance(value, list):  # some directories send one-element lists
        value = value[0] if value else ""
    return " ".join(str(value or "").split())


def _name(claims: Mapping) -> str:
    name = _text(claims.get("name"))
    if not name:
        name = " ".join(
            p for p in (_text(claims.get("given_name")), _text(claims.get("family_name"))) if p
        )
    return name[:MAX_NAME]


def _groups(claims: Mapping, name: str) -> tuple[str, ...]:
    value = claims.get(name)
    if value is None:
        if name in (claims.get("_claim_names") or {}):
            raise UnreadableGroups(name)
        return ()
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list) or not all(isinstance(g, str) for g in value):
        raise UnreadableGroups(name)
    return tuple(g.strip() for g in value if g.strip())
