"""Revocation holds (issue 12, row 16): a revoked certificate is no longer handed out in
any form, and its holder cannot simply pass again to get a new valid one; an admin can
allow a new certificate, which the next passed exam then issues."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy import clock
from academy.certificates.models import Certificate
from academy.extensions import db
from tests.fixtures.journey import COURSE, pass_exam
from tests.fixtures.web import post


def certificates_of(app, user_id: int) -> list[Certificate]:
    with app.app_context():
        found = list(
            db.session.scalars(
                db.select(Certificate)
                .where(Certificate.user_id == user_id)
                .order_by(Certificate.sequence)
            )
        )
        db.session.expunge_all()
        return found


@pytest.fixture
def revoked(certified, signed_in, app):
    """The certified learner's certificate, revoked by an admin: (learner, admin, id)."""
    learner, user_id = certified
    admin, _ = signed_in("admin")
    (certificate,) = certificates_of(app, user_id)
    response = post(admin, f"/admin/certificates/{certificate.id}/revoke", {"reason": "Täuschung"})
    assert response.status_code == 302
    return learner, user_id, admin, certificate.id


@pytest.fixture
def later(monkeypatch):
    """Move the clock past the exam's cooldown (a new attempt may start)."""

    def move(days: int) -> None:
        moved = clock.utcnow() + timedelta(days=days)
        monkeypatch.setattr(clock, "utcnow", lambda: moved)

    return move


@pytest.mark.parametrize("path", ["{}.pdf", "{}/credential.json", "{}/badge.png", "{}/badge.svg"])
def test_a_revoked_certificate_is_not_handed_out(revoked, path):
    learner, _user_id, _admin, certificate_id = revoked
    response = learner.get("/certificates/" + path.format(certificate_id))
    assert response.status_code == 303 and response.headers["Location"].endswith("/certificates")
    page = learner.get("/certificates").get_data(as_text=True)
    assert "wurde widerrufen und lässt sich nicht mehr herunterladen" in page
    assert "erst, wenn eine Administratorin oder ein Administrator es erlaubt" in page


def test_passing_again_after_a_revocation_gives_no_new_certificate(revoked, app, later):
    learner, user_id, _admin, _id = revoked
    later(days=2)
    attempt_id = pass_exam(learner, app)
    assert len(certificates_of(app, user_id)) == 1
    page = learner.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    assert "Bestanden" in page and "Ihr letztes Zertifikat in diesem Kurs wurde widerrufen" in page


def test_once_an_admin_allows_it_the_next_pass_issues_a_new_certificate(revoked, app, later):
    learner, user_id, admin, certificate_id = revoked
    later(days=2)
    pass_exam(learner, app)  # before the admin allows it: nothing
    response = post(admin, f"/admin/certificates/{certificate_id}/allow-reissue")
    assert response.status_code == 302
    assert len(certificates_of(app, user_id)) == 1  # the earlier pass does not count
    again = post(admin, f"/admin/certificates/{certificate_id}/allow-reissue")
    assert again.status_code == 302
    later(days=4)
    pass_exam(learner, app)
    first, second = certificates_of(app, user_id)
    assert first.revoked_at is not None and second.revoked_at is None and second.sequence == 2
    assert learner.get(f"/certificates/{second.id}.pdf").status_code == 200


def test_only_a_revoked_certificate_can_be_released(certified, signed_in, app):
    _learner, user_id = certified
    admin, _ = signed_in("admin")
    (certificate,) = certificates_of(app, user_id)
    post(admin, f"/admin/certificates/{certificate.id}/allow-reissue")
    (unchanged,) = certificates_of(app, user_id)
    assert unchanged.reissue_allowed_at is None
    page = admin.get("/admin/certificates").get_data(as_text=True)
    assert "nur nach einem Widerruf freigeben" in page
