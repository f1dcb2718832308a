"""Issuing and revoking certificates. They flush; the caller commits."""

from __future__ import annotations

import calendar
from datetime import date

from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..accounts.models import User
from ..content import Course
from ..exams import queries as exams
from ..extensions import db
from ..learning import queries as learning
from ..signals import exam_passed, module_completed
from . import numbers, queries
from .models import Certificate

NUMBER_PREFIX = "KIA"


def add_months(day: date, months: int) -> date:
    """Same day n months later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def maybe_issue(user_id: int, course: Course) -> Certificate | None:
    """Issue a certificate when all modules are done and a new pass has not yet earned one."""
    if not learning.course_progress(user_id, course).all_done:
        return None
    attempt = exams.latest_pass(user_id, course.slug)
    if attempt is None or attempt.submitted_at is None:
        return None
    latest = next(iter(queries.of_user_in_course(user_id, course.slug)), None)
    if latest is not None and (
        latest.attempt_id == attempt.id
        or latest.status() == "valid"
        or attempt.submitted_at <= latest.issued_at  # a pass before the last certificate
    ):
        return None
    user = db.session.get(User, user_id)
    assert user is not None
    return _issue(user, course, attempt, (latest.sequence if latest else 0) + 1)


def _issue(user: User, course: Course, attempt, sequence: int) -> Certificate | None:
    today = clock.today()
    for _ in range(3):  # a number collision is astronomically rare, but cheap to handle
        certificate = Certificate(
            number=numbers.new_number(NUMBER_PREFIX),
            user_id=user.id,
            attempt_id=attempt.id,
            sequence=sequence,
            course_slug=course.slug,
            course_version=attempt.course_version,
            course_title=course.title,
            certificate_title=course.certificate_title,
            language=course.language,
            objectives=[
                {"title": m.title, "objectives": list(m.objectives)} for m in course.modules
            ],
            holder_name=user.name,
            organisation=current_app.config["SETTINGS"].organisation,
            score_percent=attempt.result.percent if attempt.result else 0,
            issued_at=clock.utcnow(),
            valid_until=add_months(today, course.validity_months),
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            if queries.count_in_course(user.id, course.slug) >= sequence:
                return None  # another request issued it just now
            continue
        return certificate
    raise RuntimeError("could not find a free certificate number")


def revoke(certificate: Certificate, reason: str, by: User) -> None:
    certificate.revoked_at = clock.utcnow()
    certificate.revoked_reason = reason.strip()
    certificate.revoked_by_id = by.id
    db.session.flush()


@exam_passed.connect
def _on_exam_passed(_sender, attempt, course: Course, **_extra) -> None:
    maybe_issue(attempt.user_id, course)


@module_completed.connect
def _on_module_completed(_sender, user_id: int, course: Course, **_extra) -> None:
    maybe_issue(user_id, course)
