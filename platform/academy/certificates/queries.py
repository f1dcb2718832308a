"""Reads about certificates."""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, or_, select

from ..extensions import db
from .models import Certificate

PAGE_SIZE = 50


def by_number(number: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


def own_or_404(user_id: int, certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.user_id != user_id:
        abort(404)
    return certificate


def of_user(user_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def of_user_in_course(user_id: int, course_slug: str) -> list[Certificate]:
    """Newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id, Certificate.course_slug == course_slug)
            .order_by(Certificate.sequence.desc())
        )
    )


def latest_by_course(user_id: int) -> dict[str, Certificate]:
    """Each course's newest certificate of the user (the one that counts)."""
    latest: dict[str, Certificate] = {}
    for certificate in of_user(user_id):
        latest.setdefault(certificate.course_slug, certificate)
    return latest


def count_in_course(user_id: int, course_slug: str) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Certificate)
            .where(Certificate.user_id == user_id, Certificate.course_slug == course_slug)
        )
        or 0
    )


def admin_page(search: str = "", page: int = 1) -> tuple[list[Certificate], int]:
    query = select(Certificate)
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(
            or_(Certificate.number.ilike(pattern), Certificate.holder_name.ilike(pattern))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return list(rows), total
