"""Starting and submitting exam attempts. They flush and record; the view commits.

A refusal (ExamRefused) is raised before anything is written.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit, clock
from ..content import Course
from ..extensions import db
from ..learning.queries import CourseProgress
from ..signals import exam_graded, exam_passed, exam_started
from . import queries
from .grading import Grade, InvalidAnswers, check_answers, draw, grade, unanswered
from .models import AttemptKind, ExamAttempt, ExamDraftAnswer, ExamResult
from .outcomes import ExamRefused
from .rules import ExamRefusal


def start_attempt(
    user, course: Course, progress: CourseProgress, modules: Collection[str] | None = None
) -> ExamAttempt:
    """Resume the open attempt, or draw a new one when the rules allow it. With `modules`,
    the new attempt is a re-check drawn from those modules' questions."""
    current = queries.unsubmitted_attempt(user, course.slug)
    if current is not None and not current.timed_out():
        return current
    allowed = queries.eligibility(user, course, progress, modules)
    if not allowed.allowed:
        raise ExamRefused(allowed.refusal)
    if current is not None:
        close_timed_out(current)
    attempt = _new_attempt(user, course, modules)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another request opened an attempt at the same moment: use that one.
        existing = queries.unsubmitted_attempt(user, course.slug)
        if existing is None:
            raise
        return existing
    audit.record("exam.started", user, attempt, person=user, course=course.slug, kind=attempt.kind)
    exam_started.send(current_app._get_current_object(), user=user, attempt=attempt)
    return attempt


def _new_attempt(user, course: Course, modules: Collection[str] | None) -> ExamAttempt:
    rng = random.Random(secrets.randbits(64))
    limit = course.exam.time_limit_minutes
    now = clock.utcnow()
    return ExamAttempt(
        user_id=user.id,
        course_slug=course.slug,
        course_version=course.version,
        kind=AttemptKind.EXAM if modules is None else AttemptKind.RECHECK,
        pass_mark=course.exam.pass_mark,
        reveal_answers=course.exam.reveal_answers,
        questions=[q.to_json() for q in draw(course, rng, modules)],
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
    )


def close_timed_out(attempt: ExamAttempt) -> ExamResult | None:
    """An attempt whose time ran out is closed as failed, without grading its answers.
    None when another request closed it first."""
    if not _claim(attempt):
        return None
    result = _record(attempt, {}, Grade(0, len(attempt.questions), attempt.pass_mark), late=True)
    audit.record("exam.timed_out", None, attempt, person=attempt.user)
    return result


def save_answers(attempt: ExamAttempt, answers: Mapping[str, frozenset[str]]) -> None:
    """Keep answers while the exam is open (each change, from the page's script).
    Not audited: drafts are working state, handed in (and audited) with the attempt."""
    _check(attempt, answers)
    if attempt.submitted_at is not None:
        raise ExamRefused(ExamRefusal.SUBMITTED)
    if attempt.timed_out():
        raise ExamRefused(ExamRefusal.TIMED_OUT)
    _store_drafts(attempt, answers)


@dataclass(frozen=True)
class HandIn:
    result: ExamResult | None  # None: questions are unanswered and not yet confirmed
    unanswered: list[int]  # their positions on the exam page


def hand_in(
    user,
    attempt: ExamAttempt,
    posted: Mapping[str, frozenset[str]],
    course: Course | None,
    confirmed: bool,
) -> HandIn:
    """Hand the attempt in: the answers saved so far, updated by the posted form. With
    unanswered questions and no confirmation yet, the answers are kept and the learner
    asked; with nothing answered at all, it is refused and does not count."""
    _check(attempt, posted)
    if attempt.submitted_at is not None:
        raise ExamRefused(ExamRefusal.SUBMITTED)
    if attempt.timed_out():
        late = close_timed_out(attempt)
        if late is None:
            raise ExamRefused(ExamRefusal.SUBMITTED)
        return HandIn(late, [])
    questions = attempt.drawn_questions()
    answers = {**queries.draft_answers(attempt), **posted}
    missing = unanswered(questions, answers)
    if len(missing) == len(questions):
        raise ExamRefused(ExamRefusal.EMPTY)
    if missing and not confirmed:
        _store_drafts(attempt, posted)
        return HandIn(None, missing)
    return HandIn(_grade(user, attempt, answers, course), missing)


def _check(attempt: ExamAttempt, answers: Mapping[str, frozenset[str]]) -> None:
    try:
        check_answers(attempt.drawn_questions(), answers)
    except InvalidAnswers as error:
        current_app.logger.warning("rejected answers for attempt %s: %s", attempt.id, error)
        raise ExamRefused(ExamRefusal.TAMPERED) from None


def _grade(user, attempt: ExamAttempt, answers, course: Course | None) -> ExamResult:
    """Grade once: of two simultaneous hand-ins, the database lets one through."""
    if not _claim(attempt):
        raise ExamRefused(ExamRefusal.SUBMITTED)
    score, _ = grade(attempt.drawn_questions(), answers, attempt.pass_mark)
    result = _record(attempt, answers, score, late=False)
    audit.record("exam.submitted", user, attempt, result, person=user)
    app = current_app._get_current_object()
    exam_graded.send(app, user=user, attempt=attempt, result=result, course=course)
    if score.passed and course is not None and attempt.kind == AttemptKind.EXAM:
        exam_passed.send(app, user=user, attempt=attempt, course=course)
    return result


def _store_drafts(attempt: ExamAttempt, answers: Mapping[str, frozenset[str]]) -> None:
    saved = {draft.question_id: draft for draft in queries.drafts(attempt)}
    for question_id, chosen in answers.items():
        draft = saved.get(question_id)
        if draft is None:
            draft = _new_draft(attempt, question_id)
        draft.options, draft.saved_at = sorted(chosen), clock.utcnow()
    db.session.flush()


def _new_draft(attempt: ExamAttempt, question_id: str) -> ExamDraftAnswer:
    draft = ExamDraftAnswer(attempt_id=attempt.id, question_id=question_id, options=[])
    try:
        with db.session.begin_nested():
            db.session.add(draft)
    except IntegrityError:  # the learner's other tab saved this question at the same moment
        return next(d for d in queries.drafts(attempt) if d.question_id == question_id)
    return draft


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
    if claimed:  # the row has it already: recorded as loaded, not written a second time
        set_committed_value(attempt, "submitted_at", now)
    return claimed


def _record(attempt: ExamAttempt, answers, score: Grade, late: bool) -> ExamResult:
    result = ExamResult(
        attempt_id=attempt.id,
        answers={qid: sorted(chosen) for qid, chosen in answers.items()},
        correct_count=score.correct,
        total=score.total,
        percent=score.percent,
        passed=score.passed and not late,
        late=late,
    )
    db.session.add(result)
    db.session.flush()
    attempt.result = result
    return result
