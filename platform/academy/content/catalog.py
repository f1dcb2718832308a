"""The loaded courses of one courses folder (plus a company's additions), reloaded on
change when asked to."""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache
from pathlib import Path

from .course import Course
from .loader import load_courses

log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _parsed(
    root: Path, url_base: str, additions: Path | None, _fingerprint: tuple
) -> tuple[dict[str, Course], list]:
    """Several apps in one process (the test suite, the benchmark) share one parse of the
    same unchanged files; the objects are immutable, so sharing them is safe."""
    return load_courses(root, url_base, additions)


class Catalog:
    """Holds the courses that loaded without errors; broken ones are logged and left out.

    With auto_reload (development), a request that comes at least a second after the
    last look re-reads the folder when any file's size or time stamp changed.
    """

    def __init__(
        self,
        root: Path,
        url_base: str = "/courses/",
        auto_reload: bool = False,
        additions: Path | None = None,
    ):
        self.root = root.resolve()  # problems carry resolved paths
        self.additions = additions.resolve() if additions else None  # one subfolder per course
        self.url_base = url_base
        self.auto_reload = auto_reload
        self._courses: dict[str, Course] = {}
        self._fingerprint: tuple = ()
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self.load()

    def load(self) -> None:
        fingerprint = self._current_fingerprint()
        courses, problems = _parsed(self.root, self.url_base, self.additions, fingerprint)
        for problem in problems:
            if problem.severity == "error":
                log.error("course problem: %s", problem)
        broken = {
            slug for p in problems if p.severity == "error" and (slug := self._slug_of(p.path))
        }
        for slug in sorted(broken - set(courses)):
            log.error("course '%s' is left out because of the errors above", slug)
        self._courses, self._fingerprint = dict(courses), fingerprint

    def get(self, slug: str, include_drafts: bool = False) -> Course | None:
        self._reload_if_changed()
        course = self._courses.get(slug)
        if course is None or (course.draft and not include_drafts):
            return None
        return course

    def all(self, include_drafts: bool = False) -> list[Course]:
        self._reload_if_changed()
        courses = [c for c in self._courses.values() if include_drafts or not c.draft]
        return sorted(courses, key=lambda c: c.title.casefold())

    def editions(self, course: Course) -> list[str]:
        """The slugs of every edition of this course (itself included)."""
        self._reload_if_changed()
        family = course.exam_family
        return sorted(
            {course.slug} | {c.slug for c in self._courses.values() if c.exam_family == family}
        )

    def _reload_if_changed(self) -> None:
        if not self.auto_reload or time.monotonic() - self._checked_at < 1.0:
            return
        with self._lock:
            self._checked_at = time.monotonic()
            if self._current_fingerprint() != self._fingerprint:
                log.info("course files changed, reloading %s", self.root)
                self.load()

    def _slug_of(self, path: Path) -> str | None:
        """The course a problem belongs to, whether in the course or in its additions."""
        for folder in (self.root, self.additions):
            if folder is not None and path.is_relative_to(folder) and path != folder:
                return path.relative_to(folder).parts[0]
        return None

    def _current_fingerprint(self) -> tuple:
        folders = [f for f in (self.root, self.additions) if f is not None and f.is_dir()]
        return tuple(
            (str(p), s.st_mtime_ns, s.st_size)
            for folder in folders
            for p in sorted(folder.rglob("*"))
            if p.is_file() and (s := p.stat())
        )
