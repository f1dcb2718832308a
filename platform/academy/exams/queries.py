"""Reads about exam attempts, and whether a learner may start one now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import clock
from ..content import Course
from ..extensions import db
from ..learning.queries import CourseProgress
from .grading import DrawnQuestion
from .models import ExamAttempt, ExamResult

DAY = timedelta(hours=24)


def own_attempt_or_404(user_id: int, attempt_id: int, course_slug: str) -> ExamAttempt:
    """Someone else's attempt is 'not found', which reveals nothing about it."""
    attempt = db.session.get(ExamAttempt, attempt_id, options=[joinedload(ExamAttempt.result)])
    if attempt is None or attempt.user_id != user_id or attempt.course_slug != course_slug:
        abort(404)
    return attempt


def drawn_questions(attempt: ExamAttempt) -> list[DrawnQuestion]:
    return [DrawnQuestion.from_json(q) for q in attempt.questions]


def open_attempt(user_id: int, course_slug: str) -> ExamAttempt | None:
    return db.session.scalar(
        select(ExamAttempt).where(
            ExamAttempt.user_id == user_id,
            ExamAttempt.course_slug == course_slug,
            ExamAttempt.submitted_at.is_(None),
        )
    )


def history(user_id: int, course_slug: str) -> list[ExamAttempt]:
    """All attempts in the course, newest first, with their results."""
    return list(
        db.session.scalars(
            select(ExamAttempt)
            .options(joinedload(ExamAttempt.result))
            .where(ExamAttempt.user_id == user_id, ExamAttempt.course_slug == course_slug)
            .order_by(ExamAttempt.started_at.desc(), ExamAttempt.id.desc())
        ).unique()
    )


def latest_pass(user_id: int, course_slug: str) -> ExamAttempt | None:
    return db.session.scalar(
        select(ExamAttempt)
        .join(ExamResult)
        .where(
            ExamAttempt.user_id == user_id,
            ExamAttempt.course_slug == course_slug,
            ExamResult.passed,
        )
        .order_by(ExamResult.graded_at.desc())
        .limit(1)
    )


def passes_by_course(user_id: int) -> dict[str, datetime]:
    """Course slug -> when the learner last passed its exam."""
    rows = db.session.execute(
        select(ExamAttempt.course_slug, func.max(ExamResult.graded_at))
        .join(ExamResult)
        .where(ExamAttempt.user_id == user_id, ExamResult.passed)
        .group_by(ExamAttempt.course_slug)
    )
    return {slug: when for slug, when in rows}


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""  # 'modules', 'cooldown' or 'daily_limit' when not allowed
    wait_until: datetime | None = None


def eligibility(user_id: int, course: Course, progress: CourseProgress) -> Eligibility:
    if course.exam.requires_modules and not progress.all_done:
        return Eligibility(False, "modules")
    now = clock.utcnow()
    recent = list(
        db.session.execute(
            select(ExamAttempt.started_at, ExamAttempt.submitted_at, ExamResult.passed)
            .outerjoin(ExamResult)
            .where(
                ExamAttempt.user_id == user_id,
                ExamAttempt.course_slug == course.slug,
                ExamAttempt.started_at > now - DAY,
            )
            .order_by(ExamAttempt.started_at)
        )
    )
    cooldown = timedelta(minutes=course.exam.retake_cooldown_minutes)
    failed = [submitted for _, submitted, passed in recent if submitted and passed is False]
    if cooldown and failed and failed[-1] + cooldown > now:
        return Eligibility(False, "cooldown", failed[-1] + cooldown)
    if len(recent) >= course.exam.max_attempts_per_day:
        return Eligibility(False, "daily_limit", recent[-course.exam.max_attempts_per_day][0] + DAY)
    return Eligibility(True)
