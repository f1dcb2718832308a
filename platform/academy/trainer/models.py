"""Courses published in the browser, trainers' working copies, retraining after a material
change, and the per-question facts that item statistics aggregate."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..accounts.models import User
from ..extensions import db


class Change(StrEnum):
    EDITORIAL = "editorial"  # wording, typos, layout: nobody needs to learn anything again
    MATERIAL = "material"  # what learners must know changed: certified people retrain
    FOLDER = "folder"  # the course folder's state, kept when the course was first published


class CourseVersion(db.Model):
    """One published state of a course: all its files. The newest row of a course is what
    learners see (every worker reads it from here); older rows are its history."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int]  # 1, 2, 3 … within the course; two publishes cannot take one number
    version: Mapped[str] = mapped_column(String(12))  # the content hash attempts record
    archive: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # the folder as a .zip
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    note: Mapped[str] = mapped_column(String(1000))
    change: Mapped[str] = mapped_column(String(20))  # a Change
    modules: Mapped[list] = mapped_column(JSON)  # slugs of the modules changed materially
    restored_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )

    published_by: Mapped[User | None] = relationship()


class WorkingCopy(db.Model):
    """Changes to a course that are not published yet: one per course, shared by its
    trainers. Only trainers see it; `revision` tells a save made on an older state."""

    __tablename__ = "course_working_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100), unique=True)
    archive: Mapped[bytes] = mapped_column(LargeBinary)
    revision: Mapped[int] = mapped_column(default=1)
    based_on: Mapped[str | None] = mapped_column(String(12))  # live version when it was made
    restored_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())

    updated_by: Mapped[User | None] = relationship()


class Retraining(db.Model):
    """After a material change, someone certified on an older version re-reads the changed
    modules and passes a short re-check drawn from their questions.

    Until HR assignments exist, the learner's start page shows the open ones and HR sees
    them in a list; an assignment can later point at this row (or take over its fields).
    At most one open retraining per person and course: a further material change adds its
    modules to the open one.
    """

    __tablename__ = "retrainings"
    __table_args__ = (Index("ix_retrainings_person", "user_id", "course_slug", "completed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    earned_on: Mapped[str] = mapped_column(String(12))  # the version the certificate attests
    modules: Mapped[list] = mapped_column(JSON)  # module slugs to read again
    # When it was assigned, or last extended by a further change: a re-check started
    # before then does not cover the modules added since.
    assigned_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    completed_at: Mapped[datetime | None]
    recheck_attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("exam_attempts.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship()
    version: Mapped[CourseVersion] = relationship()


class QuestionSums(db.Model):
    """Per question and course version, the sums item statistics are made of: how often it
    was drawn and answered right, and sums of the *rest score* (right answers on the
    attempt's other questions) for the point-biserial correlation. Graded exams add to
    them as they come (INSERT … ON CONFLICT DO UPDATE), so the statistics page reads one
    row per question however many exams there were. Nothing here is about a person."""

    __tablename__ = "question_sums"

    course_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    course_version: Mapped[str] = mapped_column(String(12), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    drawn: Mapped[int]
    right: Mapped[int]
    rest: Mapped[int]  # sum of rest scores
    rest_squares: Mapped[int]  # sum of squared rest scores
    rest_when_right: Mapped[int]  # sum of the rest scores of right answers


class WrongChoiceCount(db.Model):
    """How often a wrong option of a question was ticked, per course version."""

    __tablename__ = "wrong_choice_counts"

    course_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    course_version: Mapped[str] = mapped_column(String(12), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    option_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    chosen: Mapped[int]
