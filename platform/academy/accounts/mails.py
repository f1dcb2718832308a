"""The mails the accounts domain sends: composed here, next to the rules that send them."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _

from ..mail import send_mail
from ..templating import external_url
from . import services
from .models import User


def send_password_reset(user: User, token: str) -> None:
    """Queued in the caller's transaction; it leaves after the commit."""
    body = render_template(
        "accounts/mail_reset.txt",
        user=user,
        link=external_url("accounts.reset_password", token=token),
        hours=services.RESET_HOURS,
    )
    send_mail(user.email, _("Passwort zurücksetzen"), body)


def send_confirmation(user: User, token: str, next_path: str = "/") -> None:
    """The link that confirms a self-registered address; after it the person sees
    `next_path` (a path on this site). Queued in the caller's transaction."""
    on_to = {"next": next_path} if next_path != "/" else {}
    body = render_template(
        "accounts/mail_confirm.txt",
        user=user,
        link=external_url("accounts.confirm_email", token=token, **on_to),
        hours=services.CONFIRMATION_HOURS,
    )
    send_mail(user.email, _("Bitte bestätigen Sie Ihre E-Mail-Adresse"), body)


def send_already_registered(user: User) -> None:
    """Someone registered with an address that has an account: its owner is told (the
    visitor is not). Queued in the caller's transaction."""
    body = render_template(
        "accounts/mail_registered.txt",
        user=user,
        login=external_url("accounts.login"),
        forgot=external_url("accounts.forgot_password"),
    )
    send_mail(user.email, _("Sie haben schon ein Konto"), body)


def send_invitation(address: str, token: str, inviter: User | None) -> tuple[str, bool]:
    """Queue the invitation mail in the caller's transaction; returns the link (shown once
    to the inviter, who can pass it on) and True (queued: it leaves after the commit, and
    the outbox retries a refused mail). `inviter` None: the organisation (an import from
    the command line)."""
    link = external_url("accounts.accept_invitation", token=token)
    body = render_template(
        "accounts/mail_invitation.txt",
        link=link,
        inviter=inviter.name
        if inviter is not None
        else current_app.config["SETTINGS"].organisation,
        days=services.INVITATION_DAYS,
    )
    send_mail(address, _("Einladung zur Lernplattform"), body)
    return link, True
