"""Attacks on accounts from the security review (issue 12: rows 2, 7, 9–14, 18 and 21),
replayed against the app. Each test fails without its fix."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from academy import clock
from academy.accounts.models import EmailConfirmation, Invitation, PasswordReset, User
from academy.config import ConfigError, load
from academy.extensions import db
from tests.fixtures.mail import free_port, mail_text, wait_for
from tests.fixtures.settings import PRODUCTION_SECRET_KEY, ROOT, make_environ
from tests.fixtures.web import CSRF, PASSWORD, csrf_token, login, post
from tests.web.test_migrations import empty_database  # noqa: F401 (a fixture)

CONFIRM_LINK = re.compile(r"https://academy\.example\.com(/register/confirm/[A-Za-z0-9_\-]+)")
RESET_LINK = re.compile(r"https://academy\.example\.com(/password/reset/[A-Za-z0-9_\-]+)")


def register(client, email, name="Nora Neu", password=PASSWORD):
    return post(
        client,
        "/register",
        {"name": name, "email": email, "password": password, "password_repeat": password},
    )


def person(app, email) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


# --- 2: self-registration needs the mailed confirmation link -----------------------------


def test_a_registered_address_signs_in_only_after_its_link_is_used(mail_app):
    application, inbox = mail_app
    visitor = application.test_client()
    response = register(visitor, "ceo@firma.example")
    assert response.headers["Location"] == "/register/confirm"
    assert visitor.get("/certificates").status_code == 302  # not signed in
    refused = post(visitor, "/login", {"email": "ceo@firma.example", "password": PASSWORD})
    assert refused.status_code == 302 and refused.headers["Location"] == "/register/confirm"
    assert "bestätigen Sie zuerst" in visitor.get("/register/confirm").get_data(as_text=True)
    assert visitor.get("/certificates").status_code == 302

    wait_for(inbox)
    link = CONFIRM_LINK.search(mail_text(inbox.messages[0])).group(1)
    token = link.rsplit("/", 1)[1]
    with application.app_context():  # stored as a hash only
        stored = db.session.scalars(select(EmailConfirmation.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]

    stranger = application.test_client()  # the link alone confirms nothing
    wrong = post(stranger, link, {"password": "nicht das passwort"})
    assert wrong.status_code == 400 and "Passwort stimmt nicht" in wrong.get_data(as_text=True)
    assert person(application, "ceo@firma.example").email_verified_at is None

    confirmed = post(visitor, link, {"password": PASSWORD})
    assert confirmed.status_code == 302 and visitor.get("/certificates").status_code == 200
    assert person(application, "ceo@firma.example").email_verified_at is not None
    assert application.test_client().get(link).status_code == 404  # single use
    assert count(application, EmailConfirmation) == 0
    login(application.test_client(), "ceo@firma.example")


def test_domains_mode_also_needs_the_link(make_mail_app):
    application, inbox = make_mail_app(REGISTRATION="domains", REGISTRATION_DOMAINS="firma.de")
    visitor = application.test_client()
    assert register(visitor, "vorstand@firma.de").status_code == 302
    wait_for(inbox)
    assert inbox.recipients() == ["vorstand@firma.de"]
    refused = post(visitor, "/login", {"email": "vorstand@firma.de", "password": PASSWORD})
    assert refused.headers["Location"] == "/register/confirm"
    assert visitor.get("/certificates").status_code == 302


def test_a_confirmation_link_expires_and_retention_deletes_it(mail_app, monkeypatch, runner):
    application, inbox = mail_app
    register(application.test_client(), "spaet@firma.example")
    wait_for(inbox)
    link = CONFIRM_LINK.search(mail_text(inbox.messages[0])).group(1)
    later = clock.utcnow() + timedelta(hours=49)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert application.test_client().get(link).status_code == 404
    assert count(application, EmailConfirmation) == 1
    result = application.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert count(application, EmailConfirmation) == 0


def test_a_new_link_can_be_asked_for_with_a_neutral_answer(mail_app, create_user):
    application, inbox = mail_app
    register(application.test_client(), "neu@firma.example")
    _, confirmed = create_user(email="alt@firma.example")
    wait_for(inbox)
    answers = []
    for address in ("neu@firma.example", confirmed, "niemand@firma.example"):
        client = application.test_client()
        response = post(client, "/register/confirm", {"email": address})
        answers.append(response.status_code)
        assert "Falls es zu dieser Adresse ein Konto gibt" in client.get(
            response.headers["Location"]
        ).get_data(as_text=True)
    assert answers == [302, 302, 302]
    wait_for(inbox, 2)
    assert inbox.recipients() == ["neu@firma.example", "neu@firma.example"]


def test_invited_imported_and_existing_people_need_no_confirmation(app, signed_in, create_user):
    from academy.accounts import services

    _, email = create_user()  # made by the fixture like by an admin
    login(app.test_client(), email)
    with app.test_request_context():
        (imported,) = services.create_people(
            [{"email": "import@firma.example", "name": "Ina Import", "roles": ["learner"]}], None
        )
        assert imported.email_verified_at is not None
        db.session.commit()
    admin, _ = signed_in("admin")
    page = post(admin, "/invitations", {"invite-emails": "gast@firma.example"})
    link = re.search(r"(/invitation/[A-Za-z0-9_\-]+)", page.get_data(as_text=True)).group(1)
    guest = app.test_client()
    accepted = post(
        guest, link, {"name": "Gina Gast", "password": PASSWORD, "password_repeat": PASSWORD}
    )
    assert accepted.status_code == 302 and guest.get("/certificates").status_code == 200


def test_an_invitation_takes_over_an_unconfirmed_squatters_account(app, signed_in):
    register(
        app.test_client(),
        "opfer@firma.example",
        name="Falscher Name",
        password="des angreifers satz",
    )
    admin, _ = signed_in("admin")
    page = post(admin, "/invitations", {"invite-emails": "opfer@firma.example"})
    link = re.search(r"(/invitation/[A-Za-z0-9_\-]+)", page.get_data(as_text=True)).group(1)
    victim = app.test_client()
    assert "Falscher Name" not in victim.get(link).get_data(as_text=True)
    accepted = post(
        victim, link, {"name": "Olga Opfer", "password": PASSWORD, "password_repeat": PASSWORD}
    )
    assert accepted.status_code == 302 and victim.get("/certificates").status_code == 200
    assert person(app, "opfer@firma.example").name == "Olga Opfer"
    attacker = post(
        app.test_client(),
        "/login",
        {"email": "opfer@firma.example", "password": "des angreifers satz"},
    )
    assert attacker.status_code == 400


def test_the_migration_keeps_existing_accounts_signing_in(empty_database, tmp_path):  # noqa: F811
    """Accounts from before count as confirmed; look-alike addresses and names that hide
    characters are cleaned up (rows 2, 14 and 18)."""
    from flask_migrate import upgrade

    from academy.factory import create_app

    application = create_app(make_environ(empty_database, tmp_path))
    with application.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, active, session_version, created_at)"
                    " VALUES (1, :email, :name, true, 1, :t)"
                ),
                {
                    "email": "ＡＮＮＡ@Firma.example",
                    "name": "Anna\u200b\nMuster",
                    "t": clock.utcnow(),
                },
            )
        upgrade()
        row = db.session.get(User, 1)
        assert (row.email, row.name) == ("anna@firma.example", "Anna Muster")
        assert row.email_verified_at is not None
        db.session.remove()
        db.engine.dispose()


# --- 7: sign-out and password change end copied sessions; remember-me is short -----------


def test_sign_out_ends_a_copied_session_and_remember_cookie(app, create_user):
    _, email = create_user()
    owner = app.test_client()
    post(owner, "/login", {"email": email, "password": PASSWORD, "remember": "y"})
    session_cookie = owner.get_cookie("session").value
    remember_cookie = owner.get_cookie("remember_token").value
    thief, remembered = app.test_client(), app.test_client()
    thief.set_cookie("session", session_cookie)
    remembered.set_cookie("remember_token", remember_cookie)
    assert thief.get("/certificates").status_code == 200
    assert remembered.get("/certificates").status_code == 200
    post(owner, "/logout")
    assert thief.get("/certificates").status_code == 302
    assert app.test_client().get("/certificates").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember_cookie)
    assert fresh.get("/certificates").status_code == 302


def test_a_password_change_ends_a_copied_remember_cookie(app, create_user):
    _, email = create_user()
    owner = app.test_client()
    post(owner, "/login", {"email": email, "password": PASSWORD, "remember": "y"})
    remember_cookie = owner.get_cookie("remember_token").value
    new = "ein anderer langer satz"
    changed = post(
        owner,
        "/account",
        {
            "action": "password",
            "password-current": PASSWORD,
            "password-password": new,
            "password-password_repeat": new,
        },
    )
    assert changed.status_code == 302 and owner.get("/certificates").status_code == 200
    copy = app.test_client()
    copy.set_cookie("remember_token", remember_cookie)
    assert copy.get("/certificates").status_code == 302


def test_sign_in_starts_a_new_session(app, create_user):
    """Nothing of the visitor's session (a planted CSRF token) carries over."""
    _, email = create_user()
    client = app.test_client()
    before = csrf_token(client, "/login")
    login(client, email)
    assert csrf_token(client) != before


def test_remember_me_lasts_at_most_thirty_days(app, create_user, make_app, tmp_path):
    _, email = create_user()
    client = app.test_client()
    response = post(client, "/login", {"email": email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c)
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    from email.utils import parsedate_to_datetime

    days = (parsedate_to_datetime(expires).replace(tzinfo=None) - clock.utcnow()).days
    assert 13 <= days <= 14  # the default
    with pytest.raises(ConfigError, match="REMEMBER_ME_DAYS"):
        load({"APP_ENV": "development", "INSTANCE_DIR": str(tmp_path), "REMEMBER_ME_DAYS": "365"})
    off = make_app(REMEMBER_ME_DAYS="0").test_client()
    assert "Angemeldet bleiben" not in off.get("/login").get_data(as_text=True)


# --- 9 and 10: rate limits by IP and by account; production refuses memory:// ---------


def test_password_change_is_rate_limited(make_app, create_user):
    limited = make_app(RATELIMIT_ENABLED="true")
    _, email = create_user()
    client = limited.test_client()
    login(client, email)
    guess = {
        "action": "password",
        "password-current": "geraten",
        "password-password": "ein anderer langer satz",
        "password-password_repeat": "ein anderer langer satz",
    }
    codes = [post(client, "/account", guess).status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]


def test_sign_in_is_limited_per_account_across_addresses(make_app, create_user):
    limited = make_app(RATELIMIT_ENABLED="true")
    _, email = create_user()
    codes = []
    for number in range(11):  # each guess from another IP address
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number + 1}"
        codes.append(post(client, "/login", {"email": email, "password": "geraten"}).status_code)
    assert codes == [400] * 10 + [429]


def test_successful_sign_ins_do_not_use_up_an_offices_limit(make_app, create_user):
    """Behind one NAT, only failed attempts count against the shared address."""
    limited = make_app(RATELIMIT_ENABLED="true")
    people = [create_user()[1] for _ in range(25)]
    codes = [
        post(limited.test_client(), "/login", {"email": e, "password": PASSWORD}).status_code
        for e in people
    ]
    assert codes == [302] * 25


@pytest.mark.parametrize(
    ("extra", "argv"),
    [
        ({"WEB_CONCURRENCY": "2"}, ["gunicorn", "app:app"]),
        ({}, ["gunicorn", "--workers", "4", "app:app"]),
        ({}, ["gunicorn", "-w3", "app:app"]),
        ({"GUNICORN_CMD_ARGS": "--workers=2"}, ["gunicorn", "app:app"]),
        ({}, ["gunicorn", "-c", "{several}", "app:app"]),
    ],
)
def test_production_refuses_memory_rate_limits_behind_several_workers(tmp_path, extra, argv):
    several = tmp_path / "several.conf.py"
    several.write_text("workers = 4\n")
    argv = [str(several) if a == "{several}" else a for a in argv]
    env = {
        "SERVER_SOFTWARE": "gunicorn/23.0.0",
        "SECRET_KEY": PRODUCTION_SECRET_KEY,
        "PUBLIC_URL": "https://academy.example.com",
        "INSTANCE_DIR": str(tmp_path),
        **extra,
    }
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI is memory://"):
        load(env, argv)
    assert load(env | {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/2"}, argv).production
    # One worker, with the project's own gunicorn.conf.py (it sets the logger only).
    assert Path("gunicorn.conf.py").exists()
    assert load({**env, "WEB_CONCURRENCY": "1"}, ["gunicorn", "-w", "1", "app:app"]).production


def test_gunicorn_with_two_workers_and_memory_limits_does_not_start(database_url, tmp_path):
    environ = {
        **os.environ,
        **make_environ(database_url, tmp_path),
        "APP_ENV": "production",
        "SECRET_KEY": PRODUCTION_SECRET_KEY,
        "PYTHONPATH": str(ROOT / "platform"),
    }
    environ.pop("RATELIMIT_STORAGE_URI", None)
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{free_port()}", "app:app"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "configuration error: RATELIMIT_STORAGE_URI is memory://" in result.stderr


@pytest.mark.parametrize(
    "key",
    ["s" * 40, "changeme" * 5, "academy-production-secret-key-2026!!", "0123456789" * 4],
)
def test_production_refuses_a_weak_secret_key(tmp_path, key):
    env = {
        "APP_ENV": "production",
        "SECRET_KEY": key,
        "PUBLIC_URL": "https://academy.example.com",
        "INSTANCE_DIR": str(tmp_path),
    }
    with pytest.raises(ConfigError, match="SECRET_KEY is too weak"):
        load(env)


def test_production_accepts_random_secret_keys(tmp_path):
    import secrets

    for key in [secrets.token_hex(16) for _ in range(50)] + [secrets.token_urlsafe(32)]:
        env = {
            "APP_ENV": "production",
            "SECRET_KEY": key,
            "PUBLIC_URL": "https://academy.example.com",
            "INSTANCE_DIR": str(tmp_path),
        }
        assert load(env).secret_key == key


def test_a_key_found_strong_is_not_estimated_again_and_proves_no_other_key(tmp_path):
    """The strength estimate is skipped on later starts (it cost a third of a second of
    every worker's start); what the instance folder remembers holds for that key only."""
    import json
    import subprocess
    import sys

    from tests.fixtures.settings import PRODUCTION_SECRET_KEY, ROOT

    env = {
        "APP_ENV": "production",
        "SECRET_KEY": PRODUCTION_SECRET_KEY,
        "PUBLIC_URL": "https://academy.example.com",
        "INSTANCE_DIR": str(tmp_path),
    }
    probe = (
        "import json, sys; from academy import config; "
        f"config.load({env!r}); print(json.dumps('zxcvbn' in sys.modules))"
    )

    def estimated() -> bool:
        run = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT / "platform", capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    assert estimated() is True
    assert estimated() is False
    assert (tmp_path / "secret-key-checked").stat().st_mode & 0o077 == 0
    with pytest.raises(ConfigError, match="SECRET_KEY is too weak"):
        load({**env, "SECRET_KEY": "changeme" * 5})


# --- 11: password policy ---------------------------------------------------------------


def _common_long_password() -> str:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return next(p for p in FREQUENCY_LISTS["passwords"] if len(p) >= 12)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaa", "mindestens 12 Zeichen"),
        ("1234567890", "mindestens 12 Zeichen"),
        (" " * 12, "nur aus Leerzeichen oder unsichtbaren Zeichen"),
        ("\u200b" * 12, "nur aus Leerzeichen oder unsichtbaren Zeichen"),
        ("aaaaaaaaaaaa", "leicht zu erraten"),
        ("123456789012", "leicht zu erraten"),
        ("passwort1234", "leicht zu erraten"),
        (None, "Liste häufig benutzter Passwörter"),
        ("nora.neu@firma.example", "nicht Ihre E-Mail-Adresse oder Ihr Name"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_message(client, app, password, message):
    password = password if password is not None else _common_long_password()
    response = register(client, "nora.neu@firma.example", password=password)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(app, User) == 0


def test_the_password_policy_speaks_english_too(client):
    client.set_cookie("lang", "en")
    response = register(client, "nora.neu@firma.example", password="123456789012")
    assert "easy to guess" in response.get_data(as_text=True)


def test_the_policy_holds_for_reset_and_change_as_well(app, signed_in):
    client, _ = signed_in()
    refused = post(
        client,
        "/account",
        {
            "action": "password",
            "password-current": PASSWORD,
            "password-password": "qwertzuiop12",
            "password-password_repeat": "qwertzuiop12",
        },
    )
    assert refused.status_code == 400 and "leicht zu erraten" in refused.get_data(as_text=True)


def test_demo_accounts_still_sign_in(runner, client):
    assert runner.invoke(args=["users", "demo", "--yes"]).exit_code == 0
    login(client, "admin@demo.example", "demo-passwort")


# --- 12: neutral answers for registration and reset; the same work either way -----------


def test_registering_a_taken_address_answers_the_same_and_mails_the_owner(
    mail_app, create_user, monkeypatch
):
    from academy.accounts import services

    application, inbox = mail_app
    _, taken = create_user(email="da@firma.example", name="Dora Da")
    hashed = []
    original = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda p: hashed.append(p) or original(p))
    answers = {}
    for address in ("da@firma.example", "frei@firma.example"):
        client = application.test_client()
        response = register(client, address, name="Mallory M", password="ein anderer langer satz")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers[address] = (
            response.status_code,
            response.headers["Location"],
            "Fast geschafft" in page,
        )
    assert (
        answers["da@firma.example"]
        == answers["frei@firma.example"]
        == (302, "/register/confirm", True)
    )
    assert len(hashed) == 2  # the taken address cost a hash too: no timing gap
    wait_for(inbox, 2)
    by_recipient = {m.rcpt_tos[0]: mail_text(m) for m in inbox.messages}
    assert "schon eines" in by_recipient["da@firma.example"]
    assert "/register/confirm/" not in by_recipient["da@firma.example"]
    assert person(application, "da@firma.example").name == "Dora Da"  # nothing changed
    login(application.test_client(), taken)


def test_reset_answers_the_same_for_known_and_unknown_addresses(mail_app, create_user):
    application, inbox = mail_app
    _, email = create_user()
    answers = []
    for address in (email, "niemand@firma.example"):
        response = post(application.test_client(), "/password/forgot", {"email": address})
        answers.append((response.status_code, response.headers["Location"]))
    assert answers[0] == answers[1] == (302, "/login")
    wait_for(inbox)
    assert inbox.recipients() == [email]


# --- 13: a used link or a new password voids the older reset links ------------------------


def _reset_link(application, inbox, email, number) -> str:
    post(application.test_client(), "/password/forgot", {"email": email})
    wait_for(inbox, number)
    return RESET_LINK.search(mail_text(inbox.messages[number - 1])).group(1)


def test_using_a_reset_link_voids_the_older_ones(mail_app, create_user):
    application, inbox = mail_app
    _, email = create_user()
    first = _reset_link(application, inbox, email, 1)
    second = _reset_link(application, inbox, email, 2)
    new = "ein ganz anderer satz"
    used = post(application.test_client(), second, {"password": new, "password_repeat": new})
    assert used.status_code == 302
    assert application.test_client().get(first).status_code == 404
    assert count(application, PasswordReset) == 0


def test_changing_the_password_voids_reset_links(mail_app, create_user):
    application, inbox = mail_app
    _, email = create_user()
    link = _reset_link(application, inbox, email, 1)
    client = application.test_client()
    login(client, email)
    new = "ein ganz anderer satz"
    post(
        client,
        "/account",
        {
            "action": "password",
            "password-current": PASSWORD,
            "password-password": new,
            "password-password_repeat": new,
        },
    )
    assert application.test_client().get(link).status_code == 404


def test_a_reset_link_confirms_an_unconfirmed_address(mail_app):
    """Whoever cannot remember the password chosen at registration still gets in."""
    application, inbox = mail_app
    register(application.test_client(), "vergesslich@firma.example")
    wait_for(inbox)
    link = _reset_link(application, inbox, "vergesslich@firma.example", 2)
    new = "ein ganz anderer satz"
    client = application.test_client()
    assert post(client, link, {"password": new, "password_repeat": new}).status_code == 302
    assert client.get("/certificates").status_code == 200


# --- 14 and 18: names are one visible line; look-alike addresses are one account ---------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Eve\r\nBcc: alle@firma.example", "nur eine Zeile"),
        ("Eve\u202eevil", "unsichtbare Zeichen"),
        ("\u200b\u200b\u200b", "unsichtbare Zeichen"),
        ("\u3164\u3164", "unsichtbare Zeichen"),
        ("A", "mindestens zwei sichtbare Zeichen"),
        ("   ", "mindestens zwei sichtbare Zeichen"),
    ],
)
def test_names_that_break_lines_or_hide_are_refused(client, app, name, message):
    response = register(client, "name@firma.example", name=name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(app, User) == 0


def test_a_profile_name_cannot_be_disguised(signed_in, app):
    client, user_id = signed_in(name="Ehrlich Echt")
    response = post(client, "/account", {"action": "profile", "profile-name": "Chef\u202eniemand"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, user_id).name == "Ehrlich Echt"


def test_the_hr_import_refuses_hidden_characters_in_names(app, runner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("email,name,department\nx@firma.example,Max\u200bMuster,Vertrieb\n")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1 and ":2:" in result.output
    assert "invisible characters" in result.output  # commands speak English
    assert person(app, "x@firma.example") is None


@pytest.mark.parametrize(
    "look_alike",
    ["ｌｅｒｎｅｎｄｅ@firma.example", "\u217cernende@firma.example", "LERNENDE@FIRMA.EXAMPLE"],
)
def test_look_alike_addresses_are_one_account(mail_app, create_user, look_alike):
    application, inbox = mail_app
    create_user(email="lernende@firma.example")
    register(application.test_client(), look_alike, name="Mallory M")
    wait_for(inbox)
    assert inbox.recipients() == ["lernende@firma.example"]  # the owner is told
    assert count(application, User) == 1
    login(application.test_client(), look_alike)  # and it signs in to that one account


def test_addresses_mixing_latin_and_cyrillic_are_refused(client, app):
    response = register(client, "l\u0435rnende@firma.example")  # a Cyrillic "е"
    assert response.status_code == 400 and "keine gültige E-Mail-Adresse" in response.get_data(
        as_text=True
    )
    assert count(app, User) == 0


# --- 21: invitations refuse addresses sign-in would reject ------------------------------


def test_production_invitations_refuse_addresses_nobody_can_sign_in_with(make_app, create_user):
    """Sign-in refuses the demo domain in production, so an invitation to it is refused."""
    production = make_app(APP_ENV="production", SECRET_KEY=PRODUCTION_SECRET_KEY)
    _, email = create_user("admin")
    admin, base = production.test_client(), "https://academy.example.com"

    def send(path, data):
        page = admin.get(path, base_url=base).get_data(as_text=True)
        token = CSRF.search(page).group(1)
        return admin.post(
            path,
            base_url=base,
            headers={"Referer": base + path},  # CSRF over HTTPS wants it
            data={"csrf_token": token, **data},
        )

    assert send("/login", {"email": email, "password": PASSWORD}).status_code == 302
    response = send("/invitations", {"invite-emails": "ok@firma.example\nchef@demo.example"})
    assert response.status_code == 400 and "chef@demo.example" in response.get_data(as_text=True)
    assert count(production, Invitation) == 0


def test_invited_addresses_are_stored_as_sign_in_compares_them(signed_in, app):
    admin, _ = signed_in("admin")
    post(admin, "/invitations", {"invite-emails": "ＧＡＳＴ@Firma.example"})
    with app.app_context():
        assert db.session.scalars(select(Invitation.email)).all() == ["gast@firma.example"]
