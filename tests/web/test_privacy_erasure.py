"""Erasure (Art. 17 DSGVO): no trace of the person's name or e-mail address anywhere in
the database, while the evidence of the training stays under a pseudonym."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from academy.accounts import services as accounts
from academy.accounts.models import Invitation, User
from academy.audit import AuditEvent
from academy.certificates.models import Certificate, CertificateState
from academy.extensions import db
from academy.privacy.models import Erasure
from tests.fixtures.privacy import dump, make_person_with_everything, verification
from tests.fixtures.web import PASSWORD, login, post


def traces(app, person) -> list[str]:
    """Lines of the database dump that name the person or their address."""
    wanted = [person.name, person.email, person.email.split("@")[0]]
    return [
        line
        for line in dump(app).splitlines()
        if any(word.lower() in line.lower() for word in wanted)
    ]


def erase_by_admin(app, signed_in, person):
    admin, admin_id = signed_in("admin")
    response = post(admin, f"/admin/privacy/people/{person.id}/erase", {"confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return admin, admin_id, admin.get(response.headers["Location"]).get_data(as_text=True)


def test_erasure_leaves_no_trace_and_keeps_pseudonymised_evidence(app, signed_in, client):
    person = make_person_with_everything(app)
    with app.app_context():
        (before,) = db.session.scalars(select(Certificate).where(Certificate.user_id == person.id))
        number, score, version = before.number, before.score_percent, before.course_version
    assert traces(app, person)  # the check finds them while they are there
    _, admin_id, page = erase_by_admin(app, signed_in, person)
    assert "ist gelöscht" in page and "unter einem Pseudonym" in page and "PSN-" not in page
    assert traces(app, person) == []
    with app.app_context():
        assert db.session.get(User, person.id) is None
        kept = db.session.scalars(select(Certificate).where(Certificate.number == number)).one()
        assert kept.user_id is None and kept.attempt_id is None
        assert kept.holder_name.startswith("PSN-") and kept.revoked_reason is None
        assert (kept.score_percent, kept.course_version) == (score, version)
        assert kept.course_slug == "ki-am-arbeitsplatz" and kept.issued_at and kept.valid_until
        assert kept.state() is CertificateState.REVOKED
        erasure = db.session.scalars(select(Erasure)).one()
        assert erasure.pseudonym == kept.holder_name
        assert erasure.evidence == [f"certificates:{kept.id}"]
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "account.erased")
        ).one()
        assert (event.actor_id, event.person_id) == (admin_id, person.id)
        # What they did to others' records stays, without them.
        revoked = db.session.scalars(
            select(Certificate).where(Certificate.revoked_reason == "Test")
        )
        assert [c.revoked_by_id for c in revoked] == [None]
        assert {i.created_by_id for i in db.session.scalars(select(Invitation))} >= {None}
    verify = client.get(f"/verify/{number}").get_data(as_text=True)
    assert "Widerrufen oder gelöscht" in verify
    assert "PSN-" not in verify and person.name not in verify
    assert verification(app).ok  # the audit log kept its entries: the chain holds


def test_the_erased_person_is_signed_out_everywhere(app, signed_in, client):
    person = make_person_with_everything(app)
    login(client, person.email)
    erase_by_admin(app, signed_in, person)
    assert client.get("/account").status_code == 302
    response = post(client, "/login", {"email": person.email, "password": PASSWORD})
    assert response.status_code == 400  # no such account any more


def test_a_new_account_never_gets_the_erased_persons_id(app, runner, create_user):
    """Ids stay in the audit log after an erasure; a reused id would hand the deleted
    person's entries to a stranger (SQLite reuses the highest id unless told not to)."""
    person_id, _ = create_user()  # the newest account
    assert runner.invoke(args=["privacy", "erase", str(person_id), "--yes"]).exit_code == 0
    new_id, _ = create_user()
    assert new_id > person_id


def test_erasing_needs_a_confirmation_and_refuses_oneself_and_the_last_admin(
    app, signed_in, create_user
):
    admin, admin_id = signed_in("admin")
    other_id, _ = create_user()
    unconfirmed = post(admin, f"/admin/privacy/people/{other_id}/erase")
    assert unconfirmed.status_code == 400 and "Bitte bestätigen" in unconfirmed.get_data(
        as_text=True
    )
    own = post(admin, f"/admin/privacy/people/{admin_id}/erase", {"confirm": "y"})
    assert "unter „Meine Daten“" in admin.get(own.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, other_id) is not None
        assert db.session.get(User, admin_id) is not None
        last = db.session.get(User, admin_id)
        from academy.privacy import services
        from academy.privacy.outcomes import PrivacyRefusal, PrivacyRefused

        with pytest.raises(PrivacyRefused) as refused:
            services.erase(last, None)
        assert refused.value.reason is PrivacyRefusal.LAST_ADMIN
        db.session.rollback()


def test_self_erasure_is_off_by_default_and_asks_for_the_password(app, signed_in, make_app):
    person = make_person_with_everything(app)
    client = app.test_client()
    login(client, person.email)
    off = post(client, "/account/data/delete", {"password": PASSWORD, "confirm": "y"})
    assert off.status_code == 400 and "Ihr Konto löschen die Admins" in off.get_data(as_text=True)
    admin, _ = signed_in("admin")
    settings = admin.get("/admin/privacy/settings").get_data(as_text=True)
    form = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', settings))
    form.pop("csrf_token", None)
    assert post(admin, "/admin/privacy/settings", {**form, "self_erasure": "y"}).status_code == 302
    wrong = post(client, "/account/data/delete", {"password": "falsch", "confirm": "y"})
    assert wrong.status_code == 400 and "Das Passwort stimmt nicht" in wrong.get_data(as_text=True)
    assert traces(app, person)
    done = post(client, "/account/data/delete", {"password": PASSWORD, "confirm": "y"})
    assert done.status_code == 302
    assert "Ihr Konto und Ihre Daten sind gelöscht" in client.get("/").get_data(as_text=True)
    assert traces(app, person) == []
    assert client.get("/account").status_code == 302  # signed out


def test_sqlite_file_keeps_no_copy_of_the_deleted_rows(app, signed_in, database_url):
    """secure_delete and a truncated write-ahead log: not even the free pages of the
    database file hold the address any more."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL keeps deleted rows until VACUUM; see the README on backups")
    person = make_person_with_everything(app, "nachweis.frei@firma.example", "Frei Nachweis")
    path = database_url.removeprefix("sqlite:///")
    erase_by_admin(app, signed_in, person)
    with app.app_context():
        db.engine.dispose()  # no connection holds the log open
    for suffix in ("", "-wal"):
        try:
            with open(path + suffix, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            continue
        assert person.email.encode() not in content, suffix
        assert person.name.encode() not in content, suffix


def test_cli_erases_again_after_a_restore_and_lists_former_ids(app, runner, signed_in):
    person = make_person_with_everything(app)
    refused = runner.invoke(args=["privacy", "erase", str(person.id)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    done = runner.invoke(args=["privacy", "erase", str(person.id), "--yes"])
    assert (
        done.exit_code == 0
        and f"{person.id}: erased; 1 evidence record(s) kept until" in done.output
    )
    assert traces(app, person) == []
    again = runner.invoke(args=["privacy", "erase", str(person.id), "--yes"])
    assert "no such account" in again.output
    listed = runner.invoke(args=["privacy", "erased"])
    assert listed.output.startswith(f"{person.id}\t")


def test_accepting_an_invitation_spends_its_link_and_resetting_deletes_it(app, client):
    """A used link can never be used again: the invitation keeps only the record that it
    was accepted (HR's invitation list; retention deletes it later), the reset goes."""
    with app.app_context():
        inviter = accounts.create_user("einladend@firma.example", "Einladend", PASSWORD, ["admin"])
        token = accounts.create_invitation("neu@firma.example", ["learner"], inviter)
        db.session.commit()
    response = post(
        client,
        f"/invitation/{token}",
        {"name": "Neu", "password": PASSWORD, "password_repeat": PASSWORD},
    )
    assert response.status_code == 302
    with app.app_context():
        (invitation,) = db.session.scalars(select(Invitation)).all()
        assert invitation.token_hash is None and invitation.used_at is not None
        _, reset = accounts.create_password_reset("neu@firma.example")
        db.session.commit()
    post(client, f"/password/reset/{reset}", {"password": PASSWORD, "password_repeat": PASSWORD})
    with app.app_context():
        from academy.accounts.models import PasswordReset

        assert db.session.scalars(select(PasswordReset)).all() == []
