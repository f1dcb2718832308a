"""Small helpers every blueprint uses the same way: one 404 idiom, list parameters,
safe redirect targets."""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, g, request, url_for
from werkzeug.routing import IntegerConverter

from .config import LANGUAGES
from .content.layout import COURSE_SLUG

T = TypeVar("T")
PAGE_SIZE = 50  # rows per page in every list
MAX_ID = 2**31 - 1  # the largest id PostgreSQL's integer column holds
MAX_PAGE = 100_000
MAX_SLUG = 100  # the length of every course_slug column


def found(value: T | None) -> T:
    """The view's one way to say 'not found': queries return None, views call this."""
    if value is None:
        abort(404)
    return value


def list_params() -> tuple[str, int]:
    """The search text and page number of a list page (?q=…&page=…), bounded."""
    search = request.args.get("q", "")[:100].strip()
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    return search, page


def safe_next(default: str = "dashboard.home") -> str:
    """The `next` parameter if it is a path on this site, else the default page: an open
    redirect would help phishing."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    # Browsers read "/\\host" like "//host": a backslash never belongs in our paths.
    on_site = (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()  # no CR/LF: a header built from it could be split
    )
    if on_site and not parts.scheme and not parts.netloc:
        return target
    return url_for(default)


def noindex(view):
    """Mark a view whose pages search engines should not list (X-Robots-Tag)."""
    view.noindex = True
    return view


class IdConverter(IntegerConverter):
    """<int:…> in every route: a number no table can hold is 'not found', not a crash."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul_bytes() -> None:
    """before_request: no text a person types contains NUL, and PostgreSQL cannot store
    it; refuse such a request as malformed instead of failing later with a 500."""
    if "\x00" in request.path:
        abort(400)
    # Only a query string or a form can hold more text (request.form is empty for any
    # other type of body): a lesson view skips parsing both.
    args = request.args.values() if request.query_string else ()
    form = request.form.values() if request.mimetype in FORM_TYPES else ()
    if any("\x00" in value for value in (*args, *form)):
        abort(400)
    # Every URL value preprocessor has run before this (Flask runs them first): the
    # view's arguments are what the view will get.
    g.request_accepted = True


def request_accepted() -> bool:
    """Whether the request passed the checks above and goes to its view; an error page
    for a refused request must not use the view's arguments (a NUL, a slug no course
    can have) in a query."""
    return g.get("request_accepted", False)


def browser_locale() -> str:
    """The language the browser asks for: the language cookie, else Accept-Language.
    (A signed-in person's own choice comes first, see factory._select_locale.)"""
    if request.cookies.get("lang") in LANGUAGES:
        return request.cookies["lang"]
    return request.accept_languages.best_match(LANGUAGES, default="de") or "de"


def refuse_impossible_slugs(_endpoint: str | None, values: dict | None) -> None:
    """url_value_preprocessor: a course slug that no course can have is 'not found'
    before any view looks for a folder by that name (a name longer than the file system
    allows would fail there with an error instead)."""
    slug = (values or {}).get("slug")
    if slug is not None and (len(slug) > MAX_SLUG or not COURSE_SLUG.match(slug)):
        abort(404)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)
    app.url_value_preprocessor(refuse_impossible_slugs)
