"""What the audit log and the erasure records hold (see academy/personal_data.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..personal_data import KEEP, NONE, REFERENCE, Kind, Table, item

TABLES = (
    Table(
        "audit_events",
        _l("Protokolleinträge"),
        owner="person_id",
        actors=("actor_id",),
        # Kept when the person is deleted, with the former id only, until the audit
        # retention deletes them: deleting them early would break the hash chain.
        on_erasure=KEEP,
        columns={
            "id": NONE,
            "at": item(Kind.AUDIT, _l("Zeitpunkt einer Aktion")),
            "actor_id": REFERENCE,
            "action": item(Kind.AUDIT, _l("Art der Aktion, z. B. Anmeldung oder Rollenänderung")),
            "person_id": REFERENCE,
            "targets": item(Kind.AUDIT, _l("Nummern der betroffenen Datensätze")),
            "details": item(
                Kind.AUDIT, _l("was sich geändert hat (Nummern und Rollen, keine Inhalte)")
            ),
            "body_digest": NONE,
            "prev_hash": NONE,
            "hash": NONE,
            "redacted_at": NONE,
        },
    ),
    Table(
        "erasures",
        _l("Gelöschte Personen"),
        columns={
            "id": NONE,
            "pseudonym": item(Kind.EVIDENCE, _l("zufälliges Pseudonym statt des Namens")),
            "erased_at": item(Kind.EVIDENCE, _l("wann die Person gelöscht wurde")),
            "keep_until": item(Kind.EVIDENCE, _l("bis wann die Nachweise bleiben")),
            "evidence": item(Kind.EVIDENCE, _l("Nummern der aufbewahrten Nachweise")),
        },
    ),
)
