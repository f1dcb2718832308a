"""Editing in the browser: upload a course as .zip, edit its files in a working copy,
publish it, restore an older version. Routes on the workbench's blueprint; all of them
refuse while BROWSER_EDITING is off."""

from __future__ import annotations

from functools import wraps

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import render_error
from ..extensions import db
from ..learning.fragments import module_fragments
from ..web import found
from . import archive, diffs, queries, services
from .findings import findings
from .forms import (
    DeleteFileForm,
    EditForm,
    FileUploadForm,
    NewCourseForm,
    NewFileForm,
    PublishForm,
    UploadForm,
)
from .models import Change
from .outcomes import TrainerRefusal, TrainerRefused
from .queries import COPY
from .views import bp, trainers

UPLOADS = {"trainer.upload_new", "trainer.upload", "trainer.upload_file"}


def editing(view):
    """Only while browser editing is on (the BROWSER_EDITING setting)."""

    @wraps(view)
    def checked(*args, **kwargs):
        if not queries.editing_enabled():
            return render_error(403, TrainerRefused(TrainerRefusal.EDITING_OFF).message)
        return view(*args, **kwargs)

    return checked


def allow_uploads() -> None:
    """before_request, ahead of the CSRF check (which reads the form): the upload routes
    accept a course archive, every other route keeps the app's small limit."""
    if request.endpoint in UPLOADS:
        request.max_content_length = archive.MAX_UPLOAD_BYTES + 64 * 1024


def _upload_page(form, state=None, refusal=None):
    limits = {"files": archive.MAX_FILES, "file_mb": archive.MAX_FILE_BYTES // (1024 * 1024)}
    loaded = refusal.details.get("loaded") if refusal else None  # a course with errors
    page = render_template(
        "trainer/upload.html",
        form=form,
        state=state,
        refusal=refusal,
        findings=findings(loaded.problems, loaded.folder) if loaded else [],
        limits=limits,
    )
    return page, 400 if refusal or form.errors else 200


def _upload(form, slug: str, state, new_course: bool):
    """Store the upload as the working copy, or with "publish" ticked publish it too."""
    data = form.archive.data.read(archive.MAX_UPLOAD_BYTES + 1)
    try:
        if form.publish.data:
            version = services.upload_and_publish(
                slug, data, current_user, new_course, form.note.data
            )
        else:
            services.upload(slug, data, current_user, new_course)
    except TrainerRefused as refusal:
        return _upload_page(form, state, refusal)
    db.session.commit()
    if form.publish.data:
        current_app.extensions["catalog"].look_again()  # this worker shows it at once
        flash(_("Version %(n)d ist veröffentlicht.", n=version.number), "success")
        return _course_page(slug)
    flash(
        _("Hochgeladen. Prüfen Sie die Befunde der Arbeitskopie und veröffentlichen Sie sie."),
        "success",
    )
    return _course_page(slug, "copy")


def _course_page(slug: str, anchor: str = ""):
    return redirect(url_for("trainer.course", slug=slug, _anchor=anchor or None))


@bp.route("/upload", methods=["GET", "POST"])
@trainers
@editing
def upload_new():
    form = NewCourseForm()
    if form.validate_on_submit():
        return _upload(form, form.slug.data.strip(), None, new_course=True)
    return _upload_page(form)


@bp.route("/courses/<slug>/upload", methods=["GET", "POST"])
@trainers
@editing
def upload(slug: str):
    state = found(queries.course_state(slug))
    form = UploadForm()
    if form.validate_on_submit():
        return _upload(form, slug, state, new_course=False)
    return _upload_page(form, state)


def _refused_to_course_page(slug: str, action):
    """Run a POST action; on a refusal say why on the course page, else commit."""
    try:
        result = action()
    except TrainerRefused as refusal:  # raised before anything was written
        flash(refusal.message, "error")
        return None, _course_page(slug)
    db.session.commit()
    return result, None


@bp.post("/courses/<slug>/copy")
@trainers
@editing
def start_copy(slug: str):
    state = found(queries.course_state(slug))
    _done, refused = _refused_to_course_page(slug, lambda: services.start_copy(state, current_user))
    return refused or _course_page(slug, "copy")


@bp.post("/courses/<slug>/copy/discard")
@trainers
@editing
def discard(slug: str):
    copy = found(queries.working_copy(slug))
    _done, refused = _refused_to_course_page(slug, lambda: services.discard(copy, current_user))
    if refused is None:
        flash(_("Die Arbeitskopie wurde verworfen."), "success")
    return refused or _course_page(slug)


@bp.post("/courses/<slug>/copy/folder")
@trainers
@editing
def take_folder(slug: str):
    state = found(queries.course_state(slug))
    _done, refused = _refused_to_course_page(
        slug, lambda: services.take_folder(state, current_user)
    )
    return refused or _course_page(slug, "copy")


@bp.route("/courses/<slug>/edit/<path:name>", methods=["GET", "POST"])
@trainers
@editing
def edit(slug: str, name: str):
    state = found(queries.course_state(slug))
    copy = found(state.copy)
    data = found(queries.copy_files(copy).get(name))
    text = data.decode("utf-8", "replace") if archive.is_text(name) else None
    form = EditForm(data={"content": text, "revision": copy.revision})
    status, refusal = 200, None
    if text is not None and form.validate_on_submit():
        try:
            services.save_file(copy, name, form.content.data, form.revision.data, current_user)
        except TrainerRefused as refusal_:
            status, refusal = 409, refusal_
        else:
            db.session.commit()
            flash(_("„%(name)s“ ist gespeichert und geprüft.", name=name), "success")
            return redirect(url_for("trainer.edit", slug=slug, name=name))
    return _editor(state, name, text, form, refusal), status


def _editor(state, name: str, text: str | None, form, refusal):
    home = url_for("trainer.preview_course", source=COPY, slug=state.slug)
    loaded = queries.preview(state, COPY, home.removesuffix(f"{state.slug}/"))
    found_all = findings(loaded.problems, loaded.folder)
    course = loaded.course
    module = next((m for m in course.modules if m.filename == name), None) if course else None
    return render_template(
        "trainer/editor.html",
        state=state,
        name=name,
        text=text,
        form=form,
        refusal=refusal,
        course=course,
        module=module,
        fragments=module_fragments(module) if module else None,
        here=[f for f in found_all if f.file == name],
        elsewhere=[f for f in found_all if f.file != name],
        delete_form=DeleteFileForm(
            prefix="delete", data={"name": name, "revision": state.copy.revision}
        ),
    )


@bp.post("/courses/<slug>/files")
@trainers
@editing
def add_file(slug: str):
    form = NewFileForm()
    if not form.validate():
        flash(_("Bitte geben Sie einen Dateinamen an."), "error")
        return _course_page(slug, "files")
    name, refused = _add_file(slug, form.name.data, None, form.revision.data)
    return refused or redirect(url_for("trainer.edit", slug=slug, name=name))


@bp.post("/courses/<slug>/files/upload")
@trainers
@editing
def upload_file(slug: str):
    form = FileUploadForm()
    if not form.validate():
        flash(_("Bitte wählen Sie eine Datei."), "error")
        return _course_page(slug, "files")
    upload = form.upload.data
    data = upload.read(archive.MAX_FILE_BYTES + 1)
    name, refused = _add_file(slug, upload.filename or "", data, form.revision.data)
    if refused is None:
        flash(_("„%(name)s“ ist hochgeladen.", name=name), "success")
    return refused or _course_page(slug, "files")


def _add_file(slug: str, name: str, data: bytes | None, revision: int):
    copy = found(queries.working_copy(slug))
    return _refused_to_course_page(
        slug, lambda: services.add_file(copy, name, data, revision, current_user)
    )


@bp.post("/courses/<slug>/files/delete")
@trainers
@editing
def delete_file(slug: str):
    copy = found(queries.working_copy(slug))
    form = DeleteFileForm(prefix="delete")  # beside the editor's own revision field
    if not form.validate():
        return _course_page(slug, "files")
    _done, refused = _refused_to_course_page(
        slug, lambda: services.delete_file(copy, form.name.data, form.revision.data, current_user)
    )
    if refused is None:
        flash(_("„%(name)s“ ist gelöscht.", name=form.name.data), "success")
    return refused or _course_page(slug, "files")


@bp.route("/courses/<slug>/publish", methods=["GET", "POST"])
@trainers
@editing
def publish(slug: str):
    state = found(queries.course_state(slug))
    copy = found(state.copy)
    files = queries.copy_files(copy)
    loaded = queries.load_for_learners(slug, files)
    form = PublishForm()
    modules = loaded.course.modules if loaded.course else ()
    form.modules.choices = [(m.slug, f"{m.number:02d} · {m.title}") for m in modules]
    status, refusal = 200, None
    if form.validate_on_submit():
        try:
            version = services.publish(
                state,
                form.revision.data,
                Change(form.change.data),
                form.modules.data or [],
                form.note.data,
                current_user,
            )
        except TrainerRefused as refusal_:
            status, refusal = 409, refusal_
        else:
            db.session.commit()
            current_app.extensions["catalog"].look_again()  # this worker shows it at once
            flash(_("Version %(n)d ist veröffentlicht.", n=version.number), "success")
            return _course_page(slug)
    elif request.method == "GET":
        _prefill(form, state, copy)
    return _publish_page(state, loaded, files, form, refusal), 400 if form.errors else status


def _prefill(form: PublishForm, state, copy) -> None:
    form.revision.data = copy.revision
    form.modules.data = queries.changed_modules(state)
    if copy.restored_from_id:
        restored = queries.version(state.slug, copy.restored_from_id)
        if restored is not None:
            form.note.data = _("Version %(n)d wiederhergestellt", n=restored.number)


def _publish_page(state, loaded, files, form, refusal):
    return render_template(
        "trainer/publish.html",
        state=state,
        loaded=loaded,
        findings=findings(loaded.problems, loaded.folder),
        changes=diffs.diff(queries.live_files(state) or {}, files),
        form=form,
        refusal=refusal,
    )


@bp.post("/courses/<slug>/versions/<int:version_id>/restore")
@trainers
@editing
def restore(slug: str, version_id: int):
    state = found(queries.course_state(slug))
    version = found(queries.version(slug, version_id))
    _done, refused = _refused_to_course_page(
        slug, lambda: services.restore(state, version, current_user)
    )
    if refused is None:
        flash(
            _(
                "Version %(n)d ist jetzt die Arbeitskopie. Prüfen Sie sie und veröffentlichen Sie sie erneut.",
                n=version.number,
            ),
            "success",
        )
    return refused or redirect(url_for("trainer.publish", slug=slug))
