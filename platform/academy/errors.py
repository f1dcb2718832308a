"""Friendly error pages: never a stack trace, always a way back."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

MESSAGES = {
    400: (_l("Ungültige Anfrage"), _l("Die Anfrage konnte nicht verarbeitet werden.")),
    403: (_l("Kein Zugriff"), _l("Für diese Seite fehlt Ihnen die Berechtigung.")),
    404: (
        _l("Seite nicht gefunden"),
        _l("Diese Seite gibt es nicht (mehr). Vielleicht hilft der Kurskatalog weiter."),
    ),
    405: (_l("Nicht erlaubt"), _l("Diese Aktion ist auf diesem Weg nicht möglich.")),
    413: (_l("Zu groß"), _l("Die gesendeten Daten sind zu groß.")),
    429: (
        _l("Zu viele Anfragen"),
        _l("Bitte warten Sie einen Moment und versuchen Sie es dann erneut."),
    ),
    503: (
        _l("Vorübergehend nicht erreichbar"),
        _l(
            "Die Datenbank antwortet gerade nicht. Bitte versuchen Sie es in einer Minute noch einmal."
        ),
    ),
    500: (
        _l("Ein Fehler ist aufgetreten"),
        _l(
            "Das hätte nicht passieren dürfen. Der Fehler wurde protokolliert; bitte versuchen Sie es später noch einmal."
        ),
    ),
}


def render_error(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    try:
        page = render_template(
            "errors/error.html", code=code, title=title, message=message or default
        )
    except Exception:  # the layout itself failed: still no stack trace for the user
        current_app.logger.exception("error page could not be rendered")
        page = _plain_page(code, title, message or default)
    return page, code


def _plain_page(code: int, title, message) -> str:
    """A page without the layout, for when the layout cannot be built."""
    return f"<!doctype html><title>{code}</title><h1>{escape(str(title))}</h1><p>{escape(str(message))}</p>"


def _http_error(error: HTTPException):
    code = error.code or 500
    if isinstance(error, SecurityError):  # a Host the app does not serve: no links to build
        return _plain_page(400, *MESSAGES[400]), 400
    page, status = render_error(code if code in MESSAGES else 500)
    headers = (
        {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
    )
    return page, status, headers


def _database_error(error: Exception):
    """A database that is down or does not answer in time: a fast, friendly 503, from a
    page that needs no database (the layout would ask it who is signed in)."""
    current_app.logger.error("database unavailable: %s", error)
    title, message = MESSAGES[503]
    return _plain_page(503, title, message), 503, {"Retry-After": "60"}


def _csrf_error(_error: CSRFError):
    return render_error(
        400,
        str(
            _l(
                "Das Formular ist abgelaufen oder wurde nicht vollständig gesendet. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal."
            )
        ),
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_error)
    app.register_error_handler(PoolTimeout, _database_error)
    # Unhandled exceptions reach this after Flask has logged them with their traceback.
    app.register_error_handler(InternalServerError, lambda _e: render_error(500))
