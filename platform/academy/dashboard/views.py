"""The start page and a course's overview."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import get_locale
from flask_login import current_user

from ..accounts import access
from ..accounts import queries as accounts
from ..exams import queries as exams
from ..learning import queries as learning
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
    page = queries.start_page(current_user, courses)
    return render_template(
        "dashboard/home.html",
        courses=courses,
        statuses=page.statuses,
        language=language,
        resume=queries.resume(page.statuses.values()),
        assignments=page.assignments,
        retrainings=page.retrainings,
    )


@bp.get("/courses/<slug>/")
@access.catalog
def course(slug: str):
    course = found(learning.visible_course(slug, current_user))
    if not current_user.is_authenticated:
        return render_template("dashboard/course.html", course=course, status=None)
    overview = queries.overview(current_user, course)
    return render_template(
        "dashboard/course.html",
        course=course,
        status=overview.status,
        eligibility=exams.eligibility(
            current_user, course, overview.status.progress, attempts=overview.attempts
        ),
        open_attempt=overview.open_attempt,
    )
