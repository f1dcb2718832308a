"""Departments (create, rename, merge), assignments and their rules, and which
departments each HR person sees (admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...accounts import access
from ...accounts import queries as accounts_queries
from ...accounts import services as accounts
from ...extensions import db
from ...outcomes import Refused
from ...web import found, safe_next
from .. import queries, services
from ..forms import AssignForm, DepartmentForm, MergeForm, ScopeForm, with_choices
from ..services import Due
from . import bp
from .common import HR, course_titles, departments_in_scope, scope

# --- departments ------------------------------------------------------------------------


@bp.get("/departments")
@access.roles(*HR)
def departments():
    return _departments_page(DepartmentForm(prefix="new", formdata=None))


def _departments_page(form, status: int = 200):
    return render_template(
        "hr/departments.html",
        rows=queries.departments(scope()),
        form=form,
        rename=DepartmentForm,
        may_create=scope().everything,
        without=queries.people_without_department() if scope().everything else 0,
    ), status


@bp.post("/departments")
@access.roles(*HR)
def create_department():
    form = DepartmentForm(prefix="new")
    if not form.validate_on_submit():
        return _departments_page(form, 400)
    try:
        department = services.create_department(form.name.data, current_user, scope())
    except Refused as refusal:
        form.name.errors.append(refusal.message)
        return _departments_page(form, 400)
    db.session.commit()
    flash(_("Die Abteilung „%(name)s“ ist angelegt.", name=department.name), "success")
    return redirect(url_for("hr.departments"))


@bp.post("/departments/<int:department_id>/rename")
@access.roles(*HR)
def rename_department(department_id: int):
    department = found(queries.department(scope(), department_id))
    form = DepartmentForm(prefix=f"d{department_id}")
    if not form.validate_on_submit():
        flash(_("Bitte geben Sie einen Namen ein (höchstens 120 Zeichen)."), "error")
        return redirect(url_for("hr.departments"))
    try:
        accounts.rename_department(department, form.name.data, current_user)
    except Refused as refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(_("Die Abteilung heißt jetzt „%(name)s“.", name=department.name), "success")
    return redirect(url_for("hr.departments"))


@bp.route("/departments/<int:department_id>/merge", methods=["GET", "POST"])
@access.roles(*HR)
def merge_department(department_id: int):
    """A page that says what merging moves, then the merge itself."""
    source = found(queries.department(scope(), department_id))
    form = MergeForm()
    others = [d for d in departments_in_scope() if d.id != source.id]
    with_choices(form.target, [(d.id, d.name) for d in others])
    if not form.validate_on_submit():
        people = next(
            (r.people for r in queries.departments(scope()) if r.department.id == source.id), 0
        )
        status = 400 if form.is_submitted() else 200
        return render_template("hr/merge.html", source=source, form=form, people=people), status
    target = found(queries.department(scope(), int(form.target.data)))
    source_name = source.name
    try:
        moved = services.merge_departments(source, target, current_user, scope())
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("hr.departments"))
    db.session.commit()
    flash(
        ngettext(
            "„%(source)s“ ist in „%(target)s“ aufgegangen (%(num)d Person).",
            "„%(source)s“ ist in „%(target)s“ aufgegangen (%(num)d Personen).",
            moved,
            source=source_name,
            target=target.name,
        ),
        "success",
    )
    return redirect(url_for("hr.departments"))


# --- assignments ------------------------------------------------------------------------


def _assign_form(submitted: bool) -> AssignForm:
    form = AssignForm(prefix="assign") if submitted else AssignForm(prefix="assign", formdata=None)
    with_choices(form.course, course_titles().items())
    with_choices(
        form.department, [(d.id, d.name) for d in departments_in_scope()], empty=_("bitte wählen")
    )
    if not scope().everything:  # "everyone" is for who sees everyone
        form.target.choices = [c for c in form.target.choices if c.value != "everyone"]
    return form


@bp.get("/assignments")
@access.roles(*HR)
def assignments():
    return _assignments_page(_assign_form(submitted=False))


def _assignments_page(form, status: int = 200):
    return render_template(
        "hr/assignments.html", form=form, rules=queries.rules(scope()), titles=course_titles()
    ), status


@bp.post("/assignments")
@access.roles(*HR)
def create_assignment():
    form = _assign_form(submitted=True)
    if not form.validate_on_submit():
        return _assignments_page(form, 400)
    due = Due(on=form.due_on.data) if form.due_kind.data == "date" else Due(days=form.due_days.data)
    try:
        course = services.assignable_course(form.course.data)
        count = _assign(form, course, due)
    except Refused as refusal:
        flash(refusal.message, "error")
        return _assignments_page(form, 400)
    db.session.commit()
    flash(
        ngettext("Zugewiesen: %(num)d Person.", "Zugewiesen: %(num)d Personen.", count),
        "success",
    )
    return redirect(safe_next("hr.assignments"))


def _assign(form: AssignForm, course, due: Due) -> int:
    if form.target.data == "people":
        people = [queries.person_by_email(scope(), a) for a in form.emails.addresses]
        unknown = [a for a, p in zip(form.emails.addresses, people, strict=True) if p is None]
        if unknown:
            flash(
                _("Nicht gefunden (oder nicht in Ihrem Bereich): %(a)s", a=", ".join(unknown[:10])),
                "warning",
            )
        return services.assign_people(course, [p for p in people if p], due, current_user)
    department = None
    if form.target.data == "department":
        department = found(queries.department(scope(), int(form.department.data)))
    return services.create_rule(course, department, due, current_user, scope())[1]


@bp.post("/assignments/rules/<int:rule_id>/end")
@access.roles(*HR)
def end_rule(rule_id: int):
    rule = found(queries.rule(scope(), rule_id))
    try:
        cancelled = services.end_rule(rule, current_user, scope())
    except Refused as refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(
            ngettext(
                "Die Zuweisung ist beendet; %(num)d offene Zuweisung zurückgenommen.",
                "Die Zuweisung ist beendet; %(num)d offene Zuweisungen zurückgenommen.",
                cancelled,
            ),
            "success",
        )
    return redirect(url_for("hr.assignments"))


@bp.post("/assignments/<int:assignment_id>/cancel")
@access.roles(*HR)
def cancel_assignment(assignment_id: int):
    assignment = found(queries.assignment(scope(), assignment_id))
    try:
        services.cancel_assignment(assignment, current_user)
    except Refused as refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(_("Die Zuweisung ist zurückgenommen."), "success")
    return redirect(url_for("hr.person", person_id=assignment.user_id))


# --- scopes (admins) --------------------------------------------------------------------


@bp.get("/scopes")
@access.roles("admin")
def scopes():
    everyone = accounts_queries.departments()
    forms = []
    for person, current in queries.hr_people():
        form = ScopeForm(
            prefix=f"s{person.id}",
            formdata=None,
            data={
                "all_departments": current.all_departments if current else False,
                "departments": [d.id for d in current.departments] if current else [],
            },
        )
        form.departments.choices = [(d.id, d.name) for d in everyone]
        forms.append((person, form))
    return render_template("hr/scopes.html", forms=forms)


@bp.post("/scopes/<int:person_id>")
@access.roles("admin")
def set_scope(person_id: int):
    person = found(queries.hr_person(person_id))
    everyone = accounts_queries.departments()
    form = ScopeForm(prefix=f"s{person_id}")
    form.departments.choices = [(d.id, d.name) for d in everyone]
    if not form.validate_on_submit():
        abort(400)
    chosen = [d for d in everyone if d.id in set(form.departments.data or ())]
    services.set_scope(person, form.all_departments.data, chosen, current_user)
    db.session.commit()
    flash(_("Der Bereich von %(name)s ist gespeichert.", name=person.name), "success")
    return redirect(url_for("hr.scopes"))
