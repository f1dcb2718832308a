"""Sign-in with the company account: start at the provider, come back to the callback."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask_login import current_user, login_user

from .. import audit
from ..accounts import access, limits
from ..accounts.outcomes import AccountRefused
from ..extensions import db
from ..web import found, noindex, safe_next
from . import provider, services, sessions
from .outcomes import SsoRefusal, SsoRefused

bp = Blueprint("sso", __name__)
# No rate limit here, unlike the password sign-in: a whole office may share one address,
# and guessing is the provider's business (a callback without this browser's state is
# refused before any request to the provider).
NEXT = "sso_next"  # session key: where to go after the sign-in


@bp.get("/login/sso")
@access.public
@noindex
@limits.single_sign_on
def start():
    sso = found(provider.client())  # 404 when single sign-on is not configured
    if current_user.is_authenticated:
        return redirect(safe_next())
    session[NEXT] = safe_next()
    try:
        return provider.authorization_redirect(sso, nonce=secrets.token_urlsafe(24))
    except SsoRefused as refusal:
        return _refused(refusal)


@bp.get("/login/sso/callback")
@access.public
@noindex
@limits.single_sign_on
def callback():
    sso = found(provider.client())
    try:
        person = provider.person_from_callback(sso)
        user = services.sign_in(person, provider.settings())
    except SsoRefused as refusal:
        return _refused(refusal)
    except AccountRefused as refusal:  # the address or a department was taken meanwhile
        return _refused(SsoRefused(SsoRefusal.CONFLICT, detail=str(refusal.reason)))
    db.session.commit()
    target = session.pop(NEXT, None) or url_for("dashboard.home")
    session.clear()  # a new session for the person, as with a password (accounts.login)
    login_user(user)
    sessions.begin()
    return redirect(target)


def _refused(refusal: SsoRefused):
    """The person's page (no details: they may name keys or claims); the admin's log line
    has them. A locked account's attempt is also in the audit log."""
    current_app.logger.warning(
        "sso sign-in refused: %s (%s)", refusal.reason, refusal.details.get("detail", "")
    )
    db.session.rollback()
    if refusal.reason is SsoRefusal.DEACTIVATED:
        audit.record("account.sign_in_failed", None, person=refusal.details["user"], method="sso")
        db.session.commit()
    page = render_template("sso/refused.html", refusal=refusal, retry=refusal.status != 403)
    return page, refusal.status
