"""Item statistics as CSV that spreadsheet programs open as they are: UTF-8 with a byte
order mark, semicolons, and numbers in the reader's language (0,42 in German)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from ..content import Course, Question
from .statistics import Flag, ItemStatistics

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def flag_labels() -> dict[Flag, str]:
    return {
        Flag.TOO_EASY: _("zu leicht"),
        Flag.TOO_HARD: _("zu schwer"),
        Flag.NEGATIVE: _("trennt negativ"),
    }


@dataclass(frozen=True)
class Row:
    """One question of the statistics: from the pool (or only on record), its figures."""

    question_id: str
    question: Question | None  # None: no longer in the course, but answered before
    item: ItemStatistics | None  # None: never drawn

    @property
    def shown(self) -> bool:
        return self.item is not None and self.item.shown

    @property
    def wrong(self) -> list[tuple[str, int]]:
        """(option text, times chosen), most chosen first."""
        options = self.question.options if self.question else ()
        texts = {o.id: Markup(o.html).striptags() for o in options}
        choices = self.item.wrong_choices.items() if self.item else ()
        return [(texts.get(o, o), n) for o, n in sorted(choices, key=lambda kv: -kv[1])]


def rows(course: Course | None, items: Mapping[str, ItemStatistics]) -> list[Row]:
    """In pool order; questions no longer in the course but answered before come last."""
    pool = list(course.questions) if course else []
    known = {q.id for q in pool}
    listed = [Row(q.id, q, items.get(q.id)) for q in pool]
    return listed + [Row(qid, None, items[qid]) for qid in sorted(items) if qid not in known]


def statistics_csv(course: Course | None, items: Mapping[str, ItemStatistics]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Frage-ID"),
            _("Modul"),
            _("Frage"),
            _("Gezogen"),
            _("Anteil richtig (%)"),
            _("Trennschärfe"),
            _("Hinweise"),
            _("Gewählte falsche Antworten"),
        ]
    )
    labels = flag_labels()
    for row in rows(course, items):
        writer.writerow([_cell(value) for value in _values(row, labels)])
    return buffer.getvalue()


def _values(row: Row, labels) -> list:
    question, item = row.question, row.item
    module = (question.module_slug or "") if question else ""
    prompt = Markup(question.prompt_html).striptags() if question else ""
    if not row.shown:
        drawn = item.drawn if item else 0
        return [row.question_id, module, prompt, drawn, "", "", _("zu wenige Antworten"), ""]
    discrimination = item.discrimination
    return [
        row.question_id,
        module,
        prompt,
        item.drawn,
        round(100 * item.share_right),
        "" if discrimination is None else format_decimal(discrimination, "0.00"),
        ", ".join(labels[f] for f in sorted(item.flags)),
        " | ".join(f"{text}: {count}" for text, count in row.wrong),
    ]


def _cell(value) -> object:
    """Text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
