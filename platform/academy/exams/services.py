"""Starting and submitting exam attempts. They flush; the view commits."""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..content import Course
from ..extensions import db
from ..learning.queries import CourseProgress
from ..signals import exam_passed
from . import queries
from .grading import InvalidAnswers, check_answers, draw, grade
from .models import ExamAttempt, ExamResult

# Network latency: a submit that left the browser just before the deadline still counts.
GRACE = timedelta(seconds=30)


class ExamError(Exception):
    """The attempt cannot be started or submitted; `reason` says why."""

    def __init__(self, reason: str, attempt: ExamAttempt | None = None):
        super().__init__(reason)
        self.reason = reason
        self.attempt = attempt


def start_attempt(user_id: int, course: Course, progress: CourseProgress) -> ExamAttempt:
    """Resume the open attempt, or draw a new one when the rules allow it."""
    current = queries.open_attempt(user_id, course.slug)
    if current is not None and not _overdue(current):
        return current
    if current is not None:
        close_overdue(current)
    allowed = queries.eligibility(user_id, course, progress)
    if not allowed.allowed:
        raise ExamError(allowed.reason)
    attempt = _new_attempt(user_id, course)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another request opened an attempt at the same moment: use that one.
        existing = queries.open_attempt(user_id, course.slug)
        if existing is None:
            raise
        return existing
    return attempt


def _new_attempt(user_id: int, course: Course) -> ExamAttempt:
    rng = random.Random(secrets.randbits(64))
    limit = course.exam.time_limit_minutes
    now = clock.utcnow()
    return ExamAttempt(
        user_id=user_id,
        course_slug=course.slug,
        course_version=course.version,
        pass_mark=course.exam.pass_mark,
        questions=[q.to_json() for q in draw(course, rng)],
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
    )


def _overdue(attempt: ExamAttempt) -> bool:
    return attempt.deadline_at is not None and clock.utcnow() > attempt.deadline_at + GRACE


def close_overdue_if_due(attempt: ExamAttempt) -> bool:
    """Close the attempt when its time ran out; True if this call closed it."""
    return _overdue(attempt) and close_overdue(attempt) is not None


def close_overdue(attempt: ExamAttempt) -> ExamResult | None:
    """An attempt whose time ran out is closed as failed, without grading its answers."""
    if not _claim(attempt):
        return None
    return _record(attempt, {}, correct=0, passed=False, late=True)


def submit_attempt(
    attempt: ExamAttempt, answers: Mapping[str, frozenset[str]], course: Course | None
) -> ExamResult:
    """Grade once. Tampered answers change nothing; a second submit finds the first result."""
    questions = queries.drawn_questions(attempt)
    try:
        check_answers(questions, answers)
    except InvalidAnswers as error:
        current_app.logger.warning("rejected answers for attempt %s: %s", attempt.id, error)
        raise ExamError("tampered", attempt) from None
    if _overdue(attempt):
        result = close_overdue(attempt)
        raise ExamError("late" if result else "submitted", attempt)
    if not _claim(attempt):
        raise ExamError("submitted", attempt)
    score, _ = grade(questions, answers, attempt.pass_mark)
    result = _record(attempt, answers, score.correct, score.passed, late=False)
    if score.passed and course is not None:
        exam_passed.send(current_app._get_current_object(), attempt=attempt, course=course)
    return result


def _claim(attempt: ExamAttempt) -> bool:
    """Set submitted_at only if still unset: of two simultaneous submits, one wins."""
    now = clock.utcnow()
    claimed = (
        db.session.execute(
            update(ExamAttempt)
            .where(ExamAttempt.id == attempt.id, ExamAttempt.submitted_at.is_(None))
            .values(submitted_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    if claimed:
        attempt.submitted_at = now
    return claimed


def _record(attempt: ExamAttempt, answers, correct: int, passed: bool, late: bool) -> ExamResult:
    total = len(attempt.questions)
    result = ExamResult(
        attempt_id=attempt.id,
        answers={qid: sorted(chosen) for qid, chosen in answers.items()},
        correct_count=correct,
        total=total,
        percent=round(100 * correct / total) if total else 0,
        passed=passed,
        late=late,
    )
    db.session.add(result)
    db.session.flush()
    attempt.result = result
    return result
