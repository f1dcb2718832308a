"""Reminders against a real SMTP server (aiosmtpd): the right people on the right day,
in their language, as text and HTML, never twice (re-run, two processes at once), a
refused mail retried on the next run, a copy to the manager, TLS."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
from datetime import timedelta

import pytest

from academy import clock
from academy.accounts import queries as people
from academy.accounts import services as accounts
from academy.extensions import db
from academy.hr.models import Reminder
from tests.fixtures import hr
from tests.fixtures.mail import parsed, smtp_server, wait_for
from tests.fixtures.settings import ROOT, make_environ
from tests.fixtures.web import post

DUE = {  # name -> days until the due date
    "in14": 14, "in10": 10, "in3": 3, "heute": 0, "spaet1": -1, "spaet8": -8,
    "spaeter": 20, "english": 3, "inaktiv": 0,
}  # fmt: skip
REMINDED = ["english", "heute", "in10", "in14", "in3", "laeuft", "spaet1", "spaet8"]


def address(name: str) -> str:
    return f"{name}@firma.example"


@pytest.fixture
def situation(app):
    """Assignments due on the days in DUE, a certified person (nothing due), one whose
    certificate ends in 30 days, one deactivated; the English speaker has a manager."""
    today = clock.today()
    with app.app_context():
        sales = hr.department("Vertrieb")
        chef = hr.person("Chef", sales, email="chef@firma.example")
        for name, days in DUE.items():
            person = hr.person(
                name.title(),
                sales,
                email=address(name),
                locale="en" if name == "english" else None,
                manager=chef if name in ("english", "spaet1") else None,
            )
            hr.assign(person, today + timedelta(days=days))
        for name, days in (("fertig", 200), ("laeuft", 30)):
            person = hr.person(name.title(), sales, email=address(name))
            certificate = hr.certificate(
                person, today - timedelta(days=10), today + timedelta(days=days)
            )
            hr.assign(person, certificate.valid_until)
        inactive = people.user_by_email(address("inaktiv"))
        accounts.set_active(inactive, False, chef)
        db.session.commit()


def send(application, *args: str):
    return application.test_cli_runner().invoke(args=["reminders", "send", *args])


def recipients(inbox) -> list[str]:
    return [to.split("@")[0] for to in inbox.recipients()]


def test_the_right_people_get_one_mail_each_and_a_rerun_sends_nothing(mail_app, situation):
    application, inbox = mail_app
    first = send(application)
    assert first.exit_code == 0, first.output
    assert "sent 8 reminder(s), 0 failed" in first.output
    assert recipients(inbox) == REMINDED
    again = send(application)
    assert again.exit_code == 0 and "sent 0 reminder(s)" in again.output
    assert len(inbox.messages) == 8


def mail_to(inbox, name: str):
    return next(parsed(m) for m in inbox.messages if m.rcpt_tos == [address(name)])


def test_mails_are_in_the_learners_language_with_text_html_and_a_link(mail_app, situation):
    application, inbox = mail_app
    send(application)
    german, english = mail_to(inbox, "in3"), mail_to(inbox, "english")
    assert german["Subject"].startswith("Erinnerung: „KI am Arbeitsplatz“ bis")
    assert english["Subject"].startswith("Reminder: complete “KI am Arbeitsplatz” by")
    for message in (german, english):
        assert message.get_content_type() == "multipart/alternative"
        text, html = (
            message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content(),
        )
        link = "https://academy.example.com/courses/ki-am-arbeitsplatz/"
        assert link in text and f'href="{link}"' in html
    assert "Please complete" in english.get_body(("plain",)).get_content()
    assert "Ihre Pflichtschulung" in mail_to(inbox, "spaet8").get_body(("plain",)).get_content()
    assert mail_to(inbox, "laeuft")["Subject"].startswith(
        "Ihr Zertifikat „KI am Arbeitsplatz“ läuft am"
    )


def test_dry_run_lists_and_sends_nothing(mail_app, situation):
    application, inbox = mail_app
    result = send(application, "--dry-run")
    assert result.exit_code == 0
    assert "would send: due to in14@firma.example" in result.output
    assert "dry run: 8 new reminder(s), 0 to retry; nothing sent" in result.output
    assert inbox.messages == []
    with application.app_context():
        assert db.session.query(Reminder).count() == 0


def test_a_refused_mail_is_reported_and_sent_on_the_next_run(mail_app, situation):
    application, inbox = mail_app
    inbox.refuse.add(address("in3"))
    first = send(application)
    assert first.exit_code == 1
    assert (
        "failed: due to in3@firma.example" in first.output
        and "retried on the next run" in first.output
    )
    assert "sent 7 reminder(s), 1 failed" in first.output
    assert "in3" not in recipients(inbox)
    second = send(application)
    assert second.exit_code == 0 and "sent 1 reminder(s), 0 failed" in second.output
    assert recipients(inbox).count("in3") == 1 and len(inbox.messages) == 8
    with application.app_context():
        row = db.session.query(Reminder).filter_by(key=next_key(application, "in3")).one()
        assert (row.status, row.attempts) == ("sent", 2)


def next_key(application, name: str) -> str:
    with application.app_context():
        person = people.user_by_email(address(name))
        return db.session.query(Reminder.key).filter_by(user_id=person.id).scalar()


def test_two_runs_at_once_send_each_reminder_once(situation, smtp_server, database_url, tmp_path):
    """Two processes, as on two hosts, on the same database and mail server."""
    port, inbox = smtp_server
    environ = {
        **os.environ,
        **make_environ(database_url, tmp_path),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_STARTTLS": "false",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "reminders", "send"]
    runs = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert recipients(inbox) == REMINDED  # each once, whoever sent it
    sent = sum(int(o.split("sent ")[1].split(" ")[0]) for o in outputs)
    assert sent == 8


def test_overdue_reminders_go_weekly_and_to_the_manager_when_configured(
    make_mail_app, situation, monkeypatch
):
    application, inbox = make_mail_app(REMINDER_MANAGER_COPY="true")
    send(application)
    manager_mails = [parsed(m) for m in inbox.messages if m.rcpt_tos == ["chef@firma.example"]]
    assert [m["Subject"] for m in manager_mails] == ["Überfällige Schulung in Ihrem Team: Spaet1"]
    inbox.messages.clear()
    moved = clock.utcnow() + timedelta(days=3)
    monkeypatch.setattr(clock, "utcnow", lambda: moved)
    send(application)  # three days later: spaet1 and spaet8 are in the same week still
    assert "spaet1" not in recipients(inbox) and "spaet8" not in recipients(inbox)
    later = clock.utcnow() + timedelta(days=5)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    send(application)  # eight days after the first run: the next weekly round
    assert "spaet1" in recipients(inbox) and "chef" in recipients(inbox)


def test_hr_reminds_a_filtered_list_once_a_day(mail_app, situation):
    application, inbox = mail_app
    client = hr.hr_client(application, everything=True)
    response = post(client, "/hr/people/remind", {"status": "overdue"}, follow_redirects=True)
    assert "2 Erinnerungen stehen im Postausgang" in response.get_data(as_text=True)
    wait_for(inbox, 2)
    assert recipients(inbox) == ["spaet1", "spaet8"]
    again = post(client, "/hr/people/remind", {"status": "overdue"}, follow_redirects=True)
    assert "braucht heute eine Erinnerung" in again.get_data(as_text=True)
    assert len(inbox.messages) == 2


def certificate_for_localhost(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_mail_goes_over_starttls_or_implicit_tls(make_app, situation, tmp_path, monkeypatch, mode):
    cert, context = certificate_for_localhost(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate
    options = (
        {"ssl_context": context}
        if mode == "tls"
        else {"tls_context": context, "require_starttls": True}
    )
    with smtp_server(**options) as (port, inbox):
        settings = {"SMTP_TLS": "true"} if mode == "tls" else {"SMTP_STARTTLS": "true"}
        application = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_USER="", **settings)
        result = send(application)
        assert result.exit_code == 0, result.output
        assert len(inbox.messages) == 8
