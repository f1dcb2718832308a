"""Reads about courses and reading progress."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy import bindparam, select

from ..accounts import session_users
from ..accounts.session_users import SessionUser
from ..content import Catalog, Course, Module
from ..extensions import db
from .models import ModuleCompletion


def catalog() -> Catalog:
    """The courses of the running app (loaded by learning.init_app)."""
    return current_app.extensions["catalog"]


def _sees_drafts(user) -> bool:
    return user.is_authenticated and user.has_any_role("trainer", "admin")


def visible_course(slug: str, user) -> Course | None:
    """The course, if it exists and this person may see it (drafts: trainers and admins)."""
    return catalog().get(slug, include_drafts=_sees_drafts(user))


def visible_courses(user) -> list[Course]:
    return catalog().all(include_drafts=_sees_drafts(user))


def course_including_drafts(slug: str) -> Course | None:
    """For records that already refer to the course (an attempt): whatever its state."""
    return catalog().get(slug, include_drafts=True)


class ModuleState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CHANGED = "changed"  # finished, but the text changed since


@dataclass(frozen=True)
class CourseProgress:
    """What a learner finished in one course: module slug -> version read."""

    course: Course
    finished: dict[str, str]
    last_activity: datetime | None = None

    def state(self, module: Module) -> ModuleState:
        version = self.finished.get(module.slug)
        if version is None:
            return ModuleState.OPEN
        return ModuleState.DONE if version == module.version else ModuleState.CHANGED

    @property
    def done_count(self) -> int:
        return sum(self.state(m) is ModuleState.DONE for m in self.course.modules)

    @property
    def all_done(self) -> bool:
        return self.done_count == len(self.course.modules)

    @property
    def started(self) -> bool:
        return bool(self.finished)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.course.modules)) if self.course.modules else 0

    def unfinished_modules(self) -> list[Module]:
        return [m for m in self.course.modules if self.state(m) is not ModuleState.DONE]

    def next_module(self) -> Module | None:
        """Where to continue: the first module not done, else None."""
        return next(iter(self.unfinished_modules()), None)


# Built once: every lesson view runs it, and building the statement cost as much as
# running it. Executed on the session's connection (a Core query: no ORM bookkeeping).
_PROGRESS = select(
    ModuleCompletion.module_slug,
    ModuleCompletion.module_version,
    ModuleCompletion.completed_at,
).where(
    ModuleCompletion.user_id == bindparam("user_id"),
    ModuleCompletion.course_slug == bindparam("course_slug"),
)


# The signed-in reader and their progress in one course, in one query (a lesson view).
PROGRESS, PROGRESS_OF = "progress", "progress_of"
READER_WITH_PROGRESS = session_users.statement(
    session_users.part(
        PROGRESS,
        text=ModuleCompletion.module_slug,
        extra=ModuleCompletion.module_version,
        at=ModuleCompletion.completed_at,
    ).where(
        ModuleCompletion.user_id == bindparam("user_id"),
        ModuleCompletion.course_slug == bindparam("course_slug"),
    )
)


def reader_with_progress(user_id: int, version: int, course_slug: str) -> SessionUser | None:
    """The signed-in person (see accounts.session_users) with their reading progress in
    the course, which course_progress() then takes instead of asking again."""
    reader = session_users.load(user_id, version, READER_WITH_PROGRESS, course_slug=course_slug)
    if reader is not None:
        reader.facts[PROGRESS_OF] = course_slug
    return reader


def course_progress(user, course: Course) -> CourseProgress:
    facts = getattr(user, "facts", {})
    if facts.get(PROGRESS_OF) == course.slug:  # fetched with the reader
        finished = {r.text: r.extra for r in facts.get(PROGRESS, ())}
        last = max((r.at for r in facts.get(PROGRESS, ())), default=None)
        return CourseProgress(course, finished, last)
    rows = (
        db.session.connection()
        .execute(_PROGRESS, {"user_id": user.id, "course_slug": course.slug})
        .all()
    )
    last = max((r.completed_at for r in rows), default=None)
    return CourseProgress(course, {r.module_slug: r.module_version for r in rows}, last)


def progress_by_course(user, courses: list[Course]) -> dict[str, CourseProgress]:
    """Progress in every given course, in one query."""
    rows = db.session.execute(
        select(
            ModuleCompletion.course_slug,
            ModuleCompletion.module_slug,
            ModuleCompletion.module_version,
            ModuleCompletion.completed_at,
        ).where(ModuleCompletion.user_id == user.id)
    ).all()
    return progress_from_rows(courses, rows)


def progress_from_rows(
    courses: list[Course], rows: Iterable[tuple[str, str, str, datetime]]
) -> dict[str, CourseProgress]:
    """Progress in every given course from (course, module, version, completed at) rows of
    the person's module completions, however they were fetched."""
    finished: dict[str, dict[str, str]] = defaultdict(dict)
    last: dict[str, datetime] = {}
    for course_slug, module_slug, version, completed_at in rows:
        finished[course_slug][module_slug] = version
        last[course_slug] = max(last.get(course_slug, completed_at), completed_at)
    return {c.slug: CourseProgress(c, finished[c.slug], last.get(c.slug)) for c in courses}


def completion(user, course: Course, module: Module) -> ModuleCompletion | None:
    return db.session.scalar(
        select(ModuleCompletion).where(
            ModuleCompletion.user_id == user.id,
            ModuleCompletion.course_slug == course.slug,
            ModuleCompletion.module_slug == module.slug,
        )
    )
