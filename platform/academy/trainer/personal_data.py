"""What the trainer tables hold about people (see academy/personal_data.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..personal_data import NONE, REFERENCE, Kind, Table, item

# Statistics per question: sums over all graded exams, never about a person.
_SUMS = ("course_slug", "course_version", "question_id")

TABLES = (
    Table(
        "course_versions",
        _l("Veröffentlichte Kursversionen"),
        actors=("published_by_id",),
        columns={
            "id": NONE,
            "course_slug": NONE,
            "number": NONE,
            "version": NONE,
            "archive": NONE,
            "published_by_id": REFERENCE,
            "published_at": NONE,
            "note": NONE,
            "change": NONE,
            "modules": NONE,
            "restored_from_id": NONE,
        },
    ),
    Table(
        "course_working_copies",
        _l("Arbeitskopien von Kursen"),
        actors=("updated_by_id",),
        columns={
            "id": NONE,
            "course_slug": NONE,
            "archive": NONE,
            "revision": NONE,
            "based_on": NONE,
            "restored_from_id": NONE,
            "updated_by_id": REFERENCE,
            "updated_at": NONE,
        },
    ),
    Table(
        "retrainings",
        _l("Nachschulungen nach Kursänderungen"),
        owner="user_id",
        columns={
            "id": NONE,
            "user_id": REFERENCE,
            "course_slug": item(Kind.PROGRESS, _l("Kurs einer Nachschulung")),
            "version_id": REFERENCE,
            "certificate_id": REFERENCE,
            "earned_on": item(Kind.PROGRESS, _l("Kursversion, auf der das Zertifikat beruht")),
            "modules": item(Kind.PROGRESS, _l("erneut zu lesende Module")),
            "assigned_at": item(Kind.PROGRESS, _l("wann die Nachschulung anstand")),
            "completed_at": item(Kind.PROGRESS, _l("wann die Nachschulung abgeschlossen wurde")),
            "recheck_attempt_id": REFERENCE,
        },
    ),
    Table(
        "question_sums",
        _l("Statistik der Prüfungsfragen"),
        columns=dict.fromkeys(
            (*_SUMS, "drawn", "right", "rest", "rest_squares", "rest_when_right"), NONE
        ),
    ),
    Table(
        "wrong_choice_counts",
        _l("Statistik der falschen Antworten"),
        columns=dict.fromkeys((*_SUMS, "option_id", "chosen"), NONE),
    ),
)
