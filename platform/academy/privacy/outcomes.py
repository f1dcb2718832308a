"""Why a privacy request is refused, and what the person is told."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from flask_babel import lazy_gettext as _l

from ..outcomes import Refused


class PrivacyRefusal(StrEnum):
    OWN_ACCOUNT = "own_account"
    LAST_ADMIN = "last_admin"
    SELF_ERASURE_OFF = "self_erasure_off"
    WRONG_PASSWORD = "wrong_password"


class PrivacyRefused(Refused):
    messages: ClassVar[dict] = {
        PrivacyRefusal.OWN_ACCOUNT: _l(
            "Ihr eigenes Konto löschen Sie unter „Meine Daten“, nicht in der Verwaltung."
        ),
        PrivacyRefusal.LAST_ADMIN: _l(
            "Das ist das letzte aktive Admin-Konto. Geben Sie zuerst einer anderen Person die Admin-Rolle."
        ),
        PrivacyRefusal.SELF_ERASURE_OFF: _l(
            "Konten löschen auf dieser Plattform die Admins. Bitte wenden Sie sich an sie."
        ),
        PrivacyRefusal.WRONG_PASSWORD: _l("Das Passwort stimmt nicht."),
    }
