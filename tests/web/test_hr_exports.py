"""Downloads HR hands to others: the filtered list and the evidence report as CSV and
XLSX (opened with the csv module and openpyxl), the evidence PDF, formula injection."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from academy import clock
from academy.audit import AuditEvent
from academy.extensions import db
from tests.fixtures import hr
from tests.fixtures.journey import COURSE
from tests.fixtures.privacy import disclose
from tests.fixtures.web import post

NASTY = ['=HYPERLINK("http://evil.example")', "+49 30 1234", "-1+2", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.fixture
def team(app):
    """Vertrieb: Anna certified (score 95), Bernd overdue. Einkauf: Carla not started."""
    today = clock.today()
    with app.app_context():
        sales = hr.department("Vertrieb")
        anna = hr.person("Anna Berg", sales)
        anna.employee_number = "10023"
        bernd = hr.person("Bernd Bad", sales)
        carla = hr.person("Carla", hr.department("Einkauf"))
        certificate = hr.certificate(
            anna, today - timedelta(days=10), today + timedelta(days=355), score=95
        )
        hr.assign(anna, certificate.valid_until)
        hr.assign(bernd, today - timedelta(days=3))
        hr.assign(carla, today + timedelta(days=20))
        db.session.commit()
        return {"sales": sales.id, "number": certificate.number, "valid": certificate.valid_until}


def csv_rows(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(response.get_data()))
    return list(workbook.active.iter_rows(values_only=True))


def test_people_list_as_csv_keeps_the_filters(app, team):
    client = hr.hr_client(app, everything=True)
    response = post(
        client,
        "/hr/people/export",
        {"format": "csv", "department": str(team["sales"]), "sort": "name"},
    )
    rows = csv_rows(response)
    assert rows[0][:3] == ["Name", "E-Mail", "Personalnummer"]
    assert [r[0] for r in rows[1:]] == ["Anna Berg", "Bernd Bad"]
    bernd = rows[2]
    assert bernd[7] == (clock.today() - timedelta(days=3)).isoformat()  # ISO date
    assert bernd[8] == "Nicht begonnen" and bernd[9] == "ja"
    assert rows[1][10] == team["valid"].isoformat()
    assert "attachment;" in response.headers["Content-Disposition"]


def test_people_list_as_xlsx_has_real_dates(app, team):
    client = hr.hr_client(app, everything=True)
    response = post(client, "/hr/people/export", {"format": "xlsx", "status": "overdue"})
    header, *rows = xlsx_rows(response)
    assert header[0] == "Name" and [r[0] for r in rows] == ["Bernd Bad"]
    due = rows[0][7]
    assert isinstance(due, datetime) and due.date() == clock.today() - timedelta(days=3)


def test_export_is_a_post_and_is_audited(app, team):
    client = hr.hr_client(app, everything=True)
    assert client.get("/hr/people/export").status_code == 405
    post(client, "/hr/people/export", {"format": "csv", "status": "overdue"})
    with app.app_context():
        (event,) = db.session.query(AuditEvent).filter_by(action="report.exported").all()
        assert event.details == {"report": "people", "format": "csv", "status": "overdue"}
        assert event.actor_id is not None


def test_formula_injection_is_neutralised_in_csv_and_xlsx(app):
    """Each dangerous start, in the location column (names are trimmed, locations not)."""
    with app.app_context():
        sales = hr.department("Vertrieb")
        for index, value in enumerate(NASTY):
            person = hr.person(f"Person {index}", sales)
            person.location = value
            hr.assign(person, clock.today())
        db.session.commit()
    client = hr.hr_client(app, everything=True)
    rows = csv_rows(post(client, "/hr/people/export", {"format": "csv", "sort": "name"}))
    assert [r[4] for r in rows[1:]] == ["'" + value for value in NASTY]
    workbook = load_workbook(
        io.BytesIO(post(client, "/hr/people/export", {"format": "xlsx", "sort": "name"}).get_data())
    )
    cells = [row[4] for row in workbook.active.iter_rows(min_row=2)]
    # Shown as typed (an XML parser may read a bare carriage return back as a line feed) …
    shown = [c.value.replace("\r", "\n") for c in cells]
    assert shown == [value.replace("\r", "\n") for value in NASTY]
    assert {c.data_type for c in cells} == {"s"} and all(c.quotePrefix for c in cells)  # … as text


def test_evidence_report_csv_and_xlsx(app, team):
    disclose(app, hr_sees_scores=True)  # a works-council agreement allows scores
    client = hr.hr_client(app, everything=True)
    rows = csv_rows(
        post(client, "/hr/reports/evidence", {"format": "csv", "course": "", "department": ""})
    )
    header, *body = rows
    assert header == [
        "Person", "Personalnummer", "Abteilung", "Kurs", "Kursversion", "Stand",
        "Zertifikatsnummer", "Ausgestellt", "Gültig bis", "Ergebnis (%)", "Status",
    ]  # fmt: skip
    anna = next(r for r in body if r[0] == "Anna Berg")
    assert anna[1:7] == [
        "10023",
        "Vertrieb",
        "KI am Arbeitsplatz",
        "v1",
        "November 2026",
        team["number"],
    ]
    assert anna[8] == team["valid"].isoformat() and anna[9] == "95" and anna[10] == "Zertifiziert"
    bernd = next(r for r in body if r[0] == "Bernd Bad")
    assert bernd[6] == "" and bernd[10] == "Nicht begonnen, Überfällig"
    workbook = xlsx_rows(
        post(
            client,
            "/hr/reports/evidence",
            {"format": "xlsx", "course": "", "department": str(team["sales"])},
        )
    )
    assert [r[0] for r in workbook[1:]] == ["Anna Berg", "Bernd Bad"]
    assert isinstance(workbook[1][8], datetime) and workbook[1][8].date() == team["valid"]


def test_evidence_reports_leave_scores_out_unless_the_settings_allow_them(app, team, runner):
    client = hr.hr_client(app, everything=True)
    form = {"course": "", "department": ""}
    header, *body = csv_rows(post(client, "/hr/reports/evidence", {**form, "format": "csv"}))
    assert "Ergebnis (%)" not in header and len(header) == 10
    anna = next(r for r in body if r[0] == "Anna Berg")
    assert "95" not in anna and anna[9] == "Zertifiziert"
    workbook = xlsx_rows(post(client, "/hr/reports/evidence", {**form, "format": "xlsx"}))
    assert "Ergebnis (%)" not in workbook[0]
    response = post(client, "/hr/reports/evidence", {**form, "format": "pdf"})
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.get_data())).pages)
    assert "Anna Berg" in text and "Ergebnis" not in text


def test_evidence_report_pdf_for_auditors(app, team):
    client = hr.hr_client(app, everything=True)
    response = post(
        client, "/hr/reports/evidence", {"format": "pdf", "course": COURSE, "department": ""}
    )
    assert response.mimetype == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages
    )
    for expected in (
        "Muster GmbH",
        "Schulungsnachweis",
        "Zeitraum",
        "Ziel eins erklären",
        "Anna Berg",
        team["number"],
        "November 2026",
    ):
        assert expected in text, expected


def test_evidence_command_writes_every_format(app, runner, team, tmp_path):
    for kind in ("csv", "xlsx", "pdf"):
        output = tmp_path / f"evidence.{kind}"
        result = runner.invoke(
            args=[
                "reports",
                "evidence",
                "--department",
                "Vertrieb",
                "--format",
                kind,
                "--output",
                str(output),
            ]
        )
        assert result.exit_code == 0, result.output
        assert output.stat().st_size > 100
    rows = list(
        csv.reader(io.StringIO((tmp_path / "evidence.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert [r[0] for r in rows[1:]] == ["Anna Berg", "Bernd Bad"]
    english = tmp_path / "en.csv"
    runner.invoke(
        args=[
            "reports",
            "evidence",
            "--format",
            "csv",
            "--output",
            str(english),
            "--language",
            "en",
        ]
    )
    assert english.read_text("utf-8-sig").startswith("Person;Employee number")
    wrong = runner.invoke(
        args=[
            "reports",
            "evidence",
            "--format",
            "csv",
            "--output",
            str(tmp_path / "x.csv"),
            "--course",
            "nope",
        ]
    )
    assert wrong.exit_code == 1 and "no published course 'nope'" in wrong.output
    assert not (tmp_path / "x.csv").exists()
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="report.exported").count() == 4


def test_hr_exports_only_their_departments(app, team):
    client = hr.hr_client(app, "Einkauf")
    rows = csv_rows(
        post(client, "/hr/reports/evidence", {"format": "csv", "course": "", "department": ""})
    )
    assert [r[0] for r in rows[1:]] == ["Carla"]
    listed = csv_rows(post(client, "/hr/people/export", {"format": "csv"}))
    assert [r[0] for r in listed[1:]] == ["Carla"]


def test_import_template_is_a_valid_import(app, runner, tmp_path):
    client = hr.hr_client(app, everything=True)
    template = client.get("/hr/import/people.csv")
    path = tmp_path / "people.csv"
    path.write_bytes(template.get_data())
    result = runner.invoke(args=["people", "import", str(path), "--dry-run"])
    assert result.exit_code == 0 and "2 row(s): 2 new" in result.output
