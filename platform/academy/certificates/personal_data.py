"""What the certificate table holds about people (see academy/personal_data.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..personal_data import NONE, REFERENCE, Kind, Table, item, secret

TABLES = (
    Table(
        "certificates",
        _l("Zertifikate"),
        owner="user_id",
        actors=("revoked_by_id",),
        columns={
            "id": NONE,
            "number": item(Kind.CERTIFICATES, _l("Zertifikatsnummer")),
            "user_id": REFERENCE,
            "attempt_id": REFERENCE,
            "sequence": item(Kind.CERTIFICATES, _l("Erst- oder Folgezertifikat")),
            "course_slug": item(Kind.CERTIFICATES, _l("Kurs des Zertifikats")),
            "course_version": item(Kind.CERTIFICATES, _l("Kursversion des Zertifikats")),
            "course_title": item(Kind.CERTIFICATES, _l("Kurstitel")),
            "certificate_title": item(Kind.CERTIFICATES, _l("Titel des Zertifikats")),
            "language": item(Kind.CERTIFICATES, _l("Sprache des Zertifikats")),
            "objectives": item(Kind.CERTIFICATES, _l("bescheinigte Lernziele")),
            "holder_name": item(Kind.CERTIFICATES, _l("Name auf dem Zertifikat")),
            "organisation": item(Kind.CERTIFICATES, _l("Aussteller")),
            "score_percent": item(Kind.CERTIFICATES, _l("Prüfungsergebnis auf dem Zertifikat")),
            "issued_at": item(Kind.CERTIFICATES, _l("Ausstellungsdatum")),
            "valid_until": item(Kind.CERTIFICATES, _l("gültig bis")),
            "revoked_at": item(Kind.CERTIFICATES, _l("Datum eines Widerrufs")),
            "revoked_reason": item(Kind.CERTIFICATES, _l("Grund eines Widerrufs")),
            "revoked_by_id": REFERENCE,
            "reissue_allowed_at": item(
                Kind.CERTIFICATES,
                _l("wann nach einem Widerruf ein neues Zertifikat erlaubt wurde"),
            ),
            "course_as_of": item(Kind.CERTIFICATES, _l("Stand der Kursinhalte")),
            "status_index": NONE,  # the certificate's bit in the public revocation list
            "recipient_salt": NONE,
            "recipient_hash": secret(
                Kind.CERTIFICATES, _l("E-Mail-Adresse im digitalen Nachweis, nur als Hash")
            ),
        },
    ),
)
