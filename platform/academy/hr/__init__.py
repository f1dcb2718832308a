"""HR: assignments with due dates, which departments an HR person sees, the completion
dashboard, exports and the evidence report, reminders, and the people import.

People and departments themselves live in accounts (identity data that import, HR
forms and single sign-on all set); HR orchestrates and reads them.
"""

from __future__ import annotations


def init_app(app) -> None:
    # Imported here, not at the top: importing a domain package stays cheap and free of
    # side effects (see docs/architecture.md).
    from flask_babel import lazy_gettext as _l

    from .. import clock, navigation, signals
    from ..navigation import MenuEntry
    from . import cli, services, views

    app.register_blueprint(views.bp)
    # First of all before-request hooks: CSRFProtect reads the form, and with it the
    # upload, before any view runs, under the site-wide size limit.
    app.before_request_funcs.setdefault(None, []).insert(0, views.files.allow_large_import)
    app.jinja_env.globals.update(hr_today=clock.today)  # the start page's "overdue"
    for group in (
        cli.people_cli,
        cli.assignments_cli,
        cli.reports_cli,
        cli.reminders_cli,
        cli.demo_cli,
    ):
        app.cli.add_command(group)
    # Only this app's signals: tests build several apps in one process.
    signals.certificate_issued.connect(services.renew_after_certificate, sender=app)
    signals.people_placed.connect(services.apply_rules, sender=app)
    signals.retraining_assigned.connect(services.assign_retraining, sender=app)
    signals.retraining_completed.connect(services.complete_retraining, sender=app)
    signals.module_completed.connect(services.start_after_reading, sender=app)
    signals.exam_started.connect(services.start_after_exam, sender=app)
    hr = ("hr", "admin")
    navigation.add(
        app,
        MenuEntry("hr.dashboard", _l("HR"), hr, order=70),
        MenuEntry("hr.dashboard", _l("Übersicht"), hr, area="hr", order=10),
        MenuEntry("hr.people", _l("Personen"), hr, area="hr", order=20),
        MenuEntry("hr.assignments", _l("Zuweisungen"), hr, area="hr", order=30),
        MenuEntry("hr.departments", _l("Abteilungen"), hr, area="hr", order=40),
        MenuEntry("hr.people_import", _l("Import"), hr, area="hr", order=50),
        MenuEntry("hr.invitations", _l("Einladungen"), hr, area="hr", order=60),
        MenuEntry("hr.reports_page", _l("Nachweise"), hr, area="hr", order=70),
        MenuEntry("hr.scopes", _l("HR-Bereiche"), ("admin",), area="hr", order=80),
    )
