"""Sign-in, registration, invitations, password reset, language, account, user admin."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from ..config import LANGUAGES
from ..extensions import db, limiter
from ..mail import MailError
from ..signals import signing_out
from ..web import found, list_params, safe_next
from . import access, mails, queries, services
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
from .outcomes import AccountRefusal, AccountRefused

bp = Blueprint("accounts", __name__)


def _status(form) -> int:
    """400 for a submitted form that is shown again with errors, else 200."""
    return 400 if form.is_submitted() else 200


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    settings = current_app.config["SETTINGS"]
    if form.validate_on_submit():
        if not services.may_use_password(form.email.data):
            flash(_("Bitte melden Sie sich mit Ihrem Firmenkonto an."), "error")
            return _login_page(form, settings), 403
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()  # a sign-in and a failed one are both recorded
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next())
        flash(_("E-Mail-Adresse oder Passwort ist falsch."), "error")
    return _login_page(form, settings), _status(form)


def _login_page(form: LoginForm, settings) -> str:
    registration_open = queries.registration_policy()[0] != "closed"
    return render_template(
        "accounts/login.html",
        form=form,
        registration_open=registration_open and settings.local_passwords,
        sso=settings.oidc is not None,
        passwords=settings.local_passwords,
    )


@bp.post("/logout")
@access.public
def logout():
    """Ends the local session; a session begun at the company's provider ends there
    too when it offers that (its receiver of `signing_out` answers with the address)."""
    answers = signing_out.send(current_app._get_current_object())
    logout_user()
    elsewhere = next((url for _receiver, url in answers if url), None)
    if elsewhere:
        return redirect(elsewhere)
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@access.public
@limiter.limit("10 per hour", methods=["POST"])
def register():
    mode, domains = queries.registration_policy()
    if mode == "closed" or not current_app.config["SETTINGS"].local_passwords:
        return render_template("accounts/registration_closed.html"), 403
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(form.email.data, form.name.data, form.password.data)
        except AccountRefused as refusal:
            form.email.errors.append(refusal.message)
        else:
            login_user(user)
            db.session.commit()
            flash(_("Willkommen! Ihr Konto ist angelegt."), "success")
            return redirect(safe_next())
    return render_template(
        "accounts/register.html", form=form, mode=mode, domains=domains
    ), _status(form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@access.public
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found_user = (
            services.create_password_reset(form.email.data)
            if services.may_use_password(form.email.data)
            else None
        )
        try:
            if found_user is not None:
                mails.send_password_reset(*found_user)
        except MailError:
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
    return render_template("accounts/forgot.html", form=form), _status(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access.public
def reset_password(token: str):
    if queries.open_reset(token) is None:
        return render_template("accounts/token_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except AccountRefused:
            return render_template("accounts/token_invalid.html"), 404
        login_user(user)
        db.session.commit()
        flash(_("Ihr neues Passwort ist gespeichert."), "success")
        return redirect(url_for("dashboard.home"))
    return render_template("accounts/reset.html", form=form), _status(form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access.public
def accept_invitation(token: str):
    invitation = queries.open_invitation(token)
    if invitation is None:
        return render_template("accounts/token_invalid.html"), 404
    if not current_app.config["SETTINGS"].local_passwords:  # nobody sets a password
        flash(_("Bitte melden Sie sich mit Ihrem Firmenkonto an."), "success")
        return redirect(url_for("accounts.login"))
    form = AcceptInvitationForm()
    added_by_hr = queries.user_by_email(invitation.email)
    if request.method == "GET" and added_by_hr is not None:
        form.name.data = added_by_hr.name  # HR added (or imported) the person before
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.name.data, form.password.data)
        except AccountRefused as refusal:
            if refusal.reason is AccountRefusal.EXISTS:
                flash(refusal.message, "error")
                return redirect(url_for("accounts.login"))
            return render_template("accounts/token_invalid.html"), 404
        login_user(user)
        db.session.commit()
        flash(_("Willkommen! Ihr Konto ist angelegt."), "success")
        return redirect(url_for("dashboard.home"))
    return render_template("accounts/invitation.html", form=form, invitation=invitation), _status(
        form
    )


@bp.post("/language")
@access.public
def language():
    lang = request.form.get("lang", "")
    if lang not in LANGUAGES:
        abort(400)
    if current_user.is_authenticated:
        services.set_locale(current_user, lang)
        db.session.commit()
    response = redirect(safe_next())
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
    if profile.locale.data is None:  # no choice made yet: the language the page is in
        profile.locale.data = str(get_locale())
    password = PasswordChangeForm(prefix="password")
    action = request.form.get("action")
    if action == "profile" and profile.validate_on_submit():
        services.update_profile(current_user, profile.name.data, profile.locale.data)
        db.session.commit()
        flash(_("Ihre Angaben sind gespeichert."), "success")
        return redirect(url_for("accounts.account"))
    if action == "password" and password.validate_on_submit():
        try:
            services.change_password(current_user, password.current.data, password.password.data)
        except AccountRefused as refusal:
            password.current.errors.append(refusal.message)
        else:
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
    policy = RegistrationPolicyForm(prefix="policy")
    mode, domains = queries.registration_policy()
    policy.mode.data, policy.domains.data = mode, " ".join(domains)
    return render_template(
        "accounts/admin_users.html",
        users=queries.users_page(search, page),
        search=search,
        policy=policy,
        counts=queries.role_counts(),
        role_labels=ROLE_LABELS,
        roles_form=RolesForm,
    )


def _invitation_form(submitted: bool) -> InvitationForm:
    form = (
        InvitationForm(prefix="invite")
        if submitted
        else InvitationForm(prefix="invite", formdata=None)
    )
    if not current_user.has_any_role("admin"):  # HR invites learners only
        form.roles.choices = [SelectChoice("learner", ROLE_LABELS["learner"])]
    return form


@bp.route("/invitations", methods=["GET", "POST"])
@access.roles("admin", "hr")
def invite():
    form = _invitation_form(submitted=True)
    if not form.validate_on_submit():
        if request.method == "GET":
            form.roles.data = ["learner"]
        return render_template("accounts/invite.html", form=form, links=[]), _status(form)
    tokens = [
        (address, services.create_invitation(address, form.roles.data or ["learner"], current_user))
        for address in form.emails.addresses
    ]
    db.session.commit()  # the mails leave once the invitations exist
    links, failed = [], []
    for address, token in tokens:
        link, sent = mails.send_invitation(address, token, current_user)
        links.append((address, link))
        if not sent:
            failed.append(address)
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
    cleared = _invitation_form(submitted=False)  # ready for the next addresses
    cleared.roles.data = ["learner"]
    return render_template("accounts/invite.html", form=cleared, links=links)


@bp.post("/admin/users/<int:user_id>/roles")
@access.roles("admin")
def admin_set_roles(user_id: int):
    user = found(queries.user_by_id(user_id))
    form = RolesForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():  # a role that is not offered: tampered
        abort(400)
    try:
        services.set_roles(user, form.roles.data, current_user)
    except AccountRefused as refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(_("Rollen von %(name)s gespeichert.", name=user.name), "success")
    return redirect(url_for("accounts.admin_users", q=request.args.get("q", "")))


@bp.post("/admin/users/<int:user_id>/active")
@access.roles("admin")
def admin_set_active(user_id: int):
    user = found(queries.user_by_id(user_id))
    try:
        services.set_active(user, not user.active, current_user)
    except AccountRefused as refusal:
        flash(refusal.message, "error")
    else:
        db.session.commit()
        if user.active:
            flash(_("%(name)s ist wieder aktiv.", name=user.name), "success")
        else:
            flash(_("%(name)s ist gesperrt.", name=user.name), "success")
    return redirect(url_for("accounts.admin_users"))


@bp.post("/admin/registration")
@access.roles("admin")
def admin_registration():
    form = RegistrationPolicyForm(prefix="policy")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return redirect(url_for("accounts.admin_users"))
    services.set_registration_policy(form.mode.data, form.domains.domains, current_user)
    db.session.commit()
    flash(_("Einstellung zur Registrierung gespeichert."), "success")
    return redirect(url_for("accounts.admin_users"))
