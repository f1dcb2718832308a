"""The readable summary of a person's data as a PDF: the same sections as the page, as
text, so it can be kept or sent on without the platform."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.fonts import FontFace

from ..certificates.pdf import FONTS
from .labels import action_label
from .summary import Section, ShownQuestion, value

TAG = re.compile(r"<[^>]+>")
BOLD = FontFace(emphasis="BOLD")
WIDTH = 180.0  # A4 portrait less the margins, in mm


@dataclass(frozen=True)
class Texts:
    """The words around the data, translated by the caller."""

    title: str
    subtitle: str
    questions: str
    chosen: str


def render(
    texts: Texts,
    sections: list[Section],
    questions: dict[int, list[ShownQuestion]],
    results: dict[int, dict],
    result_columns: list[tuple[str, str]],
) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(texts.title)
    pdf.add_page()
    _line(pdf, texts.title, size=16, bold=True)
    _line(pdf, texts.subtitle, size=9)
    for section in sections:
        pdf.ln(4)
        _line(pdf, f"{section.title} ({len(section.rows)})", size=12, bold=True)
        if not section.wide and section.table != "exam_attempts":
            _table(pdf, section)
            continue
        for row in section.rows:
            _record(pdf, section.columns, row)
            if section.table == "exam_attempts":
                result = results.get(row["id"])
                if result:
                    _record(pdf, result_columns, result)
                _questions(pdf, texts, questions.get(row["id"], []))
            pdf.ln(2)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, size: float = 9, bold: bool = False) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(WIDTH, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, section: Section) -> None:
    """A few columns: one line per row, as on the page."""
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(
        width=WIDTH, line_height=4, text_align="LEFT", headings_style=BOLD, padding=0.8
    ) as table:
        table.row([_capital(label) for _, label in section.columns])
        for row in section.rows:
            table.row([_shown(name, row) for name, _ in section.columns])


def _record(pdf: FPDF, columns: list[tuple[str, str]], row: dict) -> None:
    """Many columns: label and value, one pair per line."""
    pdf.set_font("DejaVu", "", 8.5)
    with pdf.table(
        width=WIDTH,
        col_widths=(55, WIDTH - 55),
        line_height=4.2,
        text_align="LEFT",
        borders_layout="NONE",
        first_row_as_headings=False,
        padding=0.4,
    ) as table:
        for name, label in columns:
            line = table.row()
            line.cell(_capital(label), style=BOLD)
            line.cell(_shown(name, row))


def _shown(name: str, row: dict) -> str:
    return action_label(row[name]) if name == "action" else value(row.get(name))


def _questions(pdf: FPDF, texts: Texts, shown: list[ShownQuestion]) -> None:
    if not shown:
        return
    _line(pdf, texts.questions, size=9, bold=True)
    for number, question in enumerate(shown, start=1):
        _line(pdf, f"{number}. {_text(question.prompt_html)}", size=8.5)
        for option_html, chosen in question.options:
            mark = (
                f"● {_text(option_html)} ({texts.chosen})" if chosen else f"○ {_text(option_html)}"
            )
            pdf.set_x(20)
            pdf.set_font("DejaVu", "B" if chosen else "", 8)
            pdf.multi_cell(WIDTH - 5, 4, mark, align="L", new_x="LMARGIN", new_y="NEXT")


def _text(fragment: str) -> str:
    """Course HTML as plain text."""
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]
