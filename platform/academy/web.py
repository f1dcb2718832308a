"""Small helpers every blueprint uses the same way: one 404 idiom, list parameters,
safe redirect targets."""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import urlsplit

from flask import abort, request, url_for

T = TypeVar("T")
PAGE_SIZE = 50  # rows per page in every list


def found(value: T | None) -> T:
    """The view's one way to say 'not found': queries return None, views call this."""
    if value is None:
        abort(404)
    return value


def list_params() -> tuple[str, int]:
    """The search text and page number of a list page (?q=…&page=…), bounded."""
    search = request.args.get("q", "")[:100].strip()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return search, page


def safe_next(default: str = "dashboard.home") -> str:
    """The `next` parameter if it is a path on this site, else the default page: an open
    redirect would help phishing."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    # Browsers read "/\\host" like "//host": a backslash never belongs in our paths.
    on_site = target.startswith("/") and not target.startswith("//") and "\\" not in target
    if on_site and not parts.scheme and not parts.netloc:
        return target
    return url_for(default)
