"""The audit log: a hash chain that `flask audit verify` checks, entries that hold ids and
actions but no personal data, and the admin's view, filter and CSV export."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from sqlalchemy import select, text

from academy import audit
from academy.accounts import services as accounts
from academy.accounts.models import User
from academy.audit import AuditEvent
from academy.extensions import db
from tests.fixtures.privacy import dump, make_person_with_everything, verification
from tests.fixtures.web import PASSWORD, post


def event_ids(app) -> list[int]:
    with app.app_context():
        ids = list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
        db.session.remove()
    return ids


def tamper(app, sql: str, **params) -> None:
    with app.app_context():
        db.session.execute(text(sql), params)
        db.session.commit()


def test_verify_passes_on_an_untouched_log(app, runner):
    make_person_with_everything(app)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert (
        f"intact: {len(event_ids(app))} entries" in result.output and "head: entry" in result.output
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ('UPDATE audit_events SET details = \'{"after": ["admin"]}\' WHERE id = :id', "content"),
        ("UPDATE audit_events SET person_id = 1 WHERE id = :id", "content"),
        ("UPDATE audit_events SET action = 'account.created' WHERE id = :id", "action"),
        ("UPDATE audit_events SET at = '2001-01-01 00:00:00' WHERE id = :id", "time"),
        ("DELETE FROM audit_events WHERE id = :id", "before it was changed or deleted"),
    ],
)
def test_verify_names_the_first_broken_entry(app, runner, change, reason):
    make_person_with_everything(app)
    ids = event_ids(app)
    middle = ids[len(ids) // 2]
    tamper(app, change, id=middle)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    broken = ids[ids.index(middle) + 1] if change.startswith("DELETE") else middle
    assert f"broken at entry {broken}:" in result.output and reason in result.output


def test_a_rewritten_hash_breaks_the_link_to_the_next_entry(app):
    make_person_with_everything(app)
    ids = event_ids(app)
    tamper(app, "UPDATE audit_events SET hash = :h WHERE id = :id", h="f" * 64, id=ids[3])
    assert verification(app).broken_at == ids[3]


def test_deleting_the_first_entries_is_detected(app):
    make_person_with_everything(app)
    first = event_ids(app)[0]
    tamper(app, "DELETE FROM audit_events WHERE id = :id", id=first)
    result = verification(app)
    assert result.broken_at == first + 1 and "before it are missing" in result.reason


def test_a_faked_redaction_is_detected(app):
    """Retention removes the body of sign-in entries only; anything else is tampering."""
    make_person_with_everything(app)
    with app.app_context():
        target = (
            db.session.scalars(
                select(AuditEvent.id).where(AuditEvent.action == "account.roles_changed").limit(1)
            ).first()
            or db.session.scalars(
                select(AuditEvent.id).where(AuditEvent.action == "certificate.revoked")
            ).one()
        )
    tamper(
        app,
        "UPDATE audit_events SET actor_id = NULL, person_id = NULL, targets = '[]', "
        "details = '{}', redacted_at = '2030-01-01 00:00:00' WHERE id = :id",
        id=target,
    )
    result = verification(app)
    assert result.broken_at == target and "only for sign-ins" in result.reason


def test_parallel_writers_keep_one_chain(make_app):
    """Several processes append at once (gunicorn workers): no fork in the chain."""
    app = make_app()
    with app.app_context():
        people = [accounts.create_user(f"p{i}@firma.example", f"P{i}", PASSWORD) for i in range(4)]
        db.session.commit()
        ids = [p.id for p in people]
        db.session.remove()

    def sign_in_repeatedly(user_id: int) -> None:
        with app.app_context():
            for _ in range(8):
                user = db.session.get(User, user_id)
                accounts.authenticate(user.email, PASSWORD)
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=sign_in_repeatedly, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verification(app)
    assert result.ok, result.reason
    assert result.checked == 4 + 4 * 8


def test_failed_sign_ins_are_recorded_without_the_address_typed(app, client, create_user):
    user_id, email = create_user()
    assert post(client, "/login", {"email": email, "password": "falsch"}).status_code == 400
    unknown = "niemand.hier@firma.example"
    post(client, "/login", {"email": unknown, "password": "falsch"})
    with app.app_context():
        failed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "account.sign_in_failed")
        ).all()
        assert [(e.actor_id, e.person_id, e.details) for e in failed] == [
            (None, user_id, {}),
            (None, None, {}),
        ]
    assert "niemand.hier" not in dump(app)


def test_entries_hold_ids_and_actions_not_personal_data(app, signed_in, client):
    """Name and language changes, invitations and a revocation reason: none of the words
    end up in the log."""
    person = make_person_with_everything(app)
    learner, _ = signed_in(name="Ursula Umbenannt")
    post(
        learner,
        "/account",
        {"action": "profile", "profile-name": "Ursula Neuname", "profile-locale": "en"},
    )
    with app.app_context():
        details = [
            (e.action, e.details)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]
        log = repr(details)
    assert ("account.profile_changed", {"changed": ["name", "locale"]}) in details
    for word in (person.name, person.email, "gast@firma", "Ursula", "Umbenannt", "Test"):
        assert word not in log, word


def test_admin_views_filters_and_exports_the_log(app, signed_in):
    person = make_person_with_everything(app)
    admin, admin_id = signed_in("admin")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "Anmeldung fehlgeschlagen" in page and "Zertifikat widerrufen" in page
    assert "Zora Quellenbach" in page  # names are looked up for showing, not stored
    assert admin.get(f"/admin/audit?person={person.id}").status_code == 200
    only = admin.get(f"/admin/audit?action=account.sign_in_failed&person={person.id}")
    rows = only.get_data(as_text=True).count("<tr>") - 1
    assert only.status_code == 200 and rows == 1
    assert (
        admin.get("/admin/audit?action=certificate")
        .get_data(as_text=True)
        .count("Zertifikat ausgestellt")
        >= 2
    )
    bad = admin.get("/admin/audit?person=abc&since=gestern")
    assert bad.status_code == 400 and "Bitte korrigieren Sie" in bad.get_data(as_text=True)
    exported = post(admin, "/admin/audit/export", {"action": "account"})
    assert exported.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][:4] == ["id", "at", "actor_id", "action"]
    assert {row[3].split(".")[0] for row in table[1:]} == {"account"}
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "audit.exported")
        ).one()
        assert event.actor_id == admin_id and event.details["filter"] == "account"
    assert verification(app).ok


def test_the_chain_starts_at_genesis(app, create_user):
    create_user()
    with app.app_context():
        first = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
        assert first.prev_hash == audit.GENESIS and len(first.hash) == 64
