"""The start page and a course's overview."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import get_locale
from flask_login import current_user

from ..accounts import access
from ..accounts import queries as accounts
from ..exams import queries as exams
from ..hr import queries as hr
from ..learning import queries as learning
from ..trainer import retraining_queries
from ..web import found
from . import queries

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@access.public
def home():
    """Signed in: where the learner stands. Signed out: what the platform is, and the
    way in (the catalog too, when PUBLIC_COURSES is on)."""
    language = str(get_locale() or "de")
    # Courses in the reader's language first, then the others.
    courses = sorted(learning.visible_courses(current_user), key=lambda c: c.language != language)
    if not current_user.is_authenticated:
        return render_template(
            "dashboard/welcome.html",
            courses=courses,
            language=language,
            catalog_public=current_app.config["PUBLIC_COURSES"],
            registration_open=accounts.registration_policy()[0] != "closed",
        )
    statuses = queries.statuses(current_user, courses)
    retrainings = retraining_queries.open_for(current_user)
    return render_template(
        "dashboard/home.html",
        courses=courses,
        statuses=statuses,
        language=language,
        resume=queries.resume(statuses.values()),
        assignments=hr.open_assignments_of(current_user),
        retrainings=retrainings,
    )


@bp.get("/courses/<slug>/")
@access.catalog
def course(slug: str):
    course = found(learning.visible_course(slug, current_user))
    if not current_user.is_authenticated:
        return render_template("dashboard/course.html", course=course, status=None)
    status = queries.status(current_user, course)
    return render_template(
        "dashboard/course.html",
        course=course,
        status=status,
        eligibility=exams.eligibility(current_user, course, status.progress),
        open_attempt=exams.open_attempt(current_user, course.slug),
    )
