"""What the HR views share: the viewer's scope, choices for selects, list filters."""

from __future__ import annotations

from datetime import date

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from ... import clock
from ...accounts.models import Department
from ...learning import queries as learning
from .. import queries
from ..forms import STATUS_LABELS, ListFilterForm, with_choices
from ..queries import ListFilters, Scope

HR = ("hr", "admin")


def scope() -> Scope:
    """The signed-in person's scope, read once per request."""
    if "hr_scope" not in g:
        g.hr_scope = queries.scope_of(current_user)
    return g.hr_scope


def today() -> date:
    return clock.today()


def course_titles() -> dict[str, str]:
    """Slug -> title of the published courses."""
    return {c.slug: c.title for c in learning.catalog().all()}


def departments_in_scope() -> list[Department]:
    return [row.department for row in queries.departments(scope())]


def list_filters(formdata=None) -> tuple[ListFilterForm, ListFilters]:
    """The people list's filters from the query string (or a POST that repeats them);
    a value that makes no sense is ignored rather than refused."""
    form = ListFilterForm(formdata if formdata is not None else request.args)
    with_choices(form.course, course_titles().items(), empty=_("alle Kurse"))
    with_choices(form.department, [(d.id, d.name) for d in departments_in_scope()], empty=_("alle"))
    form.validate()
    department = form.department.data or ""
    filters = ListFilters(
        course=form.course.data or "",
        department_id=int(department) if department.isdigit() else None,
        status=form.status.data if form.status.data in STATUS_LABELS else "",
        due_before=form.due_before.data if not form.due_before.errors else None,
        manager=(form.manager.data or "").strip() if not form.manager.errors else "",
        search=(form.q.data or "").strip()[:100],
        sort=form.sort.data if form.sort.data in queries.SORTS else "due",
    )
    return form, filters


def filter_args(filters: ListFilters) -> dict[str, str]:
    """The filters as URL parameters (for links, pagination and the download form)."""
    values = {
        "course": filters.course,
        "department": str(filters.department_id) if filters.department_id is not None else "",
        "status": filters.status,
        "due_before": filters.due_before.isoformat() if filters.due_before else "",
        "manager": filters.manager,
        "q": filters.search,
        "sort": filters.sort if filters.sort != "due" else "",
    }
    return {k: v for k, v in values.items() if v}
