"""Previews of any state of a course (what learners see now, the working copy, a published
version): its pages rendered by the learners' templates, with the right answers and
explanations of the exam pool visible. Routes on the workbench's blueprint."""

from __future__ import annotations

from flask import render_template, send_from_directory, url_for

from ..learning.fragments import module_fragments
from ..web import found
from . import queries
from .findings import findings
from .views import bp, trainers


def _preview(source: str, slug: str):
    state = found(queries.course_state(slug))
    home = url_for("trainer.preview_course", source=source, slug=slug)
    loaded = found(queries.preview(state, source, home.removesuffix(f"{slug}/")))
    return state, loaded


def _page(template: str, state, source: str, **context):
    """A preview page, with the bar that says which state of the course it shows."""
    version_id = int(source[1:]) if source.startswith("v") else None
    version = queries.version(state.slug, version_id) if version_id else None
    preview = {"source": source, "version": version}
    return render_template(f"trainer/{template}", state=state, preview=preview, **context)


@bp.get("/preview/<source>/<slug>/")
@trainers
def preview_course(source: str, slug: str):
    state, loaded = _preview(source, slug)
    return _page(
        "preview_course.html",
        state,
        source,
        course=loaded.course,
        findings=findings(loaded.problems, loaded.folder),
    )


@bp.get("/preview/<source>/<slug>/<module_slug>")
@trainers
def preview_module(source: str, slug: str, module_slug: str):
    state, loaded = _preview(source, slug)
    course = found(loaded.course)
    module = found(course.module(module_slug))
    previous, following = course.neighbours(module)
    return _page(
        "preview_module.html",
        state,
        source,
        course=course,
        module=module,
        previous=previous,
        following=following,
        fragments=module_fragments(module),
    )


@bp.get("/preview/<source>/<slug>/exam")
@trainers
def preview_exam(source: str, slug: str):
    state, loaded = _preview(source, slug)
    course = found(loaded.course)
    modules = {m.slug: m for m in course.modules}
    return _page("preview_exam.html", state, source, course=course, modules=modules)


@bp.get("/preview/<source>/<slug>/questions/<question_id>")
@trainers
def preview_question(source: str, slug: str, question_id: str):
    state, loaded = _preview(source, slug)
    course = found(loaded.course)
    question = found(next((q for q in course.questions if q.id == question_id), None))
    items = queries.item_statistics_for(slug, course.version)
    return _page(
        "preview_question.html",
        state,
        source,
        course=course,
        question=question,
        module=course.module(question.module_slug or ""),
        item=items.get(question.id),
        minimum=queries.minimum_attempts(),
    )


@bp.get("/preview/<source>/<slug>/media/<path:filename>")
@trainers
def preview_media(source: str, slug: str, filename: str):
    _, loaded = _preview(source, slug)
    course = found(loaded.course)
    return send_from_directory(course.path, found(course.media_file(filename)), max_age=60)
