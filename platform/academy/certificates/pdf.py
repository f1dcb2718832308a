"""The certificate as a PDF: A4 landscape, embedded DejaVu Sans (full German character
set), a QR code to the verification page and the learning objectives covered."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
PRIMARY = (31, 111, 139)
MUTED = (90, 100, 116)

TEXTS = {
    "de": {
        "attests": "Hiermit wird bestätigt, dass",
        "passed": "den Kurs",
        "passed_after": "erfolgreich abgeschlossen und die Abschlussprüfung mit {score} % bestanden hat.",
        "objectives": "Inhalte und Lernziele",
        "basis": "Nachweis einer Schulung zur KI-Kompetenz im Sinne von Art. 4 der Verordnung (EU) 2024/1689 (KI-Verordnung).",
        "issued": "Ausgestellt am",
        "valid": "Gültig bis",
        "number": "Zertifikatsnummer",
        "issuer": "Aussteller",
        "verify": "Echtheit prüfen:",
        "version": "Kursversion",
    },
    "en": {
        "attests": "This is to certify that",
        "passed": "has successfully completed the course",
        "passed_after": "and passed its final exam with {score} %.",
        "objectives": "Content and learning objectives",
        "basis": "Evidence of AI-literacy training within the meaning of Art. 4 of Regulation (EU) 2024/1689 (AI Act).",
        "issued": "Issued on",
        "valid": "Valid until",
        "number": "Certificate number",
        "issuer": "Issued by",
        "verify": "Verify at:",
        "version": "Course version",
    },
}


@dataclass(frozen=True)
class CertificateData:
    number: str
    holder_name: str
    certificate_title: str
    course_title: str
    course_version: str
    language: str
    objectives: tuple[str, ...]
    organisation: str
    score_percent: int
    issued_on: date
    valid_until: date
    verify_url: str


def _date(value: date, language: str) -> str:
    return value.strftime("%d.%m.%Y") if language == "de" else value.strftime("%d %B %Y")


def render_pdf(data: CertificateData) -> bytes:
    text = TEXTS.get(data.language, TEXTS["en"])
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{data.certificate_title} – {data.holder_name}")
    pdf.set_author(data.organisation)
    pdf.set_subject(f"{text['number']} {data.number}")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    _frame(pdf)
    _heading(pdf, data, text)
    _objectives(pdf, data, text)
    _footer(pdf, data, text)
    return bytes(pdf.output())


def _frame(pdf: FPDF) -> None:
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
    pdf.cell(247, 6, data.organisation.upper(), align="C")
    pdf.set_text_color(*PRIMARY)
    pdf.set_font("DejaVu", "B", 30)
    pdf.set_xy(25, 36)
    pdf.cell(247, 14, "ZERTIFIKAT" if data.language == "de" else "CERTIFICATE", align="C")
    pdf.set_font("DejaVu", "B", 18)
    pdf.set_xy(25, 51)
    pdf.cell(247, 9, data.certificate_title, align="C")
    pdf.set_text_color(30, 36, 48)
    pdf.set_font("DejaVu", "", 12)
    pdf.set_xy(25, 66)
    pdf.cell(247, 6, text["attests"], align="C")
    pdf.set_font("DejaVu", "B", 24)
    pdf.set_xy(25, 74)
    pdf.cell(247, 12, data.holder_name, align="C")
    pdf.set_font("DejaVu", "", 12)
    pdf.set_xy(35, 90)
    line = f"{text['passed']} „{data.course_title}“ {text['passed_after'].format(score=data.score_percent)}"
    if data.language != "de":
        line = f"{text['passed']} \u201c{data.course_title}\u201d {text['passed_after'].format(score=data.score_percent)}"
    pdf.multi_cell(227, 6, line, align="C")


def _objectives(pdf: FPDF, data: CertificateData, text: dict) -> None:
    pdf.set_xy(25, 106)
    pdf.set_font("DejaVu", "B", 10)
    pdf.set_text_color(*PRIMARY)
    pdf.cell(180, 5, text["objectives"])
    pdf.set_text_color(30, 36, 48)
    objectives = list(data.objectives)
    size = 7.5 if len(objectives) > 30 else 8.5
    pdf.set_font("DejaVu", "", size)
    column_width, top, bottom = 88, 112, 168
    x, y = 25.0, float(top)
    for objective in objectives:
        lines = pdf.multi_cell(
            column_width - 4, size * 0.45, f"• {objective}", dry_run=True, output="LINES"
        )
        height = len(lines) * size * 0.45
        if y + height > bottom:
            if x > 25:
                break  # two columns full: the certificate stays one page
            x, y = 25 + column_width, float(top)
        pdf.set_xy(x, y)
        pdf.multi_cell(column_width - 4, size * 0.45, f"• {objective}")
        y += height + 0.6


def _footer(pdf: FPDF, data: CertificateData, text: dict) -> None:
    qr = io.BytesIO()
    segno.make(data.verify_url, error="m").save(qr, kind="png", scale=8, border=1)
    qr.seek(0)
    pdf.image(qr, x=225, y=108, w=42, h=42)
    pdf.set_text_color(*MUTED)
    size = 7.0
    pdf.set_font("DejaVu", "", size)
    while pdf.get_string_width(data.verify_url) > 80 and size > 4.5:  # one line, never split
        size -= 0.25
        pdf.set_font("DejaVu", "", size)
    pdf.set_xy(206, 151)
    pdf.cell(80, 3.4, text["verify"], align="C")
    pdf.set_xy(206, 154.6)
    pdf.cell(80, 3.4, data.verify_url, align="C", link=data.verify_url)
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
        pdf.set_xy(x, 175)
        pdf.set_font("DejaVu", "", 7.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(60, 4, label)
        pdf.set_xy(x, 179.5)
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_text_color(30, 36, 48)
        pdf.cell(60, 5, value)
    pdf.set_xy(25, 188)
    pdf.set_font("DejaVu", "", 7)
    pdf.set_text_color(*MUTED)
    pdf.cell(247, 4, f"{text['basis']} {text['version']}: {data.course_version}", align="C")
