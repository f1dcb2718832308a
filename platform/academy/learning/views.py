"""Module pages, course files and marking a module done."""

from __future__ import annotations

from pathlib import PurePath

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import access
from ..content.media import SERVED
from ..extensions import db
from ..web import found
from . import pages, queries, services
from .fragments import module_fragments

bp = Blueprint("learning", __name__)
# Course files: no script, no forms, no plugins, whatever they contain.
MEDIA_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


def _reader(user_id: int, version: int):
    """The lesson view reads who the reader is and their progress in one query."""
    return queries.reader_with_progress(user_id, version, (request.view_args or {})["slug"])


@bp.get("/courses/<slug>/<module_slug>")
@access.catalog
@access.light_user(_reader)
def module(slug: str, module_slug: str):
    course = found(queries.visible_course(slug, current_user))
    module = found(course.module(module_slug))
    if not current_user.is_authenticated:
        return _module_page(course, module, None)
    progress = queries.course_progress(current_user, course)
    return pages.lesson_page(
        course, module, progress, lambda **marks: _module_page(course, module, progress, **marks)
    )


def _module_page(course, module, progress, **marks) -> str:
    previous, following = course.neighbours(module)
    return render_template(
        "learning/module.html",
        course=course,
        module=module,
        progress=progress,
        previous=previous,
        following=following,
        fragments=module_fragments(module),
        **marks,
    )


@bp.post("/courses/<slug>/<module_slug>/done")
@access.signed_in
def mark_done(slug: str, module_slug: str):
    course = found(queries.visible_course(slug, current_user))
    module = found(course.module(module_slug))
    services.mark_done(current_user, course, module)
    db.session.commit()
    flash(_("„%(title)s“ ist abgeschlossen.", title=module.title), "success")
    following = course.neighbours(module)[1]
    if following is not None:
        return redirect(url_for("learning.module", slug=slug, module_slug=following.slug))
    return redirect(url_for("dashboard.course", slug=slug))


@bp.get("/courses/<slug>/media/<path:filename>")
@access.catalog
def media(slug: str, filename: str):
    course = found(queries.visible_course(slug, current_user))
    # Only files a page of the course refers to (the checker let through images and PDFs
    # only), as the type their name says, in a sandbox: nothing in them can run here.
    path = found(course.media_file(filename))
    response = send_from_directory(
        course.path, path, mimetype=SERVED[PurePath(path).suffix.lower()], max_age=3600
    )
    response.headers["Content-Security-Policy"] = MEDIA_POLICY
    return response
