"""How long a session begun with the company account lasts: at most
OIDC_SESSION_HOURS, then the provider is asked again, so that a person removed at the
provider (a leaver) loses access within that time."""

from __future__ import annotations

from calendar import timegm
from datetime import datetime, timedelta

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user

from .. import clock
from . import provider

SIGNED_IN_AT = "sso_at"  # session key: when the provider last vouched for the person
OWN_ENDPOINTS = ("sso.start", "sso.callback", "static")


def now() -> int:
    return timegm(clock.utcnow().timetuple())


def begin() -> None:
    session[SIGNED_IN_AT] = now()


def enforce_max_age():
    """before_request: a session older than the limit ends; the browser goes back to
    the provider (which signs a present employee in again without a question)."""
    started = session.get(SIGNED_IN_AT)
    if started is None or request.endpoint in OWN_ENDPOINTS:
        return None
    settings = provider.settings()
    if settings is not None and now() - int(started) < settings.session_hours * 3600:
        return None
    session.pop(SIGNED_IN_AT, None)
    if not current_user.is_authenticated:
        return None
    current_app.logger.info("sso session of account %s reached its maximum age", current_user.id)
    logout_user()
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("sso.start", next=target))


def deadline() -> datetime | None:
    """When (clock.utcnow()) enforce_max_age ends this session, if it began at the
    provider: kept lesson pages are served until then without asking the app."""
    started, settings = session.get(SIGNED_IN_AT), provider.settings()
    if started is None or settings is None:
        return None
    return datetime(1970, 1, 1) + timedelta(seconds=int(started) + settings.session_hours * 3600)


def provider_logout_url(_sender) -> str | None:
    """Receiver of `signing_out`: the provider's end-session address for a session that
    began there."""
    if session.pop(SIGNED_IN_AT, None) is None or provider.client() is None:
        return None
    return provider.logout_url(provider.client())
