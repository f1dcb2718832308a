"""What the audit log, the erasure records and the mail outbox hold (see
academy/personal_data.py); the audit log and the outbox are core modules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..personal_data import KEEP, NONE, REFERENCE, Kind, Table, item, secret

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
    Table(
        "mail_outbox",
        _l("Postausgang"),
        # Mails to a person who may have no account yet (an invitation): by address.
        email="recipient",
        columns={
            "id": NONE,
            "recipient": item(Kind.LINKS, _l("Empfängeradresse einer E-Mail")),
            "subject": item(Kind.LINKS, _l("Betreff der E-Mail")),
            "text": secret(
                Kind.LINKS, _l("Text der E-Mail mit ihrem Link; gelöscht, sobald sie versendet ist")
            ),
            "html": secret(Kind.LINKS, _l("dieselbe E-Mail als HTML")),
            "status": item(Kind.LINKS, _l("ob die E-Mail wartet oder abgelehnt wurde")),
            "attempts": NONE,
            "next_attempt_at": NONE,
            "last_error": item(Kind.LINKS, _l("Antwort des Mailservers bei einem Fehler")),
            "claimed_by": NONE,
            "claimed_at": NONE,
            "created_at": item(Kind.LINKS, _l("wann die E-Mail erstellt wurde")),
        },
    ),
)
