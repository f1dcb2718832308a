"""Where a learner stands in each course: reading, exam, certificate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import clock
from ..certificates import queries as certificates
from ..certificates.models import Certificate
from ..content import Course, Module
from ..exams import queries as exams
from ..learning import queries as learning
from ..learning.queries import CourseProgress

DUE_SOON = timedelta(days=30)


@dataclass(frozen=True)
class CourseStatus:
    course: Course
    progress: CourseProgress
    passed_at: datetime | None  # the latest passed exam
    certificate: Certificate | None  # the newest one, whatever its state

    @property
    def state(self) -> str:
        """not_started, in_progress, exam_passed, certified or expired."""
        status = self.certificate.status() if self.certificate else None
        if status == "valid":
            return "certified"
        newer_pass = self.passed_at is not None and (
            self.certificate is None or self.passed_at > self.certificate.issued_at
        )
        if newer_pass:
            return "exam_passed"
        if status == "expired":
            return "expired"
        return "in_progress" if self.progress.started else "not_started"

    @property
    def due_soon(self) -> bool:
        return (
            self.state == "certified"
            and self.certificate is not None
            and (self.certificate.valid_until - clock.today() <= DUE_SOON)
        )

    @property
    def next_module(self) -> Module | None:
        return self.progress.next_module()

    @property
    def exam_open(self) -> bool:
        return self.progress.all_done or not self.course.exam.requires_modules


def status(user, course: Course) -> CourseStatus:
    latest = next(iter(certificates.of_user_in_course(user.id, course.slug)), None)
    attempt = exams.latest_pass(user.id, course.slug)
    passed_at = attempt.submitted_at if attempt else None
    return CourseStatus(course, learning.course_progress(user.id, course), passed_at, latest)


def statuses(user, courses: list[Course]) -> dict[str, CourseStatus]:
    """Every course's status with three queries in all, whatever the number of courses."""
    progress = learning.progress_by_course(user.id, courses)
    passes = exams.passes_by_course(user.id)
    latest = certificates.latest_by_course(user.id)
    return {
        c.slug: CourseStatus(c, progress[c.slug], passes.get(c.slug), latest.get(c.slug))
        for c in courses
    }


def resume(statuses: Iterable[CourseStatus]) -> CourseStatus | None:
    """The course worked on most recently that still has something to do."""
    candidates = [
        s
        for s in statuses
        if s.progress.last_activity is not None
        and s.state in ("in_progress", "expired", "exam_passed")
    ]
    return max(candidates, key=lambda s: s.progress.last_activity, default=None)
