"""What the learning tables hold about people (see academy/personal_data.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..personal_data import NONE, REFERENCE, Kind, Table, item

TABLES = (
    Table(
        "module_completions",
        _l("Abgeschlossene Module"),
        owner="user_id",
        columns={
            "id": NONE,
            "user_id": REFERENCE,
            "course_slug": item(Kind.PROGRESS, _l("Kurs")),
            "module_slug": item(Kind.PROGRESS, _l("abgeschlossenes Modul")),
            "module_version": item(Kind.PROGRESS, _l("Fassung des Modultexts")),
            "completed_at": item(Kind.PROGRESS, _l("wann das Modul abgeschlossen wurde")),
        },
    ),
)
