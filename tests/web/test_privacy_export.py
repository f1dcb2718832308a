"""Access and portability (Art. 15, 20 DSGVO): a person gets everything stored about
them, as JSON with a schema and as a readable page; admins can do the same for anyone."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from academy.audit import AuditEvent
from academy.extensions import db
from academy.privacy import export, queries, registry
from tests.fixtures.privacy import make_person_with_everything
from tests.fixtures.web import PASSWORD, login, post


def primary_key(table):
    return next(iter(table.primary_key.columns))


def referencing_rows(app, person_id: int, exported: dict[str, set[int]]) -> dict[str, set[int]]:
    """Independently of the registry: rows whose foreign key points at the person, or at
    a row the export lists as theirs (exam results of their attempts, …)."""
    found: dict[str, set[int]] = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                for key in column.foreign_keys:
                    target = key.column.table.name
                    ids = {person_id} if target == registry.ROOT else exported.get(target, set())
                    if not ids:
                        continue
                    key = primary_key(table)
                    rows = db.session.execute(select(key).where(column.in_(ids))).scalars()
                    found.setdefault(table.name, set()).update(rows)
    return found


def test_the_export_holds_every_row_that_refers_to_the_person(app):
    """Walks the models' foreign keys: a table the export forgets fails this test."""
    person = make_person_with_everything(app)
    with app.app_context():
        user = queries.person(person.id)
        records = queries.records(user)
        exported = {
            t: {r[primary_key(db.metadata.tables[t]).name] for r in rows}
            for t, rows in records.rows.items()
        }
        acted = {(t, i) for t, i, _ in records.acted}
    expected = referencing_rows(app, person.id, exported)
    forgotten = {
        f"{table}:{row_id}"
        for table, ids in expected.items()
        for row_id in ids
        if row_id not in exported.get(table, set()) and (table, row_id) not in acted
    }
    assert sorted(forgotten) == []
    # The world above must give the person rows in every such table, or this test
    # would check nothing there: a new table needs rows in make_person_with_everything.
    with app.app_context():
        to_people = {
            t.name
            for t in db.metadata.sorted_tables
            for c in t.columns
            if any(k.column.table.name == registry.ROOT for k in c.foreign_keys)
        }
    assert sorted(to_people - set(expected)) == []
    assert {"audit_events", "invitations"} <= set(exported)  # no foreign key: by id, by address


def test_learner_downloads_everything_as_json_with_a_schema(app, client):
    person = make_person_with_everything(app)
    login(client, person.email)
    page = client.get("/account").get_data(as_text=True)
    assert "/account/data" in page  # reachable from the account page
    response = post(client, "/account/data/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["format"] == export.FORMAT and data["person_id"] == person.id
    records = data["records"]
    assert records["users"][0]["email"] == person.email
    assert {r["name"] for r in records["user_roles"]} == {"learner", "admin"}
    assert len(records["exam_attempts"]) == 2 and records["exam_results"][0]["answers"]
    assert records["exam_draft_answers"] and records["certificates"][0]["score_percent"] == 100
    assert records["invitations"][0]["email"] == person.email
    actions = {e["action"] for e in records["audit_events"]}
    assert {"account.signed_in", "account.sign_in_failed", "exam.submitted"} <= actions
    # As an admin they revoked a colleague's certificate and invited someone.
    assert {a["table"] for a in data["acted_on"]} == {"audit_events", "certificates", "invitations"}
    text = response.get_data(as_text=True)
    assert "password_hash" not in json.dumps(records) and "token_hash" not in json.dumps(records)
    assert data["withheld"]["users"] == ["password_hash"]
    assert "pbkdf2" not in text and "scrypt" not in text
    _conforms(data, client.get("/privacy/export-schema.json").get_json())
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "privacy.exported")
        ).one()
        assert (event.actor_id, event.person_id, event.details) == (
            person.id,
            person.id,
            {"format": "json"},
        )


def _conforms(data: dict, schema: dict) -> None:
    """The parts of JSON Schema the export's schema uses: required keys, the tables and
    their columns, and each value's type."""
    types = {
        "integer": int,
        "string": str,
        "boolean": bool,
        "object": dict,
        "array": list,
        "null": type(None),
    }
    assert set(schema["required"]) <= set(data)
    tables = schema["properties"]["records"]["properties"]
    for table, rows in data["records"].items():
        columns = tables[table]["items"]["properties"]
        for row in rows:
            assert set(row) <= set(columns), table
            for name, value in row.items():
                allowed = columns[name]["type"]
                allowed = allowed if isinstance(allowed, list) else [allowed]
                assert any(
                    isinstance(value, types[t]) and not (t == "integer" and isinstance(value, bool))
                    for t in allowed
                ), (table, name, value)


def test_learner_downloads_a_readable_pdf_too(app, client):
    from pypdf import PdfReader

    person = make_person_with_everything(app)
    login(client, person.email)
    response = post(client, "/account/data/export", {"format": "pdf"})
    assert response.mimetype == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages
    )
    for words in (person.email, "Gezeigte Fragen", "Zertifikatsnummer", "Anmeldung fehlgeschlagen"):
        assert words in text, words
    with app.app_context():
        formats = db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "privacy.exported")
        ).all()
    assert formats == [{"format": "pdf"}]


def test_the_readable_summary_shows_questions_answers_certificates_and_sign_ins(app, client):
    person = make_person_with_everything(app)
    login(client, person.email)
    page = client.get("/account/data").get_data(as_text=True)
    for words in (
        "Meine Daten",
        person.email,
        "Gezeigte Fragen und gewählte Antworten",
        "(gewählt)",
        "Zertifikate",
        "Anmeldung fehlgeschlagen",
        "Links zum Zurücksetzen des Passworts",
        "Einträge über andere Personen",
    ):
        assert words in page, words
    assert "Konto löschen" in page and "löschen die Admins" in page  # self-erasure is off


def test_admin_gets_any_persons_data_and_it_is_audited(app, signed_in):
    person = make_person_with_everything(app)
    admin, admin_id = signed_in("admin")
    overview = admin.get(f"/admin/privacy/people/{person.id}").get_data(as_text=True)
    assert person.email in overview and "Prüfungsversuche: 2" in overview
    as_json = post(admin, f"/admin/privacy/people/{person.id}/export", {"format": "json"})
    assert json.loads(as_json.get_data(as_text=True))["person_id"] == person.id
    as_page = post(admin, f"/admin/privacy/people/{person.id}/export", {"format": "html"})
    assert as_page.status_code == 200 and "Datenauskunft: Zora Quellenbach" in as_page.get_data(
        as_text=True
    )
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.actor_id, AuditEvent.person_id, AuditEvent.details).where(
                AuditEvent.action == "privacy.exported"
            )
        ).all()
    assert [tuple(e) for e in events] == [
        (admin_id, person.id, {"format": "json"}),
        (admin_id, person.id, {"format": "html"}),
    ]
    assert post(admin, "/admin/privacy/people/999999/export").status_code == 404


def test_admin_finds_people_to_act_on(app, signed_in, create_user):
    create_user(name="Finde Mich", email="finde@firma.example")
    admin, _ = signed_in("admin")
    page = admin.get("/admin/privacy?q=finde").get_data(as_text=True)
    assert "Finde Mich" in page and "Auskunft und Löschung" in page
    assert "Niemand gefunden" in admin.get("/admin/privacy?q=gibtsnicht").get_data(as_text=True)


def test_signing_in_with_the_password_from_the_export_fixture(app, client):
    """The fixture's person can sign in: their export is theirs, not a stranger's."""
    person = make_person_with_everything(app)
    login(client, person.email, PASSWORD)
    other = make_person_with_everything(app, "ander@firma.example", "Anders Person")
    data = json.loads(post(client, "/account/data/export").get_data(as_text=True))
    assert other.email not in json.dumps(data)
