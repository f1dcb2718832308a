"""Reads about reading progress."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..content import Course, Module
from ..extensions import catalog, db
from .models import ModuleCompletion


@dataclass(frozen=True)
class CourseProgress:
    """What a learner finished in one course: module slug -> version read."""

    course: Course
    finished: dict[str, str]
    last_activity: datetime | None = None

    def state(self, module: Module) -> str:
        """'done', 'open' or 'changed' (finished, but the text changed since)."""
        version = self.finished.get(module.slug)
        if version is None:
            return "open"
        return "done" if version == module.version else "changed"

    @property
    def done_count(self) -> int:
        return sum(self.state(m) == "done" for m in self.course.modules)

    @property
    def all_done(self) -> bool:
        return self.done_count == len(self.course.modules)

    @property
    def started(self) -> bool:
        return bool(self.finished)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.course.modules)) if self.course.modules else 0

    def next_module(self) -> Module | None:
        """Where to continue: the first module not done, else None."""
        return next((m for m in self.course.modules if self.state(m) != "done"), None)


def course_progress(user_id: int, course: Course) -> CourseProgress:
    rows = db.session.execute(
        select(
            ModuleCompletion.module_slug,
            ModuleCompletion.module_version,
            ModuleCompletion.completed_at,
        ).where(ModuleCompletion.user_id == user_id, ModuleCompletion.course_slug == course.slug)
    ).all()
    last = max((r.completed_at for r in rows), default=None)
    return CourseProgress(course, {r.module_slug: r.module_version for r in rows}, last)


def progress_by_course(user_id: int, courses: list[Course]) -> dict[str, CourseProgress]:
    """Progress in every given course, in one query."""
    rows = db.session.execute(
        select(
            ModuleCompletion.course_slug,
            ModuleCompletion.module_slug,
            ModuleCompletion.module_version,
            ModuleCompletion.completed_at,
        ).where(ModuleCompletion.user_id == user_id)
    ).all()
    finished: dict[str, dict[str, str]] = defaultdict(dict)
    last: dict[str, datetime] = {}
    for row in rows:
        finished[row.course_slug][row.module_slug] = row.module_version
        last[row.course_slug] = max(last.get(row.course_slug, row.completed_at), row.completed_at)
    return {c.slug: CourseProgress(c, finished[c.slug], last.get(c.slug)) for c in courses}


def _sees_drafts() -> bool:
    return current_user.is_authenticated and current_user.has_any_role("trainer", "admin")


def visible_course_or_404(slug: str) -> Course:
    """The course, if it exists and the user may see it (drafts: trainers and admins)."""
    course = catalog().get(slug, include_drafts=_sees_drafts())
    if course is None:
        abort(404)
    return course


def visible_courses() -> list[Course]:
    return catalog().all(include_drafts=_sees_drafts())
