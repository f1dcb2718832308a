"""An employee signs in with the company account in one click, in a real browser
against a real OpenID provider process, lands with department and roles from the
provider, and signs out at the provider too."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from academy.accounts.models import User
from academy.extensions import db
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.helpers import CSP_RECORDER, HOST
from tests.fixtures.oidc import client, user

pytestmark = pytest.mark.browser


@pytest.fixture
def sso_site(browser, make_app, provider):
    """An app with single sign-on on a free port (its PUBLIC_URL is its own address),
    registered at the provider; yields (base URL, app)."""
    holder = {}
    server = make_server(
        HOST, 0, lambda environ, start: holder["app"](environ, start), threaded=True
    )
    base = f"http://{HOST}:{server.server_port}"
    provider.configure(
        clients=[client(base)],
        users={
            "mia": user("mia@firma.example", "Mia Muster", password="geheim-123",
                        department="Personal", groups=["ki-hr"]),
        },
    )  # fmt: skip
    holder["app"] = make_app(
        **provider.settings(
            PUBLIC_URL=base, OIDC_DEPARTMENT_CLAIM="department", OIDC_ROLE_MAP="ki-hr=hr"
        )
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, holder["app"]
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def test_sign_in_with_the_company_account_and_out_again(browser, sso_site, provider):
    base, app = sso_site
    context = browser.new_context(base_url=base, locale="de-DE")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    try:
        page.goto("/certificates")  # a page that needs an account
        page.get_by_role("link", name="Mit Firmenkonto anmelden").click()
        expect(page).to_have_url(re.compile("^" + re.escape(provider.issuer) + "/interaction/"))
        page.get_by_label("User").fill("mia")
        page.get_by_label("Password").fill("geheim-123")
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(base + "/certificates")
        expect(page.locator(".account-name")).to_have_text("Mia Muster")
        expect(page.get_by_role("link", name="HR")).to_be_visible()  # the role from the group
        assert page.evaluate("window.__cspViolations") == []
        with app.app_context():
            mia = db.session.scalar(select(User).where(User.email == "mia@firma.example"))
            assert mia.department.name == "Personal" and "hr" in mia.roles
            db.session.remove()

        page.get_by_role("button", name="Abmelden").click()
        expect(page).to_have_url(re.compile("^" + re.escape(provider.issuer) + "/session/end"))
        page.get_by_role("button", name=re.compile("yes", re.I)).click()
        expect(page).to_have_url(re.compile("^" + re.escape(base) + "/login"))
        page.goto("/certificates")
        expect(page).to_have_url(re.compile("/login"))  # signed out here too
    finally:
        context.close()
