"""When a learner may start an exam: pure rules over the attempts of the last 24 hours."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from academy.content import ExamSettings
from academy.exams.rules import (
    GRACE,
    ExamRefusal,
    PastAttempt,
    eligibility,
    past_attempt,
    reveals_answers,
)

NOW = datetime(2026, 11, 30, 12, 0)
EXAM = ExamSettings(
    pass_mark=80, question_count=20, retake_cooldown_minutes=30, max_attempts_per_day=3
)


def failed(minutes_ago: int, duration: int = 10) -> PastAttempt:
    started = NOW - timedelta(minutes=minutes_ago)
    return PastAttempt(started, started + timedelta(minutes=duration), False)


def test_modules_first_when_the_course_asks_for_them():
    assert eligibility(EXAM, False, [], NOW).refusal is ExamRefusal.MODULES
    relaxed = ExamSettings(pass_mark=80, question_count=20, requires_modules=False)
    assert eligibility(relaxed, False, [], NOW).allowed


def test_a_fresh_learner_may_start():
    assert eligibility(EXAM, True, [], NOW).allowed


def test_cooldown_after_a_failure_then_allowed():
    just_failed = [failed(minutes_ago=15)]  # ended 5 minutes ago
    refused = eligibility(EXAM, True, just_failed, NOW)
    assert refused.refusal is ExamRefusal.COOLDOWN
    assert refused.wait_until == NOW + timedelta(minutes=25)
    assert eligibility(EXAM, True, [failed(minutes_ago=45)], NOW).allowed


def test_a_pass_starts_no_cooldown():
    started = NOW - timedelta(minutes=5)
    passed = PastAttempt(started, started + timedelta(minutes=1), True)
    assert eligibility(EXAM, True, [passed], NOW).allowed


def test_daily_limit_counts_the_last_24_hours_and_says_when_it_reopens():
    attempts = [failed(minutes_ago=m) for m in (23 * 60, 10 * 60, 5 * 60)]
    refused = eligibility(EXAM, True, attempts, NOW)
    assert refused.refusal is ExamRefusal.DAILY_LIMIT
    assert refused.wait_until == NOW + timedelta(hours=1)  # the oldest leaves the window
    older = [failed(minutes_ago=25 * 60), *attempts[1:]]
    assert eligibility(EXAM, True, older, NOW).allowed


def test_an_attempt_whose_time_ran_out_counts_as_failed_at_its_deadline():
    started = NOW - timedelta(minutes=55)
    deadline = started + timedelta(minutes=20)
    unclosed = past_attempt(started, None, deadline, None, now=NOW)
    assert unclosed == PastAttempt(started, deadline + GRACE, False)
    still_running = past_attempt(
        NOW - timedelta(minutes=5), None, NOW + timedelta(minutes=15), None, now=NOW
    )
    assert still_running.ended_at is None and still_running.passed is None
    # Its failure started the cooldown at the deadline, 35 minutes ago: over.
    assert eligibility(EXAM, True, [unclosed], NOW).allowed
    recent = past_attempt(
        NOW - timedelta(minutes=25), None, NOW - timedelta(minutes=5), None, now=NOW
    )
    assert eligibility(EXAM, True, [recent], NOW).refusal is ExamRefusal.COOLDOWN


@pytest.mark.parametrize(
    ("rule", "passed", "answered", "reveals"),
    [
        ("always", False, True, True),
        ("always", False, False, False),  # a blank hand-in never gets the key
        ("after_pass", True, True, True),
        ("after_pass", False, True, False),
        ("never", True, True, False),
    ],
)
def test_what_a_result_may_reveal(rule, passed, answered, reveals):
    assert reveals_answers(rule, passed, answered) is reveals


def test_when_cooldown_and_daily_limit_both_apply_the_later_time_is_given():
    attempts = [failed(minutes_ago=m) for m in (60, 40, 15)]  # the third ended 5 min ago
    refused = eligibility(EXAM, True, attempts, NOW)
    assert refused.refusal is ExamRefusal.DAILY_LIMIT
    assert refused.wait_until == NOW - timedelta(minutes=60) + timedelta(hours=24)
