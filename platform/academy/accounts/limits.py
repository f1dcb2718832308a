"""Rate limits of the sign-in and account pages, keyed by IP address and by account.

A limit per IP alone lets one attacker spread guesses over many addresses, and locks an
office behind one NAT out together; a limit per account alone lets an attacker guess
from many addresses. So both, and the sign-in limits count failed attempts only: people
who sign in successfully never use up their office's allowance.
"""

from __future__ import annotations

from flask import request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..emails import MAX_LENGTH, normalize_email
from ..extensions import limiter

SIGN_IN_PER_IP = "20 per minute"
SIGN_IN_PER_ACCOUNT = "10 per minute;50 per hour"
MAIL_PER_IP = "5 per minute"
MAIL_PER_ADDRESS = "3 per 10 minutes;10 per day"  # no mail-bombing one address
PASSWORD_CHANGE_PER_IP = "10 per minute"
# Single sign-on: a person needs one start and one callback per sign-in; each callback
# may cost requests to the provider, so a flood from one address stops here.
SINGLE_SIGN_ON_PER_IP = "30 per minute"
PASSWORD_CHANGE_PER_ACCOUNT = "5 per minute;20 per hour"


def typed_address() -> str:
    """The account a form names: its e-mail field, normalised as sign-in compares it."""
    return "address:" + normalize_email(request.form.get("email", "")[:MAX_LENGTH])


def signed_in_account() -> str:
    return f"account:{current_user.get_id()}" if current_user.is_authenticated else ""


def link_token() -> str:
    return "link:" + (request.view_args or {}).get("token", "")[:100]


def failed(response) -> bool:
    """Only refused attempts count (a form shown again with an error)."""
    return response.status_code >= 400


def not_a_password_change() -> bool:
    return request.form.get("action") != "password"


def sign_in(view):
    view = limiter.limit(
        SIGN_IN_PER_ACCOUNT, key_func=typed_address, methods=["POST"], deduct_when=failed
    )(view)
    return limiter.limit(
        SIGN_IN_PER_IP, key_func=get_remote_address, methods=["POST"], deduct_when=failed
    )(view)


def mail_request(view):
    """Pages that mail a link to an address typed in (reset, confirmation again)."""
    view = limiter.limit(MAIL_PER_ADDRESS, key_func=typed_address, methods=["POST"])(view)
    return limiter.limit(MAIL_PER_IP, key_func=get_remote_address, methods=["POST"])(view)


def password_change(view):
    view = limiter.limit(
        PASSWORD_CHANGE_PER_ACCOUNT,
        key_func=signed_in_account,
        methods=["POST"],
        exempt_when=not_a_password_change,
    )(view)
    return limiter.limit(
        PASSWORD_CHANGE_PER_IP,
        key_func=get_remote_address,
        methods=["POST"],
        exempt_when=not_a_password_change,
    )(view)


def confirmation(view):
    """The confirmation page asks for the account's password: guesses are limited per
    link and per IP."""
    view = limiter.limit(
        SIGN_IN_PER_ACCOUNT, key_func=link_token, methods=["POST"], deduct_when=failed
    )(view)
    return limiter.limit(
        SIGN_IN_PER_IP, key_func=get_remote_address, methods=["POST"], deduct_when=failed
    )(view)


def single_sign_on(view):
    return limiter.limit(SINGLE_SIGN_ON_PER_IP, key_func=get_remote_address)(view)
