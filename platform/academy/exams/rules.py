"""When a learner may start an exam, and when an attempt's time has run out.

Pure: no Flask, no database; the queries gather the facts and ask these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ..content.course import ExamSettings

DAY = timedelta(hours=24)
# Network latency: a submit that left the browser just before the deadline still counts.
GRACE = timedelta(seconds=30)


class ExamRefusal(StrEnum):
    MODULES = "modules"  # the course asks for every module first
    COOLDOWN = "cooldown"  # a pause after a failed attempt
    DAILY_LIMIT = "daily_limit"  # too many attempts within 24 hours
    TAMPERED = "tampered"  # answers that do not fit the attempt
    SUBMITTED = "submitted"  # the attempt was handed in already
    EMPTY = "empty"  # nothing answered: not handed in, not counted
    TIMED_OUT = "timed_out"  # an answer saved after the time ran out


@dataclass(frozen=True)
class PastAttempt:
    started_at: datetime
    ended_at: datetime | None  # handed in, or when its time ran out; None: still open
    passed: bool | None  # None while open


@dataclass(frozen=True)
class Eligibility:
    refusal: ExamRefusal | None = None
    wait_until: datetime | None = None  # for cooldown and daily limit

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def timed_out(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now > deadline + GRACE


def past_attempt(
    started_at: datetime, submitted_at: datetime | None, deadline: datetime | None, passed, now
) -> PastAttempt:
    """An attempt as the rules see it: one whose time ran out counts as failed then,
    whether or not anyone has closed it yet."""
    if submitted_at is not None:
        return PastAttempt(started_at, submitted_at, passed)
    if deadline is not None and timed_out(deadline, now):
        return PastAttempt(started_at, deadline + GRACE, False)
    return PastAttempt(started_at, None, None)


def eligibility(
    exam: ExamSettings, modules_done: bool, attempts: Sequence[PastAttempt], now: datetime
) -> Eligibility:
    """May a new attempt start now? `attempts` are the learner's in this course."""
    if exam.requires_modules and not modules_done:
        return Eligibility(ExamRefusal.MODULES)
    recent = [a for a in attempts if a.started_at > now - DAY]
    waits = []  # (until, refusal): when several rules apply, the later time is the true one
    failures = sorted(a.ended_at for a in recent if a.passed is False and a.ended_at)
    cooldown = timedelta(minutes=exam.retake_cooldown_minutes)
    if cooldown and failures and failures[-1] + cooldown > now:
        waits.append((failures[-1] + cooldown, ExamRefusal.COOLDOWN))
    if len(recent) >= exam.max_attempts_per_day:
        starts = sorted(a.started_at for a in recent)
        waits.append((starts[-exam.max_attempts_per_day] + DAY, ExamRefusal.DAILY_LIMIT))
    if waits:
        until, refusal = max(waits)
        return Eligibility(refusal, until)
    return Eligibility()


def reveals_answers(rule: str, passed: bool, answered: bool) -> bool:
    """May the result show the correct options? By the course's reveal_answers rule, and
    never for an attempt without a single answer (its review would be the bare key)."""
    return answered and (rule == "always" or (rule == "after_pass" and passed))
