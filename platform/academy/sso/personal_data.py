"""What the single sign-on tables hold about people (see academy/personal_data.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..personal_data import NONE, REFERENCE, Kind, Table, item

TABLES = (
    Table(
        "sso_identities",
        _l("Firmenkonto (Single Sign-on)"),
        owner="user_id",
        columns={
            "id": NONE,
            "user_id": REFERENCE,
            "issuer": item(Kind.ACCOUNT, _l("Anmeldedienst des Unternehmens")),
            "subject": item(Kind.ACCOUNT, _l("Kennung Ihres Firmenkontos beim Anmeldedienst")),
            "created_at": item(Kind.ACCOUNT, _l("wann das Firmenkonto verknüpft wurde")),
        },
    ),
)
