"""Exam attempts and their results."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..accounts.models import User
from ..extensions import db
from . import rules
from .grading import DrawnQuestion


class AttemptKind(StrEnum):
    EXAM = "exam"  # the final exam: passing it can earn a certificate
    RECHECK = "recheck"  # a short check on changed modules after a material change


class ExamAttempt(db.Model):
    """One sitting of a final exam, with exactly the questions and option order drawn."""

    __tablename__ = "exam_attempts"
    __table_args__ = (
        # At most one unsubmitted attempt per learner and course: two clicks on "start"
        # cannot open two attempts.
        Index(
            "uq_exam_attempts_open",
            "user_id",
            "course_slug",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
        Index("ix_exam_attempts_user_course", "user_id", "course_slug", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(100))
    course_version: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(10), default=AttemptKind.EXAM, server_default="exam")
    pass_mark: Mapped[int]  # as the course said when the attempt started
    # What the result may reveal, as the course said at the start: the attempt keeps its
    # rule even if the course changes or disappears (never fails open).
    reveal_answers: Mapped[str] = mapped_column(String(12), default="after_pass")
    questions: Mapped[list] = mapped_column(JSON)  # DrawnQuestion.to_json() in order shown
    started_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
    deadline_at: Mapped[datetime | None]  # None: no time limit
    submitted_at: Mapped[datetime | None]

    result: Mapped[ExamResult | None] = relationship(back_populates="attempt", uselist=False)
    user: Mapped[User] = relationship()

    def timed_out(self, now: datetime | None = None) -> bool:
        """Not handed in before the deadline (whether or not it was closed yet)."""
        return self.submitted_at is None and rules.timed_out(
            self.deadline_at, now or clock.utcnow()
        )

    def reveals_answers(self) -> bool:
        """Whether the result shows the correct options, by the rule kept with the attempt."""
        if self.result is None:
            return False
        answered = any(self.result.answers.values())
        return rules.reveals_answers(self.reveal_answers, self.result.passed, answered)

    def drawn_questions(self) -> list[DrawnQuestion]:
        """The questions as drawn. A hand-in asks for them five times (check, grade,
        statistics, …): parsed once per loaded `questions` list, which a reload replaces.
        DrawnQuestion is frozen, so sharing the parsed objects is safe."""
        questions = self.questions
        parsed = self.__dict__.get("_drawn")
        if parsed is None or parsed[0] is not questions:
            parsed = (questions, tuple(DrawnQuestion.from_json(q) for q in questions))
            self.__dict__["_drawn"] = parsed
        return list(parsed[1])


class ExamResult(db.Model):
    """The graded outcome; the unique attempt_id makes a second result impossible."""

    __tablename__ = "exam_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("exam_attempts.id", ondelete="CASCADE"), unique=True
    )
    answers: Mapped[dict] = mapped_column(JSON)  # question id -> list of chosen option ids
    correct_count: Mapped[int]
    total: Mapped[int]
    percent: Mapped[int]
    passed: Mapped[bool]
    late: Mapped[bool] = mapped_column(default=False)  # after the time limit: not graded
    graded_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())

    attempt: Mapped[ExamAttempt] = relationship(back_populates="result")

    @property
    def answers_removed(self) -> bool:
        """The individual answers were deleted by the retention rule (score and pass
        stay). A graded hand-in always has an answer: the empty one is refused."""
        return not self.late and not self.answers


class ExamDraftAnswer(db.Model):
    """An answer saved while the exam is open (each change, or the form before the
    pre-submit summary), so that a reload, a second tab or a dropped connection loses
    nothing. Grading reads these; they are kept with the attempt."""

    __tablename__ = "exam_draft_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    options: Mapped[list] = mapped_column(JSON)  # chosen option ids; [] = none chosen
    saved_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
