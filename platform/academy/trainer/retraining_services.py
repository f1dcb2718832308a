"""Retraining after a material change: assigning it when a version is published, the
re-check, and completing it. They flush and record; the caller commits."""

from __future__ import annotations

from flask import current_app

from .. import audit, clock, signals
from ..content import Course
from ..exams import services as exams
from ..exams.models import AttemptKind, ExamAttempt
from ..extensions import db
from ..learning.queries import course_progress
from . import retraining_queries
from .models import CourseVersion, Retraining
from .outcomes import TrainerRefusal, TrainerRefused


def assign(version: CourseVersion, by) -> list[Retraining]:
    """Everyone holding a valid certificate earned on another version re-reads the changed
    modules and takes a re-check. An open retraining in the course gains the modules.
    hr hears of it (retraining_assigned) and makes it an assignment with a due date."""
    slug = version.course_slug
    waiting = retraining_queries.open_in_course(slug)
    now = clock.utcnow()
    assigned = []
    for certificate in retraining_queries.valid_certificates(slug, clock.today()):
        if certificate.course_version == version.version:
            continue
        retraining = waiting.get(certificate.user_id)
        if retraining is None:
            retraining = Retraining(
                user_id=certificate.user_id,
                course_slug=slug,
                certificate_id=certificate.id,
                earned_on=certificate.course_version,
                modules=[],
            )
            db.session.add(retraining)
        retraining.modules = [
            *retraining.modules,
            *(m for m in version.modules if m not in retraining.modules),
        ]
        retraining.version_id, retraining.assigned_at = version.id, now
        assigned.append((retraining, certificate.user))
    db.session.flush()
    for retraining, person in assigned:
        audit.record(
            "retraining.assigned",
            by,
            retraining,
            person=person,
            course=slug,
            number=version.number,
            modules=retraining.modules,
        )
    if assigned:
        signals.retraining_assigned.send(
            current_app._get_current_object(),
            people=[person for _, person in assigned],
            course_slug=slug,
            number=version.number,
            modules=list(version.modules),
            by=by,
        )
    return [r for r, _ in assigned]


def start_recheck(user, retraining: Retraining, course: Course) -> ExamAttempt:
    """The re-check of the retraining's modules (the exam rules apply: read them first)."""
    if retraining.completed_at is not None or not retraining_queries.needs_recheck(
        course, retraining.modules
    ):
        raise TrainerRefused(TrainerRefusal.NOTHING_TO_RECHECK)
    progress = course_progress(user, course)
    return exams.start_attempt(user, course, progress, modules=retraining.modules)


def complete_after_recheck(_sender, *, user, attempt, result, course, **_extra) -> None:
    """Receiver of exam_graded: a passed re-check completes the retraining it covers."""
    if attempt.kind != AttemptKind.RECHECK or not result.passed or course is None:
        return
    for retraining in retraining_queries.open_for(user, course.slug):
        status = retraining_queries.status(user, retraining, course)
        if status.read and attempt.started_at >= retraining.assigned_at:
            _complete(user, retraining, attempt)


def complete_after_reading(_sender, *, user, course, **_extra) -> None:
    """Receiver of module_completed: modules without exam questions need no re-check."""
    for retraining in retraining_queries.open_for(user, course.slug):
        status = retraining_queries.status(user, retraining, course)
        if status.read and not status.needs_recheck:
            _complete(user, retraining, None)


def _complete(user, retraining: Retraining, attempt: ExamAttempt | None) -> None:
    retraining.completed_at = clock.utcnow()
    retraining.recheck_attempt_id = attempt.id if attempt is not None else None
    db.session.flush()
    audit.record(
        "retraining.completed",
        user,
        retraining,
        person=user,
        course=retraining.course_slug,
        modules=retraining.modules,
    )
    signals.retraining_completed.send(
        current_app._get_current_object(), user=user, course_slug=retraining.course_slug
    )
