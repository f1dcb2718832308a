"""Reads about exam attempts, and whether a learner may start one now."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import String, bindparam, cast, select
from sqlalchemy.orm import joinedload

from .. import clock
from ..accounts import session_users
from ..accounts.session_users import SessionUser
from ..content import Course
from ..extensions import db
from ..learning.queries import CourseProgress, ModuleState, catalog
from . import rules
from .models import AttemptKind, ExamAttempt, ExamDraftAnswer, ExamResult


def own_attempt(user, attempt_id: int, course_slug: str) -> ExamAttempt | None:
    """The user's attempt; someone else's is None, like a missing one (reveals nothing)."""
    attempt = db.session.get(ExamAttempt, attempt_id, options=[joinedload(ExamAttempt.result)])
    if attempt is None or attempt.user_id != user.id or attempt.course_slug != course_slug:
        return None
    return attempt


def unsubmitted_attempt(user, course_slug: str) -> ExamAttempt | None:
    """The attempt not yet handed in, if any, even when its time has run out."""
    return db.session.scalar(
        select(ExamAttempt).where(
            ExamAttempt.user_id == user.id,
            ExamAttempt.course_slug == course_slug,
            ExamAttempt.submitted_at.is_(None),
        )
    )


def open_attempt(user, course_slug: str) -> ExamAttempt | None:
    """The attempt the learner can still continue."""
    attempt = unsubmitted_attempt(user, course_slug)
    return attempt if attempt is not None and not attempt.timed_out() else None


def history(user, course_slug: str) -> list[ExamAttempt]:
    """All attempts in the course, newest first, with their results."""
    return list(
        db.session.scalars(
            select(ExamAttempt)
            .options(joinedload(ExamAttempt.result))
            .where(ExamAttempt.user_id == user.id, ExamAttempt.course_slug == course_slug)
            .order_by(ExamAttempt.started_at.desc(), ExamAttempt.id.desc())
        ).unique()
    )


def latest_pass(user, course_slug: str) -> ExamAttempt | None:
    return db.session.scalar(
        select(ExamAttempt)
        .join(ExamResult)
        .where(
            ExamAttempt.user_id == user.id,
            ExamAttempt.course_slug == course_slug,
            ExamAttempt.kind == AttemptKind.EXAM,
            ExamResult.passed,
        )
        .order_by(ExamResult.graded_at.desc())
        .limit(1)
    )


def recent_attempts(user, course_slugs: list[str], now: datetime) -> list[rules.PastAttempt]:
    """The attempts of the last 24 hours in these courses, as the eligibility rules see
    them."""
    rows = db.session.execute(
        select(
            ExamAttempt.started_at,
            ExamAttempt.submitted_at,
            ExamAttempt.deadline_at,
            ExamResult.passed,
        )
        .outerjoin(ExamResult)
        .where(
            ExamAttempt.user_id == user.id,
            ExamAttempt.course_slug.in_(course_slugs),
            ExamAttempt.started_at > now - rules.DAY,
        )
    )
    return [rules.past_attempt(*row, now=now) for row in rows]


def eligibility(
    user,
    course: Course,
    progress: CourseProgress,
    modules: Collection[str] | None = None,
    attempts: list[rules.PastAttempt] | None = None,
) -> rules.Eligibility:
    """May the learner start the exam now, or with `modules` a re-check of those modules
    (which always asks that they were read first)? `attempts`: the recent attempts in
    the course's editions, when the caller read them already (the course overview)."""
    now = clock.utcnow()
    if attempts is None:
        # The language editions of a course share one exam: their attempts count together.
        attempts = recent_attempts(user, catalog().editions(course), now)
    if modules is None:
        return rules.eligibility(course.exam, progress.all_done, attempts, now)
    read = all(progress.state(m) is ModuleState.DONE for m in course.modules if m.slug in modules)
    exam = dataclasses.replace(course.exam, requires_modules=True)
    return rules.eligibility(exam, read, attempts, now)


def drafts(attempt: ExamAttempt) -> list[ExamDraftAnswer]:
    return list(
        db.session.scalars(select(ExamDraftAnswer).where(ExamDraftAnswer.attempt_id == attempt.id))
    )


# The exam page's taker and the answers saved in the attempt, in one query: a draft
# answer row per question, its options as JSON text (the union's columns are text).
DRAFT, DRAFTS_OF = "exam_draft", "exam_drafts_of"
_TAKER_WITH_DRAFTS = session_users.statement(
    session_users.part(
        DRAFT, text=ExamDraftAnswer.question_id, extra=cast(ExamDraftAnswer.options, String)
    )
    .join(ExamAttempt, ExamAttempt.id == ExamDraftAnswer.attempt_id)
    .where(
        ExamDraftAnswer.attempt_id == bindparam("attempt_id"),
        ExamAttempt.user_id == bindparam("user_id"),
    )
)


def taker_with_drafts(user_id: int, version: int, attempt_id: int) -> SessionUser | None:
    """The signed-in person (see accounts.session_users) with the answers they saved in
    their attempt, which draft_answers() then takes instead of asking again."""
    taker = session_users.load(user_id, version, _TAKER_WITH_DRAFTS, attempt_id=attempt_id)
    if taker is not None:
        taker.facts[DRAFTS_OF] = attempt_id
    return taker


def draft_answers(attempt: ExamAttempt, user=None) -> dict[str, frozenset[str]]:
    """The answers saved so far: question id -> chosen option ids. `user`: the signed-in
    person, when they were loaded with them (taker_with_drafts)."""
    facts = getattr(user, "facts", {})
    if facts.get(DRAFTS_OF) == attempt.id:
        return {row.text: frozenset(json.loads(row.extra)) for row in facts.get(DRAFT, ())}
    rows = db.session.execute(
        select(ExamDraftAnswer.question_id, ExamDraftAnswer.options).where(
            ExamDraftAnswer.attempt_id == attempt.id
        )
    )
    return {question_id: frozenset(options) for question_id, options in rows}
