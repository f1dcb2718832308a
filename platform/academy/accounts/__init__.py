"""Users, roles, sign-in, invitations, password reset, and who may use which route."""

from __future__ import annotations


def init_app(app) -> None:
    # Imported here, not at the top: importing a domain package stays cheap and free of
    # side effects (see docs/architecture.md).
    from flask_babel import lazy_gettext as _l

    from .. import navigation
    from ..extensions import login_manager
    from ..navigation import MenuEntry
    from . import access, cli, services, session_users, views

    login_manager.user_loader(session_users.for_session)
    login_manager.login_view = "accounts.login"
    access.init_app(app)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users_cli)
    app.jinja_env.globals.update(
        password_hint=_l(
            "Mindestens %(n)d Zeichen, nicht leicht zu erraten: Ein Satz aus mehreren Wörtern ist sicher und gut zu merken.",
            n=services.MIN_PASSWORD,
        ),
        invitation_days=services.INVITATION_DAYS,
    )
    navigation.add(
        app,
        MenuEntry("accounts.admin_users", _l("Verwaltung"), ("admin",), order=90),
        MenuEntry("accounts.admin_users", _l("Personen"), ("admin",), area="admin", order=10),
    )
