"""The workbench: every course with its findings, a course's page, its published versions
and its item statistics. Previews and editing add their routes to `bp` from
preview_views.py and editing_views.py."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from ..accounts import access
from ..web import found, list_params
from . import archive, diffs, queries
from .exports import flag_labels, rows, statistics_csv
from .findings import findings
from .queries import COPY, LIVE, CourseState

bp = Blueprint("trainer", __name__, url_prefix="/trainer")
trainers = access.roles("trainer", "admin")  # an admin is also a trainer


@bp.get("/")
@trainers
def index():
    states = queries.workbench()
    return render_template(
        "trainer/index.html",
        states=states,
        findings={s.slug: findings(s.live.problems, s.live.folder) for s in states if s.live},
        copies={s.slug: _copy_loaded(s) for s in states if s.copy},
        editing=queries.editing_enabled(),
    )


def _copy_loaded(state: CourseState):
    return queries.load_for_learners(state.slug, queries.copy_files(state.copy))


@bp.get("/courses/<slug>")
@trainers
def course(slug: str):
    state = found(queries.course_state(slug))
    copy = _copy_loaded(state) if state.copy else None
    return render_template(
        "trainer/course.html",
        state=state,
        live_findings=findings(state.live.problems, state.live.folder) if state.live else [],
        copy=copy,
        copy_findings=findings(copy.problems, copy.folder) if copy else [],
        copy_files=sorted(queries.copy_files(state.copy)) if state.copy else [],
        folder_differs=_folder_differs(state),
        editing=queries.editing_enabled(),
        LIVE=LIVE,
        COPY=COPY,
    )


def _folder_differs(state: CourseState) -> bool:
    """A course published in the browser whose folder changed since (e.g. a git pull)."""
    folder = queries.courses_dir() / state.slug
    if not state.from_browser or not folder.is_dir():
        return False
    return archive.read_folder(folder) != queries.live_files(state)


@bp.get("/courses/<slug>/versions")
@trainers
def versions(slug: str):
    state = found(queries.course_state(slug))
    _, page = list_params()
    return render_template(
        "trainer/versions.html",
        state=state,
        versions=queries.versions_page(slug, page),
        editing=queries.editing_enabled(),
    )


@bp.get("/courses/<slug>/versions/<int:version_id>")
@trainers
def version(slug: str, version_id: int):
    state = found(queries.course_state(slug))
    shown = found(queries.version(slug, version_id))
    against = queries.version(slug, request.args.get("against", 0, type=int))
    against = against or queries.previous_version(shown)
    before = archive.unpack(against.archive) if against else {}
    return render_template(
        "trainer/version.html",
        state=state,
        shown=shown,
        against=against,
        others=[v for v in queries.all_versions(slug) if v.id != shown.id],
        changes=diffs.diff(before, archive.unpack(shown.archive)),
        editing=queries.editing_enabled(),
    )


@bp.get("/courses/<slug>/statistics")
@trainers
def statistics(slug: str):
    state = found(queries.course_state(slug))
    versions = queries.statistics_versions(slug)
    chosen = _chosen_version(state, versions)
    items = queries.item_statistics_for(slug, chosen)
    return render_template(
        "trainer/statistics.html",
        state=state,
        versions=versions,
        numbers=queries.version_numbers(slug),
        chosen=chosen,
        rows=rows(state.course, items),
        flags=flag_labels(),
        minimum=queries.minimum_attempts(),
    )


@bp.get("/courses/<slug>/statistics.csv")
@trainers
def statistics_export(slug: str):
    state = found(queries.course_state(slug))
    chosen = _chosen_version(state, queries.statistics_versions(slug))
    body = statistics_csv(state.course, queries.item_statistics_for(slug, chosen))
    name = f"fragenstatistik-{slug}-{chosen or 'alle'}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _chosen_version(state: CourseState, versions: list[tuple[str, int]]) -> str | None:
    """?version=<hash>, "all" (None), or by default the version learners see now."""
    wanted = request.args.get("version", "")
    if wanted == "all":
        return None
    known = {v for v, _ in versions}
    if wanted in known:
        return wanted
    return state.course.version if state.course else None
