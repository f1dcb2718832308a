"""Who may use a route: every view declares it, one hook enforces it.

A view without a declaration is refused (fail closed), and a test walks the URL map to
make sure each route has one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable)

PUBLIC = "public"
SIGNED_IN = "signed-in"
CATALOG = "catalog"  # public when PUBLIC_COURSES is on, else signed in
ROLES = ("learner", "trainer", "hr", "admin")


def _declare(rule: str, roles: tuple[str, ...] = ()) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        view.access_roles = roles  # type: ignore[attr-defined]
        return view

    return decorate


public = _declare(PUBLIC)
signed_in = _declare(SIGNED_IN)
catalog = _declare(CATALOG)


def roles(*names: str) -> Callable[[F], F]:
    """Signed in and holding at least one of these roles."""
    unknown = set(names) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")
    return _declare(SIGNED_IN, names)


def light_user(loader: Callable) -> Callable[[F], F]:
    """The view only reads who the signed-in person is: Flask-Login gets them from
    `loader(user_id, session_version)` (one Core query, see session_users.py) instead of
    the ORM. Combine with a rule above; the rule is enforced the same way."""

    def decorate(view: F) -> F:
        view.light_user = loader  # type: ignore[attr-defined]
        return view

    return decorate


def rule_of(view: Callable) -> str | None:
    return getattr(view, "access_rule", None)


def enforce() -> object:
    """before_request hook: apply the rule of the requested view."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions[request.endpoint]
    rule = rule_of(view)
    if rule is None:
        current_app.logger.error("route %s declares no access rule; refused", request.endpoint)
        abort(403)
    if rule == PUBLIC or (rule == CATALOG and current_app.config["PUBLIC_COURSES"]):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    needed = getattr(view, "access_roles", ())
    if needed and not current_user.has_any_role(*needed):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(enforce)
