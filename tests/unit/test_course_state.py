"""Where a learner stands in a course, from progress, passes and the newest certificate."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from academy.certificates.models import Certificate
from academy.dashboard.queries import CourseState, CourseStatus
from academy.learning.queries import CourseProgress, ModuleState
from tests.fixtures.course_objects import course, module

COURSE = course({"a": 1, "b": 1})
TODAY = date(2026, 11, 30)
ISSUED = datetime(2026, 1, 10, 9, 0)


def certificate(valid_until=date(2027, 1, 10), revoked: bool = False) -> Certificate:
    return Certificate(
        issued_at=ISSUED, valid_until=valid_until, revoked_at=ISSUED if revoked else None
    )


def status(finished=None, passed_at=None, cert=None) -> CourseStatus:
    return CourseStatus(COURSE, CourseProgress(COURSE, finished or {}), passed_at, cert)


def test_module_states_follow_the_version_read():
    progress = CourseProgress(COURSE, {"a": "v1", "b": "old"})
    assert progress.state(COURSE.modules[0]) is ModuleState.DONE
    assert progress.state(COURSE.modules[1]) is ModuleState.CHANGED
    assert progress.state(module("c", 3)) is ModuleState.OPEN
    assert progress.done_count == 1 and not progress.all_done
    assert progress.next_module() == COURSE.modules[1]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (status(), CourseState.NOT_STARTED),
        (status(finished={"a": "v1"}), CourseState.IN_PROGRESS),
        (status(passed_at=datetime(2026, 11, 1)), CourseState.EXAM_PASSED),
        (status(cert=certificate()), CourseState.CERTIFIED),
        (status(cert=certificate(valid_until=date(2026, 11, 29))), CourseState.EXPIRED),
        (
            status(
                cert=certificate(valid_until=date(2026, 11, 29)), passed_at=datetime(2026, 11, 30)
            ),
            CourseState.EXAM_PASSED,  # passed again after expiry, certificate follows
        ),
        (status(cert=certificate(revoked=True), finished={"a": "v1"}), CourseState.IN_PROGRESS),
    ],
    ids=["nothing", "reading", "passed", "certified", "expired", "recertifying", "revoked"],
)
def test_course_state(case, expected):
    assert case.state(TODAY) is expected


def test_due_soon_only_in_the_last_30_days():
    assert not status(cert=certificate(valid_until=date(2027, 1, 10))).due_soon(TODAY)
    assert status(cert=certificate(valid_until=date(2026, 12, 20))).due_soon(TODAY)
    assert not status(cert=certificate(valid_until=date(2026, 11, 1))).due_soon(TODAY)
