"""The certificate PDF's annex and paragraphs: their lines are broken once per course
version, and the second PDF draws the same lines without measuring again (issue 14:
fpdf2's multi_cell measured each paragraph again for every character; it took a third
of a PDF's time)."""

from __future__ import annotations

import subprocess
from datetime import date

from fpdf import FPDF

from academy.certificates import pdf
from tests.fixtures.tools import require_tool

MODULES = tuple(
    pdf.ModuleObjectives(
        f"Modul {n} über Datenschutz, Urheberrecht und verantwortliche Nutzung",
        tuple(
            f"Sie können Ziel {k} des Moduls {n} erklären und an einem Beispiel aus Ihrer Arbeit anwenden"
            for k in range(4)
        ),
    )
    for n in range(1, 9)
)


def _data(holder: str) -> pdf.CertificateData:
    return pdf.CertificateData(
        number="KIA-TEST-0001",
        holder_name=holder,
        certificate_title="KI am Arbeitsplatz",
        course_title="KI am Arbeitsplatz",
        course_version="1.0",
        language="de",
        modules=MODULES,
        organisation="Beispiel GmbH",
        score_percent=90,
        issued_on=date(2026, 11, 30),
        valid_until=date(2027, 11, 30),
        verify_url="https://academy.example.com/verify/KIA-TEST-0001",
    )


def _text(body: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(body)
    return subprocess.run([require_tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout  # fmt: skip


def test_the_second_pdf_draws_the_annex_without_measuring_it_again(monkeypatch, tmp_path):
    pdf._LAYOUTS.clear()
    pdf._PARAGRAPHS.clear()
    first = pdf.render_pdf(_data("Erika Mustermann"))
    measured = []
    multi_cell = FPDF.multi_cell

    def counting(self, *args, **kwargs):
        measured.append(args[2] if len(args) > 2 else kwargs.get("text"))
        return multi_cell(self, *args, **kwargs)

    monkeypatch.setattr(FPDF, "multi_cell", counting)
    second = pdf.render_pdf(_data("Max Mustermann"))
    # Nothing: the two paragraphs on page 1 (the course line and the legal basis) are the
    # same for both holders and kept as well.
    assert measured == []
    text = _text(second, tmp_path)
    for module in MODULES:
        assert module.title.split(" über")[0] in text
        for objective in module.objectives:
            assert objective.split(" an einem")[0] in " ".join(text.split())
    # The annex is laid out the same for both holders: only the name differs.
    assert _text(first, tmp_path).replace("Erika", "Max") == text
