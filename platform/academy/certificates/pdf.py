"""The certificate as a PDF: A4 landscape, embedded DejaVu Sans (full German character
set), a QR code to the verification page and the learning objectives covered.

The PDF is tagged: every heading and paragraph is an element of the structure tree in
reading order, the QR code has alternative text, the frame is an artifact and the
document language is set, so a screen reader reads it like the web page. The signed
credential is attached as `credential.json`; signing.py adds the PAdES signature.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from . import pdf_fonts

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = pdf_fonts.FOLDER  # the full DejaVu Sans, also for the badges and other PDFs
PRIMARY = (31, 111, 139)
MUTED = (90, 100, 116)

TEXTS = {
    "de": {
        "attests": "Hiermit wird bestätigt, dass",
        "title": "ZERTIFIKAT",
        "passed": "den Kurs „{course}“ erfolgreich abgeschlossen und die Abschlussprüfung mit {score} % bestanden hat.",
        "contents": "Inhalte",
        "annex_hint": "Die Lernziele jedes Moduls stehen in der Anlage auf Seite 2.",
        "annex_title": "Anlage: Lernziele des Kurses",
        "basis": "Baustein der Dokumentation der Maßnahmen zur KI-Kompetenz nach Art. 4 der Verordnung (EU) 2024/1689 (KI-Verordnung). Ein Zertifikat schreibt das Gesetz nicht vor; die Gültigkeitsdauer legt der Aussteller fest.",
        "issued": "Ausgestellt am",
        "valid": "Gültig bis",
        "number": "Zertifikatsnummer",
        "issuer": "Aussteller",
        "verify": "Echtheit prüfen:",
        "version": "Kursversion",
        "as_of": "Stand",
        "qr_alt": "QR-Code mit der Adresse der Prüfseite: {url}",
        "attachment": "Das Zertifikat als Open-Badges-3.0-Nachweis (signiert, maschinenlesbar)",
    },
    "en": {
        "attests": "This is to certify that",
        "title": "CERTIFICATE",
        "passed": "has successfully completed the course \u201c{course}\u201d and passed its final exam with {score} %.",
        "contents": "Contents",
        "annex_hint": "The learning objectives of each module are listed in the annex on page 2.",
        "annex_title": "Annex: learning objectives of the course",
        "basis": "A building block of the documentation of AI-literacy measures under Art. 4 of Regulation (EU) 2024/1689 (AI Act). The law requires no certificate; the period of validity is set by the issuer.",
        "issued": "Issued on",
        "valid": "Valid until",
        "number": "Certificate number",
        "issuer": "Issued by",
        "verify": "Verify at:",
        "version": "Course version",
        "as_of": "as of",
        "qr_alt": "QR code with the address of the verification page: {url}",
        "attachment": "The certificate as an Open Badges 3.0 credential (signed, machine-readable)",
    },
}


@dataclass(frozen=True)
class ModuleObjectives:
    title: str
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class CertificateData:
    number: str
    holder_name: str
    certificate_title: str
    course_title: str
    course_version: str
    language: str
    modules: tuple[ModuleObjectives, ...]
    organisation: str
    score_percent: int
    issued_on: date
    valid_until: date
    verify_url: str
    course_as_of: str = ""  # the edition ("Stand")
    credential_json: str = ""  # attached as credential.json when given


def _date(value: date, language: str) -> str:
    return value.strftime("%d.%m.%Y") if language == "de" else value.strftime("%d %B %Y")


def render_pdf(data: CertificateData) -> bytes:
    text = TEXTS.get(data.language, TEXTS["en"])
    pdf = _document(_characters(data, text))
    pdf.set_title(f"{data.certificate_title} – {data.holder_name}")
    pdf.set_author(data.organisation)
    pdf.set_subject(f"{text['number']} {data.number}")
    pdf.set_lang(data.language)
    pdf.add_page()
    _frame(pdf)
    _heading(pdf, data, text)
    _contents(pdf, data, text)
    _footer(pdf, data, text)
    _annex(pdf, data, text)
    if data.credential_json:
        pdf.embed_file(
            bytes=data.credential_json.encode(),
            basename="credential.json",
            mime_type="application/json",
            desc=text["attachment"],
            modification_date=datetime.combine(data.issued_on, datetime.min.time(), UTC),
        )
    return bytes(pdf.output())


def _document(characters: set[str]) -> FPDF:
    # fpdf2 (with fontTools) is imported on the first certificate, not at start-up, where
    # it took half a second of every worker's start.
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf_fonts.add_fonts(pdf, characters)  # family "DejaVu", regular and bold
    return pdf


def _characters(data: CertificateData, text: dict[str, str]) -> set[str]:
    """Every character the certificate may draw: they choose its fonts (pdf_fonts)."""
    drawn = [
        *text.values(),
        data.number,
        data.holder_name,
        data.certificate_title,
        data.course_title,
        data.course_version,
        data.course_as_of or "",  # None when the course names no edition
        data.organisation,
        data.organisation.upper(),
        data.verify_url,
        _date(data.issued_on, data.language),
        _date(data.valid_until, data.language),
        "0123456789 .:%()•·…",  # what the layout adds: numbers, bullets, the ellipsis
    ]
    for module in data.modules:
        drawn += [module.title, *module.objectives]
    return set("".join(drawn))


@contextmanager
def _tag(pdf: FPDF, kind: str, whole: str | None = None) -> Iterator[None]:
    """Mark what is drawn inside as one element of the structure tree (/H1, /P, …). fpdf2
    tags images and links by itself; text goes through the same structure builder (an
    internal API: tests/web/test_credentials.py checks the result with pdfinfo).
    `whole` is the text of a wrapped paragraph as one string: the line breaks drop the
    spaces between the lines, and a screen reader reads the /Alt text instead."""
    mcid = pdf.struct_builder.next_mcid_for_page(pdf.page)
    pdf._add_marked_content(struct_type=kind, mcid=mcid, alt_text=whole)
    pdf._out(f"{kind} <</MCID {mcid}>> BDC")
    try:
        yield
    finally:
        pdf._out("EMC")


@contextmanager
def _artifact(pdf: FPDF) -> Iterator[None]:
    """Decoration a screen reader skips (frames, rules)."""
    pdf._out("/Artifact BMC")
    try:
        yield
    finally:
        pdf._out("EMC")


def _frame(pdf: FPDF) -> None:
    with _artifact(pdf):
        pdf.set_draw_color(*PRIMARY)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, 277, 190)
        pdf.set_line_width(0.3)
        pdf.rect(13, 13, 271, 184)
        pdf.set_fill_color(*PRIMARY)
        pdf.rect(13, 13, 271, 4, style="F")


def _heading(pdf: FPDF, data: CertificateData, text: dict) -> None:
    pdf.set_text_color(*MUTED)
    pdf.set_font("DejaVu", "", 11)
    pdf.set_xy(25, 26)
    with _tag(pdf, "/P"):
        pdf.cell(247, 6, data.organisation.upper(), align="C")
    pdf.set_text_color(*PRIMARY)
    pdf.set_font("DejaVu", "B", 30)
    pdf.set_xy(25, 36)
    with _tag(pdf, "/H1"):
        pdf.cell(247, 14, text["title"], align="C")
    pdf.set_font("DejaVu", "B", 18)
    pdf.set_xy(25, 51)
    with _tag(pdf, "/H2"):
        pdf.cell(247, 9, data.certificate_title, align="C")
    pdf.set_text_color(30, 36, 48)
    pdf.set_font("DejaVu", "", 12)
    pdf.set_xy(25, 66)
    with _tag(pdf, "/P"):
        pdf.cell(247, 6, text["attests"], align="C")
    pdf.set_font("DejaVu", "B", 24)
    pdf.set_xy(25, 74)
    with _tag(pdf, "/P"):
        pdf.cell(247, 12, data.holder_name, align="C")
    pdf.set_font("DejaVu", "", 12)
    pdf.set_xy(35, 90)
    line = text["passed"].format(course=data.course_title, score=data.score_percent)
    with _tag(pdf, "/P", whole=line):
        _paragraph(pdf, 35, 227, 6, line)


def _contents(pdf: FPDF, data: CertificateData, text: dict) -> None:
    """Page 1: the modules covered, in two columns."""
    pdf.set_xy(25, 106)
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_text_color(*PRIMARY)
    with _tag(pdf, "/H3"):
        pdf.cell(180, 5, text["contents"])
    pdf.set_text_color(30, 36, 48)
    pdf.set_font("DejaVu", "", 9)
    rows = (len(data.modules) + 1) // 2
    for index, module in enumerate(data.modules):
        column, row = divmod(index, rows)
        pdf.set_xy(25 + column * 90, 112 + row * 6.2)
        with _tag(pdf, "/P"):
            pdf.cell(88, 5, _fit(pdf, f"{index + 1}. {module.title}", 88))
    pdf.set_xy(25, 112 + rows * 6.2 + 2)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.set_text_color(*MUTED)
    with _tag(pdf, "/P"):
        pdf.cell(180, 4, text["annex_hint"])


def _annex(pdf: FPDF, data: CertificateData, text: dict) -> None:
    """Page 2: every learning objective, by module: the evidence of what was taught."""
    pdf.add_page()
    _frame(pdf)
    pdf.set_xy(25, 24)
    pdf.set_font("DejaVu", "B", 14)
    pdf.set_text_color(*PRIMARY)
    with _tag(pdf, "/H2"):
        pdf.cell(247, 8, text["annex_title"])
    pdf.set_xy(25, 32)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(*MUTED)
    with _tag(pdf, "/P"):
        pdf.cell(
            247,
            5,
            f"{data.holder_name} · {data.certificate_title} · {text['number']} {data.number}",
        )
    pdf.set_text_color(30, 36, 48)
    layout = _annex_layout(pdf, data.modules)
    columns = (layout.blocks[: layout.split], layout.blocks[layout.split :])
    for x, blocks in zip((25.0, 152.0), columns, strict=False):
        pdf.set_y(42)
        for block in blocks:
            _module_block(pdf, block, x, layout.size)


ANNEX_WIDTH, ANNEX_HEIGHT = 120.0, 146.0  # one column, between the heading and the frame


@dataclass(frozen=True)
class AnnexBlock:
    """A module in the annex, broken into lines: its numbered title and each objective."""

    title: str
    title_lines: tuple[str, ...]
    objectives: tuple[tuple[str, tuple[str, ...]], ...]  # (objective, its lines)


@dataclass(frozen=True)
class AnnexLayout:
    size: float  # font size of the objectives; titles are 1 pt larger
    split: int  # where the second column starts
    blocks: tuple[AnnexBlock, ...]


_LAYOUTS: dict[tuple[ModuleObjectives, ...], AnnexLayout] = {}


def _annex_layout(pdf: FPDF, modules: tuple[ModuleObjectives, ...]) -> AnnexLayout:
    """The largest font (9 down to 5 pt) at which the modules fit in two balanced columns,
    where the second column starts, and every line already broken. Breaking lines is
    slow (fpdf2 measures a paragraph again for each character it adds) and the modules
    are the same for everyone certified in a course version: kept."""
    if modules not in _LAYOUTS:
        if len(_LAYOUTS) >= 64:
            _LAYOUTS.clear()
        size, split = _measure_annex(pdf, modules)
        blocks = tuple(_block(pdf, m, n, size) for n, m in enumerate(modules, start=1))
        _LAYOUTS[modules] = AnnexLayout(size, split, blocks)
    return _LAYOUTS[modules]


def _measure_annex(pdf: FPDF, modules: tuple[ModuleObjectives, ...]) -> tuple[float, int]:
    size = 9.0
    while True:
        heights = [_module_height(pdf, m, size) for m in modules]
        split = _balanced_split(heights)
        if max(sum(heights[:split]), sum(heights[split:])) <= ANNEX_HEIGHT or size <= 5:
            return size, split
        size -= 0.5


def _balanced_split(heights: list[float]) -> int:
    best, best_height = len(heights), sum(heights)
    for split in range(len(heights) + 1):
        taller = max(sum(heights[:split]), sum(heights[split:]))
        if taller < best_height:
            best, best_height = split, taller
    return best


def _block(pdf: FPDF, module: ModuleObjectives, number: int, size: float) -> AnnexBlock:
    title = f"{number}. {module.title}"
    pdf.set_font("DejaVu", "B", size + 1)
    title_lines = _broken(pdf, ANNEX_WIDTH, title)
    pdf.set_font("DejaVu", "", size)
    objectives = tuple((o, _broken(pdf, ANNEX_WIDTH - 3, f"• {o}")) for o in module.objectives)
    return AnnexBlock(title, title_lines, objectives)


def _broken(pdf: FPDF, width: float, text: str) -> tuple[str, ...]:
    """The lines fpdf2's multi_cell would draw, in the current font."""
    return tuple(pdf.multi_cell(width, 5, text, align="L", dry_run=True, output="LINES"))


def _module_block(pdf: FPDF, block: AnnexBlock, x: float, size: float) -> None:
    pdf.set_font("DejaVu", "B", size + 1)
    with _tag(pdf, "/H3", whole=block.title):
        _lines(pdf, x, ANNEX_WIDTH, (size + 1) * 0.5, block.title_lines)
    pdf.set_font("DejaVu", "", size)
    for objective, lines in block.objectives:
        with _tag(pdf, "/P", whole=objective):
            _lines(pdf, x + 3, ANNEX_WIDTH - 3, size * 0.48, lines)
    pdf.set_y(pdf.get_y() + size * 0.3)


def _lines(
    pdf: FPDF, x: float, width: float, height: float, lines: tuple[str, ...], align: str = "L"
) -> None:
    """Lines broken beforehand, one cell each: what multi_cell draws, without measuring."""
    from fpdf.enums import XPos, YPos  # loaded with fpdf2 by _document()

    for line in lines:
        pdf.set_x(x)
        pdf.cell(width, height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


_PARAGRAPHS: dict[tuple[str, float, float, str], tuple[str, ...]] = {}


def _paragraph(pdf: FPDF, x: float, width: float, height: float, text: str) -> None:
    """A centred paragraph from the current line on, as multi_cell draws it. Its lines
    are kept: the same course line and legal basis come back for everyone certified in
    a course version, and fpdf2 measures a paragraph again for each character it adds."""
    key = (pdf.font_family + pdf.font_style, pdf.font_size_pt, width, text)
    if key not in _PARAGRAPHS:
        if len(_PARAGRAPHS) >= 256:
            _PARAGRAPHS.clear()
        _PARAGRAPHS[key] = _broken(pdf, width, text)
    _lines(pdf, x, width, height, _PARAGRAPHS[key], align="C")


def _module_height(pdf: FPDF, module: ModuleObjectives, size: float) -> float:
    pdf.set_font("DejaVu", "B", size + 1)
    lines = pdf.multi_cell(
        ANNEX_WIDTH, (size + 1) * 0.5, f"9. {module.title}", dry_run=True, output="LINES"
    )
    height = len(lines) * (size + 1) * 0.5
    pdf.set_font("DejaVu", "", size)
    for objective in module.objectives:
        lines = pdf.multi_cell(
            ANNEX_WIDTH - 3, size * 0.48, f"• {objective}", dry_run=True, output="LINES"
        )
        height += len(lines) * size * 0.48
    return height + size * 0.3


def _fit(pdf: FPDF, value: str, width: float) -> str:
    """Shorten with an ellipsis so that one line never runs into the next column."""
    if pdf.get_string_width(value) <= width:
        return value
    while value and pdf.get_string_width(value + "…") > width:
        value = value[:-1]
    return value.rstrip() + "…"


def _footer(pdf: FPDF, data: CertificateData, text: dict) -> None:
    import segno  # with fpdf2: only when a certificate is drawn

    qr = io.BytesIO()
    segno.make(data.verify_url, error="m").save(qr, kind="png", scale=8, border=1)
    qr.seek(0)
    pdf.image(qr, x=225, y=108, w=42, h=42, alt_text=text["qr_alt"].format(url=data.verify_url))
    pdf.set_text_color(*MUTED)
    size = 7.0
    pdf.set_font("DejaVu", "", size)
    while pdf.get_string_width(data.verify_url) > 74 and size > 4.5:  # one line, never split
        size -= 0.25
        pdf.set_font("DejaVu", "", size)
    pdf.set_xy(208, 151)
    with _tag(pdf, "/P", whole=f"{text['verify']} {data.verify_url}"):
        pdf.cell(76, 3.4, text["verify"], align="C")
        pdf.set_xy(208, 154.6)
        pdf.cell(76, 3.4, data.verify_url, align="C", link=data.verify_url)
    with _artifact(pdf):
        pdf.set_draw_color(*MUTED)
        pdf.set_line_width(0.2)
        pdf.line(25, 172, 272, 172)
    cells = [
        (text["number"], data.number),
        (text["issued"], _date(data.issued_on, data.language)),
        (text["valid"], _date(data.valid_until, data.language)),
        (text["issuer"], data.organisation),
    ]
    for index, (label, value) in enumerate(cells):
        x = 25 + index * 62
        with _tag(pdf, "/P", whole=f"{label}: {value}"):
            pdf.set_xy(x, 175)
            pdf.set_font("DejaVu", "", 7.5)
            pdf.set_text_color(*MUTED)
            pdf.cell(60, 4, label)
            pdf.set_xy(x, 179.5)
            pdf.set_font("DejaVu", "B", 10)
            pdf.set_text_color(30, 36, 48)
            pdf.cell(60, 5, value)
    pdf.set_xy(25, 186)
    pdf.set_font("DejaVu", "", 7)
    pdf.set_text_color(*MUTED)
    version = data.course_version
    if data.course_as_of:
        version = f"{version} ({text['as_of']} {data.course_as_of})"
    basis = f"{text['basis']} {text['version']}: {version}"
    with _tag(pdf, "/P", whole=basis):
        _paragraph(pdf, 25, 247, 3.4, basis)  # two lines at most, above the frame at 197
