"""The privacy notice, a person's own data, access and erasure for admins, the retention
settings and the audit log."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from .. import audit, clock
from ..accounts import access
from ..accounts import queries as accounts_queries
from ..extensions import db
from ..web import found, list_params
from . import export, queries, retention, services, summary
from .forms import AuditFilterForm, EraseForm, EraseOwnAccountForm, SettingsForm
from .labels import action_label
from .outcomes import PrivacyRefused
from .settings import INVITATION_RECORD_DAYS

bp = Blueprint("privacy", __name__)


@bp.get("/privacy")
@access.public
def notice():
    settings = queries.privacy_settings()
    return render_template(
        "privacy/notice.html",
        settings=settings,
        entries=summary.notice(settings),
        processors=summary.processors(settings),
    )


@bp.get("/privacy/export-schema.json")
@access.public
def export_schema():
    return Response(json.dumps(export.schema(), indent=2), mimetype="application/schema+json")


# --- the person's own data ------------------------------------------------------------


@bp.get("/account/data")
@access.signed_in
def mine():
    return _summary_page(current_user, own=True, form=EraseOwnAccountForm())


def _summary_page(person, own: bool, form=None, status: int = 200):
    records = queries.records(person)
    return render_template(
        "privacy/mine.html" if own else "privacy/summary_page.html",
        person=person,
        records=records,
        sections=summary.sections(records),
        questions=summary.questions(records),
        results=summary.results(records),
        result_columns=summary.result_columns(),
        sign_in_actions=audit.REDACTABLE,
        now=clock.utcnow(),
        settings=queries.privacy_settings(),
        form=form,
    ), status


@bp.post("/account/data/export")
@access.signed_in
def export_mine():
    return _download(current_user, request.form.get("format", ""))


def _download(person, kind: str) -> Response:
    """The person's data as a JSON file, or as a PDF to read; audited either way."""
    records = queries.records(person)
    if kind == "pdf":
        body, mimetype = _pdf(person, records), "application/pdf"
    else:
        kind, mimetype = "json", "application/json"
        body = export.to_json(export.document(records, queries.privacy_settings()))
    services.record_export(person, current_user, kind)
    db.session.commit()
    filename = f"personal-data-{person.id}-{clock.today().isoformat()}.{kind}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _pdf(person, records) -> bytes:
    from . import pdf  # fpdf2 is imported on the first PDF, not at every worker's start

    texts = pdf.Texts(
        title=_("Datenauskunft: %(name)s", name=person.name),
        subtitle=_("Nr. %(n)d", n=person.id)
        + f" · {person.email} · "
        + _("erstellt am %(d)s", d=summary.value(clock.utcnow())),
        questions=_("Gezeigte Fragen und gewählte Antworten"),
        chosen=_("gewählt"),
    )
    return pdf.render(
        texts,
        summary.sections(records),
        summary.questions(records),
        summary.results(records),
        summary.result_columns(),
    )


@bp.post("/account/data/delete")
@access.signed_in
def erase_mine():
    form = EraseOwnAccountForm()
    if not form.validate_on_submit():
        return _summary_page(current_user, own=True, form=form, status=400)
    try:
        erasure = services.erase_own_account(current_user._get_current_object(), form.password.data)
    except PrivacyRefused as refusal:
        form.password.errors.append(refusal.message)
        return _summary_page(current_user, own=True, form=form, status=400)
    db.session.commit()
    services.forget_deleted_rows()
    logout_user()
    flash(
        _(
            "Ihr Konto und Ihre Daten sind gelöscht. Ihre Zertifikate bleiben als Nachweis unter einem Pseudonym bis %(d)s.",
            d=format_date(erasure.keep_until, "long"),
        ),
        "success",
    )
    return redirect(url_for("dashboard.home"))


# --- access and erasure for admins ----------------------------------------------------


@bp.get("/admin/privacy")
@access.roles("admin")
def admin_people():
    search, page = list_params()
    return render_template(
        "privacy/admin_people.html", people=queries.people_page(search, page), search=search
    )


@bp.get("/admin/privacy/people/<int:user_id>")
@access.roles("admin")
def admin_person(user_id: int):
    person = found(queries.person(user_id))
    return _person_page(person, EraseForm())


def _person_page(person, form: EraseForm, status: int = 200):
    records = queries.records(person)
    return render_template(
        "privacy/admin_person.html",
        person=person,
        counts={s.table: (s.title, len(s.rows)) for s in summary.sections(records)},
        records=records,
        form=form,
        settings=queries.privacy_settings(),
    ), status


@bp.post("/admin/privacy/people/<int:user_id>/export")
@access.roles("admin")
def admin_export(user_id: int):
    person = found(queries.person(user_id))
    if request.form.get("format") == "html":
        services.record_export(person, current_user, "html")
        db.session.commit()
        return _summary_page(person, own=False)
    return _download(person, request.form.get("format", ""))


@bp.post("/admin/privacy/people/<int:user_id>/erase")
@access.roles("admin")
def admin_erase(user_id: int):
    person = found(queries.person(user_id))
    form = EraseForm()
    if not form.validate_on_submit():
        return _person_page(person, form, 400)
    name = person.name
    try:
        erasure = services.erase(person, current_user)
    except PrivacyRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("privacy.admin_person", user_id=user_id))
    db.session.commit()
    services.forget_deleted_rows()
    flash(
        _(
            # Not the pseudonym: whoever deletes should not be handed the key to it.
            "%(name)s ist gelöscht. Nachweise (%(n)d) bleiben unter einem Pseudonym bis %(d)s.",
            name=name,
            n=len(erasure.evidence),
            d=format_date(erasure.keep_until, "long"),
        ),
        "success",
    )
    return redirect(url_for("privacy.admin_people"))


# --- retention settings ---------------------------------------------------------------


@bp.route("/admin/privacy/settings", methods=["GET", "POST"])
@access.roles("admin")
def admin_settings():
    current = queries.privacy_settings()
    form = SettingsForm(obj=current, **asdict(accounts_queries.disclosure()))
    if form.validate_on_submit():
        services.change_settings(form.settings(), current_user)
        services.change_disclosure(form.disclosure(), current_user)
        db.session.commit()
        flash(_("Die Datenschutz-Einstellungen sind gespeichert."), "success")
        return redirect(url_for("privacy.admin_settings"))
    return render_template(
        "privacy/admin_settings.html",
        form=form,
        preview=retention.preview(),
        last_run=queries.latest_event("retention.applied"),
        invitation_record_days=INVITATION_RECORD_DAYS,
    ), 400 if form.is_submitted() else 200


# --- the audit log --------------------------------------------------------------------


def _audit_filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    return form.with_actions(queries.audit_actions(), action_label)


@bp.get("/admin/audit")
@access.roles("admin")
def audit_log():
    form = _audit_filter_form()
    valid = form.validate() if request.args else True
    filters = form.filters() if valid else queries.AuditFilter()
    _, page = list_params()
    events = queries.audit_page(filters, page)
    ids = {i for e in events.items for i in (e.actor_id, e.person_id) if i is not None}
    return render_template(
        "privacy/audit.html",
        form=form,
        events=events,
        names=queries.names(ids),
        sign_in_actions=audit.REDACTABLE,
        args={k: v for k, v in request.args.items() if k != "page"},
    ), 200 if valid else 400


@bp.post("/admin/audit/export")
@access.roles("admin")
def audit_export():
    form = AuditFilterForm(request.form)
    form.with_actions(queries.audit_actions(), action_label)
    if not form.validate():
        flash(_("Der Filter ist ungültig; es wurde nichts exportiert."), "error")
        return redirect(url_for("privacy.audit_log"))
    filters = form.filters()
    services.record_audit_export(current_user, filters)
    db.session.commit()
    filename = f"audit-log-{clock.today().isoformat()}.csv"
    return Response(
        stream_with_context(_csv_lines(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


CSV_COLUMNS = ("id", "at", "actor_id", "action", "person_id", "targets", "details", "hash")


def _csv_lines(filters):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark tells spreadsheet programs it is UTF-8
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in queries.audit_rows(filters):
        writer.writerow(
            (
                event.id,
                event.at.isoformat(timespec="seconds") + "Z",
                event.actor_id or "",
                event.action,
                event.person_id or "",
                " ".join(event.targets),
                json.dumps(event.details, ensure_ascii=False, sort_keys=True),
                event.hash,
            )
        )
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
