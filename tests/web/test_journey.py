"""The whole learner journey through the Flask test client: register, read every module,
pass the exam, get the certificate, download the PDF, verify it publicly."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.fixtures.journey import COURSE, finish_modules, pass_exam, register


def test_register_read_pass_certificate_pdf_verify(client, app):
    register(client)
    home = client.get("/").get_data(as_text=True)
    assert "Hallo Erika Mustermann!" in home

    finish_modules(client, app)
    overview = client.get(f"/courses/{COURSE}/").get_data(as_text=True)
    assert "Alle Module sind erledigt" in overview

    attempt_id = pass_exam(client, app)
    result = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    assert "Bestanden" in result and "100 %" in result

    mine = client.get("/certificates").get_data(as_text=True)
    number = re.search(r"KIA(?:-[0-9A-Z]{4}){4}", mine).group(0)
    pdf_link = re.search(r'href="(/certificates/\d+\.pdf)"', mine).group(1)

    pdf = client.get(pdf_link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (
        842,
        595,
    )  # A4 landscape
    fonts = first["/Resources"]["/Font"].values()
    assert all(
        "/FontFile2"
        in font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for font in fonts
    )  # embedded TrueType: every German character prints
    assert len(first.images) == 1  # the QR code
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Erika Mustermann" in text
    assert number in text
    assert "https://academy.example.com/verify/" + number in text
    assert "Art. 4 der Verordnung (EU) 2024/1689" in text
    assert "Baustein der Dokumentation" in text  # not "proof of Art. 4": no certificate is required
    assert (
        "Personenbezogene Daten" in text or "personenbezogene Daten" in text
    )  # an objective, page 2

    public = app.test_client()  # anyone, not signed in
    verify = public.get(f"/verify/{number}")
    assert verify.status_code == 200
    page = verify.get_data(as_text=True)
    assert "Gültig" in page and "Erika Mustermann" in page and "KI am Arbeitsplatz" in page
    assert "neu@firma.example" not in page  # nothing beyond name, course and dates
    assert "Baustein der Dokumentation" in page and "legt der Aussteller fest" in page
