"""The final exam: overview and start, taking it, the result."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts import access
from ..extensions import db
from ..learning import queries as learning
from ..web import found
from . import queries, services
from .forms import submitted_answers
from .grading import grade
from .outcomes import TIMED_OUT, ExamRefused
from .rules import ExamRefusal

bp = Blueprint("exams", __name__)


@bp.get("/courses/<slug>/exam")
@access.signed_in
def overview(slug: str):
    course = found(learning.visible_course(slug, current_user))
    progress = learning.course_progress(current_user, course)
    return render_template(
        "exams/overview.html",
        course=course,
        progress=progress,
        eligibility=queries.eligibility(current_user, course, progress),
        open_attempt=queries.open_attempt(current_user, course.slug),
        history=queries.history(current_user, course.slug),
    )


@bp.post("/courses/<slug>/exam/start")
@access.signed_in
def start(slug: str):
    course = found(learning.visible_course(slug, current_user))
    progress = learning.course_progress(current_user, course)
    try:
        attempt = services.start_attempt(current_user, course, progress)
    except ExamRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("exams.overview", slug=slug))
    db.session.commit()
    return redirect(url_for("exams.take", slug=slug, attempt_id=attempt.id))


@bp.get("/courses/<slug>/exam/<int:attempt_id>")
@access.signed_in
def take(slug: str, attempt_id: int):
    attempt = found(queries.own_attempt(current_user, attempt_id, slug))
    if attempt.submitted_at is not None:
        return redirect(url_for("exams.result", slug=slug, attempt_id=attempt.id))
    if attempt.timed_out():
        flash(str(TIMED_OUT), "error")
        return redirect(url_for("exams.overview", slug=slug))
    return _exam_page(attempt)


def _exam_page(attempt, status: int = 200):
    return render_template(
        "exams/take.html",
        attempt=attempt,
        course=learning.course_including_drafts(attempt.course_slug),
        questions=attempt.drawn_questions(),
    ), status


@bp.post("/courses/<slug>/exam/<int:attempt_id>")
@access.signed_in
def submit(slug: str, attempt_id: int):
    attempt = found(queries.own_attempt(current_user, attempt_id, slug))
    course = learning.course_including_drafts(slug)
    try:
        result = services.submit_attempt(
            current_user, attempt, submitted_answers(request.form), course
        )
    except ExamRefused as refusal:
        flash(refusal.message, "error" if refusal.reason is ExamRefusal.TAMPERED else "warning")
        if refusal.reason is ExamRefusal.TAMPERED:
            return _exam_page(attempt, 400)
        return redirect(url_for("exams.result", slug=slug, attempt_id=attempt.id))
    db.session.commit()
    if result.late:
        flash(str(TIMED_OUT), "error")
    return redirect(url_for("exams.result", slug=slug, attempt_id=attempt.id))


@bp.get("/courses/<slug>/exam/<int:attempt_id>/result")
@access.signed_in
def result(slug: str, attempt_id: int):
    attempt = found(queries.own_attempt(current_user, attempt_id, slug))
    if attempt.result is None:
        return redirect(url_for("exams.take", slug=slug, attempt_id=attempt.id))
    course = learning.course_including_drafts(slug)
    answers = {qid: frozenset(ids) for qid, ids in attempt.result.answers.items()}
    _, details = grade(attempt.drawn_questions(), answers, attempt.pass_mark)
    return render_template(
        "exams/result.html",
        attempt=attempt,
        result=attempt.result,
        course=course,
        details=details,
        show_correct=course.exam.show_correct_answers if course else True,
    )
