"""What the exam pages tell a learner when a rule refuses, and after a timeout."""

from __future__ import annotations

from typing import ClassVar

from flask_babel import lazy_gettext as _l

from ..outcomes import Refused
from .rules import ExamRefusal

TIMED_OUT = _l(
    "Die Zeit für diesen Versuch war abgelaufen; die Antworten wurden nicht mehr gewertet."
)


class ExamRefused(Refused):
    messages: ClassVar[dict] = {
        ExamRefusal.MODULES: _l(
            "Die Prüfung öffnet sich, sobald Sie alle Module abgeschlossen haben."
        ),
        ExamRefusal.COOLDOWN: _l(
            "Bitte gönnen Sie sich eine kurze Pause, bevor Sie es noch einmal versuchen."
        ),
        ExamRefusal.DAILY_LIMIT: _l(
            "Sie haben die Höchstzahl an Versuchen für 24 Stunden erreicht."
        ),
        ExamRefusal.TAMPERED: _l(
            "Die gesendeten Antworten passen nicht zu diesem Prüfungsversuch. Es wurde nichts gespeichert; bitte beantworten Sie die Fragen auf der Prüfungsseite."
        ),
        ExamRefusal.SUBMITTED: _l("Dieser Versuch wurde bereits abgegeben. Hier ist Ihr Ergebnis."),
        ExamRefusal.EMPTY: _l(
            "Sie haben noch keine Frage beantwortet. Die Prüfung wurde nicht abgegeben und zählt nicht als Fehlversuch."
        ),
        ExamRefusal.TIMED_OUT: _l("Die Zeit für diesen Versuch ist abgelaufen."),
    }
