"""Signed-in lesson pages rendered once per kind of reader, not once per request.

A lesson page differs between readers only in: the language, the menu (their roles),
the state of each module (the sidebar, the badge, the pager), their name in the header
and the CSRF token in its forms. So the page is rendered once for each combination of
the first three, with marks where the name and the token go, and every later request
puts this reader's name and token into the kept text: no template, no gettext, no URL
building. The view still loads the user (sign-in, session version, roles) and their
progress on every request, so access rules and session invalidation are unchanged.

Not kept: pages with a flashed message or a query string, and anything in development
(templates and courses change there).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Generic, TypeVar

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from ..content import Course, Module
from ..templating import csrf_token
from ..web import browser_locale
from .queries import CourseProgress

CSRF_MARK = "csrf-mark-8c0f3b7e61"
NAME_MARK = "name-mark-8c0f3b7e61"
# environ keys: direct.py asks for a description of the visit, lesson_page gives it.
VISIT_WANTED, VISIT = "academy.visit_wanted", "academy.visit"
MARKS = re.compile(f"({CSRF_MARK}|{NAME_MARK})")
P = TypeVar("P")  # what a cache keeps: a KeptPage here, the page's text for exams
MAX_PAGES = 2000  # modules x languages x role sets x reading states; about 50 MB at most


class _Reader:
    """What the layout shows of the signed-in reader, with a mark for the name."""

    is_authenticated = True
    name = NAME_MARK


class KeptPage:
    """A rendered page as UTF-8 pieces, split where the name and the token go: filling
    it in joins bytes instead of replacing in and encoding 24 KB of text."""

    def __init__(self, page: str) -> None:
        parts = MARKS.split(page)
        self.pieces = tuple(part.encode() for part in parts[::2])
        self.marks = tuple(parts[1::2])

    def filled(self, token: str, name: str) -> bytes:
        values = {CSRF_MARK: token.encode(), NAME_MARK: str(escape(name)).encode()}
        joined = [self.pieces[0]]
        for mark, piece in zip(self.marks, self.pieces[1:], strict=True):
            joined += (values[mark], piece)
        return b"".join(joined)


class PageCache(Generic[P]):
    """Rendered pages by key, the least recently used dropped beyond `size`."""

    def __init__(self, size: int = MAX_PAGES) -> None:
        self._pages: OrderedDict[tuple, P] = OrderedDict()
        self._size, self._lock = size, Lock()

    def get(self, key: tuple) -> P | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: P) -> None:
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)


def cacheable() -> bool:
    return (
        not current_app.config["TEMPLATES_AUTO_RELOAD"]
        and not request.query_string
        and "_flashes" not in session
    )


def key(course: Course, module: Module, locale: str, roles, progress: CourseProgress) -> tuple:
    """What a kept page depends on besides the reader's name and token."""
    states = tuple(progress.state(m) for m in course.modules)
    return (course.slug, course.version, module.slug, locale, roles, states)


def cache_of(app: Flask) -> PageCache[KeptPage]:
    return app.extensions.setdefault("lesson_pages", PageCache())


def lesson_page(
    course: Course, module: Module, progress: CourseProgress, render: Callable[..., str]
) -> str | bytes:
    """The page for this reader; `render(**overrides)` renders the template."""
    if not cacheable():
        return render()
    pages = cache_of(current_app)
    page_key = key(course, module, str(get_locale() or "de"), current_user.roles, progress)
    page = pages.get(page_key)
    if page is None:
        marked = Markup('<input type="hidden" name="csrf_token" value="{}">').format(CSRF_MARK)
        page = KeptPage(render(current_user=_Reader(), csrf_field=lambda: marked))
        pages.put(page_key, page)
    token = csrf_token()
    if VISIT_WANTED in request.environ:
        request.environ[VISIT] = _visit(token)
    return page.filled(token, current_user.name)


@dataclass(frozen=True)
class Visit:
    """A kept page served to a signed-in reader, for direct.py to serve the next ones."""

    user_id: int
    session_version: int
    csrf_token: str
    browser_locale: str  # the language unless the reader chose one in their profile
    cookie_signed_at: float  # time.time(): the session cookie's age counts from here
    session_deadline: datetime | None  # clock.utcnow(): e.g. a single sign-on session's end
    headers: tuple[tuple[str, str], ...] = ()  # the response's, added by direct.py


def _visit(token: str) -> Visit | None:
    interface = current_app.session_interface
    signed_at = getattr(interface, "signed_at", lambda *_: None)(current_app, request)
    if signed_at is None:  # a cookie this worker does not keep verified
        return None
    deadlines = (deadline() for deadline in current_app.extensions.get("session_deadlines", ()))
    return Visit(
        current_user.id,
        current_user.session_version,
        token,
        browser_locale(),
        signed_at,
        min((d for d in deadlines if d is not None), default=None),
    )
