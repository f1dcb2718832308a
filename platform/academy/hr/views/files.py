"""Files in and out: the people import, the evidence report (CSV, XLSX, PDF) and the
reminder log beside it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Response, flash, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from ... import audit
from ...accounts import access
from ...extensions import db
from ...web import list_params
from .. import evidence, exports, imports, mails, queries, reports
from ..forms import EvidenceForm, ImportForm, with_choices
from . import bp
from .common import HR, course_titles, departments_in_scope, scope, today

MAX_IMPORT_BYTES = 20 * 1024 * 1024  # about 150,000 people


def download(kind: str, header: Sequence[str], rows: Iterable[Sequence], name: str) -> Response:
    """Stream a table as CSV or XLSX (the rows are read while the response is sent)."""
    if kind == "csv":
        body: Iterable = exports.csv_lines(header, rows)
    else:
        body = exports.xlsx_chunks(header, rows, title=name)
    return Response(
        stream_with_context(body),
        mimetype=exports.MIMETYPES[kind],
        headers=attachment(f"{name}-{today().isoformat()}.{kind}"),
    )


def attachment(filename: str) -> dict[str, str]:
    """A download's file name, also when a translation is not plain ASCII (RFC 6266)."""
    plain = filename.encode("ascii", "ignore").decode().replace('"', "") or "download"
    return {
        "Content-Disposition": f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"
    }


# --- import -----------------------------------------------------------------------------


def allow_large_import() -> None:
    """A before-request hook: the import takes files larger than the site-wide limit,
    from HR only (nobody else gets a large request body read)."""
    if request.endpoint != "hr.people_import":  # before current_user: no user query elsewhere
        return
    if current_user.is_authenticated and current_user.has_any_role(*HR):
        request.max_content_length = MAX_IMPORT_BYTES


@bp.route("/import", methods=["GET", "POST"])
@access.roles(*HR)
def people_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template(
            "hr/import.html", form=form, report=None
        ), 400 if form.is_submitted() else 200
    data = form.file.data.read()
    report, tokens = imports.run(
        data, current_user, scope(), dry_run=form.dry_run.data, invite=form.invite.data
    )
    if report.problems:
        db.session.rollback()
        return render_template("hr/import.html", form=form, report=report), 400
    mails.send_invitations(tokens, current_user)  # queued with the import
    db.session.commit()
    if tokens:
        flash(
            _(
                "%(n)d Einladung(en) stehen im Postausgang und werden jetzt versendet.",
                n=len(tokens),
            ),
            "success",
        )
    return render_template("hr/import.html", form=ImportForm(formdata=None), report=report)


@bp.get("/import/people.csv")
@access.roles(*HR)
def import_template():
    """An example file to fill in (what the import page shows), ready for Excel."""
    rows = [
        [
            "anna.berg@firma.de",
            "Anna Berg",
            "Vertrieb",
            "Köln",
            "carl.chef@firma.de",
            "10023",
            "learner",
            "de",
        ],
        ["carl.chef@firma.de", "Carl Chef", "Vertrieb", "Köln", "", "10001", "", "de"],
    ]
    return Response(
        "".join(exports.csv_lines(imports.COLUMNS, rows)),
        mimetype=exports.MIMETYPES["csv"],
        headers=attachment("people.csv"),
    )


# --- evidence report and reminder log ---------------------------------------------------


def _evidence_form(submitted: bool) -> EvidenceForm:
    form = EvidenceForm() if submitted else EvidenceForm(formdata=None)
    with_choices(form.course, course_titles().items(), empty=_("alle Kurse"))
    with_choices(form.department, [(d.id, d.name) for d in departments_in_scope()], empty=_("alle"))
    return form


@bp.get("/reports")
@access.roles(*HR)
def reports_page():
    _search, page = list_params()
    return render_template(
        "hr/reports.html",
        form=_evidence_form(submitted=False),
        reminders=queries.reminders_page(scope(), page),
        counts=queries.reminder_counts(scope()),
    )


@bp.post("/reports/evidence")
@access.roles(*HR)
def evidence_download():
    form = _evidence_form(submitted=True)
    if not form.validate_on_submit():
        return render_template(
            "hr/reports.html",
            form=form,
            reminders=queries.reminders_page(scope(), 1),
            counts=queries.reminder_counts(scope()),
        ), 400
    filters = evidence.Filters(
        course=form.course.data or "",
        department_id=int(form.department.data) if form.department.data else None,
    )
    audit.record(
        "report.exported",
        current_user,
        report="evidence",
        format=form.format.data,
        course=filters.course,
        department=filters.department_id,
    )
    db.session.commit()
    name = _("Schulungsnachweis")
    if form.format.data == "pdf":
        body = reports.evidence_pdf(scope(), today(), filters, course_titles())
        return Response(
            body,
            mimetype=exports.MIMETYPES["pdf"],
            headers=attachment(f"{name}-{today().isoformat()}.pdf"),
        )
    header, rows = reports.evidence_table(scope(), today(), filters, course_titles())
    return download(form.format.data, header, rows, name)
