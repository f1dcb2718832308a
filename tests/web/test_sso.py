"""Single sign-on against a real OpenID provider process (tests/oidc/provider.mjs):
the sign-in, every check of the ID token, just-in-time accounts, claim mapping,
leavers, sign-out and the error pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from academy.accounts.models import Department, User
from academy.extensions import db
from academy.sso.models import SsoIdentity
from tests.fixtures.oidc import through_provider, user


@pytest.fixture
def sso_app(make_app, provider):
    def make(**settings: str):
        return make_app(**provider.settings(**settings))

    return make


def test_first_sign_in_creates_the_person_with_department_and_roles(sso_app, provider):
    provider.set_users(
        alice=user(
            "Alice@Firma.example", "Alice Adler", department="Vertrieb", groups=["ki-hr", "x"]
        )
    )
    app = sso_app(OIDC_DEPARTMENT_CLAIM="department", OIDC_ROLE_MAP="ki-hr=hr,ki-admin=admin")
    client = app.test_client()
    response = through_provider(client, provider, "alice")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Alice Adler" in client.get("/").get_data(as_text=True)
    with app.app_context():
        alice = db.session.scalar(select(User).where(User.email == "alice@firma.example"))
        assert alice.name == "Alice Adler" and alice.password_hash is None
        assert alice.department.name == "Vertrieb"
        assert alice.roles == {"learner", "hr"}
        identity = db.session.scalar(select(SsoIdentity))
        assert (identity.user_id, identity.subject, identity.issuer) == (
            alice.id, "alice", provider.issuer,
        )  # fmt: skip


def count(app, model) -> int:
    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return found


def signed_in_as(client) -> str | None:
    page = client.get("/account")
    return None if page.status_code != 200 else page.get_data(as_text=True)


@pytest.fixture
def alice(provider):
    provider.set_users(alice=user("alice@firma.example", "Alice Adler", groups=["ki-trainer"]))
    return provider


@pytest.mark.parametrize(
    ("mutation", "reason"),
    [
        ({"set": {"aud": "another-client"}}, "invalid_token"),
        ({"set": {"iss": "http://127.0.0.1:1/other"}}, "invalid_token"),
        ({"set": {"exp": 1_000_000_000, "iat": 999_999_000}}, "clock_skew"),
        ({"set": {"iat": 4_000_000_000}}, "clock_skew"),
        ({"replayNonce": True}, "invalid_token"),
        ({"remove": ["nonce"]}, "invalid_token"),
    ],
    ids=[
        "wrong-audience",
        "wrong-issuer",
        "expired",
        "issued-in-future",
        "replayed-nonce",
        "no-nonce",
    ],
)
def test_each_token_check_refuses(sso_app, alice, mutation, reason):
    app = sso_app()
    first = app.test_client()
    assert through_provider(first, alice, "alice").status_code == 302  # a nonce to replay
    client = app.test_client()
    alice.mutate(**mutation)
    response = through_provider(client, alice, "alice")
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 502) and reason in page
    assert "Traceback" not in page
    assert signed_in_as(client) is None


def test_a_signature_by_another_key_is_refused(sso_app, alice):
    from tests.fixtures.oidc import new_key

    app = sso_app()
    client = app.test_client()
    forged = new_key("key-1")  # the provider's key id, another key
    alice.mutate(signWith=forged)
    response = through_provider(client, alice, "alice")
    assert response.status_code == 400 and "invalid_token" in response.get_data(as_text=True)
    assert count(app, User) == 0 and count(app, SsoIdentity) == 0


def test_key_rotation_fetches_the_keys_once_more_and_an_unknown_key_is_refused(sso_app, alice):
    from tests.fixtures.oidc import new_key

    app = sso_app()
    assert through_provider(app.test_client(), alice, "alice").status_code == 302
    fetched = alice.stats()["jwks"]
    assert through_provider(app.test_client(), alice, "alice").status_code == 302
    assert alice.stats()["jwks"] == fetched  # the key set is cached
    alice.configure(keys=[new_key("key-2"), *alice.keys])  # the provider rotates
    assert through_provider(app.test_client(), alice, "alice").status_code == 302
    assert alice.stats()["jwks"] == fetched + 1  # one more fetch for the new key id
    alice.mutate(signWith=new_key("key-unknown"))
    response = through_provider(app.test_client(), alice, "alice")
    assert response.status_code == 400 and "invalid_token" in response.get_data(as_text=True)
    assert alice.stats()["jwks"] == fetched + 2  # asked once, then refused


def test_replaying_a_callback_is_refused(sso_app, alice):
    app = sso_app()
    client = app.test_client()
    response = client.get("/login/sso")
    alice.next_login("alice")
    import requests

    browser, location = requests.Session(), response.headers["Location"]
    while not location.startswith("https://academy.example.com"):
        answer = browser.get(location, allow_redirects=False, timeout=10)
        location = requests.compat.urljoin(location, answer.headers["Location"])
    callback = location.removeprefix("https://academy.example.com")
    assert client.get(callback).status_code == 302
    other = app.test_client()
    with client.session_transaction() as session:
        stolen = dict(session)
    with other.session_transaction() as session:
        session.update({k: v for k, v in stolen.items() if k.startswith("_state")})
    again = other.get(callback)
    assert again.status_code == 400 and "state_lost" in again.get_data(as_text=True)


def test_an_existing_account_is_linked_only_with_a_verified_address(sso_app, provider, create_user):
    user_id, _ = create_user("learner", email="bob@firma.example", name="Bob Alt")
    provider.set_users(
        bob=user("bob@firma.example", "Bob Neu", email_verified=False),
        bob2=user("bob@firma.example", "Bob Neu", email_verified="true"),
    )
    app = sso_app()
    refused = through_provider(app.test_client(), provider, "bob")
    assert refused.status_code == 403 and "email_not_verified" in refused.get_data(as_text=True)
    assert count(app, SsoIdentity) == 0
    client = app.test_client()
    assert through_provider(client, provider, "bob2").status_code == 302
    with app.app_context():
        identity = db.session.scalar(select(SsoIdentity))
        assert identity.user_id == user_id and identity.subject == "bob2"
        assert db.session.get(User, user_id).name == "Bob Neu"
    assert count(app, User) == 1


def test_an_unverified_address_creates_nothing(sso_app, provider):
    provider.set_users(eve=user("ceo@firma.example", "Eve", email_verified=False))
    app = sso_app()
    response = through_provider(app.test_client(), provider, "eve")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "E-Mail-Adresse nicht bestätigt" in page
    assert count(app, User) == 0 and count(app, SsoIdentity) == 0


def test_the_subject_finds_the_person_after_an_address_change(sso_app, provider):
    provider.set_users(carl=user("carl@firma.example", "Carl"))
    app = sso_app()
    assert through_provider(app.test_client(), provider, "carl").status_code == 302
    provider.set_users(carl=user("carl.neu@firma.example", "Carl"))
    assert through_provider(app.test_client(), provider, "carl").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(User.email)).all() == ["carl.neu@firma.example"]


def test_department_and_roles_follow_the_claims_on_every_sign_in(sso_app, provider, create_user):
    app = sso_app(OIDC_DEPARTMENT_CLAIM="department", OIDC_ROLE_MAP="ki-hr=hr,ki-admin=admin")
    provider.set_users(
        dora=user("dora@firma.example", "Dora", department="Einkauf", groups=["ki-admin"])
    )
    assert through_provider(app.test_client(), provider, "dora").status_code == 302
    with app.app_context():
        dora = db.session.scalar(select(User))
        dora.role_rows.append(type(dora.role_rows[0])(name="trainer"))  # given by an admin here
        db.session.commit()
    provider.set_users(
        dora=user("dora@firma.example", "Dora", department="Vertrieb", groups=["ki-hr"])
    )
    assert through_provider(app.test_client(), provider, "dora").status_code == 302
    with app.app_context():
        dora = db.session.scalar(select(User))
        assert dora.roles == {"learner", "hr", "trainer"}  # admin taken, trainer not the map's
        assert dora.department.name == "Vertrieb"
        assert sorted(db.session.scalars(select(Department.name))) == ["Einkauf", "Vertrieb"]


def test_unknown_group_is_refused_when_a_group_is_required(sso_app, provider):
    provider.set_users(
        fred=user("fred@firma.example", "Fred", groups=["kantine"]),
        gina=user("gina@firma.example", "Gina", groups=["ki-alle"]),
    )
    app = sso_app(OIDC_ROLE_MAP="ki-alle=learner,ki-hr=hr", OIDC_REQUIRE_GROUP="true")
    response = through_provider(app.test_client(), provider, "fred", start="/login/sso?next=/x")
    assert response.status_code == 403 and "unknown_group" in response.get_data(as_text=True)
    assert count(app, User) == 0
    assert through_provider(app.test_client(), provider, "gina").status_code == 302


def test_a_deactivated_person_is_refused(sso_app, alice):
    app = sso_app()
    assert through_provider(app.test_client(), alice, "alice").status_code == 302
    with app.app_context():
        person = db.session.scalar(select(User))
        person.active = False
        db.session.commit()
    client = app.test_client()
    response = through_provider(client, alice, "alice")
    assert response.status_code == 403 and "Konto gesperrt" in response.get_data(as_text=True)
    assert signed_in_as(client) is None


def test_a_person_removed_at_the_provider_is_asked_again_after_the_maximum_age(
    sso_app, alice, monkeypatch
):
    from datetime import timedelta

    from academy import clock

    app = sso_app(OIDC_SESSION_HOURS="12")
    client = app.test_client()
    assert through_provider(client, alice, "alice").status_code == 302
    assert signed_in_as(client)
    later = clock.utcnow() + timedelta(hours=12, minutes=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/sso?next=/account")
    assert signed_in_as(client) is None  # the local session ended


def test_a_kept_lesson_page_ends_with_the_single_sign_on_session(sso_app, alice, monkeypatch):
    """Lesson pages served without the app (learning/direct.py) keep to the maximum
    age too."""
    from datetime import timedelta

    from academy import clock
    from tests.web.test_direct_lessons import LESSON, get, warm

    app = sso_app(OIDC_SESSION_HOURS="12")
    client = app.test_client()
    assert through_provider(client, alice, "alice").status_code == 302
    warm(app, client)
    later = clock.utcnow() + timedelta(hours=12, minutes=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    response, direct = get(app, client)
    assert not direct and response.status_code == 302
    assert response.headers["Location"].startswith(f"/login/sso?next={LESSON}")


def test_consent_refused_at_the_provider(sso_app, alice):
    app = sso_app()
    response = through_provider(app.test_client(), alice, cancel=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "Anmeldung abgebrochen" in page
    assert count(app, User) == 0


def test_provider_down_gives_a_clear_page_in_english_too(make_app):
    from tests.fixtures.oidc import CLIENT_ID, CLIENT_SECRET, free_port

    app = make_app(
        OIDC_ISSUER=f"http://127.0.0.1:{free_port()}",
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
    )
    client = app.test_client()
    german = client.get("/login/sso")
    assert german.status_code == 503 and "Anmeldedienst nicht erreichbar" in german.get_data(
        as_text=True
    )
    english = client.get("/login/sso", headers={"Accept-Language": "en"})
    assert english.status_code == 503 and "not reachable" in english.get_data(as_text=True)


def test_sign_out_ends_the_session_and_goes_to_the_provider(sso_app, alice):
    from tests.fixtures.web import post

    app = sso_app()
    client = app.test_client()
    through_provider(client, alice, "alice")
    response = post(client, "/logout")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(alice.issuer + "/session/end")
    assert "post_logout_redirect_uri=https%3A%2F%2Facademy.example.com%2Flogin" in location
    assert signed_in_as(client) is None


def test_login_page_offers_the_company_account_first(sso_app, provider):
    page = sso_app().test_client().get("/login").get_data(as_text=True)
    assert page.index("Mit Firmenkonto anmelden") < page.index('name="password"')


def test_sso_routes_are_not_found_without_configuration(client):
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback").status_code == 404


SSO_ROLES = ["anonymous", "learner", "trainer", "hr", "admin"]


@pytest.mark.parametrize("role", SSO_ROLES)
def test_sso_routes_for_every_role(sso_app, provider, create_user, role):
    """The route x role matrix for the SSO routes, with SSO configured: anyone may
    start (signed-in people go on to their page), a callback without a sign-in begun in
    this browser is refused for everyone, and neither GET changes a table."""
    from tests.fixtures.web import login
    from tests.web.test_access import database_fingerprint

    app = sso_app()
    client = app.test_client()
    if role != "anonymous":
        _, email = create_user(role)
        login(client, email)
    before = database_fingerprint(app)
    start = client.get("/login/sso?next=/certificates")
    expected = provider.issuer if role == "anonymous" else "/certificates"
    assert start.status_code == 302 and start.headers["Location"].startswith(expected)
    callback = client.get("/login/sso/callback?code=x&state=y")
    assert callback.status_code == 400 and "state_lost" in callback.get_data(as_text=True)
    assert database_fingerprint(app) == before


def test_private_key_jwt_instead_of_a_client_secret(make_app, provider, tmp_path):
    from joserfc.jwk import RSAKey

    from tests.fixtures.oidc import CLIENT_ID, client

    key = RSAKey.generate_key(2048, parameters={"kid": "academy-key"})
    (tmp_path / "client.pem").write_bytes(key.as_pem(private=True))
    public = key.as_dict(private=False)
    registered = client(token_endpoint_auth_method="private_key_jwt", jwks={"keys": [public]})
    del registered["client_secret"]
    provider.configure(clients=[registered], users={"ida": user("ida@firma.example", "Ida")})
    app = make_app(
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_PRIVATE_KEY_FILE=str(tmp_path / "client.pem"),
    )
    client_ = app.test_client()
    assert through_provider(client_, provider, "ida").status_code == 302
    assert "Ida" in signed_in_as(client_)


def test_local_passwords_off_leaves_the_break_glass_admin_only(sso_app, create_user):
    from tests.fixtures.web import PASSWORD, post

    create_user("admin", email="notfall@firma.example")
    create_user("learner", email="lena@firma.example")
    app = sso_app(LOCAL_PASSWORDS="false", BREAK_GLASS_ADMINS="notfall@firma.example")
    client = app.test_client()
    refused = post(client, "/login", {"email": "lena@firma.example", "password": PASSWORD})
    assert refused.status_code == 403
    assert "Bitte melden Sie sich mit Ihrem Firmenkonto an." in refused.get_data(as_text=True)
    assert signed_in_as(client) is None
    assert app.test_client().get("/register").status_code == 403
    admin = app.test_client()
    allowed = post(admin, "/login", {"email": "notfall@firma.example", "password": PASSWORD})
    assert allowed.status_code == 302 and signed_in_as(admin)
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "Notfallzugang für Admins" in page and "Passwort vergessen" not in page


def test_with_local_passwords_off_an_invitation_leads_to_the_company_sign_in(sso_app, app):
    from academy.accounts import services as accounts

    with app.app_context():
        token = accounts.create_invitation("neu@firma.example", ["learner"], None)
        db.session.commit()
    sso = sso_app(LOCAL_PASSWORDS="false").test_client()
    response = sso.get(f"/invitation/{token}")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Mit Firmenkonto anmelden" in sso.get("/login").get_data(as_text=True)


def test_the_content_security_policy_lets_sign_out_continue_at_the_provider_only(
    sso_app, provider, client
):
    with_sso = sso_app().test_client().get("/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer};" in with_sso
    assert "form-action 'self';" in client.get("/login").headers["Content-Security-Policy"]


def test_a_token_without_a_name_keeps_the_persons_name(sso_app, provider):
    provider.set_users(
        hugo={"password": "pw", "claims": {"email": "hugo@firma.example", "email_verified": True}}
    )
    app = sso_app()
    assert through_provider(app.test_client(), provider, "hugo").status_code == 302
    with app.app_context():
        person = db.session.scalar(select(User))
        assert person.name == "hugo"  # from the address, for a start
        person.name = "Hugo Hase"
        db.session.commit()
    assert through_provider(app.test_client(), provider, "hugo").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.name)) == "Hugo Hase"


def test_a_failure_after_the_first_write_leaves_no_half_account(sso_app, provider, monkeypatch):
    """A parallel request takes the department's name between check and write (made to
    happen here): the person, the link and the audit events created before are undone."""
    from academy.accounts.outcomes import AccountRefusal, AccountRefused
    from academy.audit import AuditEvent
    from academy.sso import services

    def taken(name, by):
        raise AccountRefused(AccountRefusal.DEPARTMENT_EXISTS, name=name)

    monkeypatch.setattr(services.accounts, "create_department", taken)
    provider.set_users(jan=user("jan@firma.example", "Jan", department="Neu"))
    app = sso_app(OIDC_DEPARTMENT_CLAIM="department")
    response = through_provider(app.test_client(), provider, "jan")
    assert response.status_code == 409 and "conflict" in response.get_data(as_text=True)
    assert count(app, User) == count(app, SsoIdentity) == count(app, AuditEvent) == 0


def test_single_sign_on_is_rate_limited_per_address(make_app):
    """Each callback may cost requests to the provider: a flood from one address stops."""
    from tests.fixtures.oidc import CLIENT_ID, CLIENT_SECRET, free_port

    limited = make_app(
        RATELIMIT_ENABLED="true",
        OIDC_ISSUER=f"http://127.0.0.1:{free_port()}",
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
    )
    client = limited.test_client()
    codes = [client.get("/login/sso/callback?state=x&code=y").status_code for _ in range(31)]
    assert 429 not in codes[:30] and codes[30] == 429
    other = limited.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert other.get("/login/sso/callback?state=x&code=y").status_code != 429
