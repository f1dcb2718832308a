"""The catalog's published source: the newest version of each course in `course_versions`.

Every worker process on every host asks the database every few seconds for one number,
the id of the newest published version; only when it changed does it read the changed
courses' files and load them. The catalog swaps each new course in whole.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import func, select

from ..content import Course
from ..extensions import db
from . import archive
from .models import CourseVersion
from .sources import Loaded, load_files

log = logging.getLogger(__name__)
UNKNOWN = object()


class PublishedCourses:
    def __init__(self, root: Path, url_base: str):
        self.root, self.url_base = root, url_base
        self.marker: object = UNKNOWN  # id of the newest version when last asked
        self.loaded: dict[int, Loaded] = {}  # version id -> the newest version of its course

    def __call__(self) -> dict[str, Course] | None:
        """All published courses when anything was published since the last call, else
        None. A separate connection: a request's transaction is never touched."""
        with db.engine.connect() as connection:
            marker = connection.scalar(select(func.max(CourseVersion.id)))
            if marker == self.marker:
                return None
            newest = dict(
                connection.execute(
                    select(CourseVersion.course_slug, func.max(CourseVersion.id)).group_by(
                        CourseVersion.course_slug
                    )
                ).all()
            )
            missing = [i for i in newest.values() if i not in self.loaded]
            rows = connection.execute(
                select(CourseVersion.id, CourseVersion.course_slug, CourseVersion.archive).where(
                    CourseVersion.id.in_(missing)
                )
            ).all()
        loaded = {i: self.loaded[i] for i in newest.values() if i in self.loaded}
        for version_id, slug, data in rows:
            loaded[version_id] = self._load(slug, data)
        self.loaded, self.marker = loaded, marker
        return {slug: course for slug, i in newest.items() if (course := loaded[i].course)}

    def _load(self, slug: str, data: bytes) -> Loaded:
        result = load_files(archive.unpack(data), slug, self.url_base, self.root, keep=True)
        if result.course is None:
            # It passed the checker when published; a stricter checker since may refuse it.
            # The course folder (if any) is served instead, and the workbench shows why.
            for problem in result.problems:
                log.error("published course problem: %s", problem)
        return result
