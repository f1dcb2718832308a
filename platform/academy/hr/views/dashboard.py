"""The HR start page: completion figures by course and department, two charts."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from ...accounts import access
from ...accounts import queries as accounts_queries
from .. import charts, queries
from . import bp
from .common import HR, course_titles, departments_in_scope, scope, today


@bp.get("/")
@access.roles(*HR)
def dashboard():
    titles = course_titles()
    course = request.args.get("course", "")
    if course not in titles:
        course = ""
    summary = queries.summary(scope(), today(), course or None)
    names: dict[int | None, str] = {d.id: d.name for d in departments_in_scope()}
    names[None] = _("ohne Abteilung")
    figures = queries.pool_small_departments(
        summary.by_department,
        queries.people_per_department(scope(), course or None),
        accounts_queries.disclosure().hr_min_group,
    )
    departments = sorted(figures.shown, key=lambda item: names.get(item[0], "").casefold())
    bars = [(names.get(d, "?"), counts.completion_rate) for d, counts in departments]
    if figures.pooled_any and figures.pooled_visible:
        bars.append((pooled_label(figures), figures.pooled.completion_rate))
    weeks = queries.certificates_per_week(scope(), today())
    return render_template(
        "hr/dashboard.html",
        course=course,
        titles=titles,
        summary=summary,
        departments=departments,
        figures=figures,
        pooled_label=pooled_label(figures),
        names=names,
        bars=charts.completion_bars(bars),
        weeks=weeks,
        timeline=charts.week_columns(weeks),
        sees_nothing=not scope().everything and not scope().department_ids,
    )


def pooled_label(figures: queries.DepartmentFigures) -> str:
    """The pooled row's name: how many departments, and whether people without one are
    in it (they are no department of their own)."""
    if not figures.pooled_departments:
        return _("Personen ohne Abteilung")
    departments = ngettext(
        "%(num)d weitere Abteilung", "%(num)d weitere Abteilungen", figures.pooled_departments
    )
    if figures.pooled_without_department:
        return _("%(departments)s und Personen ohne Abteilung", departments=departments)
    return departments
