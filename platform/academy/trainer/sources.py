"""From files to Course objects: a published version, a working copy or a course folder is
written once to a folder named after its content and read by the course loader, so the
checker, the preview and the learners' pages all see exactly what the loader makes of it.

Folders of published versions stay (workers serve their images); preview folders older
than PREVIEW_DAYS are removed when a new one is made, and made again when needed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..content import Course, Problem
from .archive import Files

log = logging.getLogger(__name__)
PREVIEW_DAYS = 2
PARSED = ".parsed"  # beside the course folder: hidden, so never taken for a course


@dataclass(frozen=True)
class Loaded:
    """What the loader made of a course's files: the course (None with errors) and every
    finding; `folder` is the course folder the findings' paths lie in."""

    course: Course | None
    problems: tuple[Problem, ...]
    folder: Path

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def load_files(files: Files, slug: str, url_base: str, root: Path, keep: bool = False) -> Loaded:
    """Load a course from its files; `url_base` decides where its links and images point
    (the learners' pages or a preview). `keep`: the folder is never removed (published)."""
    folder = materialize(files, slug, root / ("published" if keep else "previews"), keep)
    return _load(folder, url_base)


@lru_cache(maxsize=64)
def _load(folder: Path, url_base: str) -> Loaded:
    # The folder's name is its content's hash: the same path always holds the same files.
    # What the loader made of them is kept beside them (content/cache.py), so a worker
    # serving a course published in the browser reads it instead of parsing it again;
    # the cache goes when the folder goes.
    from ..content import cache

    def parse():
        from ..content.loader import load_course  # imported when first needed

        course, problems = load_course(folder, url_base)
        return ({course.slug: course} if course else {}), problems

    home = folder.parent
    courses, problems = cache.load(home, url_base, None, home / PARSED, parse)
    return Loaded(next(iter(courses.values()), None), tuple(problems), folder.resolve())


def content_hash(files: Files) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()[:24]


def materialize(files: Files, slug: str, root: Path, keep: bool) -> Path:
    """The files in `root/<content hash>/<slug>/`, written once. Several processes may
    do this at the same moment: each writes a folder of its own and renames it into
    place, so no one ever reads a half-written course."""
    home = root / content_hash(files)
    if (home / slug).is_dir():
        return home / slug
    root.mkdir(parents=True, exist_ok=True)
    if not keep:
        _remove_old_previews(root)
    staging = root / f".new-{secrets.token_hex(8)}"
    for name, data in files.items():
        path = staging / slug / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    try:
        os.rename(staging, home)
    except OSError:  # another process was faster: its folder holds the same files
        shutil.rmtree(staging, ignore_errors=True)
    return home / slug


def _remove_old_previews(root: Path) -> None:
    cutoff = time.time() - PREVIEW_DAYS * 24 * 3600
    for folder in root.iterdir():
        try:
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            continue  # removed by another process just now
