"""Retraining pages: the learner's (what to re-read, the re-check) and HR's overview of
who is on an older version. Not trainer routes: learners and HR use them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import clock
from ..accounts import access
from ..exams.outcomes import ExamRefused
from ..extensions import db
from ..learning import queries as learning
from ..web import found, list_params
from . import retraining_queries, retraining_services
from .outcomes import TrainerRefused

bp = Blueprint("retraining", __name__, url_prefix="/retraining")


@bp.get("/<int:retraining_id>")
@access.signed_in
def show(retraining_id: int):
    retraining = found(retraining_queries.own(current_user, retraining_id))
    course = found(learning.course_including_drafts(retraining.course_slug))
    return render_template(
        "trainer/retraining.html",
        status=retraining_queries.status(current_user, retraining, course),
    )


@bp.post("/<int:retraining_id>/recheck")
@access.signed_in
def recheck(retraining_id: int):
    retraining = found(retraining_queries.own(current_user, retraining_id))
    course = found(learning.course_including_drafts(retraining.course_slug))
    try:
        attempt = retraining_services.start_recheck(current_user, retraining, course)
    except (TrainerRefused, ExamRefused) as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("retraining.show", retraining_id=retraining.id))
    db.session.commit()
    return redirect(url_for("exams.take", slug=course.slug, attempt_id=attempt.id))


@bp.get("/overview")
@access.roles("hr", "admin")
def overview():
    search, page = list_params()
    figures = retraining_queries.figures(clock.today())
    titles = {c.slug: c.title for c in learning.catalog().all(include_drafts=True)}
    return render_template(
        "trainer/retraining_overview.html",
        figures=figures,
        titles=titles,
        retrainings=retraining_queries.open_page(search, page),
        search=search,
    )
