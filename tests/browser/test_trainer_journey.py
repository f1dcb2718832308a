"""A trainer without a shell, in a real browser: uploads a course as .zip, sees the
checker's finding, fixes it in the editor, and publishes it for learners."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in, wait_for_path, watch
from tests.fixtures.archives import zip_folder
from tests.fixtures.course_files import COURSE_MD, write_course

pytestmark = pytest.mark.browser

SLUG = "browser-kurs"


def test_trainer_uploads_sees_a_finding_fixes_it_in_the_editor_and_publishes(
    page, create_user, new_context, tmp_path
):
    folder = write_course(
        tmp_path / "upload", SLUG, course_md=COURSE_MD.replace("pass_mark: 80", "pass_mark: 180")
    )
    archive = tmp_path / "kurs.zip"
    archive.write_bytes(zip_folder(folder, top=SLUG))
    _, email = create_user("trainer")
    recorder = watch(page)

    sign_in(page, email)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Kurse bearbeiten"
    ).click()
    wait_for_path(page, "/trainer/")
    page.get_by_role("link", name="Neuen Kurs hochladen").click()

    wait_for_path(page, "/trainer/upload")
    page.get_by_label("Adresse des Kurses").fill(SLUG)
    page.get_by_label("Kursordner als ZIP-Datei").set_input_files(str(archive))
    page.get_by_role("button", name="Hochladen und prüfen").click()

    # The course page: the working copy's finding, with file and line.
    wait_for_path(page, f"/trainer/courses/{SLUG}")
    finding = page.locator("#copy tr.finding-error")
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text("course.md:6")
    expect(finding).to_contain_text("„pass_mark“ muss zwischen 1 und 100 liegen")

    # Fix it in the editor.
    page.get_by_role("link", name=re.compile(r"^Bearbeiten\W+course\.md$")).click()
    wait_for_path(page, f"/trainer/courses/{SLUG}/edit/course.md")
    editor = page.get_by_label("Inhalt (Markdown)")
    editor.fill(editor.input_value().replace("pass_mark: 180", "pass_mark: 80"))
    page.get_by_role("button", name="Speichern und prüfen").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "„course.md“ ist gespeichert und geprüft."
    )
    expect(page.locator(".editor-side")).to_contain_text("Der Prüfer hat nichts gefunden.")
    expect(page.locator(".preview-frame h1")).to_have_text("Testkurs")

    # Publish with a change note.
    page.get_by_role("link", name="Zurück zur Arbeitskopie").click()
    page.get_by_role("link", name="Prüfen und veröffentlichen …").click()
    wait_for_path(page, f"/trainer/courses/{SLUG}/publish")
    page.get_by_label("Redaktionell").check()
    page.get_by_label("Änderungsnotiz").fill("Erste Fassung des Kurses")
    page.get_by_role("button", name="Jetzt veröffentlichen").click()
    wait_for_path(page, f"/trainer/courses/{SLUG}")
    expect(page.locator(".flash-success")).to_have_text("Version 1 ist veröffentlicht.")

    # A learner sees it.
    _, learner = create_user()
    other = new_context().new_page()
    sign_in(other, learner)
    other.goto(f"/courses/{SLUG}/")
    expect(other.get_by_role("heading", level=1)).to_have_text("Testkurs")
    assert recorder.take(page) == []
