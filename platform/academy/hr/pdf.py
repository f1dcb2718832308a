"""The evidence report as a PDF for auditors: who issued it and when, the period it
covers, the course versions with their learning objectives, then the table. A4
landscape, the DejaVu fonts bundled with the certificates (full German character set).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.fonts import FontFace

from ..certificates.pdf import FONTS, MUTED, PRIMARY
from .evidence import CourseVersion

# fpdf2 subsets the fonts through fontTools, which logs every glyph at INFO level: that
# would bury the command's own output (reports evidence --format pdf).
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Column widths in mm (277 mm usable): person, no., department, course, version, "Stand",
# certificate, issued, valid until, score, status.
WIDTHS = (37, 21, 27, 30, 21, 22, 40, 18, 18, 12, 31)
# Without the score (the privacy settings hide it from HR): the person gets its room.
WIDTHS_WITHOUT_SCORE = (49, 21, 27, 30, 21, 22, 40, 18, 18, 31)


@dataclass(frozen=True)
class Texts:
    """Every word on the page, already translated by the caller."""

    title: str
    organisation: str
    created: str
    period: str
    filters: str
    versions_title: str
    version: str
    as_of: str
    table_title: str
    header: Sequence[str]
    empty: str
    page: str


class _Report(FPDF):
    def __init__(self, texts: Texts):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.texts = texts

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(*MUTED)
        texts = self.texts
        line = f"{texts.organisation} · {texts.title} · {texts.page} {self.page_no()}/{{nb}}"
        self.cell(0, 4, line, align="C")


def render(texts: Texts, versions: list[CourseVersion], rows: list[Sequence[str]]) -> bytes:
    pdf = _Report(texts)
    pdf.set_margins(10, 12, 10)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(texts.title)
    pdf.set_author(texts.organisation)
    pdf.alias_nb_pages()
    pdf.add_page()
    _heading(pdf, texts)
    _versions(pdf, texts, versions)
    _table(pdf, texts, rows)
    return bytes(pdf.output())


def _heading(pdf: FPDF, texts: Texts) -> None:
    pdf.set_font("DejaVu", "B", 18)
    pdf.set_text_color(*PRIMARY)
    pdf.cell(0, 10, texts.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(30, 36, 48)
    for line in (texts.organisation, texts.created, texts.period, texts.filters):
        if line:
            pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _versions(pdf: FPDF, texts: Texts, versions: list[CourseVersion]) -> None:
    if not versions:
        return
    _section(pdf, texts.versions_title)
    for version in versions:
        pdf.set_font("DejaVu", "B", 10)
        line = f"{version.title} · {texts.version} {version.version}"
        if version.as_of:
            line += f" · {texts.as_of} {version.as_of}"
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        for number, (title, objectives) in enumerate(version.modules, start=1):
            pdf.set_font("DejaVu", "B", 8.5)
            pdf.multi_cell(0, 4.2, f"{number}. {title}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 8)
            for objective in objectives:
                pdf.set_x(pdf.l_margin + 4)
                pdf.multi_cell(0, 3.9, f"• {objective}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def _table(pdf: FPDF, texts: Texts, rows: list[Sequence[str]]) -> None:
    _section(pdf, texts.table_title)
    if not rows:
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 6, texts.empty, new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font("DejaVu", "", 6.5)
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=PRIMARY)
    widths = WIDTHS if len(texts.header) == len(WIDTHS) else WIDTHS_WITHOUT_SCORE
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        headings_style=heading,
        line_height=3.6,
        repeat_headings=1,
        borders_layout="HORIZONTAL_LINES",
        text_align="LEFT",
    ) as table:
        table.row(list(texts.header))
        for values in rows:
            table.row([value or "–" for value in values])


def _section(pdf: FPDF, title: str) -> None:
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_text_color(*PRIMARY)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(30, 36, 48)
