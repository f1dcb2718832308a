"""Certificates: issued once, expire, recertification, revocation, public verification."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from academy import clock
from academy.certificates.models import Certificate
from academy.extensions import db
from tests.fixtures.journey import (
    COURSE,
    course,
    finish_modules,
    pass_exam,
    start_exam,
    submit_exam,
)
from tests.fixtures.web import post


def certificates(app, user_id) -> list[Certificate]:
    with app.app_context():
        rows = (
            db.session.query(Certificate)
            .filter_by(user_id=user_id)
            .order_by(Certificate.sequence)
            .all()
        )
        db.session.expunge_all()
        return rows


def test_certificate_is_issued_once_with_all_its_data(certified, app):
    client, user_id = certified
    (certificate,) = certificates(app, user_id)
    assert re.fullmatch(r"KIA(-[0-9A-HJKMNP-TV-Z]{4}){4}", certificate.number)
    assert certificate.holder_name == "Clara Zertifiziert"
    assert certificate.organisation == "Muster GmbH"
    assert certificate.course_title == "KI am Arbeitsplatz"
    assert certificate.valid_until.year == certificate.issued_at.year + 1
    assert len(certificate.objectives) == 10  # one entry per module
    assert all(len(m["objectives"]) >= 3 for m in certificate.objectives)
    # marking a module done again or re-reading changes nothing
    post(client, f"/courses/{COURSE}/daten-als-rohstoff/done")
    assert len(certificates(app, user_id)) == 1


def test_passing_again_while_valid_issues_no_second_certificate(certified, app, monkeypatch):
    client, user_id = certified
    later = clock.utcnow() + timedelta(days=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    pass_exam(client, app)
    assert len(certificates(app, user_id)) == 1


def test_expiry_recertification_new_number_old_verifies_expired(certified, app, monkeypatch):
    client, user_id = certified
    (first,) = certificates(app, user_id)
    after_expiry = clock.utcnow() + timedelta(days=370)
    monkeypatch.setattr(clock, "utcnow", lambda: after_expiry)

    assert "Abgelaufen" in client.get(f"/verify/{first.number}").get_data(as_text=True)
    overview = client.get(f"/courses/{COURSE}/").get_data(as_text=True)
    assert "Zertifikat abgelaufen" in overview  # the state badge
    assert "legen Sie die Prüfung erneut ab" in overview

    pass_exam(client, app)
    _, second = certificates(app, user_id)
    assert second.number != first.number
    assert second.sequence == 2
    assert second.valid_until > first.valid_until
    assert "Abgelaufen" in client.get(f"/verify/{first.number}").get_data(as_text=True)
    assert "Gültig" in client.get(f"/verify/{second.number}").get_data(as_text=True)


def test_revised_course_asks_to_reread_changed_modules(certified, app, monkeypatch, replace_course):
    """After expiry, a module whose text changed must be read again before the exam."""
    import dataclasses

    client, _ = certified
    original = course(app)
    changed = dataclasses.replace(original.modules[0], version="changed0000")
    replace_course(modules=(changed, *original.modules[1:]), version="new000000000")
    later = clock.utcnow() + timedelta(days=370)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    page = client.get(f"/courses/{COURSE}/").get_data(as_text=True)
    assert "Aktualisiert" in page
    refused = post(client, f"/courses/{COURSE}/exam/start")
    assert "sobald Sie alle Module abgeschlossen haben" in client.get(
        refused.headers["Location"]
    ).get_data(as_text=True)
    post(client, f"/courses/{COURSE}/{changed.slug}/done")
    assert start_exam(client)


def test_verify_unknown_and_malformed_numbers_reveal_nothing(client):
    response = client.get("/verify/KIA-0000-0000-0000-0000")
    assert response.status_code == 404
    assert "Kein Zertifikat mit dieser Nummer" in response.get_data(as_text=True)
    assert client.get("/verify/nonsense").status_code == 404
    form = client.get("/verify?number=abc")
    assert form.status_code == 400 and "keine gültige Zertifikatsnummer" in form.get_data(
        as_text=True
    )


def test_verify_accepts_a_number_typed_sloppily(certified, app, client):
    _, user_id = certified
    (certificate,) = certificates(app, user_id)
    sloppy = certificate.number.lower().replace("-", " ").replace("1", "l")
    response = client.get("/verify", query_string={"number": sloppy})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.number}")


def test_learner_cannot_download_another_learners_pdf(certified, app, signed_in):
    _, user_id = certified
    (certificate,) = certificates(app, user_id)
    other, _ = signed_in()
    assert other.get(f"/certificates/{certificate.id}.pdf").status_code == 404
    assert certificate.number not in other.get("/certificates").get_data(as_text=True)


def test_admin_revokes_with_reason_and_it_verifies_as_revoked(certified, app, signed_in, client):
    _, user_id = certified
    (certificate,) = certificates(app, user_id)
    admin, _ = signed_in("admin")
    empty = post(admin, f"/admin/certificates/{certificate.id}/revoke", {"reason": ""})
    assert empty.status_code == 400
    assert certificates(app, user_id)[0].revoked_at is None
    response = post(
        admin,
        f"/admin/certificates/{certificate.id}/revoke",
        {"reason": "Prüfung unter falschem Namen"},
    )
    assert response.status_code == 302
    page = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert "Widerrufen" in page
    assert "falschem Namen" not in page  # the reason stays internal


def test_learner_cannot_revoke(certified, app):
    client, user_id = certified
    (certificate,) = certificates(app, user_id)
    assert (
        post(
            client, f"/admin/certificates/{certificate.id}/revoke", {"reason": "selbst"}
        ).status_code
        == 403
    )
    assert certificates(app, user_id)[0].revoked_at is None


def test_verification_is_rate_limited(make_app):
    limited = make_app(RATELIMIT_ENABLED="true")
    client = limited.test_client()
    codes = [client.get("/verify/KIA-0000-0000-0000-0000").status_code for _ in range(31)]
    assert codes[:30] == [404] * 30
    assert codes[30] == 429


def test_pass_before_modules_done_issues_when_last_module_is_done(signed_in, app, replace_course):
    """A course may open the exam early; the certificate follows the last module."""
    client, user_id = signed_in()
    replace_course(exam={"requires_modules": False})
    attempt_id = start_exam(client)
    submit_exam(client, app, attempt_id)
    assert certificates(app, user_id) == []
    assert "Schließen Sie die noch offenen Module ab" in client.get(f"/courses/{COURSE}/").get_data(
        as_text=True
    )
    finish_modules(client, app)
    assert len(certificates(app, user_id)) == 1


def test_learning_exam_and_certificate_steps_are_audited(certified, app, signed_in):
    from academy.audit import AuditEvent

    _, user_id = certified
    (certificate,) = certificates(app, user_id)
    admin, admin_id = signed_in("admin")
    post(admin, f"/admin/certificates/{certificate.id}/revoke", {"reason": "Test des Widerrufs"})
    with app.app_context():
        actions = [
            (e.action, e.actor_id)
            for e in db.session.query(AuditEvent).order_by(AuditEvent.id)
            if e.person_id == user_id
        ]
    assert ("exam.started", user_id) in actions and ("exam.submitted", user_id) in actions
    assert actions.count(("module.completed", user_id)) == len(course(app).modules)
    assert ("certificate.issued", None) in actions  # issued by the platform, not a person
    assert actions[-1] == ("certificate.revoked", admin_id)


def test_renewal_in_the_last_30_days_continues_without_a_gap(certified, app, monkeypatch):
    client, user_id = certified
    (first,) = certificates(app, user_id)
    in_last_month = datetime.combine(first.valid_until, datetime.min.time()) - timedelta(days=20)
    monkeypatch.setattr(clock, "utcnow", lambda: in_last_month)
    home = client.get("/").get_data(as_text=True)
    assert "Ihr Zertifikat läuft bald ab" in home and "Prüfung erneut ablegen" in home
    overview = client.get(f"/courses/{COURSE}/").get_data(as_text=True)
    assert "Prüfung erneut ablegen" in overview
    pass_exam(client, app)
    _, renewed = certificates(app, user_id)
    assert renewed.sequence == 2
    assert renewed.valid_until == first.valid_until.replace(year=first.valid_until.year + 1)
    assert "Ihr Zertifikat läuft bald ab" not in client.get("/").get_data(as_text=True)


def test_the_pass_result_offers_the_certificate(certified, app):
    client, user_id = certified
    (certificate,) = certificates(app, user_id)
    page = client.get(f"/courses/{COURSE}/exam/{certificate.attempt_id}/result").get_data(
        as_text=True
    )
    assert f"Ihr Zertifikat {certificate.number} ist ausgestellt" in page
    assert f'href="/certificates/{certificate.id}.pdf"' in page
