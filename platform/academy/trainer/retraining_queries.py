"""Reads about retraining: who holds a certificate on an older version, what a learner
still has to do, and the overview HR sees."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..certificates.models import Certificate
from ..content import Course
from ..extensions import db
from ..learning.queries import ModuleState, course_progress
from ..web import PAGE_SIZE
from .models import Retraining


def valid_certificates(course_slug: str, today: date) -> list[Certificate]:
    """Valid certificates in the course (a person holds at most one: a new one is only
    issued after the last expired), with their holders."""
    return list(
        db.session.scalars(
            select(Certificate)
            .options(joinedload(Certificate.user))
            .where(
                Certificate.course_slug == course_slug,
                Certificate.user_id.is_not(None),
                Certificate.revoked_at.is_(None),
                Certificate.valid_until >= today,
            )
        ).unique()  # the holders' roles are loaded with them
    )


def open_in_course(course_slug: str) -> dict[int, Retraining]:
    """Person id -> their open retraining in the course."""
    rows = db.session.scalars(
        select(Retraining).where(
            Retraining.course_slug == course_slug, Retraining.completed_at.is_(None)
        )
    )
    return {r.user_id: r for r in rows}


def open_for(user, course_slug: str | None = None) -> list[Retraining]:
    """The person's open retrainings, oldest first (for the start page)."""
    query = (
        select(Retraining)
        .options(joinedload(Retraining.version))
        .where(Retraining.user_id == user.id, Retraining.completed_at.is_(None))
        .order_by(Retraining.assigned_at)
    )
    if course_slug is not None:
        query = query.where(Retraining.course_slug == course_slug)
    return list(db.session.scalars(query))


def own(user, retraining_id: int) -> Retraining | None:
    """The person's retraining; someone else's is None, like a missing one."""
    found = db.session.get(Retraining, retraining_id)
    return found if found is not None and found.user_id == user.id else None


def needs_recheck(course: Course, modules: Collection[str]) -> bool:
    """A re-check needs questions: modules without exam questions are only read again."""
    return any(q.module_slug in modules for q in course.questions)


@dataclass(frozen=True)
class RetrainingStatus:
    """What is left of one retraining for its learner."""

    retraining: Retraining
    course: Course
    modules: list  # (module, state) in course order

    @property
    def read(self) -> bool:
        return all(state is ModuleState.DONE for _, state in self.modules)

    @property
    def needs_recheck(self) -> bool:
        return needs_recheck(self.course, self.retraining.modules)


def status(user, retraining: Retraining, course: Course) -> RetrainingStatus:
    progress = course_progress(user, course)
    modules = [(m, progress.state(m)) for m in course.modules if m.slug in retraining.modules]
    return RetrainingStatus(retraining, course, modules)


@dataclass(frozen=True)
class CourseFigures:
    course_slug: str
    holders: int  # valid certificates
    open: int  # of them: an open retraining (on an older version after a material change)
    done: int  # retrainings completed


def figures(today: date) -> list[CourseFigures]:
    """Per course: valid certificates, and how many holders are behind a material change."""
    holders = dict(
        db.session.execute(
            select(Certificate.course_slug, func.count())
            .where(
                Certificate.user_id.is_not(None),
                Certificate.revoked_at.is_(None),
                Certificate.valid_until >= today,
            )
            .group_by(Certificate.course_slug)
        ).all()
    )
    rows = db.session.execute(
        select(
            Retraining.course_slug,
            func.count().filter(Retraining.completed_at.is_(None)),
            func.count().filter(Retraining.completed_at.is_not(None)),
        ).group_by(Retraining.course_slug)
    )
    counts = {slug: (open_, done) for slug, open_, done in rows}
    return [
        CourseFigures(slug, holders.get(slug, 0), *counts.get(slug, (0, 0)))
        for slug in sorted(holders.keys() | counts.keys())
    ]


def open_page(search: str, page: int):
    """One page of open retrainings, longest waiting first, with the people."""
    query = (
        select(Retraining)
        .join(User, Retraining.user_id == User.id)
        .options(joinedload(Retraining.user), joinedload(Retraining.version))
        .where(Retraining.completed_at.is_(None))
        .order_by(Retraining.assigned_at, Retraining.id)
    )
    if search:
        pattern = f"%{search}%"
        query = query.where(or_(User.name.ilike(pattern), User.email.ilike(pattern)))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
