"""Mail: `send_mail()` queues a mail in the outbox (outbox.py), in the caller's
transaction; the rest of this module is how a mail then leaves.

SMTP with STARTTLS (default, port 587) or implicit TLS (SMTP_TLS=true, port 465), with
credentials from SMTP_USER and SMTP_PASSWORD, and a short timeout on connecting and on
every command, so a slow or silent server costs seconds, not a worker. A mail has a
plain-text body and, when given, an HTML alternative (multipart/alternative). For many
mails in a row `connection()` keeps one SMTP session open.

Without SMTP_HOST, development and tests print mails to the console (never to the log);
production refuses to send them (MailError), and the outbox keeps them until SMTP_HOST
is set. Mail bodies hold links with tokens: they are never logged.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

# Seconds for connecting and for each SMTP command (smtplib applies it to both).
TIMEOUT_SECONDS = 5


class MailError(Exception):
    """The mail server refused or could not be reached."""


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None


def send_mail(to: str, subject: str, body: str, html: str | None = None) -> None:
    """Queue a mail in the current transaction: it leaves after the commit (see
    outbox.py), and never if the transaction is rolled back."""
    from . import outbox  # outbox imports this module for the transport

    outbox.queue(Mail(to, subject, body, html))


@contextmanager
def connection() -> Iterator[Outbox]:
    outbox = Outbox()
    try:
        yield outbox
    finally:
        outbox.close()


class Outbox:
    """Sends mails over one SMTP session, opened on the first mail. After an error the
    session is dropped and the next mail opens a new one."""

    def __init__(self) -> None:
        self.settings = current_app.config["SETTINGS"]
        self._smtp: smtplib.SMTP | None = None

    def send(self, mail: Mail) -> None:
        message = self._compose(mail)
        if not self.settings.smtp_host:
            if self.settings.production:
                raise MailError("SMTP_HOST is not set")
            _print(mail)
            return
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            current_app.logger.warning("sending mail to %s failed: %s", mail.to, error)
            self.close()
            raise MailError(str(error) or type(error).__name__) from error

    def _compose(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message.set_content(mail.text)
        if mail.html is not None:
            message.add_alternative(mail.html, subtype="html")
        return message

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if settings.smtp_tls:
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
            if settings.smtp_starttls:
                smtp.starttls(context=context)
        try:
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
        except smtplib.SMTPException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _print(mail: Mail) -> None:
    """Development without SMTP_HOST: show the mail on the console (not in the log, which
    may be collected; the body holds links with tokens)."""
    print(
        f"\n--- mail to {mail.to} ---\nSubject: {mail.subject}\n\n{mail.text}\n--- end of mail ---\n",
        flush=True,
    )
