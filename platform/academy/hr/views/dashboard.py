"""The HR start page: completion figures by course and department, two charts."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from ...accounts import access
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
    departments = sorted(
        summary.by_department.items(), key=lambda item: names.get(item[0], "").casefold()
    )
    weeks = queries.certificates_per_week(scope(), today())
    return render_template(
        "hr/dashboard.html",
        course=course,
        titles=titles,
        summary=summary,
        departments=departments,
        names=names,
        bars=charts.completion_bars(
            [(names.get(d, "?"), counts.completion_rate) for d, counts in departments]
        ),
        weeks=weeks,
        timeline=charts.week_columns(weeks),
        sees_nothing=not scope().everything and not scope().department_ids,
    )
