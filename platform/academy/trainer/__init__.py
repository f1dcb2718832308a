"""The trainers' workbench: every course with the checker's findings, previews, editing
and publishing in the browser, item statistics, and retraining after material changes."""

from __future__ import annotations


def init_app(app) -> None:
    # Imported here, not at the top: importing a domain package stays cheap and free of
    # side effects (see docs/architecture.md).
    from flask_babel import lazy_gettext as _l

    from .. import navigation, signals
    from ..learning.cli import courses_cli
    from ..navigation import MenuEntry
    from . import (
        cli,
        editing_views,
        preview_views,  # noqa: F401  (its routes join views.bp)
        retraining_services,
        retraining_views,
        services,
        views,
    )
    from .published import PublishedCourses

    settings = app.config["SETTINGS"]
    catalog = app.extensions["catalog"]
    if settings.browser_editing:
        # Published versions live in the database, so that every worker on every host
        # serves the same one; with editing off, the course folders are all there is.
        source = PublishedCourses(settings.instance_dir / "course-files", catalog.url_base)
        app.extensions["published_courses"] = source
        catalog.follow(source, settings.course_refresh_seconds)
    app.register_blueprint(views.bp)
    # Ahead of every other hook: CSRFProtect reads the form, and with it the body's size.
    app.before_request_funcs.setdefault(None, []).insert(0, editing_views.allow_uploads)
    app.register_blueprint(retraining_views.bp)
    # `flask courses publish` joins learning's `courses check`: one group for trainers.
    courses_cli.add_command(cli.publish)
    # Only this app's signals: tests build several apps in one process.
    signals.exam_graded.connect(services.record_graded_exam, sender=app)
    signals.exam_graded.connect(retraining_services.complete_after_recheck, sender=app)
    signals.module_completed.connect(retraining_services.complete_after_reading, sender=app)
    navigation.add(
        app,
        MenuEntry("trainer.index", _l("Kurse bearbeiten"), ("trainer", "admin"), order=60),
        MenuEntry("retraining.overview", _l("Nachschulungen"), ("hr",), order=70),
        MenuEntry("retraining.overview", _l("Nachschulungen"), ("admin",), area="admin", order=40),
    )
