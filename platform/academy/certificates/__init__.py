"""Certificates: issuing, numbering, PDF, public verification, revocation."""

from __future__ import annotations


def init_app(app) -> None:
    # Imported here, not at the top: importing a domain package stays cheap and free of
    # side effects (see docs/architecture.md).
    from flask_babel import lazy_gettext as _l

    from .. import navigation, signals
    from ..navigation import MenuEntry
    from . import queries, services, views

    app.register_blueprint(views.bp)
    # Only this app's signals: tests build several apps in one process.
    signals.exam_passed.connect(services.issue_after_pass, sender=app)
    signals.module_completed.connect(services.issue_after_pass, sender=app)
    signals.certificate_of_attempt.connect(queries.answer_certificate_of_attempt, sender=app)
    navigation.add(
        app,
        MenuEntry("certificates.mine", _l("Meine Zertifikate"), order=20),
        MenuEntry("certificates.admin_list", _l("Zertifikate"), ("admin",), area="admin", order=20),
    )
