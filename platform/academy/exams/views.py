"""The final exam: overview and start, taking it (answers kept as the learner goes),
handing it in, the result."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup

from .. import signals
from ..accounts import access
from ..extensions import db
from ..learning import queries as learning
from ..web import found
from . import pages, queries, services
from .forms import submitted_answers
from .grading import grade, modules_to_revise, unanswered
from .outcomes import TIMED_OUT, ExamRefused
from .rules import ExamRefusal

bp = Blueprint("exams", __name__)


@bp.get("/courses/<slug>/exam")
@access.signed_in
def overview(slug: str):
    course = found(learning.visible_course(slug, current_user))
    progress = learning.course_progress(current_user, course)
    history = queries.history(current_user, course.slug)
    return render_template(
        "exams/overview.html",
        course=course,
        progress=progress,
        eligibility=queries.eligibility(current_user, course, progress),
        open_attempt=queries.open_attempt(current_user, course.slug),
        history=history,
        revise=_revise_after(history, course),
    )


def _revise_after(history, course) -> list:
    """After a failed attempt: the modules its wrong answers belong to."""
    latest = next((a for a in history if a.result is not None), None)
    result = latest.result if latest is not None else None
    if result is None or result.passed or result.late or result.answers_removed:
        return []
    return modules_to_revise(_details(latest), course)


def _details(attempt):
    answers = {qid: frozenset(ids) for qid, ids in attempt.result.answers.items()}
    return grade(attempt.drawn_questions(), answers, attempt.pass_mark)[1]


def _starter(user_id: int, version: int):
    """Starting reads who the learner is (the attempt and its audit entry take their
    id) and their reading progress in the course: one query, as for a lesson."""
    return learning.reader_with_progress(user_id, version, (request.view_args or {})["slug"])


@bp.post("/courses/<slug>/exam/start")
@access.signed_in
@access.light_user(_starter)
def start(slug: str):
    course = found(learning.visible_course(slug, current_user))
    progress = learning.course_progress(current_user, course)
    try:
        attempt = services.start_attempt(current_user, course, progress)
    except ExamRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("exams.overview", slug=slug))
    attempt_id = attempt.id  # read before the commit expires it: no reload of the row
    db.session.commit()
    return redirect(url_for("exams.take", slug=slug, attempt_id=attempt_id))


def _taker(user_id: int, version: int):
    """The exam page reads who the learner is and their saved answers in one query."""
    return queries.taker_with_drafts(user_id, version, (request.view_args or {})["attempt_id"])


@bp.get("/courses/<slug>/exam/<int:attempt_id>")
@access.signed_in
@access.light_user(_taker)
def take(slug: str, attempt_id: int):
    attempt = found(queries.own_attempt(current_user, attempt_id, slug))
    if attempt.submitted_at is not None:
        return redirect(url_for("exams.result", slug=slug, attempt_id=attempt.id))
    if attempt.timed_out():
        flash(str(TIMED_OUT), "error")
        return redirect(url_for("exams.overview", slug=slug))
    return _exam_page(attempt, queries.draft_answers(attempt, current_user))


def _exam_page(attempt, answers, status: int = 200):
    questions = attempt.drawn_questions()
    course = learning.course_including_drafts(attempt.course_slug)
    filling = pages.Filling(
        questions=Markup(
            render_template(
                "exams/_questions.html",
                questions=questions,
                numbers=_question_numbers(len(questions)),
                answers=answers,
            )
        ),
        answered=len(questions) - len(unanswered(questions, answers)),
        deadline=attempt.deadline_at,
    )
    page = pages.exam_page(
        attempt,
        course,
        filling,
        lambda **values: render_template("exams/take.html", course=course, **values),
    )
    return page, status


def _question_numbers(total: int) -> list[str]:
    """ "Frage 3 von 20" for each question: one translation lookup per page, not one per
    question (a lookup costs about 50 µs; the page is on every exam's way)."""
    pattern = gettext("Frage %(n)d von %(total)d")  # without arguments: the pattern itself
    return [pattern % {"n": n, "total": total} for n in range(1, total + 1)]


@bp.post("/courses/<slug>/exam/<int:attempt_id>/answers")
@access.signed_in
def save(slug: str, attempt_id: int):
    """The page's script saves each change here; answers: JSON with the count saved."""
    attempt = found(queries.own_attempt(current_user, attempt_id, slug))
    question = request.form.get("question", "")
    answers = {question: submitted_answers(request.form).get(question, frozenset())}
    try:
        services.save_answers(attempt, answers)
    except ExamRefused as refusal:
        status = 400 if refusal.reason is ExamRefusal.TAMPERED else 409
        return {"saved": False, "reason": refusal.reason, "message": refusal.message}, status
    db.session.commit()
    questions = attempt.drawn_questions()
    missing = unanswered(questions, queries.draft_answers(attempt))
    return {"saved": True, "answered": len(questions) - len(missing), "total": len(questions)}


@bp.post("/courses/<slug>/exam/<int:attempt_id>")
@access.signed_in
def submit(slug: str, attempt_id: int):
    attempt = found(queries.own_attempt(current_user, attempt_id, slug))
    posted = submitted_answers(request.form)
    confirmed = request.form.get("confirm") == "1"
    course = learning.course_including_drafts(slug)
    try:
        handed_in = services.hand_in(current_user, attempt, posted, course, confirmed)
    except ExamRefused as refusal:
        return _refused(refusal, attempt, posted)
    # Read before the commit expires the rows: no reload of attempt and result after it.
    graded, late = handed_in.result, handed_in.result is not None and handed_in.result.late
    db.session.commit()
    if graded is None:  # the answers are saved; the summary asks to confirm
        return redirect(url_for("exams.summary", slug=slug, attempt_id=attempt_id))
    if late:
        flash(str(TIMED_OUT), "error")
    return redirect(url_for("exams.result", slug=slug, attempt_id=attempt_id))


def _refused(refusal: ExamRefused, attempt, posted):
    if refusal.reason is ExamRefusal.SUBMITTED:
        flash(refusal.message, "warning")
        return redirect(url_for("exams.result", slug=attempt.course_slug, attempt_id=attempt.id))
    flash(refusal.message, "error")
    if refusal.reason is ExamRefusal.TAMPERED:
        return _exam_page(attempt, queries.draft_answers(attempt), 400)
    return _exam_page(attempt, {**queries.draft_answers(attempt), **posted}, 400)


@bp.get("/courses/<slug>/exam/<int:attempt_id>/summary")
@access.signed_in
def summary(slug: str, attempt_id: int):
    """Before handing in: which questions are still open, with links back to them."""
    attempt = found(queries.own_attempt(current_user, attempt_id, slug))
    if attempt.submitted_at is not None or attempt.timed_out():
        return redirect(url_for("exams.take", slug=slug, attempt_id=attempt.id))
    return render_template(
        "exams/confirm.html",
        attempt=attempt,
        course=learning.course_including_drafts(slug),
        unanswered=unanswered(attempt.drawn_questions(), queries.draft_answers(attempt)),
        total=len(attempt.questions),
    )


@bp.get("/courses/<slug>/exam/<int:attempt_id>/result")
@access.signed_in
def result(slug: str, attempt_id: int):
    attempt = found(queries.own_attempt(current_user, attempt_id, slug))
    if attempt.result is None:
        return redirect(url_for("exams.take", slug=slug, attempt_id=attempt.id))
    course = learning.course_including_drafts(slug)
    # Once retention removed the answers there is nothing to review, only the score.
    removed = attempt.result.answers_removed
    details = [] if removed else list(enumerate(_details(attempt), start=1))
    passed = attempt.result.passed
    only_wrong = request.args.get("show") == "wrong"
    certificate = _certificate_of(attempt) if passed else None
    return render_template(
        "exams/result.html",
        attempt=attempt,
        result=attempt.result,
        course=course,
        details=[(n, d) for n, d in details if not (only_wrong and d.correct)],
        wrong_count=sum(not d.correct for _, d in details),
        only_wrong=only_wrong,
        # Fails closed: without its course (removed, or broken and so not loaded) the
        # result shows no correct options, whatever the attempt's rule says.
        reveal=course is not None and attempt.reveals_answers(),
        revise=[]
        if passed or removed or course is None
        else modules_to_revise([d for _, d in details], course),
        eligibility=None if passed or course is None else _next_attempt(course),
        certificate=certificate,
        withheld=passed and certificate is None and _withheld(attempt),
    )


def _next_attempt(course):
    progress = learning.course_progress(current_user, course)
    return queries.eligibility(current_user, course, progress)


def _withheld(attempt) -> bool:
    answers = signals.certificate_withheld.send(
        current_app._get_current_object(), user=current_user, course_slug=attempt.course_slug
    )
    return any(withheld for _, withheld in answers)


def _certificate_of(attempt):
    answers = signals.certificate_of_attempt.send(
        current_app._get_current_object(), attempt=attempt
    )
    return next((certificate for _, certificate in answers if certificate is not None), None)
