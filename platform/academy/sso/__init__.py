"""Single sign-on with the company account (OpenID Connect): sign-in, just-in-time
accounts with department and roles from the provider's claims, session lifetime,
sign-out at the provider."""

from __future__ import annotations


def init_app(app) -> None:
    from ..signals import signing_out
    from . import provider, sessions, views

    provider.init_app(app)
    app.register_blueprint(views.bp)
    app.before_request(sessions.enforce_max_age)
    app.extensions.setdefault("session_deadlines", []).append(sessions.deadline)
    signing_out.connect(sessions.provider_logout_url, app)
