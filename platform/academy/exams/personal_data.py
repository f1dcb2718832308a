"""What the exam tables hold about people (see academy/personal_data.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..personal_data import NONE, REFERENCE, Kind, Table, item

TABLES = (
    Table(
        "exam_attempts",
        _l("Prüfungsversuche"),
        owner="user_id",
        columns={
            "id": NONE,
            "user_id": REFERENCE,
            "course_slug": item(Kind.EXAM_RESULTS, _l("Kurs der Prüfung")),
            "course_version": item(Kind.EXAM_RESULTS, _l("Kursversion")),
            "kind": item(Kind.EXAM_RESULTS, _l("Abschlussprüfung oder Nachprüfung")),
            "pass_mark": item(Kind.EXAM_RESULTS, _l("Bestehensgrenze")),
            "reveal_answers": item(Kind.EXAM_RESULTS, _l("ob das Ergebnis die Lösungen zeigt")),
            "questions": item(Kind.EXAM_RESULTS, _l("die gezeigten Fragen in ihrer Reihenfolge")),
            "started_at": item(Kind.EXAM_RESULTS, _l("Beginn des Versuchs")),
            "deadline_at": item(Kind.EXAM_RESULTS, _l("Zeitlimit des Versuchs")),
            "submitted_at": item(Kind.EXAM_RESULTS, _l("Abgabe des Versuchs")),
        },
    ),
    Table(
        "exam_results",
        _l("Prüfungsergebnisse"),
        owner="attempt_id",
        columns={
            "id": NONE,
            "attempt_id": REFERENCE,
            "answers": item(Kind.EXAM_ANSWERS, _l("die gewählten Antworten je Frage")),
            "correct_count": item(Kind.EXAM_RESULTS, _l("Zahl der richtigen Antworten")),
            "total": item(Kind.EXAM_RESULTS, _l("Zahl der Fragen")),
            "percent": item(Kind.EXAM_RESULTS, _l("Ergebnis in Prozent")),
            "passed": item(Kind.EXAM_RESULTS, _l("bestanden oder nicht")),
            "late": item(Kind.EXAM_RESULTS, _l("ob die Abgabe nach dem Zeitlimit kam")),
            "graded_at": item(Kind.EXAM_RESULTS, _l("wann bewertet wurde")),
        },
    ),
    Table(
        "exam_draft_answers",
        _l("Zwischengespeicherte Antworten"),
        owner="attempt_id",
        columns={
            "id": NONE,
            "attempt_id": REFERENCE,
            "question_id": item(Kind.EXAM_ANSWERS, _l("Frage einer laufenden Prüfung")),
            "options": item(Kind.EXAM_ANSWERS, _l("während der Prüfung gewählte Antworten")),
            "saved_at": item(Kind.EXAM_ANSWERS, _l("wann eine Antwort gespeichert wurde")),
        },
    ),
)
