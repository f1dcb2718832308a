"""Attacks from the security review (issue 12), replayed against the app: each test is a
row of that table and fails without its fix."""

from __future__ import annotations

import re
import socket
import threading

import pytest

from academy.config import ConfigError, load
from tests.fixtures.course_files import MODULE_1, PNG, write_course
from tests.fixtures.journey import COURSE, start_exam, submit_exam
from tests.fixtures.mail import mail_text, wait_for
from tests.fixtures.settings import PRODUCTION_SECRET_KEY
from tests.fixtures.web import post

# --- 1: links in mails come from PUBLIC_URL only; other hosts are refused ------------------


def test_reset_link_ignores_the_host_the_request_names(make_app, smtp_server, create_user):
    """Even without PUBLIC_URL (development), a link never comes from the Host header."""
    port, inbox = smtp_server
    application = make_app(
        PUBLIC_URL="", SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false"
    )
    _, email = create_user()
    client, evil = application.test_client(), "http://academy.evil.example"
    page = client.get("/login", base_url=evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/password/forgot",
        base_url=evil,  # the Host header an attacker chooses
        data={"csrf_token": token, "email": email},
        headers={"X-Forwarded-Host": "academy.evil.example"},
    )
    assert response.status_code == 302
    response.close()  # as a server does: the queued mail leaves now (academy/outbox.py)
    wait_for(inbox)
    body = mail_text(inbox.messages[0])
    assert "evil" not in body and "http://127.0.0.1:5000/password/reset/" in body


def test_production_needs_public_url_and_refuses_other_hosts(make_app, tmp_path):
    with pytest.raises(ConfigError, match="PUBLIC_URL must be set in production"):
        load(
            {
                "APP_ENV": "production",
                "SECRET_KEY": PRODUCTION_SECRET_KEY,
                "INSTANCE_DIR": str(tmp_path),
            }
        )
    production = make_app(APP_ENV="production", SECRET_KEY=PRODUCTION_SECRET_KEY).test_client()
    assert production.get("/login", base_url="https://academy.evil.example").status_code == 400
    assert production.get("/login", base_url="https://academy.example.com").status_code == 200


# --- 3: course files are images or PDFs by content, served in a sandbox ---------------------


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("seite.html", b"<script>alert(1)</script>", "cannot be served"),
        ("skript.js", b"alert(1)", "cannot be served"),
        ("bild.png", b"<html><script>alert(1)</script></html>", "is not what its name says"),
        ("exam.md", None, "cannot be served"),  # the answer key
    ],
)
def test_the_checker_refuses_files_that_could_run_in_the_page(tmp_path, filename, content, message):
    from academy.content import load_course

    course_dir = write_course(tmp_path)
    if content is not None:
        (course_dir / filename).write_bytes(content)
    module = MODULE_1 + f"\nSiehe [die Datei]({filename}).\n"
    course, problems = load_course(write_course(tmp_path, module_1=module))
    assert course is None
    assert any(message in p.message and p.path.name == "01-erstes.md" for p in problems), problems


def test_course_images_and_pdfs_are_served_in_a_sandbox(make_app, tmp_path):
    courses = tmp_path / "courses"
    course_dir = write_course(courses, "bilder")
    (course_dir / "handout.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    module = MODULE_1 + "\nDas [Handout](handout.pdf).\n"
    write_course(courses, "bilder", module_1=module)
    client = make_app(COURSES_DIR=str(courses), PUBLIC_COURSES="true").test_client()
    for path, mimetype in (("images/bild.png", "image/png"), ("handout.pdf", "application/pdf")):
        with client.get(f"/courses/bilder/media/{path}") as response:
            assert response.status_code == 200 and response.mimetype == mimetype
            assert response.headers["Content-Security-Policy"].startswith("sandbox")
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert PNG  # the fixture course's image is a real PNG


# --- 4 and 17: answers cannot be harvested from results ----------------------------------


def test_a_failed_attempt_reveals_no_key_by_default_and_ids_change(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    submit_exam(client, app, attempt_id, correct=0)
    page = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    assert 'class="tag tag-correct"' not in page and "correct" not in page.split("<main")[
        1
    ].replace("is-incorrect", "").replace("is-correct", "")


# --- 8: a database that does not answer gives a fast, friendly error -----------------------


def test_a_silent_database_gives_a_503_not_a_hang(make_app):
    """A server that accepts connections and never answers: the connect timeout ends it."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    port = silent.getsockname()[1]
    application = make_app(DATABASE_URL=f"postgresql+psycopg://nobody@127.0.0.1:{port}/nothing")
    result = {}

    def request():
        result["response"] = application.test_client().get("/login")

    worker = threading.Thread(target=request, daemon=True)
    worker.start()
    worker.join(timeout=30)
    silent.close()
    assert not worker.is_alive(), "the request hung"
    response = result["response"]
    assert response.status_code == 503 and "Datenbank antwortet gerade nicht" in response.get_data(
        as_text=True
    )
    assert response.headers["Retry-After"] == "60"


# --- 15: bad input is a 4xx, never a 500 ------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/certificates/99999999999999999999.pdf",
        "/admin/certificates/2147483648/revoke",
        f"/courses/{COURSE}/exam/9223372036854775808",
    ],
)
def test_ids_no_table_can_hold_are_not_found(signed_in, path):
    client, _ = signed_in("admin")
    assert client.get(path).status_code == 404


def test_nul_bytes_and_huge_page_numbers_are_handled(signed_in):
    client, _ = signed_in("admin")
    assert client.get("/admin/users?page=99999999999999999999").status_code == 200
    assert client.get("/admin/users?q=a%00b").status_code == 400
    assert (
        post(client, "/account", {"action": "profile", "profile-name": "A\x00B"}).status_code == 400
    )


def test_a_next_parameter_with_line_breaks_stays_on_the_start_page(client, create_user):
    _, email = create_user()
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)
    )
    response = client.post(
        "/login?next=/%0d%0aSet-Cookie:%20x=1",
        data={"csrf_token": token.group(1), "email": email, "password": "correct horse battery"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


# --- 19: headers for private and public pages ------------------------------------------


def test_private_pages_are_not_cached_and_verify_is_not_indexed(signed_in, client, make_app):
    member, _ = signed_in()
    assert member.get("/account").headers["Cache-Control"] == "no-store"
    assert client.get("/verify").headers["X-Robots-Tag"].startswith("noindex")
    assert "Cache-Control" not in client.get("/privacy").headers or "no-store" not in client.get(
        "/privacy"
    ).headers.get("Cache-Control", "")
    production = make_app(APP_ENV="production", SECRET_KEY=PRODUCTION_SECRET_KEY).test_client()
    headers = production.get("/login", base_url="https://academy.example.com").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")


# --- 20: production is the default under gunicorn ---------------------------------------


def test_gunicorn_means_production_unless_told_otherwise(tmp_path):
    env = {"SERVER_SOFTWARE": "gunicorn/23.0.0", "INSTANCE_DIR": str(tmp_path)}
    with pytest.raises(ConfigError, match="SECRET_KEY must be set in production"):
        load(env)
    assert load({**env, "APP_ENV": "development"}).env == "development"


# --- 21: the smaller findings ------------------------------------------------------------


def test_a_405_keeps_its_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_the_language_editions_share_one_exams_daily_limit(learner, app, monkeypatch):
    from datetime import timedelta

    from academy import clock

    client, _ = learner
    now = clock.utcnow()
    for hour in range(3):  # three attempts in German …
        monkeypatch.setattr(clock, "utcnow", lambda hour=hour: now + timedelta(hours=hour))
        submit_exam(client, app, start_exam(client), correct=0)
    from tests.fixtures.journey import finish_modules

    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(hours=4))
    finish_modules(client, app, "ai-at-work")
    refused = post(client, "/courses/ai-at-work/exam/start")  # … and none more in English
    assert "Höchstzahl an Versuchen" in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
