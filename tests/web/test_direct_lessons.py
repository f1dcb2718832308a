"""A reader's repeat visit to a lesson is served from the kept pages before Flask runs
(learning/direct.py): the same page and headers as the app's, one query, and every change
the app would act on (sign-out, deactivation, roles, name, language, progress, age
limits, another browser, a course to look up again) acts on the next request."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import request_started
from sqlalchemy import event, update

from academy.accounts.models import Role, User
from academy.extensions import db
from tests.fixtures.journey import COURSE
from tests.fixtures.web import CSRF, login, post

LESSON = f"/courses/{COURSE}/datenschutz-grundlagen"
OTHER_LESSON = f"/courses/{COURSE}/daten-als-rohstoff"


def kept_lessons(app):
    return app.extensions["kept_lessons"]


def get(app, client, path=LESSON, **kwargs):
    """The response, and whether it came without the app (no request reached Flask)."""
    started: list[object] = []

    def record(_sender, **_extra):
        started.append(True)

    served_before = kept_lessons(app).served
    request_started.connect(record, app)
    try:
        response = client.get(path, **kwargs)
    finally:
        request_started.disconnect(record, app)
    direct = kept_lessons(app).served == served_before + 1
    assert direct != bool(started), "served both ways, or neither"
    return response, direct


def signed_in_reader(app, create_user, *roles, **kwargs):
    user_id, email = create_user(*roles, **kwargs)
    client = app.test_client()
    login(client, email)
    return user_id, client


def warm(app, client, path=LESSON, **kwargs):
    """Visits until the page comes directly (the first visit signs a token into the
    session, the second one is recorded)."""
    for _ in range(3):
        response, direct = get(app, client, path, **kwargs)
        if direct:
            return response
    pytest.fail("the lesson was never served directly")


def change_user(app, user_id, **values):
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(**values))
        db.session.commit()


def test_a_repeat_visit_gets_the_apps_page_and_headers_without_the_app(app, create_user):
    _, client = signed_in_reader(app, create_user, name="Anna <Admin>")
    direct = warm(app, client)
    kept_lessons(app).visits.clear()  # the next visit goes through the app again
    through_app, came_direct = get(app, client)
    assert not came_direct
    assert direct.get_data() == through_app.get_data()
    assert sorted(direct.headers.items()) == sorted(through_app.headers.items())
    html = direct.get_data(as_text=True)
    assert "Anna &lt;Admin&gt;" in html and "mark-8c0f3b7e61" not in html
    assert direct.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in direct.headers["Content-Security-Policy"]
    assert int(direct.headers["Content-Length"]) == len(direct.get_data())


def test_the_token_in_a_direct_page_works(app, create_user):
    _, client = signed_in_reader(app, create_user)
    (token,) = set(CSRF.findall(warm(app, client).get_data(as_text=True)))
    assert client.post(f"{LESSON}/done", data={"csrf_token": token}).status_code == 302


def test_a_direct_page_is_one_query(app, create_user, database_url):
    """Counted in SQLite itself: the direct path runs its query through the driver,
    below SQLAlchemy's statement events."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's trace callback counts the statements")
    _, client = signed_in_reader(app, create_user)
    warm(app, client)
    statements: list[str] = []

    def trace(dbapi_connection, _record, _proxy):
        dbapi_connection.set_trace_callback(statements.append)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "checkout", trace)
    try:
        _, direct = get(app, client)
    finally:
        event.remove(engine, "checkout", trace)
    assert direct
    assert [s for s in statements if s.lstrip().upper().startswith("SELECT")] == [
        s for s in statements if s.strip()
    ]
    assert len(statements) == 1, statements


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"session_version": User.session_version + 1}, id="signed-out-everywhere"),
        pytest.param({"active": False, "session_version": User.session_version + 1}, id="off"),
    ],
)
def test_a_stale_session_goes_to_the_app_and_to_sign_in(app, create_user, change):
    user_id, client = signed_in_reader(app, create_user)
    warm(app, client)
    change_user(app, user_id, **change)
    response, direct = get(app, client)
    assert not direct
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_name_roles_language_and_progress_act_on_the_next_direct_page(app, create_user):
    user_id, client = signed_in_reader(app, create_user, name="Erst Name")
    warm(app, client)
    change_user(app, user_id, name="Neu Name")
    page, direct = get(app, client)
    assert direct and "Neu Name" in page.get_data(as_text=True)
    with app.app_context():
        db.session.add(Role(user_id=user_id, name="hr"))
        db.session.commit()
    page, _ = get(app, client)  # another kind of reader: a page of its own
    assert "/hr/" in page.get_data(as_text=True)
    change_user(app, user_id, locale="en")
    page, _ = get(app, client)
    assert '<html lang="en"' in page.get_data(as_text=True)
    assert "You have completed this module." not in page.get_data(as_text=True)
    post(client, f"{LESSON}/done")  # a flashed message: the app shows it, nothing kept
    page = warm(app, client)
    assert "You have completed this module." in page.get_data(as_text=True)


def test_another_browser_or_address_goes_through_the_app_first(app, create_user):
    _, client = signed_in_reader(app, create_user)
    warm(app, client)
    _, direct = get(app, client, headers={"User-Agent": "Another browser"})
    assert not direct
    _, direct = get(app, client, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert not direct
    _, direct = get(app, client, headers={"Accept-Language": "en"})
    assert not direct
    _, direct = get(app, client, query_string={"x": "1"})
    assert not direct


def test_an_old_session_cookie_goes_to_the_app_and_to_sign_in(app, create_user):
    _, client = signed_in_reader(app, create_user)
    warm(app, client)
    app.permanent_session_lifetime = timedelta(seconds=1)
    try:
        time.sleep(2.1)  # itsdangerous counts whole seconds
        response, direct = get(app, client)
    finally:
        app.permanent_session_lifetime = timedelta(days=31)
    assert not direct
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_due_look_at_published_courses_goes_through_the_app(app, create_user):
    _, client = signed_in_reader(app, create_user)
    warm(app, client)
    app.extensions["catalog"].look_again()  # what a publish on this worker does
    _, direct = get(app, client)
    assert not direct
    _, direct = get(app, client)
    assert direct


def test_unknown_modules_and_other_routes_are_the_apps(app, create_user):
    _, client = signed_in_reader(app, create_user)
    warm(app, client)
    missing, direct = get(app, client, f"/courses/{COURSE}/no-such-module")
    assert not direct and missing.status_code == 404
    exam, direct = get(app, client, f"/courses/{COURSE}/exam")
    assert not direct and exam.status_code in (200, 302)
    assert not kept_lessons(app)._routed(f"/courses/{COURSE}/exam")
    assert kept_lessons(app)._routed(OTHER_LESSON)
