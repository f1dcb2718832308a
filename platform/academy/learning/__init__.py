"""Reading: the course catalog, module pages and reading progress."""

from __future__ import annotations


def init_app(app) -> None:
    # Imported here, not at the top: importing a domain package stays cheap and free of
    # side effects (see docs/architecture.md).
    from ..content import Catalog
    from . import cli, direct, fragments, views

    settings = app.config["SETTINGS"]
    app.extensions["catalog"] = Catalog(
        settings.courses_dir,
        url_base=app.config["APPLICATION_ROOT"].rstrip("/") + "/courses/",
        auto_reload=settings.env == "development",
        additions=settings.course_additions_dir,
        # The parsed courses, kept for the next start (each host has its own folder).
        cache_dir=settings.instance_dir / "course-cache",
    )
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.courses_cli)
    app.jinja_env.filters["shuffled_options"] = fragments.shuffled_options
    direct.install(app)
