"""The loaded courses of one courses folder (plus a company's additions), reloaded on
change when asked to, and replaced by published versions when following a source."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path

from .course import Course, Problem

log = logging.getLogger(__name__)


_RECENT_SIZE = 8
_recent: OrderedDict[tuple, tuple[dict[str, Course], list[Problem]]] = OrderedDict()
_recent_lock = threading.Lock()


def _parsed(
    root: Path, url_base: str, additions: Path | None, fingerprint: tuple, cache_dir: Path | None
) -> tuple[dict[str, Course], list[Problem]]:
    """Several apps in one process (the test suite, the benchmark) share one parse of the
    same unchanged files, whatever their instance folders; the objects are immutable, so
    sharing them is safe. With a cache folder, a new process reads the parse of an earlier
    one (see cache.py)."""
    memo_key = (root, url_base, additions, fingerprint)
    with _recent_lock:
        if memo_key in _recent:
            _recent.move_to_end(memo_key)
            return _recent[memo_key]
    loaded = _load(root, url_base, additions, cache_dir)
    with _recent_lock:
        _recent[memo_key] = loaded
        while len(_recent) > _RECENT_SIZE:
            _recent.popitem(last=False)
    return loaded


def _load(root: Path, url_base: str, additions: Path | None, cache_dir: Path | None):
    if cache_dir is None:
        return _parse(root, url_base, additions)
    from . import cache

    return cache.load(
        root, url_base, additions, cache_dir, lambda: _parse(root, url_base, additions)
    )


def _parse(root: Path, url_base: str, additions: Path | None):
    # Imported here: a start that finds its courses in the cache never loads markdown-it,
    # nh3 and YAML.
    from .loader import load_courses

    return load_courses(root, url_base, additions)


# Asked for the courses published elsewhere (the app's database): returns all of them
# when something changed since the last call, else None.
PublishedSource = Callable[[], Mapping[str, Course] | None]


class Catalog:
    """Holds the courses that loaded without errors; broken ones are logged and left out.

    With auto_reload (development), a request that comes at least a second after the
    last look re-reads the folder when any file's size or time stamp changed.

    With a cache folder, a start with unchanged files and code reads the courses an earlier
    start parsed instead of parsing them again (cache.py).

    With a published source (see follow()), courses published there replace the folder's
    course of the same name. The source is asked at most every few seconds; a changed
    course is swapped in whole, so a reader gets either the old or the new one.
    """

    def __init__(
        self,
        root: Path,
        url_base: str = "/courses/",
        auto_reload: bool = False,
        additions: Path | None = None,
        cache_dir: Path | None = None,
    ):
        self.root = root.resolve()  # problems carry resolved paths
        self.additions = additions.resolve() if additions else None  # one subfolder per course
        self.url_base = url_base
        self.auto_reload = auto_reload
        self.cache_dir = cache_dir
        self.problems: list[Problem] = []  # of the folder, as found by the last load
        self._folder: dict[str, Course] = {}
        self._published: Mapping[str, Course] = {}
        self._courses: dict[str, Course] = {}  # what is served: the two above, merged
        self._fingerprint: tuple = ()
        self._checked_at = 0.0
        self._lock = threading.RLock()  # held while the served courses are replaced
        self._source: PublishedSource | None = None
        self._source_every = 0.0
        self._source_asked_at = float("-inf")
        self._source_lock = threading.Lock()
        self._source_answered = False
        self.load()

    def load(self) -> None:
        fingerprint = self._current_fingerprint()
        courses, problems = _parsed(
            self.root, self.url_base, self.additions, fingerprint, self.cache_dir
        )
        for problem in problems:
            if problem.severity == "error":
                log.error("course problem: %s", problem)
        broken = {
            slug for p in problems if p.severity == "error" and (slug := self._slug_of(p.path))
        }
        for slug in sorted(broken - set(courses)):
            log.error("course '%s' is left out because of the errors above", slug)
        with self._lock:
            self._folder, self._fingerprint, self.problems = dict(courses), fingerprint, problems
            self._courses = {**self._folder, **self._published}

    def follow(self, source: PublishedSource, every: float) -> None:
        """Serve the courses `source` returns in place of the folder's, asking it at most
        every `every` seconds (so readers cost no query of their own)."""
        self._source, self._source_every = source, every
        self.look_again()

    def look_again(self) -> None:
        """Ask the published source on the next read (e.g. right after a publish)."""
        self._source_asked_at = float("-inf")

    def forget_published(self) -> None:
        """Serve the folder's courses only until the source is next asked (its records were
        removed, e.g. when a test empties the tables)."""
        with self._lock:
            self._published = {}
            self._courses = dict(self._folder)

    def get(self, slug: str, include_drafts: bool = False) -> Course | None:
        self._reload_if_changed()
        self._ask_source_if_due()
        course = self._courses.get(slug)
        if course is None or (course.draft and not include_drafts):
            return None
        return course

    def served(self, slug: str) -> Course | None:
        """The course as served right now (drafts too), without looking at the folder or
        the published source; None when such a look is due (a request through the app
        makes it) or there is no such course."""
        if self.auto_reload or (self._source is not None and self._source_due()):
            return None
        return self._courses.get(slug)

    def all(self, include_drafts: bool = False) -> list[Course]:
        self._reload_if_changed()
        self._ask_source_if_due()
        courses = [c for c in self._courses.values() if include_drafts or not c.draft]
        return sorted(courses, key=lambda c: c.title.casefold())

    def editions(self, course: Course) -> list[str]:
        """The slugs of every edition of this course (itself included)."""
        family = course.exam_family
        others = {c.slug for c in self.all(include_drafts=True) if c.exam_family == family}
        return sorted({course.slug} | others)

    def _reload_if_changed(self) -> None:
        if not self.auto_reload or time.monotonic() - self._checked_at < 1.0:
            return
        with self._lock:
            self._checked_at = time.monotonic()
            if self._current_fingerprint() != self._fingerprint:
                log.info("course files changed, reloading %s", self.root)
                self.load()

    def _source_due(self) -> bool:
        return time.monotonic() - self._source_asked_at >= self._source_every

    def _ask_source_if_due(self) -> None:
        if self._source is None or not self._source_due():
            return
        # Until the source has answered once, wait for it: the folder may hold an older
        # version than the published one. Afterwards, serve the known courses meanwhile.
        if not self._source_lock.acquire(blocking=not self._source_answered):
            return
        try:
            if not self._source_due():
                return  # another thread asked while this one waited
            self._source_asked_at = time.monotonic()
            published = self._source()
            if published is not None:
                with self._lock:
                    self._published = dict(published)
                    self._courses = {**self._folder, **self._published}  # one swap
            self._source_answered = True
        except Exception:
            # Serving the last known courses beats failing every page; the next look retries.
            log.exception("could not read the published courses")
        finally:
            self._source_lock.release()

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
