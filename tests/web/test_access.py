"""Every route states who may use it, and the rule holds for every role."""

from __future__ import annotations

import pytest

from academy.accounts.access import rule_of
from tests.fixtures.web import csrf_token

# Routes whose GET a signed-out visitor may open; everything else sends them to sign in.
PUBLIC_GET = {"/login", "/register", "/password/forgot", "/privacy", "/verify"}
ADMIN_ONLY = {"/admin/users", "/admin/certificates"}
HR_OR_ADMIN = {"/invitations"}
SIGNED_IN = {
    "/",
    "/courses/ki-am-arbeitsplatz/",
    "/courses/ki-am-arbeitsplatz/daten-als-rohstoff",
    "/courses/ki-am-arbeitsplatz/exam",
    "/certificates",
    "/account",
}


def test_every_route_declares_an_access_rule(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and rule_of(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_every_state_change_is_a_post(app):
    """No GET route changes state: the ones that accept POST are forms with CSRF tokens."""
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        assert methods <= {"GET", "POST"}, rule


def test_routes_are_all_covered_here(app):
    get_routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    }
    covered = PUBLIC_GET | ADMIN_ONLY | HR_OR_ADMIN | SIGNED_IN | {"/courses/ki-am-arbeitsplatz/"}
    assert get_routes - covered <= {"/"}, get_routes - covered


@pytest.mark.parametrize("path", sorted(PUBLIC_GET))
def test_public_pages_open_for_visitors(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", sorted(SIGNED_IN | ADMIN_ONLY | HR_OR_ADMIN))
def test_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


ROLES = ["learner", "trainer", "hr", "admin"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(SIGNED_IN | ADMIN_ONLY | HR_OR_ADMIN))
def test_each_role_sees_what_it_may(signed_in, role, path):
    client, _ = signed_in(role)
    allowed = (
        path in SIGNED_IN
        or (path in ADMIN_ONLY and role == "admin")
        or (path in HR_OR_ADMIN and role in ("hr", "admin"))
    )
    assert client.get(path).status_code == (200 if allowed else 403)


@pytest.mark.parametrize("role", ["learner", "trainer", "hr"])
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/users/1/roles", {"u1-roles": ["admin"]}),
        ("/admin/users/1/active", {}),
        ("/admin/registration", {"policy-mode": "open"}),
        ("/admin/certificates/1/revoke", {"reason": "weil ich es kann"}),
    ],
)
def test_admin_actions_are_refused_for_other_roles(signed_in, role, path, data):
    client, _ = signed_in(role)
    assert client.post(path, data={"csrf_token": csrf_token(client), **data}).status_code == 403


def test_public_catalog_setting_opens_reading_not_progress(make_app):
    public = make_app(PUBLIC_COURSES="true").test_client()
    assert public.get("/").status_code == 200
    assert public.get("/courses/ki-am-arbeitsplatz/").status_code == 200
    module = public.get("/courses/ki-am-arbeitsplatz/daten-als-rohstoff")
    assert module.status_code == 200 and "Melden Sie sich an" in module.get_data(as_text=True)
    assert public.get("/courses/ki-am-arbeitsplatz/exam").status_code == 302
    assert public.get("/certificates").status_code == 302


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(signed_in):
    import re

    client, _ = signed_in("admin")
    for path in sorted(SIGNED_IN | ADMIN_ONLY | PUBLIC_GET):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(
            r"""(src|href)=["']https?://""", html.replace('href="https://academy.example.com', "")
        ), path
