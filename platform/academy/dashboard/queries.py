"""Where a learner stands in each course: reading, exam, certificate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from ..certificates import queries as certificates
from ..certificates.models import Certificate, CertificateState
from ..content import Course, Module
from ..exams import queries as exams
from ..learning import queries as learning
from ..learning.queries import CourseProgress


class CourseState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    EXAM_PASSED = "exam_passed"  # modules still open, or the certificate not yet issued
    CERTIFIED = "certified"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CourseStatus:
    course: Course
    progress: CourseProgress
    passed_at: datetime | None  # the latest passed exam
    certificate: Certificate | None  # the newest one, whatever its state

    def state(self, today: date | None = None) -> CourseState:
        certificate = self.certificate.state(today) if self.certificate else None
        if certificate is CertificateState.VALID:
            return CourseState.CERTIFIED
        newer_pass = self.passed_at is not None and (
            self.certificate is None or self.passed_at > self.certificate.issued_at
        )
        if newer_pass:
            return CourseState.EXAM_PASSED
        if certificate is CertificateState.EXPIRED:
            return CourseState.EXPIRED
        return CourseState.IN_PROGRESS if self.progress.started else CourseState.NOT_STARTED

    def due_soon(self, today: date | None = None) -> bool:
        """Certified, but the certificate may be renewed already (its last weeks)."""
        return self.certificate is not None and self.certificate.renewable(today)

    def retake_due(self, today: date | None = None) -> bool:
        """The certificate is about to end or has ended: time to take the exam again."""
        return self.due_soon(today) or self.state(today) is CourseState.EXPIRED

    @property
    def next_module(self) -> Module | None:
        return self.progress.next_module()

    @property
    def exam_open(self) -> bool:
        return self.progress.all_done or not self.course.exam.requires_modules


def status(user, course: Course) -> CourseStatus:
    attempt = exams.latest_pass(user, course.slug)
    return CourseStatus(
        course,
        learning.course_progress(user, course),
        attempt.submitted_at if attempt else None,
        certificates.latest_in_course(user, course.slug),
    )


def statuses(user, courses: list[Course]) -> dict[str, CourseStatus]:
    """Every course's status with three queries in all, whatever the number of courses."""
    progress = learning.progress_by_course(user, courses)
    passes = exams.passes_by_course(user)
    latest = certificates.latest_by_course(user)
    return {
        c.slug: CourseStatus(c, progress[c.slug], passes.get(c.slug), latest.get(c.slug))
        for c in courses
    }


def resume(statuses: Iterable[CourseStatus]) -> CourseStatus | None:
    """The course worked on most recently that still has something to do."""
    unfinished = (CourseState.IN_PROGRESS, CourseState.EXPIRED, CourseState.EXAM_PASSED)
    candidates = [
        s for s in statuses if s.progress.last_activity is not None and s.state() in unfinished
    ]
    return max(candidates, key=lambda s: s.progress.last_activity, default=None)
