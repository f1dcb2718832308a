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
