"""What every template can use: the site name, versioned asset URLs, the menu, a CSRF
field. Domains add their own template globals in their init_app()."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, g, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from . import navigation


@lru_cache(maxsize=256)
def _file_hash(path: Path, _mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def asset(filename: str) -> str:
    """URL of a static file with its content hash, so browsers may cache it for a year."""
    if not current_app.config["TEMPLATES_AUTO_RELOAD"]:
        # Outside development the files do not change while the app runs: one lookup each.
        known = current_app.extensions.setdefault("asset_urls", {})
        if filename not in known:
            known[filename] = _asset_url(filename)
        return known[filename]
    return _asset_url(filename)


def _asset_url(filename: str) -> str:
    path = Path(current_app.static_folder or "") / filename
    version = _file_hash(path, path.stat().st_mtime) if path.exists() else "0"
    return url_for("static", filename=filename, v=version)


CSRF_KEY = "csrf_token"  # Flask-WTF's name for the raw token in the session and in g
MAX_SIGNED_TOKENS = 20_000  # about 3 MB per worker at most


def csrf_token() -> str:
    """The session's signed CSRF token, as Flask-WTF's generate_csrf() gives it.

    generate_csrf() signs the session's raw token anew for every request (a timestamped
    HMAC, the costliest step of a kept lesson page after the user query). Tokens do not
    expire here (WTF_CSRF_TIME_LIMIT is None), so the first signature of a raw token is
    as good as any later one: each worker keeps it, by raw token. Validation is
    Flask-WTF's, unchanged; a new session gets a new raw token and so a new signature."""
    if CSRF_KEY in g or current_app.config["WTF_CSRF_TIME_LIMIT"] is not None:
        return generate_csrf()
    signed: dict[str, str] = current_app.extensions.setdefault("signed_csrf_tokens", {})
    raw = session.get(CSRF_KEY)
    token = signed.get(raw) if isinstance(raw, str) else None
    if token is None:
        token = generate_csrf()  # puts a raw token into a new session
        if len(signed) >= MAX_SIGNED_TOKENS:
            signed.clear()  # rarely: start over rather than keep every session's token
        signed[session[CSRF_KEY]] = token
    else:
        setattr(g, CSRF_KEY, token)  # later calls in this request: generate_csrf's cache
    return token


def csrf_field() -> Markup:
    """The hidden CSRF input every POST form carries (CSRFProtect checks every POST)."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(csrf_token())


def menu(area: str = navigation.MAIN) -> list[navigation.MenuEntry]:
    return navigation.entries(area, current_user)


def _globals() -> dict:
    settings = current_app.config["SETTINGS"]
    return {
        "site_name": settings.site_name,
        "organisation": settings.organisation,
        "current_locale": str(get_locale() or "de"),
    }


def init_app(app: Flask) -> None:
    app.context_processor(_globals)
    app.jinja_env.globals.update(asset=asset, csrf_field=csrf_field, menu=menu)
    app.jinja_env.add_extension("jinja2.ext.do")  # {% do list.append(x) %} in macros
    # Indentation and blank lines of the templates are not sent: lesson pages stay small.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # Static URLs carry a content hash (asset()), so browsers may keep the files a year.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for mails and PDFs, always on PUBLIC_URL: a link built from the
    request's Host header could be pointed at another site by whoever sends it."""
    return current_app.config["SETTINGS"].public_url + url_for(endpoint, **values)
