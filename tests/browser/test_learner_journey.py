"""A new person's whole way through the site in a real browser, without help: register,
read every module, pass the exam, download the certificate, and have a stranger verify it."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import (
    answer_exam,
    correct_answers,
    path_of,
    wait_for_path,
    watch,
)
from tests.fixtures.journey import COURSE, confirmation_link, course
from tests.fixtures.web import PASSWORD

pytestmark = pytest.mark.browser

NAME = "Erika Mustermann"
EMAIL = "erika@firma.example"
PDF_TIMEOUT_MS = 60_000
NUMBER = re.compile(r"KIA(?:-[0-9A-Z]{4}){4}")


def test_new_person_registers_learns_passes_and_gets_a_verifiable_certificate(
    app, page, new_context, tmp_path
):
    recorder = watch(page)
    modules = course(app).modules
    assert len(modules) >= 2

    # A stranger's first screen says what this is and offers an account as the main action.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("KI am Arbeitsplatz")
    expect(page.locator("main")).to_contain_text("Art. 4")
    page.locator("main").get_by_role("link", name="Konto anlegen").click()

    wait_for_path(page, "/register")
    page.get_by_label("Vollständiger Name").fill(NAME)
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Konto anlegen").click()

    # No account before the address is confirmed: the mailed link, and the password.
    wait_for_path(page, "/register/confirm")
    expect(page.locator(".flash-success")).to_contain_text("Bitte bestätigen Sie Ihre Adresse")
    page.goto(confirmation_link(app, EMAIL))
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Bestätigen und anmelden").click()

    # The start page greets the new learner and lists the course.
    wait_for_path(page, "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hallo {NAME}!")
    expect(page.locator(".flash-success")).to_contain_text("Ihre E-Mail-Adresse ist bestätigt")
    card = page.locator(".course-card").filter(has_text="KI am Arbeitsplatz")
    expect(card.locator(".suggested")).to_have_text("In Ihrer Sprache")  # German UI: German first
    card.get_by_role("link", name="Kurs beginnen").click()

    wait_for_path(page, f"/courses/{COURSE}/")
    expect(page.locator(".exam-status")).to_contain_text(
        "Die Abschlussprüfung öffnet sich, wenn alle Module erledigt sind."
    )
    page.get_by_role("link", name="Kurs beginnen").click()

    # Every module: the way on at its end ("Abschließen und weiter") records it as read.
    for index, module in enumerate(modules):
        wait_for_path(page, f"/courses/{COURSE}/{module.slug}")
        expect(page.get_by_role("heading", level=1)).to_have_text(module.title)
        expect(page.locator(".module-header .eyebrow")).to_contain_text(
            f"Modul {index + 1} von {len(modules)}"
        )
        last = index == len(modules) - 1
        button = page.locator(".module-end").get_by_role("button")
        expect(button).to_contain_text("Modul abschließen" if last else "Abschließen und weiter")
        if not last:
            expect(button).to_contain_text(modules[index + 1].title)
        button.click()
        if last:
            wait_for_path(page, f"/courses/{COURSE}/")
        expect(page.locator(".flash-success")).to_have_text(f"„{module.title}“ ist abgeschlossen.")

    # The course overview: everything done, the exam is open.
    expect(page.locator(".status-card .meta").first).to_have_text(
        f"{len(modules)} von {len(modules)} Modulen erledigt"
    )
    expect(page.locator(".exam-status")).to_contain_text(
        "Alle Module sind erledigt – die Abschlussprüfung ist offen."
    )
    page.get_by_role("link", name="Zur Abschlussprüfung").click()

    wait_for_path(page, f"/courses/{COURSE}/exam")
    expect(page.get_by_role("heading", level=1)).to_have_text("Abschlussprüfung")
    page.get_by_role("button", name="Prüfung starten").click()

    page.wait_for_url(re.compile(rf"/courses/{COURSE}/exam/\d+$"))
    attempt_id = int(path_of(page).rsplit("/", 1)[1])
    answers = correct_answers(app, attempt_id)
    expect(page.locator(".exam-question")).to_have_count(len(answers))
    html = page.content()
    assert "data-correct" not in html and '"correct"' not in html, "the exam page leaks answers"
    answer_exam(page, answers)
    page.get_by_role("button", name="Prüfung abgeben").click()

    # The result.
    wait_for_path(page, f"/courses/{COURSE}/exam/{attempt_id}/result")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bestanden")
    expect(page.locator(".score")).to_have_text("100 %")
    expect(page.locator(".exam-question.is-correct")).to_have_count(len(answers))
    expect(page.locator(".result-card")).to_contain_text("ist ausgestellt")
    expect(page.get_by_role("link", name="Zertifikat herunterladen (PDF)")).to_be_visible()
    page.get_by_role("link", name="Zu meinen Zertifikaten").click()

    # My certificates: the number and the PDF.
    wait_for_path(page, "/certificates")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Zertifikate")
    card = page.locator(".certificate-card")
    expect(card).to_have_count(1)
    expect(card.locator(".badge")).to_have_text("gültig")
    number = card.locator("code").inner_text().strip()
    assert NUMBER.fullmatch(number), number

    # Unlike a page, the first signed PDF of a process takes seconds (loading pyHanko,
    # measuring the annex): more time, so a busy machine does not fail the journey.
    with page.expect_download(timeout=PDF_TIMEOUT_MS) as download_info:
        card.get_by_role("link", name="PDF herunterladen").click(timeout=PDF_TIMEOUT_MS)
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"Zertifikat-{number}.pdf"
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF"), data[:20]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert NAME in text and number in text

    assert recorder.take(page) == []
    assert recorder.local_requests > 0

    # Anyone – a fresh browser without the learner's cookies – can verify the number.
    stranger = new_context().new_page()
    stranger_recorder = watch(stranger)
    response = stranger.goto(f"/verify/{number}")
    assert response is not None and response.status == 200
    expect(stranger.locator(".verify-status")).to_contain_text("Gültig")
    card = stranger.locator(".verify-card")
    expect(card).to_contain_text(NAME)
    expect(card).to_contain_text(number)
    expect(card).not_to_contain_text(EMAIL)
    expect(stranger.get_by_role("link", name="Anmelden")).to_be_visible()  # not signed in
    assert stranger_recorder.take(stranger) == []
