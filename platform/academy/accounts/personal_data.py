"""What the accounts tables hold about people (see academy/personal_data.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..personal_data import NONE, REFERENCE, Kind, Table, item, secret

TABLES = (
    Table(
        "users",
        _l("Konto"),
        owner="id",
        actors=("manager_id",),
        columns={
            "id": NONE,
            "email": item(Kind.ACCOUNT, _l("E-Mail-Adresse")),
            "name": item(Kind.ACCOUNT, _l("Name (wie auf Zertifikaten)")),
            "password_hash": secret(Kind.ACCOUNT, _l("Passwort, nur als sicherer Hash")),
            "active": item(Kind.ACCOUNT, _l("ob das Konto aktiv oder gesperrt ist")),
            "locale": item(Kind.ACCOUNT, _l("gewählte Sprache")),
            "session_version": NONE,
            "email_verified_at": item(Kind.ACCOUNT, _l("wann die E-Mail-Adresse bestätigt wurde")),
            "created_at": item(Kind.ACCOUNT, _l("wann das Konto angelegt wurde")),
            "last_login_at": item(Kind.SIGN_INS, _l("letzte Anmeldung")),
            "deactivated_at": item(Kind.ACCOUNT, _l("wann das Konto gesperrt wurde")),
            "department_id": item(Kind.ORGANISATION, _l("Abteilung")),
            "location": item(Kind.ORGANISATION, _l("Standort")),
            "manager_id": REFERENCE,  # the person's manager: exported, emptied on their erasure
            "employee_number": item(Kind.ORGANISATION, _l("Personalnummer")),
        },
    ),
    Table(
        "departments",
        _l("Abteilungen"),
        columns={"id": NONE, "name": NONE, "key": NONE, "created_at": NONE},
    ),
    Table(
        "user_roles",
        _l("Rollen"),
        owner="user_id",
        columns={
            "id": NONE,
            "user_id": REFERENCE,
            "name": item(Kind.ROLES, _l("Rollen (Lernende:r, Trainer:in, HR, Admin)")),
        },
    ),
    Table(
        "invitations",
        _l("Einladungen"),
        email="email",
        actors=("created_by_id",),
        columns={
            "id": NONE,
            "token_hash": secret(Kind.LINKS, _l("Einladungslink, nur als Hash")),
            "email": item(Kind.LINKS, _l("eingeladene E-Mail-Adresse")),
            "roles": item(Kind.LINKS, _l("Rollen der Einladung")),
            "created_by_id": REFERENCE,
            "created_at": item(Kind.LINKS, _l("wann eingeladen wurde")),
            "expires_at": item(Kind.LINKS, _l("wann der Link abläuft")),
            "used_at": item(Kind.LINKS, _l("wann der Link benutzt wurde")),
            "revoked_at": item(Kind.LINKS, _l("wann die Einladung zurückgezogen wurde")),
        },
    ),
    Table(
        "password_resets",
        _l("Links zum Zurücksetzen des Passworts"),
        owner="user_id",
        columns={
            "id": NONE,
            "token_hash": secret(Kind.LINKS, _l("Link zum Zurücksetzen, nur als Hash")),
            "user_id": REFERENCE,
            "created_at": item(Kind.LINKS, _l("wann das Zurücksetzen angefordert wurde")),
            "expires_at": item(Kind.LINKS, _l("wann der Link abläuft")),
            "used_at": item(Kind.LINKS, _l("wann der Link benutzt wurde")),
        },
    ),
    Table(
        "email_confirmations",
        _l("Links zum Bestätigen der E-Mail-Adresse"),
        owner="user_id",
        columns={
            "id": NONE,
            "token_hash": secret(Kind.LINKS, _l("Bestätigungslink, nur als Hash")),
            "user_id": REFERENCE,
            "created_at": item(Kind.LINKS, _l("wann der Link verschickt wurde")),
            "expires_at": item(Kind.LINKS, _l("wann der Link abläuft")),
        },
    ),
    Table(
        "site_settings",
        _l("Einstellungen der Plattform"),
        columns={"key": NONE, "value": NONE},
    ),
)
