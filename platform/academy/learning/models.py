"""Reading progress: which modules a learner has marked done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..extensions import db


class ModuleCompletion(db.Model):
    __tablename__ = "module_completions"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(100))
    module_slug: Mapped[str] = mapped_column(String(100))
    module_version: Mapped[str] = mapped_column(String(12))  # the text the learner finished
    completed_at: Mapped[datetime] = mapped_column(default=lambda: clock.utcnow())
