"""The list of people (filtered, sorted, paginated; as CSV/XLSX; reminders to it), a
person's record, adding and changing people."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ... import audit, outbox
from ...accounts import access
from ...accounts import queries as accounts_queries
from ...accounts import services as accounts
from ...accounts.outcomes import AccountRefused
from ...extensions import db
from ...learning import queries as learning
from ...outcomes import Refused
from ...web import found, list_params
from .. import mails, queries, reminders, reports, services
from ..forms import AssignForm, NewPersonForm, PersonForm, with_choices
from ..outcomes import HrRefused
from . import bp
from .common import (
    HR,
    course_titles,
    departments_in_scope,
    filter_args,
    list_filters,
    scope,
    today,
)
from .files import download

SEND_AT_ONCE = 100  # reminders sent during the request; the rest go with the next run


@bp.get("/people")
@access.roles(*HR)
def people():
    form, filters = list_filters()
    _search, page = list_params()
    pages, rows = queries.people_page(scope(), today(), filters, page)
    args = filter_args(filters)
    return render_template(
        "hr/people.html",
        form=form,
        filters=filters,
        args=args,
        page_args={k: v for k, v in args.items() if k != "q"},
        pages=pages,
        rows=rows,
        titles=course_titles(),
    )


@bp.post("/people/export")
@access.roles(*HR)
def export_people():
    _form, filters = list_filters(request.form)
    kind = request.form.get("format", "")
    if kind not in ("csv", "xlsx"):
        abort(400)
    audit.record(
        "report.exported", current_user, report="people", format=kind, **filter_args(filters)
    )
    db.session.commit()
    header, rows = reports.people_table(scope(), today(), filters, course_titles())
    return download(kind, header, rows, _("Personen"))


@bp.post("/people/remind")
@access.roles(*HR)
def remind_people():
    _form, filters = list_filters(request.form)
    ids = queries.remindable_assignments(scope(), today(), filters)
    planned = reminders.not_recorded(reminders.manual(ids, current_user, today()))
    reminders.queue(planned)
    audit.record("reminder.requested", current_user, count=len(planned), **filter_args(filters))
    db.session.commit()
    if not planned:
        flash(
            _(
                "Niemand in dieser Auswahl braucht heute eine Erinnerung (schon erinnert oder zertifiziert)."
            ),
            "warning",
        )
    else:
        # Sent once the response is out, for a few seconds at most: a slow mail server
        # keeps no page waiting; what is left goes with the next run of "reminders send".
        outbox.after_response(
            lambda: reminders.deliver(limit=SEND_AT_ONCE, budget=outbox.REQUEST_BUDGET_SECONDS)
        )
        flash(
            ngettext(
                "%(num)d Erinnerung steht im Postausgang und wird jetzt versendet; was nicht durchgeht, versucht der nächste Lauf von „reminders send“ erneut.",
                "%(num)d Erinnerungen stehen im Postausgang und werden jetzt versendet; was nicht durchgeht, versucht der nächste Lauf von „reminders send“ erneut.",
                len(planned),
            ),
            "success",
        )
    return redirect(url_for("hr.people", **filter_args(filters)))


# --- one person -------------------------------------------------------------------------


def _department_choices(form) -> None:
    empty = _("keine") if scope().everything else None
    with_choices(form.department, [(d.id, d.name) for d in departments_in_scope()], empty=empty)


def _details(form) -> dict:
    """The person fields from a PersonForm; a manager that does not exist is an error."""
    department = form.department.data
    manager = None
    if form.manager_email.data:
        manager = accounts_queries.user_by_email(form.manager_email.data)
        if manager is None:
            form.manager_email.errors.append(_("Niemand mit dieser Adresse ist auf der Plattform."))
    return {
        "department": queries.department(scope(), int(department)) if department else None,
        "location": (form.location.data or "").strip() or None,
        "manager": manager,
        "employee_number": (form.employee_number.data or "").strip() or None,
        "locale": form.locale.data or None,
    }


@bp.route("/people/new", methods=["GET", "POST"])
@access.roles(*HR)
def new_person():
    form = NewPersonForm()
    _department_choices(form)
    if form.validate_on_submit():
        details = _details(form)
        if not form.manager_email.errors:
            try:
                person = services.add_person(
                    form.email.data, form.name.data, current_user, scope(), **details
                )
                token = (
                    accounts.create_invitation(person.email, (), current_user)
                    if form.invite.data
                    else None
                )
            except Refused as refusal:
                flash(refusal.message, "error")
            else:
                _invite(person.email, token)
                db.session.commit()  # the person, the invitation and its queued mail
                flash(_("%(name)s ist angelegt.", name=person.name), "success")
                return redirect(url_for("hr.person", person_id=person.id))
    status = 400 if form.is_submitted() else 200
    return render_template("hr/person_new.html", form=form), status


def _invite(address: str, token: str | None) -> None:
    if token is None:
        return
    mails.send_invitations([(address, token)], current_user)  # leaves after the commit
    flash(_("Die Einladung an %(a)s ist versendet.", a=address), "success")


def _person_page(person, form, status: int = 200):
    sees_scores = accounts_queries.disclosure().hr_sees_scores
    assignments = queries.assignments_of(person)
    slugs = sorted({a.course_slug for a in assignments} | queries.courses_touched(person))
    courses = [c for slug in slugs if (c := learning.course_including_drafts(slug))]
    assign = AssignForm(prefix="assign", formdata=None)
    with_choices(assign.course, course_titles().items())
    return render_template(
        "hr/person.html",
        person=person,
        form=form,
        assign=assign,
        assignments=assignments,
        states=queries.states_of(person, today()),
        progress=learning.progress_by_course(person, courses),
        sees_scores=sees_scores,
        attempts=queries.attempts_of(person) if sees_scores else [],
        certificates=queries.certificates_of(person),
        titles={c.slug: c.title for c in courses},
        today=today(),
    ), status


@bp.get("/people/<int:person_id>")
@access.roles(*HR)
def person(person_id: int):
    person = found(queries.person(scope(), person_id))
    form = PersonForm(
        formdata=None,
        data={
            "name": person.name,
            "department": str(person.department_id or ""),
            "location": person.location,
            "manager_email": person.manager.email if person.manager else "",
            "employee_number": person.employee_number,
            "locale": person.locale or "",
        },
    )
    _department_choices(form)
    # Who looked at whose training record is the works council's question: recorded.
    audit.record("person.viewed", current_user, person=person)
    db.session.commit()
    return _person_page(person, form)


@bp.post("/people/<int:person_id>")
@access.roles(*HR)
def update_person(person_id: int):
    person = found(queries.person(scope(), person_id))
    form = PersonForm()
    _department_choices(form)
    if form.validate_on_submit():
        details = _details(form)
        if not form.manager_email.errors:
            try:
                changed = services.update_person(
                    person, current_user, scope(), name=form.name.data.strip(), **details
                )
            except (HrRefused, AccountRefused) as refusal:
                flash(refusal.message, "error")
            else:
                db.session.commit()
                if changed:
                    flash(
                        _("Die Angaben zu %(name)s sind gespeichert.", name=person.name), "success"
                    )
                return redirect(url_for("hr.person", person_id=person.id))
    return _person_page(person, form, 400)


@bp.post("/people/<int:person_id>/invite")
@access.roles(*HR)
def invite_person(person_id: int):
    """Mail a person without a password their invitation (again: a new link)."""
    person = found(queries.person(scope(), person_id))
    if person.password_hash is not None or not person.active:
        flash(
            _("%(name)s kann sich schon anmelden (oder ist deaktiviert).", name=person.name),
            "warning",
        )
        return redirect(url_for("hr.person", person_id=person.id))
    previous = accounts_queries.latest_invitation(person.email)
    if previous is not None and previous.used_at is None:
        token = accounts.resend_invitation(previous, current_user)
    else:
        token = accounts.create_invitation(person.email, (), current_user)
    _invite(person.email, token)
    db.session.commit()
    return redirect(url_for("hr.person", person_id=person.id))


@bp.post("/people/<int:person_id>/active")
@access.roles(*HR)
def set_active(person_id: int):
    person = found(queries.person(scope(), person_id))
    try:
        services.set_active(person, not person.active, current_user)
    except (HrRefused, AccountRefused) as refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        if person.active:
            flash(_("%(name)s ist wieder aktiv.", name=person.name), "success")
        else:
            flash(
                _(
                    "%(name)s ist deaktiviert. Zuweisungen, Ergebnisse und Zertifikate bleiben erhalten.",
                    name=person.name,
                ),
                "success",
            )
    return redirect(url_for("hr.person", person_id=person.id))
