"""The mail outbox (issue 12, row 6): mails are rows written in the same transaction as
the change, leave after the commit, never for a rolled-back change, are retried with a
growing pause, and a slow or silent mail server holds neither a transaction nor a
response."""

from __future__ import annotations

import asyncio
import http.client
import re
import socket
import threading
import time
import urllib.parse
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from academy import clock, mail, outbox
from academy.extensions import db
from academy.outbox import MailStatus, OutboxMail
from tests.fixtures.mail import Inbox, free_port, mail_text, wait_for
from tests.fixtures.web import csrf_token, post


def rows(application) -> list[OutboxMail]:
    with application.app_context():
        found = list(db.session.scalars(db.select(OutboxMail).order_by(OutboxMail.id)))
        db.session.expunge_all()
        return found


def queue_one(application, to: str = "anna@firma.example") -> None:
    with application.app_context():
        mail.send_mail(to, "Betreff", "Text mit Link")
        db.session.commit()


@pytest.fixture
def moved_clock(monkeypatch):
    """move(minutes=…): the platform's clock that far ahead of now."""
    start = clock.utcnow()

    def move(**delta) -> None:
        monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(**delta))

    return move


# --- after the commit, never for a rollback --------------------------------------------------


def test_a_reset_mail_leaves_after_the_commit_and_its_row_is_deleted(mail_app, create_user):
    application, inbox = mail_app
    _, email = create_user()
    post(application.test_client(), "/password/forgot", {"email": email})
    wait_for(inbox)
    assert inbox.recipients() == [email]
    assert "/password/reset/" in mail_text(inbox.messages[0])
    assert rows(application) == []  # sent: the body with its token is gone


def test_a_rolled_back_transaction_sends_nothing(mail_app):
    application, inbox = mail_app
    with application.app_context():
        mail.send_mail("anna@firma.example", "Betreff", "Text")
        db.session.rollback()
        delivery = outbox.deliver()
    assert delivery.sent == 0 and rows(application) == []
    time.sleep(0.2)
    assert inbox.messages == []


# --- a slow mail server holds neither the transaction nor the response -----------------------


class SlowInbox(Inbox):
    """Answers DATA after `delay` seconds; notes whether the reset row was committed by
    then, looking from a connection of its own."""

    def __init__(self, database_url: str, delay: float):
        super().__init__()
        self.engine = create_engine(database_url)
        self.delay = delay
        self.committed_when_sent: list[bool] = []

    async def handle_DATA(self, server, session, envelope):
        with self.engine.connect() as connection:
            count = connection.scalar(text("SELECT count(*) FROM password_resets"))
        self.committed_when_sent.append(count > 0)
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_mail_app(make_app, database_url):
    from aiosmtpd.controller import Controller

    port, inbox = free_port(), SlowInbox(database_url, delay=3.0)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    application = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
    yield application, inbox
    controller.stop()
    inbox.engine.dispose()


def test_the_change_is_committed_before_the_mail_server_is_spoken_to(slow_mail_app, create_user):
    """Before the outbox the mail went out inside the open transaction: with a mail
    server taking 3 s per mail, SQLite was locked for everybody meanwhile."""
    application, inbox = slow_mail_app
    _, email = create_user()
    post(application.test_client(), "/password/forgot", {"email": email})
    assert inbox.committed_when_sent == [True]


def _serve(application):
    server = make_server("127.0.0.1", free_port(), application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def _forgot_over_http(port: int, email: str) -> float:
    """GET the form, POST it like a browser; seconds until the whole response is read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/password/forgot")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    connection.close()
    body = urllib.parse.urlencode({"csrf_token": token, "email": email})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.monotonic()
    connection.request(
        "POST",
        "/password/forgot",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    elapsed = time.monotonic() - started
    connection.close()
    assert response.status == 302
    return elapsed


def test_a_slow_mail_server_does_not_hold_up_the_response(slow_mail_app, create_user):
    application, inbox = slow_mail_app
    _, email = create_user()
    server, thread = _serve(application)
    try:
        elapsed = _forgot_over_http(server.server_port, email)
        assert elapsed < 1.5, f"the response took {elapsed:.1f} s"
        for _ in range(100):  # the mail follows once the server answers
            if inbox.messages:
                break
            time.sleep(0.1)
        assert inbox.recipients() == [email]
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_silent_mail_server_costs_seconds_not_minutes(make_app):
    """A server that accepts the connection and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    try:
        application = make_app(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(listener.getsockname()[1]),
            SMTP_STARTTLS="false",
        )
        queue_one(application)
        started = time.monotonic()
        with application.app_context():
            delivery = outbox.deliver()
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert len(delivery.failed) == 1 and elapsed < mail.TIMEOUT_SECONDS + 2
    assert mail.TIMEOUT_SECONDS <= 5
    (row,) = rows(application)
    assert row.status == MailStatus.FAILED and "timed out" in row.last_error


# --- retries, backoff, giving up, the command ---------------------------------------------------


def test_a_refused_mail_is_retried_after_a_pause(mail_app, moved_clock):
    application, inbox = mail_app
    inbox.refuse.add("anna@firma.example")  # once
    queue_one(application)
    with application.app_context():
        first = outbox.deliver()
    assert first.sent == 0 and len(first.failed) == 1
    (row,) = rows(application)
    assert row.status == MailStatus.FAILED and row.attempts == 1 and "451" in row.last_error
    with application.app_context():
        assert outbox.deliver().sent == 0  # the pause is not over
    moved_clock(minutes=2)
    with application.app_context():
        assert outbox.deliver().sent == 1
    assert inbox.recipients() == ["anna@firma.example"] and rows(application) == []


def test_after_the_last_attempt_the_mail_is_given_up_and_its_body_removed(make_app, moved_clock):
    application = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()))
    queue_one(application)
    runner = application.test_cli_runner()
    minutes = 0
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        result = runner.invoke(args=["mail", "send"])
        assert result.exit_code == 1
        minutes += 4**attempt
        moved_clock(minutes=minutes)
    assert "gave up: mail" in result.output
    (row,) = rows(application)
    assert row.status == MailStatus.GAVE_UP and row.attempts == outbox.MAX_ATTEMPTS
    assert row.text == "" and row.html is None


def test_the_command_sends_what_waits(make_app, smtp_server):
    port, inbox = smtp_server
    down = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()))
    queue_one(down, "a@firma.example")
    queue_one(down, "b@firma.example")
    up = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
    result = up.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "sent 2 mail(s)" in result.output
    assert inbox.recipients() == ["a@firma.example", "b@firma.example"]
    assert rows(up) == []


def test_two_runs_at_once_send_each_mail_once(mail_app):
    application, inbox = mail_app
    for number in range(6):
        queue_one(application, f"p{number}@firma.example")
    results = []

    def run():
        with application.app_context():
            results.append(outbox.deliver().sent)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    wait_for(inbox, 6)
    time.sleep(0.2)
    assert sum(results) == 6 and len(inbox.messages) == 6


# --- retention and erasure ------------------------------------------------------------------------


def test_retention_deletes_mails_that_waited_too_long(make_app, moved_clock):
    application = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()))
    queue_one(application)
    runner = application.test_cli_runner()
    moved_clock(days=13)
    assert runner.invoke(args=["retention", "run"]).exit_code == 0
    assert len(rows(application)) == 1
    moved_clock(days=15)
    assert runner.invoke(args=["retention", "run"]).exit_code == 0
    assert rows(application) == []


def test_erasing_a_person_deletes_their_waiting_mails(make_app, create_user):
    from academy.accounts.models import User
    from academy.privacy import services as privacy

    application = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()))
    user_id, email = create_user()
    queue_one(application, email)
    queue_one(application, "someone.else@firma.example")
    with application.app_context():
        privacy.erase(db.session.get(User, user_id), None)
        db.session.commit()
    assert [r.recipient for r in rows(application)] == ["someone.else@firma.example"]


def test_hr_reminders_from_the_dashboard_leave_after_the_response(make_app, database_url):
    """HR's "remind" sent up to 100 mails inside the request; with a slow mail server
    the page hung (and gunicorn killed the worker). Now the response comes first."""
    from aiosmtpd.controller import Controller

    from tests.fixtures import hr

    port, inbox = free_port(), SlowInbox(database_url, delay=2.0)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        application = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false")
        with application.app_context():
            sales = hr.department("Vertrieb")
            for number in (1, 2):
                late = hr.person(f"Spaet{number}", sales, email=f"spaet{number}@firma.example")
                hr.assign(late, clock.today() - timedelta(days=3))
            db.session.commit()
        client = hr.hr_client(application, everything=True)
        token = csrf_token(client)
        started = time.monotonic()
        response = client.post("/hr/people/remind", data={"csrf_token": token, "status": "overdue"})
        answered = time.monotonic() - started
        assert response.status_code == 302 and answered < 1.5 and inbox.messages == []
        response.close()  # as the server does once the response is out: now they leave
        assert len(inbox.messages) == 2
    finally:
        controller.stop()
        inbox.engine.dispose()
