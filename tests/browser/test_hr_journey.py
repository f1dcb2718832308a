"""An HR person's first day, in a real browser and without help: import the company
from a CSV, assign the course with a deadline, filter the dashboard down to one
department, download the list as Excel and open it."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from academy.extensions import db
from tests.browser.helpers import path_of, sign_in, wait_for_path, watch
from tests.fixtures import hr
from tests.fixtures.privacy import disclose

pytestmark = pytest.mark.browser

COMPANY = """email;name;department;location;manager_email;employee_number;roles;language
anna.berg@firma.example;Anna Berg;Vertrieb;Köln;carl.chef@firma.example;10023;;de
carl.chef@firma.example;Carl Chef;Vertrieb;Köln;;10001;;de
dana.dorn@firma.example;Dana Dorn;Einkauf;Leipzig;;10050;;en
"""


@pytest.fixture
def hr_email(app) -> str:
    with app.app_context():
        person = hr.person("Hanna Personal", email="hanna@firma.example", roles=("learner", "hr"))
        hr.grant(person, everything=True)
        db.session.commit()
    return "hanna@firma.example"


def test_hr_imports_assigns_filters_and_downloads(app, page, hr_email, tmp_path):
    disclose(app, hr_min_group=1)  # a small company: every department with its figures
    recorder = watch(page)
    company = tmp_path / "firma.csv"
    company.write_text("\ufeff" + COMPANY, encoding="utf-8")
    sign_in(page, hr_email)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="HR").click()
    wait_for_path(page, "/hr/")
    expect(page.get_by_role("heading", name="So fangen Sie an")).to_be_visible()

    # Import: first the dry run (ticked by default), then for real.
    page.get_by_role("navigation", name="Personalbereich").get_by_role(
        "link", name="Import"
    ).click()
    page.get_by_label("CSV-Datei").set_input_files(company)
    page.get_by_role("button", name="Hochladen").click()
    expect(page.locator(".import-report")).to_contain_text("Probelauf: die Datei ist in Ordnung")
    expect(page.locator(".import-report")).to_contain_text("3 Personen neu")
    page.get_by_label("CSV-Datei").set_input_files(company)
    page.get_by_label("Nur prüfen (Probelauf): nichts ändern").uncheck()
    page.get_by_role("button", name="Hochladen").click()
    expect(page.locator(".import-report")).to_contain_text("Import abgeschlossen")

    # Assign the German course to everyone, due in 30 days.
    page.get_by_role("link", name="Zuweisungen", exact=True).click()
    page.get_by_label("Kurs").select_option(label="KI am Arbeitsplatz")
    page.get_by_label("Allen (auch wer später dazukommt)").check()
    page.get_by_label("eine Anzahl Tage nach der Zuweisung").check()
    page.get_by_label("Tage", exact=True).fill("30")
    page.get_by_role("button", name="Zuweisen", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Zugewiesen: 4 Personen.")  # + Hanna

    # The dashboard, filtered to the course, then drilled down to one department.
    page.get_by_role("link", name="Übersicht").click()
    page.get_by_label("Kurs", exact=True).select_option(label="KI am Arbeitsplatz")
    page.get_by_role("button", name="Anzeigen").click()
    sales = page.locator("#department-table tr", has_text="Vertrieb")
    expect(sales.locator("td").first).to_have_text("2")
    sales.locator("td").first.get_by_role("link").click()
    wait_for_path(page, "/hr/people")
    expect(page.locator(".people-table tbody tr")).to_have_count(2)
    page.get_by_label("Status").select_option(label="Nicht begonnen")
    page.get_by_role("button", name="Filtern").click()
    expect(page.locator(".people-table tbody tr")).to_have_count(2)
    expect(page.locator(".people-table")).to_contain_text("Anna Berg")
    expect(page.locator(".people-table")).not_to_contain_text("Dana Dorn")

    # Download the filtered list as Excel and open it.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Excel (XLSX)").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".xlsx"
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == ["Anna Berg", "Carl Chef"]
    assert path_of(page) == "/hr/people"
    assert recorder.take(page) == [] and recorder.local_requests > 0


def test_hr_pages_work_on_a_phone(app, new_context, hr_email):
    """No page is wider than the phone, also with wide tables (they scroll in a box)."""
    with app.app_context():
        anna = hr.person("Anna Berg", hr.department("Vertrieb mit einem sehr langen Namen"))
        hr.assign(anna, date(2030, 1, 31))
        db.session.commit()
        person = f"/hr/people/{anna.id}"
    page = new_context(viewport={"width": 375, "height": 740}).new_page()
    recorder = watch(page)
    sign_in(page, hr_email)
    pages = (
        "/hr/",
        "/hr/people",
        person,
        "/hr/assignments",
        "/hr/departments",
        "/hr/import",
        "/hr/reports",
        "/",
    )
    for path in pages:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide"
    assert recorder.take(page) == []
