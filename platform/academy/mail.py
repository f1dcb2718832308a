"""Sending mail: SMTP when SMTP_HOST is set, else printed to the console (development)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app


class MailError(Exception):
    """The mail server refused or could not be reached."""


def send_mail(to: str, subject: str, body: str) -> None:
    settings = current_app.config["SETTINGS"]
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not settings.smtp_host:
        current_app.logger.info("mail (SMTP_HOST unset, not sent):\n%s", message.as_string())
        print(
            f"\n--- mail to {to} ---\nSubject: {subject}\n\n{body}\n--- end of mail ---\n",
            flush=True,
        )
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.error("sending mail to %s failed: %s", to, error)
        raise MailError(str(error)) from error
