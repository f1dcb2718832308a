"""Writes of the workbench: working copies (upload, edit, restore), publishing, and the
sums of graded exams for item statistics. They flush and record; the view commits.

Every refusal (TrainerRefused) is raised before anything is written, or the write is
undone in a savepoint (publishing).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import PurePosixPath

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from .. import audit, clock
from ..content.layout import COURSE_SLUG, MODULE_FILE
from ..exams.models import AttemptKind
from ..extensions import db
from ..outcomes import all_or_nothing
from . import archive, queries, retraining_services, statistics
from .archive import BadArchive, Files
from .models import Change, CourseVersion, QuestionSums, WorkingCopy, WrongChoiceCount
from .outcomes import TrainerRefusal, TrainerRefused
from .queries import CourseState

NEW_MODULE = """---
title: {title}
minutes: 5
objectives:
  - …
---

Einleitung …

## Erster Abschnitt

Text …
"""


def _require_editing() -> None:
    if not queries.editing_enabled():
        raise TrainerRefused(TrainerRefusal.EDITING_OFF)


def start_copy(state: CourseState, by) -> WorkingCopy:
    """A working copy of what learners see now (or the existing one)."""
    _require_editing()
    if state.copy is not None:
        return state.copy
    files = queries.live_files(state)
    if files is None:
        raise TrainerRefused(TrainerRefusal.NO_COPY)
    return _replace(state.slug, files, by, "course_copy.started")


def upload(slug: str, data: bytes, by, new_course: bool) -> WorkingCopy:
    """A course folder as .zip becomes the working copy: for a new course, or replacing
    the copy of an existing one. The archive is checked before anything is stored; the
    course's findings (errors too) are then shown, to be fixed before publishing."""
    files = _uploaded_files(slug, data, new_course)
    return _replace(slug, files, by, "course.uploaded", count=len(files))


@all_or_nothing
def upload_and_publish(slug: str, data: bytes, by, new_course: bool, note: str) -> CourseVersion:
    """Upload and publish in one step (an editorial change, e.g. a fix made offline).
    A course with errors is refused and nothing changes, not even the working copy."""
    files = _uploaded_files(slug, data, new_course)
    loaded = queries.load_for_learners(slug, files)
    if loaded.course is None:
        raise TrainerRefused(TrainerRefusal.HAS_ERRORS, count=loaded.errors, loaded=loaded)
    copy = _replace(slug, files, by, "course.uploaded", count=len(files))
    state = queries.course_state(slug)
    return publish(state, copy.revision, Change.EDITORIAL, [], note, by)


def _uploaded_files(slug: str, data: bytes, new_course: bool) -> Files:
    _require_editing()
    if not COURSE_SLUG.match(slug) or len(slug) > 100:
        raise TrainerRefused(TrainerRefusal.BAD_SLUG)
    if new_course and queries.course_state(slug) is not None:
        raise TrainerRefused(TrainerRefusal.COURSE_EXISTS, slug=slug)
    try:
        return archive.read_upload(data)
    except BadArchive as error:
        raise TrainerRefused(error.reason, **error.details) from None


def restore(state: CourseState, version: CourseVersion, by) -> WorkingCopy:
    """An older version becomes the working copy, to be published again after a look."""
    _require_editing()
    copy = _replace(
        state.slug, archive.unpack(version.archive), by, "course.restored", number=version.number
    )
    copy.restored_from_id = version.id
    return copy


def take_folder(state: CourseState, by) -> WorkingCopy:
    """The course folder's files (e.g. after a git pull) become the working copy."""
    _require_editing()
    folder = queries.courses_dir() / state.slug
    if not folder.is_dir():
        raise TrainerRefused(TrainerRefusal.NO_COPY)
    return _replace(state.slug, archive.read_folder(folder), by, "course.folder_taken")


def _replace(slug: str, files: Files, by, action: str, **details) -> WorkingCopy:
    copy = queries.working_copy(slug)
    if copy is None:
        live = queries.course_state(slug)
        copy = WorkingCopy(
            course_slug=slug,
            archive=archive.pack(files),
            based_on=live.course.version if live and live.course else None,
            updated_by_id=by.id,
        )
        try:
            with db.session.begin_nested():  # two trainers starting at the same moment
                db.session.add(copy)
        except IntegrityError:
            copy = queries.working_copy(slug)
            if copy is None:
                raise
            return _replace(slug, files, by, action, **details)
    else:
        copy.archive = archive.pack(files)
        copy.revision += 1
        copy.restored_from_id = None
        copy.updated_by_id, copy.updated_at = by.id, clock.utcnow()
        db.session.flush()
    audit.record(action, by, copy, course=slug, **details)
    return copy


def save_file(copy: WorkingCopy, name: str, text: str, revision: int, by) -> None:
    _require_editing()
    files = queries.copy_files(copy)
    if name not in files:
        raise TrainerRefused(TrainerRefusal.NO_SUCH_FILE, name=name)
    if not archive.is_text(name):
        raise TrainerRefused(TrainerRefusal.NOT_EDITABLE, name=name)
    files[name] = _normalized(text)
    _store(copy, files, revision, by)
    audit.record("course_copy.saved", by, copy, course=copy.course_slug, file=name)


def add_file(copy: WorkingCopy, name: str, data: bytes | None, revision: int, by) -> str:
    """A new text file (a module gets a first draft) or an uploaded image; returns its
    path in the course folder."""
    _require_editing()
    name = _checked_name(name, data)
    files = queries.copy_files(copy)
    if name in files:
        raise TrainerRefused(TrainerRefusal.FILE_EXISTS, name=name)
    files[name] = data if data is not None else _first_draft(name)
    _store(copy, files, revision, by)
    audit.record("course_copy.file_added", by, copy, course=copy.course_slug, file=name)
    return name


def delete_file(copy: WorkingCopy, name: str, revision: int, by) -> None:
    _require_editing()
    files = queries.copy_files(copy)
    if name not in files:
        raise TrainerRefused(TrainerRefusal.NO_SUCH_FILE, name=name)
    if name == "course.md":
        raise TrainerRefused(TrainerRefusal.KEEP_COURSE_MD)
    del files[name]
    _store(copy, files, revision, by)
    audit.record("course_copy.file_deleted", by, copy, course=copy.course_slug, file=name)


def discard(copy: WorkingCopy, by) -> None:
    _require_editing()
    audit.record("course_copy.discarded", by, copy, course=copy.course_slug)
    db.session.delete(copy)
    db.session.flush()


def _normalized(text: str) -> bytes:
    """Browsers send textareas with CRLF line ends; files keep LF and end with one."""
    return (text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n").encode("utf-8")


def _checked_name(name: str, data: bytes | None) -> str:
    """A safe path inside the course; uploaded pictures go to images/."""
    raw = name.strip()
    if data is not None and "/" not in raw and not archive.is_text(raw):
        raw = f"images/{raw}"
    try:
        name = archive.safe_name(raw)
    except BadArchive as error:
        raise TrainerRefused(error.reason, **error.details) from None
    suffix = PurePosixPath(name).suffix.lower()
    allowed = archive.SUFFIXES if data is not None else archive.TEXT_SUFFIXES
    if suffix not in allowed:
        names = ", ".join(sorted(allowed))
        raise TrainerRefused(archive.ArchiveRefusal.FILE_TYPE, name=name, allowed=names)
    if data is not None and len(data) > archive.MAX_FILE_BYTES:
        limit = archive.MAX_FILE_BYTES // (1024 * 1024)
        raise TrainerRefused(archive.ArchiveRefusal.FILE_TOO_LARGE, name=name, limit=limit)
    return name


def _first_draft(name: str) -> bytes:
    match = MODULE_FILE.match(name)
    if match is None:
        return b""
    title = re.sub(r"[-_]+", " ", match[2]).strip().capitalize()
    return NEW_MODULE.format(title=title).encode("utf-8")


def _store(copy: WorkingCopy, files: Files, revision: int, by) -> None:
    """Save only if nobody saved in between: the UPDATE matches the revision the editor
    started from, so a second tab or a colleague is told instead of overwritten."""
    changed = db.session.execute(
        update(WorkingCopy)
        .where(WorkingCopy.id == copy.id, WorkingCopy.revision == revision)
        .values(
            archive=archive.pack(files),
            revision=revision + 1,
            restored_from_id=copy.restored_from_id,
            updated_by_id=by.id,
            updated_at=clock.utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise TrainerRefused(TrainerRefusal.STALE)
    db.session.refresh(copy)


# Publishing ----------------------------------------------------------------------------


@all_or_nothing
def publish(
    state: CourseState,
    revision: int,
    change: Change,
    modules: Collection[str],
    note: str,
    by,
) -> CourseVersion:
    """The working copy becomes what learners see, in whole; the previous versions stay.
    A material change asks everyone certified on an older version to retrain."""
    _require_editing()
    copy = state.copy
    if copy is None:
        raise TrainerRefused(TrainerRefusal.NO_COPY)
    if copy.revision != revision:
        raise TrainerRefused(TrainerRefusal.STALE)
    files = queries.copy_files(copy)
    loaded = queries.load_for_learners(state.slug, files)
    if loaded.course is None:
        raise TrainerRefused(TrainerRefusal.HAS_ERRORS, count=loaded.errors)
    if state.course is not None and state.course.version == loaded.course.version:
        raise TrainerRefused(TrainerRefusal.UNCHANGED)
    modules = [m.slug for m in loaded.course.modules if m.slug in modules]
    if change is Change.MATERIAL and not modules:
        raise TrainerRefused(TrainerRefusal.NO_MODULES)
    if state.latest is None and state.course is not None:
        _keep_folder_state(state)
    version = _add_version(state.slug, loaded.course.version, files, change, modules, note, by)
    version.restored_from_id = copy.restored_from_id
    _remove_copy(copy, revision)
    audit.record(
        "course.published",
        by,
        version,
        course=state.slug,
        number=version.number,
        change=str(change),
        modules=modules,
    )
    if change is Change.MATERIAL:
        retraining_services.assign(version, by)
    return version


@all_or_nothing
def publish_folder(
    slug: str, change: Change, modules: list[str], note: str, by=None
) -> tuple[CourseVersion, int]:
    """A course managed as files (bundled or deployed from git) has changed in its
    folder: record the folder's state as a version, like a browser publish, and for a
    material change ask everyone certified on an older version to retrain
    (`flask courses publish`). Everything is checked before anything is written."""
    found = queries.folder_files(slug)
    if found is None:
        raise TrainerRefused(TrainerRefusal.NO_FOLDER, slug=slug)
    loaded, files = found
    if loaded.course is None:
        raise TrainerRefused(TrainerRefusal.HAS_ERRORS, count=loaded.errors)
    if not note.strip():
        raise TrainerRefused(TrainerRefusal.NO_NOTE)
    known = [m.slug for m in loaded.course.modules]
    unknown = [m for m in modules if m not in known]
    if unknown:
        raise TrainerRefused(TrainerRefusal.UNKNOWN_MODULE, name=unknown[0], known=", ".join(known))
    if change is Change.MATERIAL and not modules:
        raise TrainerRefused(TrainerRefusal.NO_MODULES)
    latest = queries.latest_version(slug)
    if latest is not None and latest.version == loaded.course.version:
        raise TrainerRefused(TrainerRefusal.FOLDER_UNCHANGED)
    modules = [m for m in known if m in modules] if change is Change.MATERIAL else []
    version = _add_version(slug, loaded.course.version, files, change, modules, note, by)
    audit.record(
        "course.published",
        by,
        version,
        course=slug,
        number=version.number,
        change=str(change),
        modules=modules,
        source="folder",
    )
    retrained = retraining_services.assign(version, by) if change is Change.MATERIAL else []
    return version, len(retrained)


def _remove_copy(copy: WorkingCopy, revision: int) -> None:
    """Published: the copy goes, unless someone saved or published it a moment ago (then
    the savepoint undoes this publish)."""
    removed = db.session.execute(
        delete(WorkingCopy)
        .where(WorkingCopy.id == copy.id, WorkingCopy.revision == revision)
        .execution_options(synchronize_session=False)
    ).rowcount
    if removed != 1:
        raise TrainerRefused(TrainerRefusal.STALE)
    db.session.expunge(copy)


def _keep_folder_state(state: CourseState) -> None:
    """Before a course is first published in the browser, its folder's state becomes
    version 1: learners' certificates refer to it, and it can be restored."""
    files = archive.read_folder(state.live.folder)
    _add_version(state.slug, state.course.version, files, Change.FOLDER, [], "", None)


def _add_version(
    slug: str, version: str, files: Files, change: Change, modules: list, note: str, by
) -> CourseVersion:
    number = (
        db.session.scalar(
            select(func.max(CourseVersion.number)).where(CourseVersion.course_slug == slug)
        )
        or 0
    ) + 1
    row = CourseVersion(
        course_slug=slug,
        number=number,
        version=version,
        archive=archive.pack(files),
        published_by_id=by.id if by is not None else None,
        published_at=clock.utcnow(),
        note=note.strip(),
        change=str(change),
        modules=list(modules),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same number, taken by a publish a moment ago
        raise TrainerRefused(TrainerRefusal.PUBLISHED_MEANWHILE) from None
    return row


# Item statistics ------------------------------------------------------------------------


def record_graded_exam(_sender, *, attempt, result, **_extra) -> None:
    """Receiver of exams' exam_graded: a final exam graded in time adds to the sums of its
    questions and to the counts of the wrong options ticked, in the same transaction (the
    grading itself is audited). Re-checks and late attempts are not part of them."""
    if attempt.kind != AttemptKind.EXAM or result.late:
        return
    questions = attempt.drawn_questions()
    answers = {qid: frozenset(ids) for qid, ids in result.answers.items()}
    right = {q.id: answers.get(q.id, frozenset()) == q.correct_ids for q in questions}
    where = {"course_slug": attempt.course_slug, "course_version": attempt.course_version}
    # vars(), not dataclasses.asdict(): the fields are plain numbers and asdict's deep
    # copy cost about as much as the upsert itself.
    sums = [{**where, **vars(added)} for added in statistics.graded(right)]
    # Option ids are random per attempt; counts go by the option's id in the course file.
    wrong = [
        {**where, "question_id": q.id, "option_id": source, "chosen": 1}
        for q in sorted(questions, key=lambda q: q.id)
        for source in sorted(
            o.source for o in q.options if o.id in answers.get(q.id, frozenset()) and not o.correct
        )
    ]
    _add(QuestionSums, sums, ("drawn", "right", "rest", "rest_squares", "rest_when_right"))
    _add(WrongChoiceCount, wrong, ("chosen",))


def _add(model, rows: list[dict], counters: tuple[str, ...]) -> None:
    """Insert the rows, or add their counters to the rows already there. The rows come
    sorted by key, so two exams graded at once lock them in the same order."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    # One statement with parameters per row (executemany), not the rows' values written
    # into it: SQLAlchemy compiles it once per process instead of once per exam.
    db.session.execute(_upsert(model, counters, dialect), rows)


_UPSERTS: dict[tuple, object] = {}


def _upsert(model, counters: tuple[str, ...], dialect: str):
    key = (model, counters, dialect)
    if key not in _UPSERTS:
        insert = (sqlite_insert if dialect == "sqlite" else postgresql_insert)(model)
        keys = [c.name for c in model.__table__.primary_key.columns]
        added = {c: getattr(model, c) + insert.excluded[c] for c in counters}
        _UPSERTS[key] = insert.on_conflict_do_update(index_elements=keys, set_=added)
    return _UPSERTS[key]
