"""Writes about reading progress. They flush and record; the view commits."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import audit, clock
from ..content import Course, Module
from ..extensions import db
from ..signals import module_completed
from . import queries
from .models import ModuleCompletion


def mark_done(user, course: Course, module: Module) -> None:
    """Record that the learner finished this module's current text (idempotent)."""
    if _record(user, course, module):
        audit.record(
            "module.completed",
            user,
            person=user,
            course=course.slug,
            module=module.slug,
            version=module.version,
        )
    module_completed.send(current_app._get_current_object(), user=user, course=course)


def _record(user, course: Course, module: Module) -> bool:
    """True when this call changed something."""
    existing = queries.completion(user, course, module)
    if existing is not None:
        if existing.module_version == module.version:
            return False
        existing.module_version = module.version  # re-read after the text changed
        existing.completed_at = clock.utcnow()
        db.session.flush()
        return True
    try:
        with db.session.begin_nested():  # a second tab may insert the same row at once
            db.session.add(
                ModuleCompletion(
                    user_id=user.id,
                    course_slug=course.slug,
                    module_slug=module.slug,
                    module_version=module.version,
                )
            )
    except IntegrityError:
        return False  # already recorded by the other request: the result is the same
    return True
