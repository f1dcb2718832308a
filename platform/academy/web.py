"""Small helpers every blueprint uses the same way: one 404 idiom, list parameters,
safe redirect targets."""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, request, url_for
from werkzeug.routing import IntegerConverter

T = TypeVar("T")
PAGE_SIZE = 50  # rows per page in every list
MAX_ID = 2**31 - 1  # the largest id PostgreSQL's integer column holds
MAX_PAGE = 100_000


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


def refuse_nul_bytes() -> None:
    """before_request: no text a person types contains NUL, and PostgreSQL cannot store
    it; refuse such a request as malformed instead of failing later with a 500."""
    values = [*request.args.values(), *request.form.values(), request.path]
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)
