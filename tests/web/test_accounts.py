"""Sign-in, registration policy, invitations, password reset by real SMTP, sessions."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from academy import clock
from academy.accounts.models import Invitation, User
from academy.extensions import db
from tests.fixtures.mail import free_port, mail_text, wait_for
from tests.fixtures.settings import PRODUCTION_SECRET_KEY
from tests.fixtures.web import PASSWORD, login, post


def users(app) -> list[str]:
    with app.app_context():
        return sorted(u.email for u in db.session.query(User))


# --- sign-in --------------------------------------------------------------------------


def test_sign_in_and_out(client, create_user):
    _, email = create_user()
    login(client, email)
    assert "Abmelden" in client.get("/").get_data(as_text=True)
    response = post(client, "/logout")
    assert response.status_code == 302
    assert client.get("/certificates").status_code == 302  # pages need an account again


def test_wrong_password_gives_one_generic_message(client, create_user):
    _, email = create_user()
    for data in (
        {"email": email, "password": "falsch-falsch"},
        {"email": "nobody@firma.example", "password": "x"},
    ):
        response = post(client, "/login", data)
        assert response.status_code == 400
        assert "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)


def test_email_is_case_insensitive(client, create_user):
    create_user(email="Gross.Klein@Firma.example")
    login(client, "GROSS.KLEIN@firma.EXAMPLE")


def test_next_parameter_only_redirects_on_this_site(client, create_user):
    _, email = create_user()
    response = post(
        client, "/login?next=https://evil.example/", {"email": email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.get("/")
    post(client, "/logout")
    response = post(client, "/login?next=/certificates", {"email": email, "password": PASSWORD})
    assert response.headers["Location"] == "/certificates"


def test_remember_me_sets_a_lasting_cookie(client, create_user):
    _, email = create_user()
    post(client, "/login", {"email": email, "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_deactivated_user_is_signed_out_and_cannot_sign_in(app, signed_in, create_user):
    admin, _ = signed_in("admin")
    user_id, email = create_user()
    from flask.testing import FlaskClient

    victim: FlaskClient = app.test_client()
    login(victim, email)
    post(admin, f"/admin/users/{user_id}/active")
    assert victim.get("/certificates").status_code == 302  # session no longer valid
    assert post(victim, "/login", {"email": email, "password": PASSWORD}).status_code == 400


def test_password_change_signs_out_other_devices(app, create_user):
    _, email = create_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, email)
    login(phone, email)
    response = post(
        laptop,
        "/account",
        {
            "action": "password",
            "password-current": PASSWORD,
            "password-password": "ein ganz neues passwort",
            "password-password_repeat": "ein ganz neues passwort",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/certificates").status_code == 200
    assert phone.get("/certificates").status_code == 302


def test_sign_in_is_rate_limited(make_app):
    limited = make_app(RATELIMIT_ENABLED="true")
    client = limited.test_client()
    codes = [
        post(client, "/login", {"email": "x@firma.example", "password": "x"}).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [400] * 10 and codes[10] == 429


# --- registration ---------------------------------------------------------------------


def register(client, email, password=PASSWORD, repeat=None):
    return post(
        client,
        "/register",
        {
            "name": "Neue Person",
            "email": email,
            "password": password,
            "password_repeat": repeat or password,
        },
    )


def test_registration_validates_and_changes_nothing_when_wrong(client, app, create_user):
    create_user(email="da@firma.example")
    invalid = register(client, "keine-adresse")
    assert invalid.status_code == 400
    assert "Das ist keine gültige E-Mail-Adresse." in invalid.get_data(as_text=True)
    short = register(client, "kurz@firma.example", password="kurz")
    assert "mindestens 12 Zeichen" in short.get_data(as_text=True)
    mismatch = register(client, "anders@firma.example", repeat="etwas ganz anderes")
    assert "stimmen nicht überein" in mismatch.get_data(as_text=True)
    taken = register(client, "DA@firma.example")  # answered like a new address (issue 12)
    assert taken.status_code == 302 and "schon ein Konto" not in taken.get_data(as_text=True)
    assert users(app) == ["da@firma.example"]


def test_admin_restricts_registration_to_domains_then_closes_it(app, signed_in):
    admin, _ = signed_in("admin", email="chefin@firma.example")
    bad = post(admin, "/admin/registration", {"policy-mode": "domains", "policy-domains": ""})
    assert bad.status_code == 302
    assert "mindestens eine Domain" in admin.get("/admin/users").get_data(as_text=True)
    post(
        admin,
        "/admin/registration",
        {"policy-mode": "domains", "policy-domains": "firma.de, @Firma.com"},
    )

    visitor = app.test_client()
    refused = register(visitor, "jemand@gmail.example")
    assert refused.status_code == 400
    assert "firma.de, firma.com" in refused.get_data(as_text=True)
    assert register(visitor, "jemand@firma.com").status_code == 302

    post(admin, "/admin/registration", {"policy-mode": "closed", "policy-domains": ""})
    stranger = app.test_client()
    assert stranger.get("/register").status_code == 403
    assert register(stranger, "noch.jemand@firma.de").status_code == 403
    assert "Neues Konto anlegen" not in stranger.get("/login").get_data(as_text=True)
    assert "jemand@firma.com" in users(app) and "noch.jemand@firma.de" not in users(app)


def test_registration_default_comes_from_environment(make_app):
    closed = make_app(REGISTRATION="closed")
    assert closed.test_client().get("/register").status_code == 403


# --- invitations ----------------------------------------------------------------------


def invite(client, emails, roles=("learner",)):
    response = post(client, "/invitations", {"invite-emails": emails, "invite-roles": list(roles)})
    return response, re.findall(r"(/invitation/[A-Za-z0-9_\-]+)", response.get_data(as_text=True))


def test_invitation_is_single_use_and_carries_roles(app, signed_in):
    admin, _ = signed_in("admin")
    response, links = invite(admin, "trainerin@firma.example", roles=("learner", "trainer"))
    assert response.status_code == 200 and len(links) == 1
    guest = app.test_client()
    assert "trainerin@firma.example" in guest.get(links[0]).get_data(as_text=True)
    accepted = post(
        guest,
        links[0],
        {"name": "Tina Trainerin", "password": PASSWORD, "password_repeat": PASSWORD},
    )
    assert accepted.status_code == 302
    with app.app_context():
        user = db.session.query(User).filter_by(email="trainerin@firma.example").one()
        assert user.roles == {"learner", "trainer"}
    again = app.test_client()
    assert again.get(links[0]).status_code == 404
    assert (
        post(
            again, links[0], {"name": "X", "password": PASSWORD, "password_repeat": PASSWORD}
        ).status_code
        == 404
    )


def test_expired_invitation_is_refused(app, signed_in, monkeypatch):
    admin, _ = signed_in("admin")
    _, links = invite(admin, "spaet@firma.example")
    later = clock.utcnow() + timedelta(days=15)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert app.test_client().get(links[0]).status_code == 404


def test_hr_invites_learners_only(app, signed_in):
    hr, _ = signed_in("hr")
    _, links = invite(hr, "neu@firma.example", roles=("admin",))
    assert links == []  # 'admin' is not a choice for HR: the form is refused
    _, links = invite(hr, "neu@firma.example", roles=("learner",))
    assert len(links) == 1
    with app.app_context():
        assert db.session.query(Invitation).one().roles == "learner"


def test_learner_cannot_invite(signed_in, app):
    learner, _ = signed_in()
    response, _ = invite(learner, "x@firma.example")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.query(Invitation).count() == 0


def test_invitation_form_reports_wrong_addresses(signed_in, app):
    admin, _ = signed_in("admin")
    response, links = invite(admin, "gut@firma.example\nkaputt")
    assert response.status_code == 400 and links == []
    assert "Ungültige E-Mail-Adresse(n): kaputt" in response.get_data(as_text=True)


# --- password reset with a real SMTP server --------------------------------------------


def test_password_reset_by_email_single_use(mail_app, create_user):
    application, inbox = mail_app
    _, email = create_user(email="vergesslich@firma.example")
    client = application.test_client()
    response = post(client, "/password/forgot", {"email": email})
    assert response.status_code == 302
    wait_for(inbox)
    message = inbox.messages[0]
    assert message.rcpt_tos == [email] and message.mail_from == "akademie@firma.example"
    body = mail_text(message)
    link = re.search(r"https://academy\.example\.com(/password/reset/\S+)", body).group(1)

    new = "mein neues langes passwort"
    done = post(client, link, {"password": new, "password_repeat": new})
    assert done.status_code == 302
    post(client, "/logout")
    login(client, email, new)
    assert application.test_client().get(link).status_code == 404  # used up


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(mail_app):
    application, inbox = mail_app
    client = application.test_client()
    response = post(
        client, "/password/forgot", {"email": "niemand@firma.example"}, follow_redirects=True
    )
    assert "Falls es ein Konto mit dieser Adresse gibt" in response.get_data(as_text=True)
    time.sleep(0.2)
    assert inbox.messages == []


def test_reset_link_expires(mail_app, create_user, monkeypatch):
    application, inbox = mail_app
    _, email = create_user()
    client = application.test_client()
    post(client, "/password/forgot", {"email": email})
    wait_for(inbox)
    link = re.search(r"(/password/reset/\S+)", mail_text(inbox.messages[0])).group(1)
    later = clock.utcnow() + timedelta(hours=3)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert client.get(link).status_code == 404


def test_invitation_mail_is_sent(mail_app, create_user):
    application, inbox = mail_app
    _, email = create_user("admin")
    client = application.test_client()
    login(client, email)
    post(
        client,
        "/invitations",
        {"invite-emails": "a@firma.example\nb@firma.example", "invite-roles": ["learner"]},
    )
    wait_for(inbox, 2)
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == ["a@firma.example", "b@firma.example"]
    assert "/invitation/" in mail_text(inbox.messages[0])


def test_unreachable_mail_server_answers_like_an_unknown_address(make_app, create_user):
    """The same answer whether the account exists and the mail failed, or there is no
    account (issue 12): the failure goes to the log only."""
    port = free_port()  # nothing listens here
    application = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
    _, email = create_user()
    answers = []
    for address in (email, "niemand@firma.example"):
        client = application.test_client()
        response = post(client, "/password/forgot", {"email": address})
        answers.append((response.status_code, response.headers["Location"]))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Falls es ein Konto mit dieser Adresse gibt" in page
        assert "konnte gerade nicht versendet werden" not in page
    assert answers[0] == answers[1] == (302, "/login")


def test_unreachable_mail_server_keeps_the_reset_mail_in_the_outbox(make_app, create_user):
    """The answer is the same as ever (no enumeration, no 503); the mail waits."""
    from academy.outbox import MailStatus, OutboxMail

    port = free_port()  # nothing listens here
    application = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
    _, email = create_user()
    response = post(application.test_client(), "/password/forgot", {"email": email})
    assert response.status_code == 302
    with application.app_context():
        waiting = db.session.scalars(db.select(OutboxMail)).one()
        assert waiting.recipient == email and waiting.status == MailStatus.FAILED
        assert "refused" in waiting.last_error.lower()


# --- language -------------------------------------------------------------------------


def test_language_switch_is_a_post_and_remembered(client, create_user):
    _, email = create_user()
    login(client, email)
    assert client.get("/language?lang=en").status_code == 405
    response = post(client, "/language", {"lang": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


# --- user administration --------------------------------------------------------------


def test_admin_sets_roles_and_cannot_drop_own_admin_role(app, signed_in, create_user):
    admin, admin_id = signed_in("admin")
    user_id, _ = create_user()
    page = admin.get("/admin/users").get_data(as_text=True)
    assert (
        f'id="u{user_id}-roles-1"' in page and f'for="u{user_id}-roles-1"' in page
    )  # labels match their boxes
    post(admin, f"/admin/users/{user_id}/roles", {f"u{user_id}-roles": ["learner", "hr"]})
    post(admin, f"/admin/users/{admin_id}/roles", {f"u{admin_id}-roles": ["learner"]})
    with app.app_context():
        assert db.session.get(User, user_id).roles == {"learner", "hr"}
        assert "admin" in db.session.get(User, admin_id).roles
    assert "nicht selbst entziehen" in admin.get("/admin/users").get_data(as_text=True)


def test_admin_user_search(signed_in, create_user):
    admin, _ = signed_in("admin")
    create_user(name="Zora Zimmermann", email="zora@firma.example")
    create_user(name="Max Meier", email="max@firma.example")
    page = admin.get("/admin/users?q=zimmer").get_data(as_text=True)
    assert "zora@firma.example" in page and "max@firma.example" not in page


def test_passwords_are_hashed_with_scrypt_outside_the_test_suite(make_app):
    """The test suite hashes cheaply (APP_ENV=testing); production and development never."""
    from academy.accounts import services

    for environment in (
        {"APP_ENV": "production", "SECRET_KEY": PRODUCTION_SECRET_KEY},
        {"APP_ENV": "development"},
    ):
        application = make_app(**environment)
        with application.test_request_context():
            assert services.hash_password("ein langes Passwort").startswith("scrypt:")
    with make_app().test_request_context():
        assert services.hash_password("ein langes Passwort").startswith("pbkdf2:sha256:1$")


def test_refused_account_changes_are_explained_and_change_nothing(app, signed_in, create_user):
    from academy.accounts.models import User

    admin, admin_id = signed_in("admin")
    other_id, _ = create_user()
    response = post(admin, f"/admin/users/{admin_id}/roles", {f"u{admin_id}-roles": ["learner"]})
    assert "Admin-Rolle nicht selbst entziehen" in admin.get(response.headers["Location"]).get_data(
        as_text=True
    )
    response = post(admin, f"/admin/users/{admin_id}/active")
    assert "eigenes Konto nicht sperren" in admin.get(response.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        me = db.session.get(User, admin_id)
        assert me.roles == {"admin"} and me.active
    assert post(admin, "/admin/users/999999/active").status_code == 404
    assert other_id


def test_changes_to_people_leave_an_audit_trail(app, signed_in, create_user):
    from academy.audit import AuditEvent

    admin, admin_id = signed_in("admin")
    other_id, _ = create_user()
    post(admin, f"/admin/users/{other_id}/roles", {f"u{other_id}-roles": ["learner", "hr"]})
    post(admin, f"/admin/users/{other_id}/active")
    post(admin, "/admin/registration", {"policy-mode": "closed", "policy-domains": ""})
    with app.app_context():
        events = [
            (e.action, e.actor_id, e.person_id, e.targets, e.details)
            for e in db.session.query(AuditEvent).order_by(AuditEvent.id)
            if e.actor_id == admin_id and e.action.split(".")[1] not in ("signed_in", "created")
        ]
    assert events == [
        (
            "account.roles_changed",
            admin_id,
            other_id,
            [f"users:{other_id}"],
            {"before": ["learner"], "after": ["hr", "learner"]},
        ),
        ("account.deactivated", admin_id, other_id, [f"users:{other_id}"], {}),
        (
            "settings.registration_changed",
            admin_id,
            None,
            [],
            {"registration": "closed", "registration_domains": ""},
        ),
    ]
