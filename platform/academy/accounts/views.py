"""Sign-in, registration, invitations, password reset, language, account, user admin."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from ..extensions import db, limiter, login_manager
from ..forms import ConfirmForm, list_params
from ..mail import MailError, send_mail
from ..templating import external_url
from . import access, queries, services
from .forms import (
    ROLE_LABELS,
    AcceptInvitationForm,
    ForgotPasswordForm,
    InvitationForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    RegistrationPolicyForm,
    ResetPasswordForm,
    RolesForm,
)
from .models import User

bp = Blueprint("accounts", __name__)
login_manager.user_loader(queries.user_for_session)
login_manager.login_view = "accounts.login"


def _safe_next(default: str = "dashboard.home") -> str:
    """Only a path on this site: an open redirect would help phishing."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
    ):
        return target
    return url_for(default)


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next())
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(_safe_next())
        flash(_("E-Mail-Adresse oder Passwort ist falsch."), "error")
    registration_open = queries.registration_policy()[0] != "closed"
    status = 400 if form.is_submitted() else 200
    return render_template(
        "accounts/login.html", form=form, registration_open=registration_open
    ), status


@bp.post("/logout")
@access.public
def logout():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    logout_user()
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@access.public
@limiter.limit("10 per hour", methods=["POST"])
def register():
    mode, domains = queries.registration_policy()
    if mode == "closed":
        return render_template("accounts/registration_closed.html"), 403
    form = RegisterForm()
    if form.validate_on_submit():
        if not services.may_register(form.email.data):
            form.email.errors.append(
                _("Registrieren können sich nur Adressen von: %(d)s", d=", ".join(domains))
            )
        else:
            try:
                user = services.create_user(form.email.data, form.name.data, form.password.data)
            except services.AccountError:
                form.email.errors.append(
                    _(
                        "Für diese Adresse gibt es schon ein Konto. Melden Sie sich an oder setzen Sie Ihr Passwort zurück."
                    )
                )
            else:
                login_user(user)
                db.session.commit()
                flash(_("Willkommen! Ihr Konto ist angelegt."), "success")
                return redirect(_safe_next())
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form, mode=mode, domains=domains), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@access.public
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found = services.create_password_reset(form.email.data)
        if found is not None:
            user, token = found
            body = render_template(
                "accounts/mail_reset.txt",
                user=user,
                link=external_url("accounts.reset_password", token=token),
                hours=services.RESET_HOURS,
            )
            try:
                send_mail(user.email, _("Passwort zurücksetzen"), body)
            except MailError:
                db.session.rollback()
                flash(
                    _(
                        "Die E-Mail konnte gerade nicht versendet werden. Bitte versuchen Sie es später erneut."
                    ),
                    "error",
                )
                return render_template("accounts/forgot.html", form=form), 503
        db.session.commit()
        # The same answer whether or not the address has an account: no enumeration.
        flash(
            _(
                "Falls es ein Konto mit dieser Adresse gibt, haben wir eine E-Mail mit einem Link geschickt. Er ist %(h)d Stunden gültig.",
                h=services.RESET_HOURS,
            ),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access.public
def reset_password(token: str):
    if queries.open_reset(token) is None:
        return render_template("accounts/token_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except services.AccountError:
            db.session.rollback()
            return render_template("accounts/token_invalid.html"), 404
        login_user(user)
        db.session.commit()
        flash(_("Ihr neues Passwort ist gespeichert."), "success")
        return redirect(url_for("dashboard.home"))
    return render_template("accounts/reset.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access.public
def accept_invitation(token: str):
    invitation = queries.open_invitation(token)
    if invitation is None:
        return render_template("accounts/token_invalid.html"), 404
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.name.data, form.password.data)
        except services.AccountError as error:
            db.session.rollback()
            if str(error) == "exists":
                flash(
                    _(
                        "Für %(email)s gibt es schon ein Konto. Bitte melden Sie sich an.",
                        email=invitation.email,
                    ),
                    "error",
                )
                return redirect(url_for("accounts.login"))
            return render_template("accounts/token_invalid.html"), 404
        login_user(user)
        db.session.commit()
        flash(_("Willkommen! Ihr Konto ist angelegt."), "success")
        return redirect(url_for("dashboard.home"))
    return render_template(
        "accounts/invitation.html", form=form, invitation=invitation
    ), 400 if form.is_submitted() else 200


@bp.post("/language")
@access.public
def language():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    lang = request.form.get("lang", "")
    if lang not in ("de", "en"):
        abort(400)
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    response = redirect(_safe_next())
    response.set_cookie(
        "lang",
        lang,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.route("/account", methods=["GET", "POST"])
@access.signed_in
def account():
    profile = ProfileForm(prefix="profile", obj=current_user)
    password = PasswordChangeForm(prefix="password")
    if request.form.get("action") == "profile" and profile.validate_on_submit():
        current_user.name = profile.name.data.strip()
        current_user.locale = profile.locale.data
        db.session.commit()
        flash(_("Ihre Angaben sind gespeichert."), "success")
        return redirect(url_for("accounts.account"))
    if request.form.get("action") == "password" and password.validate_on_submit():
        if services.authenticate(current_user.email, password.current.data) is None:
            password.current.errors.append(_("Das aktuelle Passwort stimmt nicht."))
        else:
            services.set_password(current_user, password.password.data)
            login_user(current_user._get_current_object())  # new session version, this browser only
            db.session.commit()
            flash(_("Ihr Passwort ist geändert. Andere Geräte sind jetzt abgemeldet."), "success")
            return redirect(url_for("accounts.account"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/account.html", profile=profile, password=password), status


# --- administration -------------------------------------------------------------------


@bp.get("/admin/users")
@access.roles("admin")
def admin_users():
    search, page = list_params()
    users, total = queries.users_page(search, page)
    policy = RegistrationPolicyForm(prefix="policy")
    mode, domains = queries.registration_policy()
    policy.mode.data, policy.domains.data = mode, " ".join(domains)
    return render_template(
        "accounts/admin_users.html",
        users=users,
        total=total,
        page=page,
        search=search,
        page_size=queries.PAGE_SIZE,
        invite=InvitationForm(prefix="invite"),
        policy=policy,
        counts=queries.role_counts(),
        role_labels=ROLE_LABELS,
        roles_form=RolesForm,
        confirm=ConfirmForm(),
    )


@bp.route("/invitations", methods=["GET", "POST"])
@access.roles("admin", "hr")
def invite():
    form = InvitationForm(prefix="invite")
    if not current_user.has_any_role("admin"):
        form.roles.choices = [
            SelectChoice("learner", ROLE_LABELS["learner"])
        ]  # HR invites learners only
    links: list[tuple[str, str]] = []
    if form.validate_on_submit():
        links, failed = _send_invitations(form.emails.addresses, form.roles.data or ["learner"])
        db.session.commit()
        flash(
            ngettext("%(num)d Einladung erstellt.", "%(num)d Einladungen erstellt.", len(links)),
            "success",
        )
        if failed:
            flash(
                _(
                    "Diese E-Mails konnten nicht versendet werden; geben Sie die Links selbst weiter: %(a)s",
                    a=", ".join(failed),
                ),
                "error",
            )
    elif request.method == "GET":
        form.roles.data = ["learner"]
    status = 400 if request.method == "POST" and not links else 200
    return render_template("accounts/invite.html", form=form, links=links), status


def _send_invitations(
    addresses: list[str], roles: list[str]
) -> tuple[list[tuple[str, str]], list[str]]:
    links, failed = [], []
    for address in addresses:
        token = services.create_invitation(address, roles, current_user)
        link = external_url("accounts.accept_invitation", token=token)
        links.append((address, link))
        body = render_template(
            "accounts/mail_invitation.txt",
            link=link,
            inviter=current_user.name,
            days=services.INVITATION_DAYS,
        )
        try:
            send_mail(address, _("Einladung zur Lernplattform"), body)
        except MailError:
            failed.append(address)
    return links, failed


@bp.post("/admin/users/<int:user_id>/roles")
@access.roles("admin")
def admin_set_roles(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RolesForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id and "admin" not in form.roles.data:
        flash(_("Sie können sich die Admin-Rolle nicht selbst entziehen."), "error")
    else:
        services.set_roles(user, form.roles.data)
        db.session.commit()
        flash(_("Rollen von %(name)s gespeichert.", name=user.name), "success")
    return redirect(url_for("accounts.admin_users", q=request.args.get("q", "")))


@bp.post("/admin/users/<int:user_id>/active")
@access.roles("admin")
def admin_set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("Sie können Ihr eigenes Konto nicht sperren."), "error")
    else:
        services.set_active(user, not user.active)
        db.session.commit()
        message = (
            _("%(name)s ist wieder aktiv.", name=user.name)
            if user.active
            else _("%(name)s ist gesperrt.", name=user.name)
        )
        flash(message, "success")
    return redirect(url_for("accounts.admin_users"))


@bp.post("/admin/registration")
@access.roles("admin")
def admin_registration():
    form = RegistrationPolicyForm(prefix="policy")
    if not form.validate_on_submit():
        for error in form.errors.values():
            flash(" ".join(str(e) for e in error), "error")
        return redirect(url_for("accounts.admin_users"))
    services.set_registration_policy(form.mode.data, form.domains.domains)
    db.session.commit()
    flash(_("Einstellung zur Registrierung gespeichert."), "success")
    return redirect(url_for("accounts.admin_users"))
