"""The exam page: the page around the questions rendered once per kind of page, the
questions on every request.

Around the questions, an exam page differs between attempts only in the language, the
menu (the learner's roles), the course (and its version), the kind of attempt, its pass
mark and number of questions and whether it has a deadline; within that, only in the
learner's name, the CSRF token, the attempt's id in two URLs, the count answered and the
deadline. So that page is kept per combination of the former, with marks where the
latter go (as learning/pages.py does for lessons), and each request renders only the
questions (their options and order are the attempt's own) and fills in the marks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from flask import current_app, request, url_for
from flask_babel import format_time, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from ..learning.pages import CSRF_MARK, NAME_MARK, PageCache, cacheable
from ..templating import csrf_token
from .models import ExamAttempt

# The attempt's id as a number (the URL rule takes only digits); no other number on the
# page is that long.
ID_MARK = 970_318_642_753_186_420
QUESTIONS_MARK = "questions-mark-5d2a9e41c7"
ANSWERED_MARK = "answered-mark-5d2a9e41c7"
DEADLINE_MARK = "deadline-mark-5d2a9e41c7"
TIME_MARK = "time-mark-5d2a9e41c7"


class _Taker:
    """What the layout shows of the signed-in learner, with a mark for the name."""

    is_authenticated = True
    name = NAME_MARK


@dataclass(frozen=True)
class _MarkedAttempt:
    """The attempt as the kept page sees it: the same for every attempt of its kind."""

    id: int
    course_slug: str
    kind: str
    pass_mark: int
    deadline_at: bool


@dataclass(frozen=True)
class Filling:
    """What one attempt's page puts into the marks."""

    questions: Markup
    answered: int
    deadline: datetime | None


def exam_page(attempt: ExamAttempt, course, filling: Filling, render: Callable[..., str]) -> str:
    """`render(**values)` renders exams/take.html with the given values."""
    total = len(attempt.questions)
    roles = current_user.roles
    if not cacheable() or not isinstance(roles, frozenset):  # frozenset: the light loader
        deadline = _deadline(filling.deadline)
        return render(
            attempt=attempt,
            questions_html=filling.questions,
            answered=filling.answered,
            total=total,
            deadline=deadline,
        )
    pages: PageCache[str] = current_app.extensions.setdefault("exam_pages", PageCache())
    key = (
        attempt.course_slug,
        course.version if course is not None else None,
        str(get_locale() or "de"),
        roles,
        attempt.kind,
        attempt.pass_mark,
        total,
        attempt.deadline_at is not None,
    )
    page = pages.get(key)
    if page is None:
        marked = Markup('<input type="hidden" name="csrf_token" value="{}">').format(CSRF_MARK)
        page = render(
            attempt=_MarkedAttempt(
                ID_MARK, attempt.course_slug, attempt.kind, attempt.pass_mark, key[-1]
            ),
            questions_html=Markup(QUESTIONS_MARK),
            answered=ANSWERED_MARK,
            total=total,
            deadline=SimpleNamespace(iso=DEADLINE_MARK, time=TIME_MARK),
            current_user=_Taker(),
            csrf_field=lambda: marked,
            # The language switch sends the learner back to this page: its URL, marked.
            request=SimpleNamespace(
                endpoint=request.endpoint,
                full_path=url_for("exams.take", slug=attempt.course_slug, attempt_id=ID_MARK),
            ),
        )
        pages.put(key, page)
    deadline = _deadline(filling.deadline)
    # The name and the questions (course text) last: no mark inside them is replaced.
    return (
        page.replace(f"/exam/{ID_MARK}", f"/exam/{attempt.id}")
        .replace(CSRF_MARK, csrf_token())
        .replace(ANSWERED_MARK, str(filling.answered))
        .replace(DEADLINE_MARK, str(escape(deadline.iso)) if deadline else "")
        .replace(TIME_MARK, str(escape(deadline.time)) if deadline else "")
        .replace(NAME_MARK, str(escape(current_user.name)))
        .replace(QUESTIONS_MARK, filling.questions)
    )


def _deadline(at: datetime | None) -> SimpleNamespace | None:
    if at is None:
        return None
    return SimpleNamespace(iso=at.isoformat(), time=format_time(at, "short"))
