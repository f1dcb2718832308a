"""Reads about certificates."""

from __future__ import annotations

import unicodedata

from sqlalchemy import func, or_, select

from ..extensions import db
from ..web import PAGE_SIZE
from .models import Certificate


def by_number(number: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


def of_attempt(attempt_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.attempt_id == attempt_id))


def answer_certificate_of_attempt(_sender, *, attempt, **_extra) -> Certificate | None:
    """Receiver of signals.certificate_of_attempt: the exam result page asks."""
    return of_attempt(attempt.id)


def answer_certificate_withheld(_sender, *, user, course_slug: str, **_extra) -> bool:
    """Receiver of signals.certificate_withheld: the exam result page asks."""
    latest = latest_in_course(user, course_slug)
    return latest is not None and latest.withholds_new()


def by_id(certificate_id: int) -> Certificate | None:
    return db.session.get(Certificate, certificate_id)


def own(user, certificate_id: int) -> Certificate | None:
    """The user's certificate with this id; someone else's is None, like a missing one."""
    certificate = by_id(certificate_id)
    return certificate if certificate is not None and certificate.user_id == user.id else None


def of_user(user) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def latest_in_course(user, course_slug: str) -> Certificate | None:
    """The newest certificate in the course (the one that counts), whatever its state."""
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.user_id == user.id, Certificate.course_slug == course_slug)
        .order_by(Certificate.sequence.desc())
        .limit(1)
    )


def count_in_course(user, course_slug: str) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Certificate)
            .where(Certificate.user_id == user.id, Certificate.course_slug == course_slug)
        )
        or 0
    )


def admin_page(search: str, page: int):
    """One page of all certificates, newest first (a Flask-SQLAlchemy Pagination)."""
    query = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if search:
        pattern = f"%{search}%"
        query = query.where(
            or_(Certificate.number.ilike(pattern), Certificate.holder_name.ilike(pattern))
        )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def revoked_bits(list_number: int) -> list[int]:
    """The bits set in a revocation status list: those of the revoked certificates."""
    from .status import LIST_SIZE

    first = (list_number - 1) * LIST_SIZE
    indexes = db.session.scalars(
        select(Certificate.status_index).where(
            Certificate.revoked_at.is_not(None),
            Certificate.status_index >= first,
            Certificate.status_index < first + LIST_SIZE,
        )
    )
    return [index - first for index in indexes]


def status_index_taken(index: int) -> bool:
    return (
        db.session.scalar(select(Certificate.id).where(Certificate.status_index == index))
        is not None
    )


def count_all() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate)) or 0


def status_list_count() -> int:
    """How many status lists there are: enough for the highest status index in use."""
    from .status import LIST_SIZE

    highest = db.session.scalar(select(func.max(Certificate.status_index)))
    return 1 if highest is None else highest // LIST_SIZE + 1


def same_name(typed: str, holder: str) -> bool:
    """Whether a verifier typed the holder's name: case, spacing and compatibility forms
    (full-width letters, ligatures) do not matter, every letter does."""
    return _comparable(typed) == _comparable(holder) != ""


def _comparable(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
