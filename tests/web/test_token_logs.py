"""No token and no mail body in any log (issue 12, row 5): reset and invitation flows
with every log record captured; production without a mail server keeps mails in the
outbox instead of printing them; gunicorn's access log (with the project's
gunicorn.conf.py) and the development server's request log show no token."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from academy.extensions import db
from academy.outbox import MailStatus, OutboxMail
from academy.request_logs import RedactingFilter
from tests.fixtures.mail import free_port, mail_text, wait_for
from tests.fixtures.settings import PRODUCTION_SECRET_KEY, make_environ
from tests.fixtures.tools import stop
from tests.fixtures.web import login, post

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"/(?:password/reset|invitation)/([A-Za-z0-9_-]+)")


def tokens_in(inbox) -> list[str]:
    return [m for message in inbox.messages for m in TOKEN.findall(mail_text(message))]


def test_reset_and_invitation_tokens_are_in_no_log(mail_app, create_user, caplog, capfd):
    application, inbox = mail_app
    caplog.set_level(logging.DEBUG)
    _, email = create_user()
    _, admin = create_user("admin")
    client = application.test_client()
    post(client, "/password/forgot", {"email": email})
    login(client, admin)
    post(client, "/invitations", {"invite-emails": "neu@firma.example"})
    wait_for(inbox, 2)
    tokens = tokens_in(inbox)
    assert len(tokens) == 2
    client.get(f"/password/reset/{tokens[0]}")
    printed = capfd.readouterr()
    for token in tokens:
        assert token not in caplog.text
        assert token not in printed.out and token not in printed.err


def test_a_refused_mail_leaves_no_body_in_the_log(mail_app, create_user, caplog):
    application, inbox = mail_app
    caplog.set_level(logging.DEBUG)
    _, email = create_user()
    inbox.refuse.add(email)
    post(application.test_client(), "/password/forgot", {"email": email})
    with application.app_context():
        (row,) = db.session.scalars(db.select(OutboxMail))
        token = TOKEN.search(row.text).group(1)
        assert row.status == MailStatus.FAILED
    assert "sending mail to" in caplog.text  # the failure is logged …
    assert token not in caplog.text and "/password/reset/" not in caplog.text  # … not the mail


def test_production_without_a_mail_server_keeps_mails_and_says_so(
    make_app, create_user, caplog, capfd
):
    application = make_app(
        APP_ENV="production",
        SECRET_KEY=PRODUCTION_SECRET_KEY,
        SMTP_HOST="",
        TRUSTED_HOSTS="localhost",
    )
    caplog.set_level(logging.DEBUG)
    _, email = create_user()
    response = post(application.test_client(), "/password/forgot", {"email": email})
    assert response.status_code == 302
    with application.app_context():
        (row,) = db.session.scalars(db.select(OutboxMail))
        token = TOKEN.search(row.text).group(1)
        assert row.status == MailStatus.QUEUED  # kept, not sent, not printed
    printed = capfd.readouterr()
    assert token not in caplog.text and token not in printed.out + printed.err
    assert "SMTP_HOST is not set: 1 mail(s) wait in the outbox" in caplog.text
    result = application.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "SMTP_HOST is not set" in result.output
    assert token not in result.output


def test_the_development_server_log_shows_no_token(caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    logger = logging.getLogger("werkzeug")
    assert any(isinstance(f, RedactingFilter) for f in logger.filters) or _installed()
    token = "A" * 43
    logger.info('%s - - "%s" %s -', "127.0.0.1", f"GET /invitation/{token} HTTP/1.1", "200")
    assert token not in caplog.text and "/invitation/[redacted]" in caplog.text


def _installed() -> bool:
    from academy import request_logs

    request_logs.install()
    return True


@pytest.fixture
def gunicorn_server(app, database_url, tmp_path):
    """gunicorn started the way README says (from the project root, which holds
    gunicorn.conf.py), with its access log in a file; on the test database, which the
    `app` fixture has migrated."""
    port, log = free_port(), tmp_path / "access.log"
    environ = make_environ(database_url, tmp_path / "instance")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(log),
            "app:app",
        ],
        cwd=ROOT,
        env={**os.environ, **environ, "PYTHONPATH": str(ROOT / "platform")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        yield port, log
    finally:
        stop(process)


def test_gunicorn_access_log_shows_no_token(gunicorn_server):
    port, log = gunicorn_server
    token = "Zq" * 22  # the shape of secrets.token_urlsafe(32)
    for path in (f"/password/reset/{token}", f"/invitation/{token}"):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            headers={"Referer": f"http://127.0.0.1:{port}{path}"},
        )
        try:
            urllib.request.urlopen(request, timeout=5).read()
        except urllib.error.HTTPError as error:  # an unknown token is a 404 page
            assert error.code == 404
    for _ in range(50):
        if log.read_text().count("[redacted]") >= 4:
            break
        time.sleep(0.1)
    written = log.read_text()
    assert "/password/reset/[redacted]" in written and "/invitation/[redacted]" in written
    assert token not in written


def test_development_prints_mails_to_the_console_but_never_logs_them(
    make_app, create_user, caplog, capfd
):
    """Without SMTP_HOST development shows the mail on the console (to get the link),
    never through the log, which may be collected somewhere."""
    application = make_app(SMTP_HOST="")
    caplog.set_level(logging.DEBUG)
    _, email = create_user()
    post(application.test_client(), "/password/forgot", {"email": email})
    printed = capfd.readouterr().out
    token = TOKEN.search(printed).group(1)
    assert token not in caplog.text and "/password/reset/" not in caplog.text
