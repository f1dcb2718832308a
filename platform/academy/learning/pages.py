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

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from ..content import Course, Module
from ..templating import csrf_token
from .queries import CourseProgress

CSRF_MARK = "csrf-mark-8c0f3b7e61"
NAME_MARK = "name-mark-8c0f3b7e61"
MAX_PAGES = 2000  # modules x languages x role sets x reading states; about 50 MB at most


class _Reader:
    """What the layout shows of the signed-in reader, with a mark for the name."""

    is_authenticated = True
    name = NAME_MARK


class PageCache:
    def __init__(self, size: int = MAX_PAGES) -> None:
        self._pages: OrderedDict[tuple, str] = OrderedDict()
        self._size, self._lock = size, Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: str) -> None:
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


def lesson_page(
    course: Course, module: Module, progress: CourseProgress, render: Callable[..., str]
) -> str:
    """The page for this reader; `render(**overrides)` renders the template."""
    if not cacheable():
        return render()
    pages: PageCache = current_app.extensions.setdefault("lesson_pages", PageCache())
    key = (
        course.slug,
        course.version,
        module.slug,
        str(get_locale() or "de"),
        current_user.roles,
        tuple(progress.state(m) for m in course.modules),
    )
    page = pages.get(key)
    if page is None:
        marked = Markup('<input type="hidden" name="csrf_token" value="{}">').format(CSRF_MARK)
        page = render(current_user=_Reader(), csrf_field=lambda: marked)
        pages.put(key, page)
    return page.replace(CSRF_MARK, csrf_token()).replace(NAME_MARK, str(escape(current_user.name)))
