"""Privacy by design for the platform itself: the privacy notice, a person's data
(access, export, erasure), retention, and the audit log's view and hash chain."""

from __future__ import annotations


def init_app(app) -> None:
    # Imported here, not at the top: importing a domain package stays cheap and free of
    # side effects (see docs/architecture.md).
    from flask_babel import lazy_gettext as _l

    from .. import navigation
    from ..navigation import MenuEntry
    from . import cli, summary, views
    from .labels import action_label

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.retention_cli)
    app.cli.add_command(cli.audit_cli)
    app.cli.add_command(cli.privacy_cli)
    app.add_template_filter(summary.value, "privacy_value")
    app.add_template_filter(action_label, "action_label")
    navigation.add(
        app,
        MenuEntry("privacy.mine", _l("Meine Daten ansehen und herunterladen"), area="account"),
        MenuEntry("privacy.admin_people", _l("Datenschutz"), ("admin",), area="admin", order=40),
        MenuEntry("privacy.admin_settings", _l("Aufbewahrung"), ("admin",), area="admin", order=50),
        MenuEntry("privacy.audit_log", _l("Auditprotokoll"), ("admin",), area="admin", order=60),
    )
