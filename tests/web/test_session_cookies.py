"""Each worker remembers session cookies it has verified (academy/session_cookies.py):
a changed cookie is checked as before, and the age limit still applies."""

from __future__ import annotations

import time
from datetime import timedelta

from tests.fixtures.journey import COURSE
from tests.fixtures.web import login

LESSON = f"/courses/{COURSE}/datenschutz-grundlagen"


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_changed_cookie_is_not_taken_from_the_kept_ones(app, create_user):
    _, email = create_user()
    client = app.test_client()
    login(client, email)
    assert client.get(LESSON).status_code == 200
    cookie = _session_cookie(client)
    assert client.get(LESSON).status_code == 200  # now kept
    forged = cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    client.set_cookie("session", forged)
    response = client.get(LESSON)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_kept_cookie_still_ages(app, create_user):
    _, email = create_user()
    client = app.test_client()
    login(client, email)
    assert client.get(LESSON).status_code == 200
    assert client.get(LESSON).status_code == 200  # kept
    app.permanent_session_lifetime = timedelta(seconds=1)
    try:
        time.sleep(2.1)  # itsdangerous counts whole seconds
        response = client.get(LESSON)
    finally:
        app.permanent_session_lifetime = timedelta(days=31)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_what_a_request_changes_in_its_session_stays_its_own(app, create_user):
    """Two requests with the same cookie each start from the cookie's contents: a
    message flashed in one does not show in the other."""
    _, email = create_user()
    client = app.test_client()
    login(client, email)
    client.get(LESSON)
    cookie = _session_cookie(client)
    from tests.fixtures.web import post

    post(client, f"/courses/{COURSE}/daten-als-rohstoff/done")  # flashes a message
    client.set_cookie("session", cookie)  # back to the cookie before
    assert "ist abgeschlossen" not in client.get(LESSON).get_data(as_text=True)
