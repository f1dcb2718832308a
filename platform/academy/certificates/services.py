"""Issuing and revoking certificates. They flush and record an audit event; the caller
commits."""

from __future__ import annotations

import calendar
import secrets
from datetime import date

from flask import current_app
from sqlalchemy.exc import IntegrityError

from .. import audit, clock
from ..accounts.models import User
from ..content import Course
from ..exams import queries as exams
from ..exams.models import ExamAttempt
from ..extensions import db
from ..learning import queries as learning
from ..signals import certificate_issued
from . import numbers, queries, status
from .models import Certificate, CertificateState
from .openbadges import new_recipient
from .outcomes import CertificateRefusal, CertificateRefused

NUMBER_PREFIX = "KIA"


def add_months(day: date, months: int) -> date:
    """Same day n months later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def maybe_issue(user: User, course: Course) -> Certificate | None:
    """Issue a certificate when all modules are done and a new pass has not yet earned one."""
    if not learning.course_progress(user, course).all_done:
        return None
    attempt = exams.latest_pass(user, course.slug)
    if attempt is None or attempt.submitted_at is None:
        return None
    latest = queries.latest_in_course(user, course.slug)
    if latest is not None and (
        latest.withholds_new()  # revoked: a new one only once an admin allows it
        or (latest.reissue_allowed_at and attempt.submitted_at <= latest.reissue_allowed_at)
        or latest.attempt_id == attempt.id
        or (latest.state() is CertificateState.VALID and not latest.renewable())
        or attempt.submitted_at <= latest.issued_at  # a pass before the last certificate
    ):
        return None
    return _issue(user, course, attempt, latest)


def _issue(
    user: User, course: Course, attempt: ExamAttempt, previous: Certificate | None
) -> Certificate | None:
    sequence = (previous.sequence if previous else 0) + 1
    # A renewal continues where the current certificate ends; otherwise from today.
    starts = previous.valid_until if previous and previous.renewable() else clock.today()
    for _ in range(3):  # a number (or status bit) collision is rare, but cheap to handle
        certificate = _new_certificate(user, course, attempt, sequence, starts)
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            if queries.count_in_course(user, course.slug) >= sequence:
                return None  # another request issued it just now
            continue
        audit.record("certificate.issued", None, certificate, person=user)
        certificate_issued.send(
            current_app._get_current_object(), user=user, course=course, certificate=certificate
        )
        return certificate
    raise RuntimeError("could not find a free certificate number")


def _new_certificate(
    user: User, course: Course, attempt: ExamAttempt, sequence: int, starts: date
) -> Certificate:
    salt, recipient_hash = new_recipient(user.email)
    return Certificate(
        number=numbers.new_number(NUMBER_PREFIX),
        user_id=user.id,
        attempt_id=attempt.id,
        sequence=sequence,
        course_slug=course.slug,
        course_version=attempt.course_version,
        course_title=course.title,
        course_as_of=course.as_of or None,
        certificate_title=course.certificate_title,
        language=course.language,
        objectives=[{"title": m.title, "objectives": list(m.objectives)} for m in course.modules],
        holder_name=user.name,
        organisation=current_app.config["SETTINGS"].organisation,
        score_percent=attempt.result.percent if attempt.result else 0,
        issued_at=clock.utcnow(),
        valid_until=add_months(starts, course.validity_months),
        status_index=free_status_index(),
        recipient_salt=salt,
        recipient_hash=recipient_hash,
    )


def free_status_index() -> int:
    """A random unused bit of the revocation status lists, in as many lists as keep each
    at most half full, so a bit's position says nothing about when it was issued."""
    lists = 1 + 2 * queries.count_all() // status.LIST_SIZE
    for _ in range(32):
        index = secrets.randbelow(lists * status.LIST_SIZE)
        if not queries.status_index_taken(index):
            return index
    raise RuntimeError("could not find a free status list bit")


def revoke(certificate: Certificate, reason: str, by: User) -> None:
    if certificate.revoked_at is not None:
        raise CertificateRefused(CertificateRefusal.ALREADY_REVOKED)
    certificate.revoked_at = clock.utcnow()
    certificate.revoked_reason = reason.strip()
    certificate.revoked_by_id = by.id
    db.session.flush()
    # The reason is typed text and stays on the certificate only, not in the audit log.
    audit.record("certificate.revoked", by, certificate, person=certificate.user)


def allow_reissue(certificate: Certificate, by: User) -> None:
    """After a revocation: the holder's next passed exam in the course issues a new
    certificate (until then passing again gives none)."""
    if certificate.revoked_at is None or certificate.user_id is None:
        raise CertificateRefused(CertificateRefusal.NOT_REVOKED)
    if certificate.reissue_allowed_at is not None:
        raise CertificateRefused(CertificateRefusal.REISSUE_ALREADY_ALLOWED)
    certificate.reissue_allowed_at = clock.utcnow()
    db.session.flush()
    audit.record("certificate.reissue_allowed", by, certificate, person=certificate.user)


def keep_as_evidence(_sender, *, user: User, pseudonym: str, **_extra) -> list[Certificate]:
    """Receiver of privacy's person_erasing: a person is being deleted. Their
    certificates stay as evidence of the training (course, version, dates, number,
    result) under the pseudonym instead of the name, detached from the account and
    revoked, so the verification page no longer confirms them."""
    kept = queries.of_user(user)
    now = clock.utcnow()
    for certificate in kept:
        certificate.user_id = None
        certificate.holder_name = pseudonym
        certificate.revoked_at = certificate.revoked_at or now
        certificate.revoked_reason = None  # typed text: it may name the person
    db.session.flush()
    return kept


def issue_after_pass(_sender, *, user: User, course: Course, **_extra) -> None:
    """Receiver of exams' exam_passed and learning's module_completed: either may be
    the last condition a certificate waited for."""
    maybe_issue(user, course)
