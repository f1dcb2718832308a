"""The final exam: overview and start, taking it, the result."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import access
from ..extensions import catalog, db
from ..forms import ConfirmForm
from ..learning import queries as learning
from . import queries, services
from .forms import ExamForm
from .grading import grade

bp = Blueprint("exams", __name__)

REFUSALS = {
    "modules": lambda: _("Die Prüfung öffnet sich, sobald Sie alle Module abgeschlossen haben."),
    "cooldown": lambda: _(
        "Bitte gönnen Sie sich eine kurze Pause, bevor Sie es noch einmal versuchen."
    ),
    "daily_limit": lambda: _("Sie haben die Höchstzahl an Versuchen für 24 Stunden erreicht."),
    "tampered": lambda: _(
        "Die gesendeten Antworten passen nicht zu diesem Prüfungsversuch. Es wurde nichts gespeichert; bitte beantworten Sie die Fragen auf der Prüfungsseite."
    ),
    "submitted": lambda: _("Dieser Versuch wurde bereits abgegeben. Hier ist Ihr Ergebnis."),
    "late": lambda: _(
        "Die Zeit für diesen Versuch war abgelaufen; die Antworten wurden nicht mehr gewertet."
    ),
}


@bp.get("/courses/<slug>/exam")
@access.signed_in
def overview(slug: str):
    course = learning.visible_course_or_404(slug)
    progress = learning.course_progress(current_user.id, course)
    return render_template(
        "exams/overview.html",
        course=course,
        progress=progress,
        eligibility=queries.eligibility(current_user.id, course, progress),
        open_attempt=queries.open_attempt(current_user.id, course.slug),
        history=queries.history(current_user.id, course.slug),
        form=ConfirmForm(),
    )


@bp.post("/courses/<slug>/exam/start")
@access.signed_in
def start(slug: str):
    course = learning.visible_course_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        flash(REFUSALS["tampered"](), "error")
        return redirect(url_for("exams.overview", slug=slug))
    progress = learning.course_progress(current_user.id, course)
    try:
        attempt = services.start_attempt(current_user.id, course, progress)
    except services.ExamError as error:
        db.session.commit()  # an overdue attempt may have been closed
        flash(REFUSALS[error.reason](), "error")
        return redirect(url_for("exams.overview", slug=slug))
    db.session.commit()
    return redirect(url_for("exams.take", slug=slug, attempt_id=attempt.id))


@bp.get("/courses/<slug>/exam/<int:attempt_id>")
@access.signed_in
def take(slug: str, attempt_id: int):
    attempt = queries.own_attempt_or_404(current_user.id, attempt_id, slug)
    if attempt.submitted_at is None and services.close_overdue_if_due(attempt):
        db.session.commit()
        flash(REFUSALS["late"](), "error")
    if attempt.submitted_at is not None:
        return redirect(url_for("exams.result", slug=slug, attempt_id=attempt.id))
    return _exam_page(attempt, ExamForm())


def _exam_page(attempt, form, status: int = 200):
    course = catalog().get(attempt.course_slug, include_drafts=True)
    return render_template(
        "exams/take.html",
        attempt=attempt,
        course=course,
        form=form,
        questions=queries.drawn_questions(attempt),
    ), status


@bp.post("/courses/<slug>/exam/<int:attempt_id>")
@access.signed_in
def submit(slug: str, attempt_id: int):
    attempt = queries.own_attempt_or_404(current_user.id, attempt_id, slug)
    if attempt.submitted_at is not None:  # a double click or a replayed POST
        flash(REFUSALS["submitted"](), "warning")
        return redirect(url_for("exams.result", slug=slug, attempt_id=attempt.id))
    form = ExamForm()
    if not form.validate_on_submit():
        flash(
            _("Das Formular ist abgelaufen. Bitte senden Sie Ihre Antworten noch einmal."), "error"
        )
        return _exam_page(attempt, form, 400)
    course = catalog().get(slug, include_drafts=True)
    try:
        services.submit_attempt(attempt, form.answers(), course)
    except services.ExamError as error:
        db.session.commit() if error.reason == "late" else db.session.rollback()
        flash(REFUSALS[error.reason](), "error")
        if error.reason == "tampered":
            return _exam_page(attempt, form, 400)
    else:
        db.session.commit()
    return redirect(url_for("exams.result", slug=slug, attempt_id=attempt.id))


@bp.get("/courses/<slug>/exam/<int:attempt_id>/result")
@access.signed_in
def result(slug: str, attempt_id: int):
    attempt = queries.own_attempt_or_404(current_user.id, attempt_id, slug)
    if attempt.result is None:
        return redirect(url_for("exams.take", slug=slug, attempt_id=attempt.id))
    course = catalog().get(slug, include_drafts=True)
    answers = {qid: frozenset(ids) for qid, ids in attempt.result.answers.items()}
    _, details = grade(queries.drawn_questions(attempt), answers, attempt.pass_mark)
    return render_template(
        "exams/result.html",
        attempt=attempt,
        result=attempt.result,
        course=course,
        details=details,
        show_correct=course.exam.show_correct_answers if course else True,
    )
