"""The start page, a course's overview, and the privacy notice."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_login import current_user

from ..accounts import access
from ..learning import queries as learning
from ..trainer import retraining_queries
from ..web import found
from . import queries

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@access.catalog
def home():
    language = str(get_locale() or "de")
    # Courses in the reader's language first, then the others.
    courses = sorted(learning.visible_courses(current_user), key=lambda c: c.language != language)
    statuses = queries.statuses(current_user, courses) if current_user.is_authenticated else {}
    retrainings = retraining_queries.open_for(current_user) if current_user.is_authenticated else []
    return render_template(
        "dashboard/home.html",
        courses=courses,
        statuses=statuses,
        resume=queries.resume(statuses.values()),
        retrainings=retrainings,
    )


@bp.get("/courses/<slug>/")
@access.catalog
def course(slug: str):
    course = found(learning.visible_course(slug, current_user))
    status = queries.status(current_user, course) if current_user.is_authenticated else None
    return render_template("dashboard/course.html", course=course, status=status)


@bp.get("/privacy")
@access.public
def privacy():
    return render_template("dashboard/privacy.html")
