"""Why a sign-in with the company account is refused, and what the person is told
(German first; each page also says what to do)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from flask_babel import lazy_gettext as _l

from ..outcomes import Refused


class SsoRefusal(StrEnum):
    PROVIDER_DOWN = "provider_down"
    PROVIDER_ERROR = "provider_error"
    CONSENT_REFUSED = "consent_refused"
    CLOCK_SKEW = "clock_skew"
    INVALID_TOKEN = "invalid_token"
    STATE_LOST = "state_lost"
    UNKNOWN_GROUP = "unknown_group"
    EMAIL_NOT_VERIFIED = "email_not_verified"
    NO_EMAIL = "no_email"
    DEACTIVATED = "deactivated"
    LINKED_ELSEWHERE = "linked_elsewhere"
    CONFLICT = "conflict"  # a parallel request changed the same account just now


class SsoRefused(Refused):
    titles: ClassVar[dict] = {
        SsoRefusal.PROVIDER_DOWN: _l("Anmeldedienst nicht erreichbar"),
        SsoRefusal.PROVIDER_ERROR: _l("Anmeldung fehlgeschlagen"),
        SsoRefusal.CONSENT_REFUSED: _l("Anmeldung abgebrochen"),
        SsoRefusal.CLOCK_SKEW: _l("Uhrzeiten stimmen nicht überein"),
        SsoRefusal.INVALID_TOKEN: _l("Anmeldung nicht vertrauenswürdig"),
        SsoRefusal.STATE_LOST: _l("Anmeldung abgelaufen"),
        SsoRefusal.UNKNOWN_GROUP: _l("Kein Zugang für Ihre Gruppe"),
        SsoRefusal.EMAIL_NOT_VERIFIED: _l("E-Mail-Adresse nicht bestätigt"),
        SsoRefusal.NO_EMAIL: _l("Keine E-Mail-Adresse"),
        SsoRefusal.DEACTIVATED: _l("Konto gesperrt"),
        SsoRefusal.LINKED_ELSEWHERE: _l("Konto schon verknüpft"),
        SsoRefusal.CONFLICT: _l("Bitte noch einmal"),
    }
    messages: ClassVar[dict] = {
        SsoRefusal.PROVIDER_DOWN: _l(
            "Der Anmeldedienst Ihres Unternehmens antwortet gerade nicht. Bitte versuchen Sie es in ein paar Minuten noch einmal."
        ),
        SsoRefusal.PROVIDER_ERROR: _l(
            "Der Anmeldedienst Ihres Unternehmens hat die Anmeldung nicht abgeschlossen. Bitte versuchen Sie es noch einmal; wenn es wieder scheitert, wenden Sie sich an Ihre IT."
        ),
        SsoRefusal.CONSENT_REFUSED: _l(
            "Die Anmeldung wurde beim Anmeldedienst abgebrochen oder die Zustimmung verweigert. Ohne sie kann die Plattform Sie nicht anmelden."
        ),
        SsoRefusal.CLOCK_SKEW: _l(
            "Die Uhr dieses Servers und die des Anmeldedienstes gehen unterschiedlich, daher wurde die Anmeldung als abgelaufen abgewiesen. Bitte melden Sie das Ihrer IT."
        ),
        SsoRefusal.INVALID_TOKEN: _l(
            "Die Antwort des Anmeldedienstes ließ sich nicht prüfen und wurde abgewiesen. Bitte versuchen Sie es noch einmal; wenn es wieder scheitert, wenden Sie sich an Ihre IT."
        ),
        SsoRefusal.STATE_LOST: _l(
            "Die Anmeldung hat zu lange gedauert oder wurde in einem anderen Fenster begonnen. Bitte starten Sie sie noch einmal."
        ),
        SsoRefusal.UNKNOWN_GROUP: _l(
            "Ihr Firmenkonto gehört zu keiner Gruppe, die diese Plattform nutzen darf. Bitte wenden Sie sich an Ihre IT oder Personalabteilung."
        ),
        SsoRefusal.EMAIL_NOT_VERIFIED: _l(
            "Der Anmeldedienst bestätigt Ihre E-Mail-Adresse nicht. Ohne bestätigte Adresse legt die Plattform kein Konto an und verknüpft keines. Bitte wenden Sie sich an Ihre IT."
        ),
        SsoRefusal.NO_EMAIL: _l(
            "Der Anmeldedienst hat keine E-Mail-Adresse geschickt. Bitte wenden Sie sich an Ihre IT."
        ),
        SsoRefusal.DEACTIVATED: _l(
            "Ihr Konto auf dieser Plattform ist gesperrt. Wenn das ein Irrtum ist, wenden Sie sich an Ihre Personalabteilung."
        ),
        SsoRefusal.LINKED_ELSEWHERE: _l(
            "Das Konto mit dieser E-Mail-Adresse ist schon mit einem anderen Firmenkonto verknüpft. Bitte wenden Sie sich an Ihre IT."
        ),
        SsoRefusal.CONFLICT: _l(
            "Ihr Konto wurde im selben Moment anderweitig geändert. Bitte melden Sie sich noch einmal an."
        ),
    }
    statuses: ClassVar[dict] = {
        SsoRefusal.CONFLICT: 409,
        SsoRefusal.PROVIDER_DOWN: 503,
        SsoRefusal.PROVIDER_ERROR: 502,
        SsoRefusal.CLOCK_SKEW: 502,
        SsoRefusal.INVALID_TOKEN: 400,
        SsoRefusal.STATE_LOST: 400,
    }

    @property
    def title(self) -> str:
        return str(self.titles[self.reason])

    @property
    def status(self) -> int:
        return self.statuses.get(self.reason, 403)

    @property
    def message(self) -> str:  # details are for the log line, not for the page
        return str(self.messages[self.reason])
