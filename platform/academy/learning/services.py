"""Writes about reading progress. They flush; the view commits."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..content import Course, Module
from ..extensions import db
from ..signals import module_completed
from .models import ModuleCompletion


def mark_done(user_id: int, course: Course, module: Module) -> None:
    """Record that the learner finished this module's current text (idempotent)."""
    _record(user_id, course, module)
    module_completed.send(current_app._get_current_object(), user_id=user_id, course=course)


def _record(user_id: int, course: Course, module: Module) -> None:
    existing = db.session.scalar(
        select(ModuleCompletion).where(
            ModuleCompletion.user_id == user_id,
            ModuleCompletion.course_slug == course.slug,
            ModuleCompletion.module_slug == module.slug,
        )
    )
    if existing is not None:
        if existing.module_version != module.version:  # re-read after the text changed
            existing.module_version = module.version
            existing.completed_at = clock.utcnow()
            db.session.flush()
        return
    try:
        with db.session.begin_nested():  # a second tab may insert the same row at once
            db.session.add(
                ModuleCompletion(
                    user_id=user_id,
                    course_slug=course.slug,
                    module_slug=module.slug,
                    module_version=module.version,
                )
            )
    except IntegrityError:
        pass  # already recorded by the other request: the result is the same
