"""Sign-in, registration, invitations, password reset, language, account, user admin."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from ..config import LANGUAGES
from ..extensions import db, limiter
from ..signals import signing_out
from ..web import found, list_params, safe_next
from . import access, limits, mails, queries, services
from .forms import (
    ROLE_LABELS,
    AcceptInvitationForm,
    ConfirmEmailForm,
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
@limits.sign_in
def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if not _remember_allowed():
        del form.remember
    settings = current_app.config["SETTINGS"]
    if form.validate_on_submit():
        if not services.may_use_password(form.email.data):
            flash(_("Bitte melden Sie sich mit Ihrem Firmenkonto an."), "error")
            return _login_page(form, settings), 403
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except AccountRefused as refusal:  # the right password, the address unconfirmed
            db.session.commit()  # the failed sign-in is recorded
            flash(refusal.message, "error")
            return redirect(url_for("accounts.resend_confirmation"))
        db.session.commit()  # a sign-in and a failed one are both recorded
        if user is not None:
            _start_session(user, remember=_remember_allowed() and form.remember.data)
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


def _remember_allowed() -> bool:
    return current_app.config["SETTINGS"].remember_days > 0


def _start_session(user, remember: bool = False) -> None:
    """A new session for the person: nothing of the visitor's session before (its CSRF
    token included) carries over, so a session planted before sign-in is worthless."""
    session.clear()
    login_user(user, remember=remember)


@bp.post("/logout")
@access.public
def logout():
    """Ends the local session and every copy of it; a session begun at the company's
    provider ends there too when it offers that (its receiver of `signing_out` answers
    with the address)."""
    answers = signing_out.send(current_app._get_current_object())
    if current_user.is_authenticated:
        # Copies of the session or remember-me cookie stop working too.
        services.sign_out(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    elsewhere = next((url for _receiver, url in answers if url), None)
    if elsewhere:
        return redirect(elsewhere)
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@access.public
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit(limits.MAIL_PER_ADDRESS, key_func=limits.typed_address, methods=["POST"])
def register():
    mode, domains = queries.registration_policy()
    if mode == "closed" or not current_app.config["SETTINGS"].local_passwords:
        return render_template("accounts/registration_closed.html"), 403
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            registration = services.register(form.email.data, form.name.data, form.password.data)
        except AccountRefused as refusal:
            if refusal.reason is not AccountRefusal.EXISTS:  # EXISTS: a parallel request
                form.email.errors.append(refusal.message)
                return _register_page(form, mode, domains)
        else:
            _mail_registration(registration, safe_next())
            db.session.commit()  # the account and its queued mail together (see outbox.py)
        # The same answer whether or not the address had an account: no enumeration.
        flash(
            _(
                "Fast geschafft: Wir haben Ihnen eine E-Mail geschickt. Bitte bestätigen Sie Ihre Adresse mit dem Link darin; erst dann können Sie sich anmelden."
            ),
            "success",
        )
        return redirect(url_for("accounts.resend_confirmation"))
    return _register_page(form, mode, domains)


def _register_page(form, mode, domains):
    return render_template(
        "accounts/register.html", form=form, mode=mode, domains=domains
    ), _status(form)


def _mail_registration(registration: services.Registration, next_path: str) -> None:
    """Queue the confirmation link (leading on to the page the person came for), or a
    note to the owner of an existing account."""
    if registration.token is not None:
        mails.send_confirmation(registration.user, registration.token, next_path)
    else:
        mails.send_already_registered(registration.user)


@bp.route("/register/confirm", methods=["GET", "POST"])
@access.public
@limits.mail_request
def resend_confirmation():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found_user = services.resend_confirmation(form.email.data)
        if found_user is not None:
            mails.send_confirmation(*found_user)  # queued; leaves after the commit
        db.session.commit()
        flash(
            _(
                "Falls es zu dieser Adresse ein Konto gibt, das noch nicht bestätigt ist, haben wir einen neuen Link geschickt."
            ),
            "success",
        )
        return redirect(url_for("accounts.resend_confirmation"))
    return render_template(
        "accounts/resend.html", form=form, hours=services.CONFIRMATION_HOURS
    ), _status(form)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@access.public
@limits.confirmation
def confirm_email(token: str):
    if queries.open_confirmation(token) is None:
        return render_template("accounts/token_invalid.html"), 404
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        try:
            user = services.confirm_email(token, form.password.data)
        except AccountRefused as refusal:
            if refusal.reason is not AccountRefusal.CONFIRMATION_PASSWORD:
                return render_template("accounts/token_invalid.html"), 404
            form.password.errors.append(refusal.message)
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Ihre E-Mail-Adresse ist bestätigt. Willkommen!"), "success")
            return redirect(safe_next())
    return render_template("accounts/confirm.html", form=form), _status(form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@access.public
@limits.mail_request
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found_user = (
            services.create_password_reset(form.email.data)
            if services.may_use_password(form.email.data)
            else None
        )
        if found_user is not None:
            mails.send_password_reset(*found_user)  # queued; leaves after the commit
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
    reset = queries.open_reset(token)
    if reset is None:
        return render_template("accounts/token_invalid.html"), 404
    form = ResetPasswordForm()
    owner = queries.user_by_id(reset.user_id)
    form.personal = (owner.email, owner.name) if owner is not None else ()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except AccountRefused:
            return render_template("accounts/token_invalid.html"), 404
        db.session.commit()
        _start_session(user)
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
    form.personal = (invitation.email,)
    added_by_hr = queries.user_by_email(invitation.email)
    if request.method == "GET" and added_by_hr is not None and added_by_hr.email_verified_at:
        form.name.data = added_by_hr.name  # HR added (or imported) the person before
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.name.data, form.password.data)
        except AccountRefused as refusal:
            if refusal.reason is AccountRefusal.EXISTS:
                flash(refusal.message, "error")
                return redirect(url_for("accounts.login"))
            return render_template("accounts/token_invalid.html"), 404
        db.session.commit()
        _start_session(user)
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
@limits.password_change
def account():
    profile = ProfileForm(prefix="profile", obj=current_user)
    if profile.locale.data is None:  # no choice made yet: the language the page is in
        profile.locale.data = str(get_locale())
    password = PasswordChangeForm(prefix="password")
    password.personal = (current_user.email, current_user.name)
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
            _start_session(current_user._get_current_object())  # new version, this browser only
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
    try:
        links = []
        for address in form.emails.addresses:
            roles = form.roles.data or ["learner"]
            token = services.create_invitation(address, roles, current_user)
            links.append((address, mails.send_invitation(address, token, current_user)[0]))
    except AccountRefused as refusal:  # an address nobody could sign in with
        db.session.rollback()
        form.emails.errors.append(refusal.message)
        return render_template("accounts/invite.html", form=form, links=[]), 400
    db.session.commit()  # invitations and their queued mails together (see outbox.py)
    flash(
        ngettext("%(num)d Einladung erstellt.", "%(num)d Einladungen erstellt.", len(links)),
        "success",
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
