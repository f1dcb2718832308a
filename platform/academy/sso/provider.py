"""The OpenID provider, through Authlib's Flask client: discovery, the authorization
code flow with PKCE, state and nonce, and the ID token's checks (signature against the
provider's published keys, issuer, audience, expiry, nonce).

Authlib keeps the discovery document and the key set (JWKS) for the life of the
process; a token signed with a key id it does not know makes it fetch the key set once
more (the provider rotated its keys), and a key still unknown then is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, current_app

from . import claims
from .outcomes import SsoRefusal, SsoRefused

if TYPE_CHECKING:
    from joserfc.errors import ClaimError

# Authlib, joserfc and requests are imported inside the functions that use them: they
# take about half a second to import, which a worker's start pays only when single
# sign-on is configured.

NAME = "company"
TIMEOUT_SECONDS = 10  # a provider that does not answer: a clear page, not a hung worker
LEEWAY_SECONDS = 120  # clock difference tolerated between this server and the provider
# Errors the provider sends back when the person cancelled or refused (RFC 6749, OIDC Core).
CANCELLED = {"access_denied", "consent_required", "interaction_required", "login_required"}


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"].oidc
    if settings is None:
        return
    from authlib.integrations.flask_client import OAuth
    from authlib.oauth2.rfc7523 import PrivateKeyJWT

    oauth = OAuth(app)
    auth_method = "private_key_jwt" if settings.private_key else "client_secret_basic"
    oauth.register(
        NAME,
        client_id=settings.client_id,
        client_secret=settings.private_key or settings.client_secret,
        server_metadata_url=settings.issuer + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": settings.scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": auth_method,
            "default_timeout": TIMEOUT_SECONDS,
        },
        client_auth_methods=[PrivateKeyJWT()] if settings.private_key else None,
    )
    app.extensions["sso"] = oauth.create_client(NAME)
    # Signing out posts a form whose answer redirects to the provider (RP-initiated logout).
    origin = urlsplit(settings.issuer)
    app.config["FORM_ACTION_ORIGINS"] = (f"{origin.scheme}://{origin.netloc}",)


def client():
    """The configured client, or None when single sign-on is not configured."""
    return current_app.extensions.get("sso")


def settings():
    return current_app.config["SETTINGS"].oidc


def redirect_uri() -> str:
    return current_app.config["SETTINGS"].public_url + "/login/sso/callback"


def metadata(sso) -> dict:
    """The provider's discovery document; its issuer must be the configured one."""
    from requests import RequestException

    try:
        document = sso.load_server_metadata()
    except (RequestException, ValueError) as error:
        raise SsoRefused(SsoRefusal.PROVIDER_DOWN, detail=f"discovery failed: {error}") from None
    if str(document.get("issuer", "")).rstrip("/") != settings().issuer:
        sso.server_metadata.clear()  # do not keep a document that names another issuer
        raise SsoRefused(
            SsoRefusal.PROVIDER_ERROR,
            detail=f"discovery names issuer {document.get('issuer')!r}, not {settings().issuer!r}",
        )
    return document


def authorization_redirect(sso, nonce: str):
    from requests import RequestException

    metadata(sso)
    try:
        return sso.authorize_redirect(redirect_uri(), nonce=nonce)
    except RequestException as error:
        raise SsoRefused(SsoRefusal.PROVIDER_DOWN, detail=str(error)) from None


def person_from_callback(sso) -> claims.Person:
    """Exchange the code, check the ID token and read it; every failure becomes a
    refusal with a reason the person's page and the admin's log line name."""
    from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
    from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
    from requests import RequestException

    metadata(sso)
    try:
        token = sso.authorize_access_token(claims_options=_claim_checks(), leeway=LEEWAY_SECONDS)
    except MismatchingStateError:
        raise SsoRefused(SsoRefusal.STATE_LOST, detail="state unknown to this session") from None
    except OAuthError as error:
        reason = (
            SsoRefusal.CONSENT_REFUSED if error.error in CANCELLED else SsoRefusal.PROVIDER_ERROR
        )
        raise SsoRefused(reason, detail=f"{error.error}: {error.description}") from None
    except RequestException as error:
        raise SsoRefused(SsoRefusal.PROVIDER_DOWN, detail=str(error)) from None
    except (ExpiredTokenError, ClaimError) as error:
        raise _claim_refusal(error) from None
    except (JoseError, ValueError, KeyError) as error:
        raise SsoRefused(
            SsoRefusal.INVALID_TOKEN, detail=f"{type(error).__name__}: {error}"
        ) from None
    if "userinfo" not in token:  # no ID token in the answer
        raise SsoRefused(SsoRefusal.INVALID_TOKEN, detail="the token response has no id_token")
    try:
        return claims.read(token["userinfo"], settings())
    except claims.UnreadableGroups as error:
        raise SsoRefused(
            SsoRefusal.UNKNOWN_GROUP, detail=f"claim {error} is not a list of group names"
        ) from None


def _claim_checks() -> dict:
    """Issuer and audience are checked against the configuration, not only against
    what the provider's documents say."""
    return {
        "iss": {"essential": True, "values": [settings().issuer, settings().issuer + "/"]},
        "aud": {"essential": True, "values": [settings().client_id]},
    }


def _claim_refusal(error: ClaimError) -> SsoRefused:
    from joserfc.errors import ExpiredTokenError

    detail = f"ID token claim {error.claim}: {error.description or type(error).__name__}"
    if isinstance(error, ExpiredTokenError) or error.claim in ("iat", "nbf"):
        return SsoRefused(SsoRefusal.CLOCK_SKEW, detail=detail)
    return SsoRefused(SsoRefusal.INVALID_TOKEN, detail=detail)


def logout_url(sso) -> str | None:
    """The provider's end-session address with this client and the way back, when its
    discovery document offers one (RP-initiated logout); else None."""
    try:
        document = metadata(sso)
    except SsoRefused:
        return None  # provider down: the local session ends all the same
    if not document.get("end_session_endpoint"):
        return None
    back = current_app.config["SETTINGS"].public_url + "/login"
    return sso.create_logout_url(post_logout_redirect_uri=back, client_id=settings().client_id)[
        "url"
    ]
