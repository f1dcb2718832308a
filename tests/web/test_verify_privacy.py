"""What the public sees (issue 13, item 6): the verification page names the holder, or
by a setting asks the verifier to type the name and only says whether it matches."""

from __future__ import annotations

import re

from academy.certificates import queries
from academy.certificates.models import Certificate
from academy.extensions import db
from tests.fixtures.privacy import disclose
from tests.fixtures.web import login, post


def number_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session.query(Certificate).filter_by(user_id=user_id).one().number


def test_by_default_the_page_names_the_holder_and_is_neither_indexed_nor_cached(
    certified, app, client
):
    number = number_of(app, certified[1])
    response = client.get(f"/verify/{number}")
    page = response.get_data(as_text=True)
    assert "Clara Zertifiziert" in page and "Namen prüfen" not in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert client.get(f"/verify/{number}/credential.json").status_code == 200


def test_the_verifier_types_the_name_and_learns_only_whether_it_matches(certified, app, client):
    number = number_of(app, certified[1])
    disclose(app, verify_shows_name=False)
    response = client.get(f"/verify/{number}")
    page = response.get_data(as_text=True)
    assert "Clara" not in page and "Namen prüfen" in page
    assert response.headers["Cache-Control"] == "no-store"
    wrong = post(client, f"/verify/{number}", {"name": "Clara Andere"}).get_data(as_text=True)
    assert "stimmt nicht" in wrong and "Clara Andere" not in wrong.split("</form>")[1]
    typed = post(client, f"/verify/{number}", {"name": "  clara   ZERTIFIZIERT "})
    right = typed.get_data(as_text=True)
    assert typed.status_code == 200 and "stimmt mit dem Zertifikat überein" in right
    assert "Clara Zertifiziert" not in right
    # The signed credential names the holder, so it is not public in this mode either.
    assert client.get(f"/verify/{number}/credential.json").status_code == 403
    as_json = client.get(f"/verify/{number}", headers={"Accept": "application/ld+json"})
    assert as_json.status_code == 403 and b"Clara" not in as_json.get_data()


def test_an_empty_name_is_asked_for_again(certified, app, client):
    number = number_of(app, certified[1])
    disclose(app, verify_shows_name=False)
    page = post(client, f"/verify/{number}", {"name": ""}).get_data(as_text=True)
    assert "Bitte geben Sie den Namen ein." in page and "stimmt" not in page


def test_the_holder_still_gets_their_own_credential(certified, app):
    client, _ = certified
    disclose(app, verify_shows_name=False)
    page = client.get("/certificates").get_data(as_text=True)
    (link,) = re.findall(r'href="([^"]+/credential\.json)"', page)
    response = client.get(link)
    assert response.status_code == 200 and b"Clara Zertifiziert" in response.get_data()


def test_names_match_whatever_the_case_spacing_or_compatibility_form():
    assert queries.same_name("ＣＬＡＲＡ  zertifiziert", "Clara Zertifiziert")
    assert not queries.same_name("Clara", "Clara Zertifiziert")
    assert not queries.same_name("", "")


def test_the_admin_sets_what_hr_and_the_public_see_and_it_is_audited(app, create_user):
    create_user("admin", email="admin@firma.example")
    client = app.test_client()
    login(client, "admin@firma.example")
    page = client.get("/admin/privacy/settings").get_data(as_text=True)
    assert 'name="hr_min_group"' in page and 'value="5"' in page
    assert "die Einladung selbst bleibt noch 30 Tage" in page  # INVITATION_RECORD_DAYS
    form = {
        "answers_days": "90",
        "sign_ins_days": "90",
        "deactivated_months": "6",
        "evidence_years": "3",
        "audit_years": "3",
        "hr_sees_scores": "y",
        "hr_min_group": "0",
    }
    refused = post(client, "/admin/privacy/settings", form)
    assert refused.status_code == 400 and "Bitte eine Zahl von 1 bis 100." in refused.get_data(
        as_text=True
    )
    with app.app_context():
        from academy.accounts import queries as accounts

        assert accounts.disclosure().hr_sees_scores is False  # nothing saved
    assert post(client, "/admin/privacy/settings", {**form, "hr_min_group": "8"}).status_code == 302
    with app.app_context():
        from academy.accounts import queries as accounts
        from academy.audit import AuditEvent

        settings = accounts.disclosure()
        assert (settings.hr_sees_scores, settings.hr_min_group) == (True, 8)
        assert settings.verify_shows_name is False  # an unticked box
        event = db.session.query(AuditEvent).filter_by(action="settings.disclosure_changed").one()
        assert event.details == {
            "hr_sees_scores": True,
            "hr_min_group": 8,
            "verify_shows_name": False,
        }
