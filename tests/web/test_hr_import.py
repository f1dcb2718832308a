"""The people import, on the command line and in the browser: every problem with its
line number, all or nothing, idempotent, BOM and semicolons, invitations by real SMTP."""

from __future__ import annotations

import io
import re

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from academy.accounts.models import Department, Invitation, User
from academy.audit import AuditEvent
from academy.extensions import db
from tests.fixtures import hr
from tests.fixtures.mail import mail_text, parsed, wait_for
from tests.fixtures.web import PASSWORD, csrf_token, login, post

GOOD = """email,name,department,location,manager_email,employee_number,roles,language
anna.berg@firma.example,Anna Berg,Vertrieb,Köln,carl.chef@firma.example,10023,learner,de
carl.chef@firma.example,Carl Chef,Vertrieb,Köln,,10001,,en
dana.dorn@firma.example,Dana Dorn,Einkauf,Leipzig,carl.chef@firma.example,10050,learner,
"""

BAD = """email,name,department,location,manager_email,employee_number,roles,language
anna.berg@firma.example,Anna Berg,Vertrieb,Köln,,10023,learner,de
keine-adresse,Bernd Bad,Vertrieb,,,,,
carla@firma.example,,Vertrieb,,,,,
dora@firma.example,Dora,Vertrieb,,niemand@firma.example,,chef,fr
anna.berg@firma.example,Anna Zwei,Vertrieb,,,,,
"""


def people(app) -> dict[str, User]:
    with app.app_context():
        found = {u.email: u for u in db.session.query(User)}
        for user in found.values():
            _ = user.department, user.manager, user.roles  # loaded while the session lives
        db.session.expunge_all()
        return found


def write(tmp_path, text: str, name: str = "people.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_creates_people_departments_and_managers(app, runner, tmp_path):
    result = runner.invoke(args=["people", "import", str(write(tmp_path, GOOD))])
    assert result.exit_code == 0, result.output
    assert "3 row(s): 3 new, 0 updated, 0 unchanged; 2 department(s) were created" in result.output
    found = people(app)
    anna = found["anna.berg@firma.example"]
    assert (anna.name, anna.department.name, anna.location, anna.employee_number) == (
        "Anna Berg", "Vertrieb", "Köln", "10023",
    )  # fmt: skip
    assert anna.manager.email == "carl.chef@firma.example" and anna.locale == "de"
    assert found["dana.dorn@firma.example"].manager.email == "carl.chef@firma.example"
    assert found["carl.chef@firma.example"].locale == "en"
    assert anna.password_hash is None and anna.roles == {"learner"}


def test_dry_run_reports_every_problem_with_its_line_and_changes_nothing(app, runner, tmp_path):
    result = runner.invoke(args=["people", "import", str(write(tmp_path, BAD)), "--dry-run"])
    assert result.exit_code == 1
    lines = {int(n) for n in re.findall(r"people\.csv:(\d+):", result.output)}
    assert lines == {3, 4, 5, 6}
    assert "people.csv:3: “keine-adresse” is not a valid e-mail address" in result.output
    assert "people.csv:4: “name” is empty" in result.output
    assert "Unknown role “chef”" in result.output and "Unknown language “fr”" in result.output
    assert "people.csv:6: “anna.berg@firma.example” is already on line 2" in result.output
    assert people(app) == {}


def test_a_problem_the_platform_finds_stops_the_whole_file(app, runner, tmp_path):
    text = GOOD.replace("carl.chef@firma.example,Carl Chef", "carl.chef@firma.example,Carl Chef", 1)
    text += "eva@firma.example,Eva,Vertrieb,,unbekannt@firma.example,,,\n"
    result = runner.invoke(args=["people", "import", str(write(tmp_path, text))])
    assert result.exit_code == 1
    assert (
        "people.csv:5: The manager unbekannt@firma.example is neither in the file nor on the platform"
        in result.output
    )
    assert people(app) == {}
    with app.app_context():
        assert db.session.query(Department).count() == 0


def test_reimport_updates_and_never_duplicates(app, runner, tmp_path):
    path = write(tmp_path, GOOD)
    assert runner.invoke(args=["people", "import", str(path)]).exit_code == 0
    again = runner.invoke(args=["people", "import", str(path)])
    assert "3 row(s): 0 new, 0 updated, 3 unchanged; 0 department(s)" in again.output
    changed = write(tmp_path, GOOD.replace("Dana Dorn,Einkauf,Leipzig", "Dana Dorn,Vertrieb,Bonn"))
    third = runner.invoke(args=["people", "import", str(changed)])
    assert "0 new, 1 updated, 2 unchanged" in third.output
    found = people(app)
    assert len(found) == 3
    dana = found["dana.dorn@firma.example"]
    assert (dana.department.name, dana.location) == ("Vertrieb", "Bonn")
    with app.app_context():
        events = db.session.query(AuditEvent).filter_by(action="person.updated").all()
        moves = [e.details for e in events if "location" in e.details]  # the rest: managers
        assert moves == [{"department": ["Einkauf", "Vertrieb"], "location": ["Leipzig", "Bonn"]}]


def test_missing_optional_columns_leave_fields_alone(app, runner, tmp_path):
    assert runner.invoke(args=["people", "import", str(write(tmp_path, GOOD))]).exit_code == 0
    short = "email,name,department\nanna.berg@firma.example,Anna Berg-Neu,Vertrieb\n"
    assert (
        runner.invoke(args=["people", "import", str(write(tmp_path, short, "b.csv"))]).exit_code
        == 0
    )
    anna = people(app)["anna.berg@firma.example"]
    assert (
        anna.name == "Anna Berg-Neu" and anna.location == "Köln" and anna.employee_number == "10023"
    )


def test_excel_file_with_bom_and_semicolons(app, runner, tmp_path):
    excel = "\ufeff" + GOOD.replace(",", ";").replace("\n", "\r\n")
    result = runner.invoke(args=["people", "import", str(write(tmp_path, excel))])
    assert result.exit_code == 0, result.output
    assert people(app)["anna.berg@firma.example"].location == "Köln"


def test_file_that_is_not_utf8_is_refused_clearly(app, runner, tmp_path):
    path = write(tmp_path, GOOD, encoding="cp1252")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1 and "people.csv:2: The file is not saved as UTF-8" in result.output


def test_header_row_is_required(app, runner, tmp_path):
    path = write(tmp_path, "anna@firma.example,Anna,Vertrieb\n")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1 and "Unknown column “anna@firma.example”" in result.output
    assert "The column “email” is missing from the first line" in result.output


def test_import_with_invite_mails_new_people_who_then_set_a_password(mail_app, tmp_path):
    application, inbox = mail_app
    path = write(tmp_path, GOOD)
    runner = application.test_cli_runner()
    result = runner.invoke(args=["people", "import", str(path), "--invite"])
    assert result.exit_code == 0, result.output
    assert "invitations sent: 3" in result.output
    wait_for(inbox, 3)
    assert inbox.recipients() == [
        "anna.berg@firma.example", "carl.chef@firma.example", "dana.dorn@firma.example",
    ]  # fmt: skip
    subjects = {m.rcpt_tos[0]: parsed(m)["Subject"] for m in inbox.messages}
    assert subjects["anna.berg@firma.example"] == "Einladung zur Lernplattform"
    assert (
        subjects["carl.chef@firma.example"] == "Invitation to the learning platform"
    )  # language en
    message = next(m for m in inbox.messages if m.rcpt_tos == ["anna.berg@firma.example"])
    link = re.search(r"https://academy\.example\.com(/invitation/\S+)", mail_text(message)).group(1)
    client = application.test_client()
    assert "Anna Berg" in client.get(link).get_data(as_text=True)
    accepted = post(
        client, link, {"name": "Anna Berg", "password": PASSWORD, "password_repeat": PASSWORD}
    )
    assert accepted.status_code == 302
    login(application.test_client(), "anna.berg@firma.example")
    found = people(application)
    assert len(found) == 3 and found["anna.berg@firma.example"].department.name == "Vertrieb"
    # Importing again invites nobody: nobody is new.
    again = runner.invoke(args=["people", "import", str(path), "--invite"])
    assert again.exit_code == 0 and "invitations sent" not in again.output


def upload(client, text: str, *, dry_run: bool, invite: bool = False):
    data = {"file": (io.BytesIO(text.encode()), "people.csv")}
    if dry_run:
        data["dry_run"] = "y"
    if invite:
        data["invite"] = "y"
    return post(client, "/hr/import", data, content_type="multipart/form-data")


def test_upload_in_the_browser_dry_run_then_import(app):
    client = hr.hr_client(app, everything=True)
    checked = upload(client, GOOD, dry_run=True)
    assert checked.status_code == 200
    assert "Probelauf: die Datei ist in Ordnung" in checked.get_data(as_text=True)
    assert "anna.berg@firma.example" not in people(app)
    done = upload(client, GOOD, dry_run=False)
    assert "Import abgeschlossen" in done.get_data(as_text=True)
    assert "anna.berg@firma.example" in people(app)


def test_upload_shows_problems_with_line_numbers(app):
    client = hr.hr_client(app, everything=True)
    response = upload(client, BAD, dry_run=False)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "5 Probleme gefunden" in page
    assert "„keine-adresse“ ist keine gültige E-Mail-Adresse." in page
    assert "anna.berg@firma.example" not in people(app)


def test_hr_imports_only_into_their_departments_and_gives_no_roles(app):
    with app.app_context():
        hr.department("Vertrieb"), hr.department("Einkauf")
        db.session.commit()
    client = hr.hr_client(app, "Vertrieb")
    text = GOOD + "erik@firma.example,Erik,Neu,,,,hr,\n"
    page = upload(client, text, dry_run=True).get_data(as_text=True)
    assert "Die Abteilung „Einkauf“ liegt nicht in Ihrem Bereich." in page
    assert "Die Abteilung „Neu“ gibt es noch nicht." in page
    assert "Nur Admins vergeben andere Rollen als „learner“." in page


def test_roles_are_added_never_taken_away(app, runner, tmp_path):
    with app.app_context():
        hr.person("Carl Chef", email="carl.chef@firma.example", roles=("learner", "trainer"))
        db.session.commit()
    assert runner.invoke(args=["people", "import", str(write(tmp_path, GOOD))]).exit_code == 0
    assert people(app)["carl.chef@firma.example"].roles == {"learner", "trainer"}
    with app.app_context():
        assert db.session.query(Invitation).count() == 0


def test_department_names_differing_in_case_are_one_department(app, runner, tmp_path):
    text = GOOD.replace("Dana Dorn,Einkauf", "Dana Dorn,vertrieb ")
    assert runner.invoke(args=["people", "import", str(write(tmp_path, text))]).exit_code == 0
    with app.app_context():
        assert [d.name for d in db.session.query(Department)] == ["Vertrieb"]


def test_managers_in_a_circle_are_refused_and_nothing_is_imported(app, runner, tmp_path):
    text = GOOD.replace(
        "carl.chef@firma.example,Carl Chef,Vertrieb,Köln,,",
        "carl.chef@firma.example,Carl Chef,Vertrieb,Köln,anna.berg@firma.example,",
    )
    result = runner.invoke(args=["people", "import", str(write(tmp_path, text))])
    assert result.exit_code == 1
    assert "Nobody can be their own manager, not even through others." in result.output
    assert re.search(r"people\.csv:[23]: Nobody", result.output)
    assert people(app) == {}


def test_a_large_file_is_accepted_from_hr_only(app):
    rows = ["email,name,department"] + [
        f"p{n}@firma.example,Person {n:05d} {'x' * 60},Abteilung" for n in range(30_000)
    ]
    data = "\n".join([*rows, rows[1]])  # the last line repeats the first: read, then refused
    assert len(data) > 2 * 1024 * 1024  # beyond the site-wide limit
    client = hr.hr_client(app, everything=True)
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    fields = {
        "csrf_token": csrf_token(client),
        "dry_run": "y",
        "file": FileStorage(io.BytesIO(data.encode()), "a.csv"),
    }
    boundary, body = encode_multipart(fields)
    kind = f"multipart/form-data; boundary={boundary}"
    response = client.post("/hr/import", data=body, content_type=kind)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "„p0@firma.example“ steht schon in Zeile 2." in page
    assert '<td class="num">30002</td>' in page
    assert app.test_client().post("/hr/import", data=body, content_type=kind).status_code == 413
