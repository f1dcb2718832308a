"""The HR area's boundaries and bookkeeping: who may use its routes, invitations (status,
resend, revoke, a cleared form), adding a person, and the audit trail of HR's changes."""

from __future__ import annotations

import re

import pytest

from academy.accounts import queries as people
from academy.accounts.models import Invitation
from academy.audit import AuditEvent
from academy.extensions import db
from tests.fixtures import hr
from tests.fixtures.mail import mail_text, wait_for
from tests.fixtures.web import PASSWORD, post


def hr_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("hr."):
            values = {name: 1 for name in rule.arguments}
            path = rule.build(values)[1]
            for method in sorted(rule.methods & {"GET", "POST"}):
                yield method, path


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_learners_and_trainers_are_refused_every_hr_route(app, signed_in, role):
    client, _ = signed_in(role)
    routes = list(hr_routes(app))
    assert len(routes) > 20
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/privacy").get_data(as_text=True)
    )
    for method, path in routes:
        response = (
            client.get(path)
            if method == "GET"
            else client.post(path, data={"csrf_token": token.group(1)})
        )
        assert response.status_code == 403, (method, path)


def test_anonymous_visitors_are_sent_to_sign_in_from_every_hr_route(app, client):
    for method, path in hr_routes(app):
        response = client.get(path) if method == "GET" else client.post(path)
        if method == "GET":
            assert response.status_code == 302 and response.headers["Location"].startswith(
                "/login"
            ), path
        else:
            assert response.status_code in (302, 400), path  # 400: no CSRF token
    with app.app_context():
        assert db.session.query(AuditEvent).count() == 0


def test_scopes_are_for_admins_only(app, signed_in):
    client = hr.hr_client(app, everything=True)
    assert client.get("/hr/scopes").status_code == 403
    admin, _ = signed_in("admin")
    with app.app_context():
        hr.person("Helga HR", roles=("learner", "hr"))
        sales = hr.department("Vertrieb")
        db.session.commit()
        helga_id, sales_id = people.user_by_email("helga.hr@firma.example").id, sales.id
    assert "Helga HR" in admin.get("/hr/scopes").get_data(as_text=True)
    post(admin, f"/hr/scopes/{helga_id}", {f"s{helga_id}-departments": [str(sales_id)]})
    with app.app_context():
        from academy.hr.queries import scope_of

        assert scope_of(people.user_by_id(helga_id)).department_ids == {sales_id}


def test_invitation_status_resend_and_revoke(mail_app):
    application, inbox = mail_app
    client = hr.hr_client(application, everything=True)
    response = post(
        client, "/invitations", {"invite-emails": "neu@firma.example\nzwei@firma.example"}
    )
    page = response.get_data(as_text=True)
    assert "neu@firma.example" in page
    assert re.search(r'<textarea[^>]*name="invite-emails"[^>]*>\s*</textarea>', page)  # cleared
    assert 'value="admin"' not in page  # still learners only for HR
    wait_for(inbox, 2)
    first_link = re.search(r"(/invitation/\S+)", mail_text(inbox.messages[0])).group(1)
    with application.app_context():
        neu = db.session.query(Invitation).filter_by(email="neu@firma.example").one().id
        zwei = db.session.query(Invitation).filter_by(email="zwei@firma.example").one().id
    listing = client.get("/hr/invitations").get_data(as_text=True)
    assert listing.count("offen bis") == 2

    post(client, f"/hr/invitations/{neu}/resend")
    wait_for(inbox, 3)
    new_link = re.search(r"(/invitation/\S+)", mail_text(inbox.messages[2])).group(1)
    guest = application.test_client()
    assert guest.get(first_link).status_code == 404  # the old link stopped working
    accepted = post(
        guest, new_link, {"name": "Neu", "password": PASSWORD, "password_repeat": PASSWORD}
    )
    assert accepted.status_code == 302

    post(client, f"/hr/invitations/{zwei}/revoke")
    with application.app_context():
        assert db.session.get(Invitation, zwei).state() == "revoked"
    listing = client.get("/hr/invitations").get_data(as_text=True)
    assert "angenommen" in listing and "zurückgezogen" in listing
    refused = post(client, f"/hr/invitations/{neu}/revoke", follow_redirects=True)
    assert "nicht mehr offen" in refused.get_data(as_text=True)


def test_hr_sees_invitations_of_their_people_and_their_own(app):
    with app.app_context():
        from academy.accounts import services as accounts

        admin = hr.person("Ada Admin", roles=("learner", "admin"))
        hr.person("Anna", hr.department("Vertrieb"), password=None)
        hr.person("Bernd", hr.department("Einkauf"), password=None)
        for email in ("anna@firma.example", "bernd@firma.example", "fremd@firma.example"):
            accounts.create_invitation(email, (), admin)
        db.session.commit()
    client = hr.hr_client(app, "Vertrieb")
    listing = client.get("/hr/invitations").get_data(as_text=True)
    assert "anna@firma.example" in listing
    assert "bernd@firma.example" not in listing and "fremd@firma.example" not in listing


def test_hr_adds_a_person_and_invites_them(mail_app):
    application, inbox = mail_app
    with application.app_context():
        sales_id = hr.department("Vertrieb").id
        db.session.commit()
    client = hr.hr_client(application, "Vertrieb")
    form = {
        "email": "Neue@Firma.example",
        "name": "Nina Neu",
        "department": str(sales_id),
        "locale": "",
        "invite": "y",
    }
    response = post(client, "/hr/people/new", form)
    assert response.status_code == 302
    wait_for(inbox)
    assert inbox.recipients() == ["neue@firma.example"]
    with application.app_context():
        nina = people.user_by_email("neue@firma.example")
        assert nina.department_id == sales_id and nina.password_hash is None
    again = post(client, "/hr/people/new", form)
    assert (
        again.status_code == 400
        and "Für neue@firma.example gibt es schon ein Konto" in again.get_data(as_text=True)
    )
    elsewhere = post(
        client, "/hr/people/new", {**form, "email": "x@firma.example", "department": ""}
    )
    assert elsewhere.status_code == 400


def test_hr_changes_are_in_the_audit_trail(app):
    client = hr.hr_client(app, everything=True)
    post(client, "/hr/departments", {"new-name": "Vertrieb"})
    with app.app_context():
        sales = hr.department("Vertrieb")
        anna = hr.person("Anna", sales)
        db.session.commit()
        sales_id, anna_id = sales.id, anna.id
    post(
        client, f"/hr/departments/{sales_id}/rename", {f"d{sales_id}-name": "Vertrieb & Marketing"}
    )
    form = {
        "assign-course": "ki-am-arbeitsplatz",
        "assign-target": "department",
        "assign-department": str(sales_id),
        "assign-due_kind": "days",
        "assign-due_days": "30",
    }
    post(client, "/hr/assignments", form)
    post(client, f"/hr/people/{anna_id}/active")
    post(client, "/hr/reports/evidence", {"format": "csv", "course": "", "department": ""})
    with app.app_context():
        hr_person = people.user_by_email("hanna.hr@firma.example")
        actions = {e.action for e in db.session.query(AuditEvent).filter_by(actor_id=hr_person.id)}
    assert {
        "department.created",
        "department.renamed",
        "assignment_rule.created",
        "account.deactivated",
        "report.exported",
    } <= actions
