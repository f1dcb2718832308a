"""Why an HR request is refused, and what the HR person is told."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from flask_babel import lazy_gettext as _l

from ..outcomes import Refused


class HrRefusal(StrEnum):
    NOT_IN_SCOPE = "not_in_scope"
    NEEDS_EVERYTHING = "needs_everything"
    UNKNOWN_COURSE = "unknown_course"
    DUE_IN_PAST = "due_in_past"
    NOBODY = "nobody"
    NOT_OPEN = "not_open"
    PROTECTED = "protected"


class HrRefused(Refused):
    messages: ClassVar[dict] = {
        HrRefusal.NOT_IN_SCOPE: _l("Diese Abteilung liegt nicht in Ihrem Bereich."),
        HrRefusal.NEEDS_EVERYTHING: _l(
            "Das darf nur, wer alle Abteilungen sieht (Admins oder HR mit Zugriff auf alle Abteilungen)."
        ),
        HrRefusal.UNKNOWN_COURSE: _l(
            "Den Kurs „%(slug)s“ gibt es nicht (oder er ist ein Entwurf)."
        ),
        HrRefusal.DUE_IN_PAST: _l("Das Fälligkeitsdatum liegt in der Vergangenheit."),
        HrRefusal.NOBODY: _l("Niemand gefunden, dem der Kurs zugewiesen werden kann."),
        HrRefusal.NOT_OPEN: _l("Diese Zuweisung ist schon erledigt oder zurückgenommen."),
        HrRefusal.PROTECTED: _l("Konten von Admins ändern nur Admins."),
    }
