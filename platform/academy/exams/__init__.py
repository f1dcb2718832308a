"""Final exams: attempts, drawing questions, grading."""

from __future__ import annotations


def init_app(app) -> None:
    # Imported here, not at the top: `academy.exams.grading` and `academy.exams.rules`
    # are pure and must import without Flask or SQLAlchemy (see docs/architecture.md).
    from . import views

    app.register_blueprint(views.bp)
