"""Reads for the workbench: every course with what learners see and what the checker says,
working copies, published versions, previews and item statistics."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..content import Course
from ..exams.models import AttemptKind, ExamAttempt, ExamResult
from ..extensions import db
from ..learning import queries as learning
from ..web import PAGE_SIZE
from . import archive, diffs
from .archive import Files
from .models import CourseVersion, QuestionSums, WorkingCopy, WrongChoiceCount
from .sources import Loaded, load_files
from .statistics import ItemStatistics, ItemSums, item_statistics

LIVE, COPY = "live", "copy"  # preview sources besides "v<id>", a published version


def editing_enabled() -> bool:
    return current_app.config["SETTINGS"].browser_editing


def files_root() -> Path:
    return current_app.config["SETTINGS"].instance_dir / "course-files"


def courses_dir() -> Path:
    return current_app.config["SETTINGS"].courses_dir


@dataclass(frozen=True)
class CourseState:
    """One course as the workbench shows it."""

    slug: str
    live: Loaded | None  # what learners get (None: nothing yet, only a working copy)
    latest: CourseVersion | None  # newest version published in the browser
    copy: WorkingCopy | None

    @property
    def from_browser(self) -> bool:
        """Learners see the version published in the browser, not the course folder."""
        return self.latest is not None and editing_enabled()

    @property
    def course(self) -> Course | None:
        return self.live.course if self.live else None

    @property
    def status(self) -> str:
        """One of "live", "hidden" (draft: true), "broken" (learners see nothing), "new"."""
        if self.live is None:
            return "new"
        if self.course is None:
            return "broken"
        return "hidden" if self.course.draft else "live"


def workbench() -> list[CourseState]:
    """Every course: in the folder (loaded or broken), published or only a working copy."""
    latest = {v.course_slug: v for v in _latest_versions()}
    copies = {c.course_slug: c for c in db.session.scalars(select(WorkingCopy))}
    slugs = set(_folder_slugs()) | set(copies) | (set(latest) if editing_enabled() else set())
    states = [_state(slug, latest.get(slug), copies.get(slug)) for slug in slugs]
    return sorted(states, key=lambda s: s.course.title.casefold() if s.course else s.slug)


def course_state(slug: str) -> CourseState | None:
    latest = latest_version(slug)
    state = _state(slug, latest, working_copy(slug))
    return state if state.live is not None or state.copy is not None else None


def latest_version(slug: str) -> CourseVersion | None:
    return db.session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_slug == slug)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )


def folder_files(slug: str) -> tuple[Loaded, Files] | None:
    """The course as its folder holds it now (bundled or deployed from git), read from
    disk rather than from the catalog, which may serve a browser-published version or
    the folder as it was when this process started; None when there is no such folder."""
    if slug not in _folder_slugs():
        return None
    files = archive.read_folder(courses_dir() / slug)
    return load_files(files, slug, learning.catalog().url_base, files_root()), files


def _latest_versions() -> list[CourseVersion]:
    newest = select(func.max(CourseVersion.id)).group_by(CourseVersion.course_slug)
    return list(db.session.scalars(select(CourseVersion).where(CourseVersion.id.in_(newest))))


def _folder_slugs() -> list[str]:
    root = courses_dir()
    return [
        p.name
        for p in root.iterdir()
        if p.is_dir()
        and not p.name.startswith(".")
        and ((p / "course.md").exists() or any(p.glob("*.md")))
    ]


def _state(slug: str, latest: CourseVersion | None, copy: WorkingCopy | None) -> CourseState:
    if latest is not None and editing_enabled():
        return CourseState(slug, _published_live(latest), latest, copy)
    return CourseState(slug, _folder_live(slug), latest, copy)


def _published_live(version: CourseVersion) -> Loaded:
    source = current_app.extensions.get("published_courses")
    known = source.loaded.get(version.id) if source else None
    if known is not None:
        return known
    return load_for_learners(version.course_slug, archive.unpack(version.archive))


def _folder_live(slug: str) -> Loaded | None:
    catalog = learning.catalog()
    folder = catalog.root / slug
    if not folder.is_dir():
        return None
    problems = tuple(p for p in catalog.problems if p.path.is_relative_to(folder))
    return Loaded(catalog.get(slug, include_drafts=True), problems, folder)


def live_files(state: CourseState) -> Files | None:
    if state.from_browser:
        return archive.unpack(state.latest.archive)
    if state.live is not None:
        return archive.read_folder(state.live.folder)
    return None


def copy_files(copy: WorkingCopy) -> Files:
    return archive.unpack(copy.archive)


def working_copy(slug: str) -> WorkingCopy | None:
    return db.session.scalar(select(WorkingCopy).where(WorkingCopy.course_slug == slug))


def version(slug: str, version_id: int) -> CourseVersion | None:
    found = db.session.get(CourseVersion, version_id)
    return found if found is not None and found.course_slug == slug else None


def previous_version(found: CourseVersion) -> CourseVersion | None:
    return db.session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_slug == found.course_slug, CourseVersion.number < found.number)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )


def versions_page(slug: str, page: int):
    query = (
        select(CourseVersion)
        .where(CourseVersion.course_slug == slug)
        .order_by(CourseVersion.number.desc())
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def all_versions(slug: str) -> list[CourseVersion]:
    return list(
        db.session.scalars(
            select(CourseVersion)
            .where(CourseVersion.course_slug == slug)
            .order_by(CourseVersion.number.desc())
        )
    )


def version_numbers(slug: str) -> dict[str, int]:
    """Content hash -> the number it was published as (the newest, if published twice)."""
    rows = db.session.execute(
        select(CourseVersion.version, CourseVersion.number)
        .where(CourseVersion.course_slug == slug)
        .order_by(CourseVersion.number)
    )
    return dict(rows.all())


def source_files(state: CourseState, source: str) -> Files | None:
    """The files behind a preview: live, the working copy, or a version ("v12")."""
    if source == LIVE:
        return live_files(state)
    if source == COPY:
        return copy_files(state.copy) if state.copy else None
    if source.startswith("v") and source[1:].isdigit():
        found = version(state.slug, int(source[1:]))
        return archive.unpack(found.archive) if found else None
    return None


def preview(state: CourseState, source: str, url_base: str) -> Loaded | None:
    """The course as the loader makes it of these files, its links pointing at `url_base`."""
    files = source_files(state, source)
    if files is None:
        return None
    return load_files(files, state.slug, url_base, files_root())


def changed_modules(state: CourseState) -> list[str]:
    """The modules of the working copy that differ from what learners see (pre-filled)."""
    loaded = load_for_learners(state.slug, copy_files(state.copy))
    if loaded.course is None:
        return []
    return diffs.changed_modules(state.course, loaded.course)


def load_for_learners(slug: str, files: Files) -> Loaded:
    """As the catalog will load these files once published (same folder, same links)."""
    return load_files(files, slug, learning.catalog().url_base, files_root(), keep=True)


# Item statistics -----------------------------------------------------------------------


def statistics_versions(slug: str) -> list[tuple[str, int]]:
    """The content versions that have graded final exams, with their number, most first."""
    rows = db.session.execute(
        select(ExamAttempt.course_version, func.count())
        .join(ExamResult)
        .where(
            ExamAttempt.course_slug == slug,
            ExamAttempt.kind == AttemptKind.EXAM,
            ExamResult.late.is_(False),
        )
        .group_by(ExamAttempt.course_version)
    )
    return sorted(rows.all(), key=lambda row: -row[1])


def minimum_attempts() -> int:
    return current_app.config["SETTINGS"].item_stats_min_attempts


def item_statistics_for(slug: str, version: str | None) -> dict[str, ItemStatistics]:
    """Question id -> its statistics for one content version (None: all versions)."""
    minimum = minimum_attempts()
    wrong = _wrong_choices(slug, version)
    return {
        sums.question_id: item_statistics(sums, wrong.get(sums.question_id, {}), minimum)
        for sums in _item_sums(slug, version)
    }


def _item_sums(slug: str, version: str | None) -> list[ItemSums]:
    s = QuestionSums
    query = (
        select(
            s.question_id,
            func.sum(s.drawn),
            func.sum(s.right),
            func.sum(s.rest),
            func.sum(s.rest_squares),
            func.sum(s.rest_when_right),
        )
        .where(s.course_slug == slug)
        .group_by(s.question_id)
    )
    if version is not None:
        query = query.where(s.course_version == version)
    return [
        ItemSums(row[0], *(int(value) for value in row[1:])) for row in db.session.execute(query)
    ]


def _wrong_choices(slug: str, version: str | None) -> dict[str, dict[str, int]]:
    w = WrongChoiceCount
    query = (
        select(w.question_id, w.option_id, func.sum(w.chosen))
        .where(w.course_slug == slug)
        .group_by(w.question_id, w.option_id)
    )
    if version is not None:
        query = query.where(w.course_version == version)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for question_id, option_id, chosen in db.session.execute(query):
        counts[question_id][option_id] = int(chosen)
    return counts
