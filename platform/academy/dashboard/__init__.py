"""The learner's view of where they stand: the start page and each course's overview.

It sits above learning, exams and certificates, because it shows all three together.
"""

from __future__ import annotations


def init_app(app) -> None:
    # Imported here, not at the top: importing a domain package stays cheap and free of
    # side effects (see docs/architecture.md).
    from . import views

    app.register_blueprint(views.bp)
