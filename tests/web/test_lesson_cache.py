"""Signed-in lesson pages are rendered once per language, role set and reading state,
then filled with the reader's name and CSRF token: each reader still gets their own
page, the token works, and access rules and sign-out apply as before."""

from __future__ import annotations

import re

from flask import template_rendered
from sqlalchemy import update

from academy.accounts.models import User
from academy.extensions import db
from tests.fixtures.journey import COURSE
from tests.fixtures.web import CSRF, login, post

LESSON = f"/courses/{COURSE}/datenschutz-grundlagen"


def _rendered(app, client, path=LESSON):
    names: list[str] = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        response = client.get(path)
    finally:
        template_rendered.disconnect(record, app)
    return response, names


def test_the_second_reader_gets_the_kept_page_with_their_own_name_and_token(app, create_user):
    _, anna = create_user(name="Anna <Admin>")
    _, ben = create_user(name="Ben Berg")
    first, second = app.test_client(), app.test_client()
    login(first, anna)
    login(second, ben)
    page_a, rendered_a = _rendered(app, first)
    page_b, rendered_b = _rendered(app, second)
    assert (
        "learning/module.html" in rendered_a or rendered_a == []
    )  # a test before may have kept it
    assert "learning/module.html" not in rendered_b  # kept: no template rendered
    html_a, html_b = page_a.get_data(as_text=True), page_b.get_data(as_text=True)
    assert "Anna &lt;Admin&gt;" in html_a and "Ben Berg" not in html_a
    assert "Ben Berg" in html_b and "Anna" not in html_b
    tokens_a, tokens_b = set(CSRF.findall(html_a)), set(CSRF.findall(html_b))
    assert len(tokens_a) == 1 and len(tokens_b) == 1 and tokens_a != tokens_b
    assert "mark-8c0f3b7e61" not in html_a + html_b
    assert page_b.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in page_b.headers["Content-Security-Policy"]
    # The token in the kept page is the reader's: marking the module done works with it.
    (token,) = tokens_b
    done = second.post(f"{LESSON}/done", data={"csrf_token": token})
    assert done.status_code == 302
    assert second.post(f"{LESSON}/done", data={"csrf_token": "forged"}).status_code == 400


def test_reading_state_and_roles_give_other_pages(app, create_user):
    _, learner = create_user()
    _, hr = create_user("hr")
    reader, staff = app.test_client(), app.test_client()
    login(reader, learner)
    login(staff, hr)
    before = reader.get(LESSON).get_data(as_text=True)
    post(reader, f"{LESSON}/done")
    after = reader.get(LESSON).get_data(as_text=True)
    assert "Sie haben dieses Modul abgeschlossen" not in before
    assert "Sie haben dieses Modul abgeschlossen" in after
    assert "/hr/" in staff.get(LESSON).get_data(as_text=True)
    assert "/hr/" not in reader.get(LESSON).get_data(as_text=True)


def test_a_flashed_message_is_shown_not_kept(app, create_user):
    _, email = create_user()
    client = app.test_client()
    login(client, email)
    client.get(LESSON)
    follow = post(client, f"/courses/{COURSE}/daten-als-rohstoff/done", follow_redirects=True)
    assert "ist abgeschlossen" in follow.get_data(as_text=True)
    assert "ist abgeschlossen" not in client.get(follow.request.path).get_data(as_text=True)


def test_a_signed_out_session_gets_no_kept_page(app, create_user):
    user_id, email = create_user()
    client = app.test_client()
    login(client, email)
    assert client.get(LESSON).status_code == 200
    with app.app_context():
        db.session.execute(
            update(User).where(User.id == user_id).values(session_version=User.session_version + 1)
        )
        db.session.commit()
    response = client.get(LESSON)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_english_reader_gets_the_english_page(app, create_user):
    _, german = create_user()
    english_id, english = create_user()
    with app.app_context():
        db.session.execute(update(User).where(User.id == english_id).values(locale="en"))
        db.session.commit()
    one, two = app.test_client(), app.test_client()
    login(one, german)
    login(two, english)
    assert re.search(r'<html lang="de"', one.get(LESSON).get_data(as_text=True))
    assert re.search(r'<html lang="en"', two.get(LESSON).get_data(as_text=True))


def test_the_lesson_view_is_one_query_and_reads_roles_and_name_fresh(app, create_user):
    """The reader comes from one Core query with their progress (no kept user): a role
    or name changed in the database shows on the next page, without a new session."""
    from academy.accounts.models import Role
    from tests.fixtures.web import count_queries

    user_id, email = create_user("hr")
    client = app.test_client()
    login(client, email)
    assert "/hr/" in client.get(LESSON).get_data(as_text=True)
    with count_queries(app) as statements:
        assert client.get(LESSON).status_code == 200
    assert len(statements) == 1, statements
    with app.app_context():
        db.session.execute(update(Role).where(Role.user_id == user_id).values(name="learner"))
        db.session.execute(update(User).where(User.id == user_id).values(name="Neu Name"))
        db.session.commit()
    page = client.get(LESSON).get_data(as_text=True)
    assert "/hr/" not in page and "Neu Name" in page


def test_a_deactivated_reader_is_signed_out_of_the_lesson(app, create_user):
    from academy.accounts import services

    user_id, email = create_user()
    admin_id, _ = create_user("admin")
    client = app.test_client()
    login(client, email)
    assert client.get(LESSON).status_code == 200
    with app.app_context():
        services.deactivate_people([db.session.get(User, user_id)], db.session.get(User, admin_id))
        db.session.commit()
    response = client.get(LESSON)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_token_is_signed_once_per_session_and_still_checked(app, create_user, monkeypatch):
    """Flask-WTF would sign the raw token anew each second; the kept signature is the
    same later on, works, and a new session gets a token of its own."""
    from itsdangerous.timed import TimestampSigner

    _, email = create_user()
    client = app.test_client()
    login(client, email)
    first = CSRF.findall(client.get(LESSON).get_data(as_text=True))
    later = TimestampSigner.get_timestamp(TimestampSigner(b"k")) + 100
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    second = CSRF.findall(client.get(LESSON).get_data(as_text=True))
    assert first == second and len(set(first)) == 1
    assert client.post(f"{LESSON}/done", data={"csrf_token": first[0]}).status_code == 302
    other = app.test_client()
    login(other, email)
    assert CSRF.findall(other.get(LESSON).get_data(as_text=True))[0] != first[0]


def test_a_refused_lesson_address_never_reaches_the_reader_query(app, create_user):
    """A slug no course can have (here a NUL, which PostgreSQL cannot even compare) is
    refused before the view; the error page then loads the person as every other page
    does, not with the lesson's query and its invalid slug (on PostgreSQL that was a
    500)."""
    from tests.fixtures.web import count_queries

    _user_id, email = create_user()
    client = app.test_client()
    login(client, email)
    with count_queries(app) as statements:
        response = client.get("/courses/%00/datenschutz-grundlagen")
    assert response.status_code == 404
    assert "Abmelden" in response.get_data(as_text=True)  # still signed in on the error page
    assert statements and not any("UNION ALL" in s for s in statements), statements
