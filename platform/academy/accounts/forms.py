"""Forms about accounts. Labels and messages are German source strings (gettext)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..emails import MAX_LENGTH, is_domain, parse_domains
from ..forms import EmailAddress, Form, PersonName, email_list
from .access import ROLES
from .passwords import MAX_LENGTH as MAX_PASSWORD
from .passwords import MIN_LENGTH as MIN_PASSWORD
from .passwords import PasswordProblem, password_problem

PASSWORD_MESSAGES = {
    PasswordProblem.TOO_SHORT: _l(
        "Das Passwort muss mindestens %(n)d Zeichen lang sein.", n=MIN_PASSWORD
    ),
    PasswordProblem.TOO_LONG: _l(
        "Das Passwort darf höchstens %(n)d Zeichen lang sein.", n=MAX_PASSWORD
    ),
    PasswordProblem.INVISIBLE: _l(
        "Das Passwort besteht nur aus Leerzeichen oder unsichtbaren Zeichen."
    ),
    PasswordProblem.COMMON: _l(
        "Dieses Passwort steht auf der Liste häufig benutzter Passwörter. Bitte wählen Sie ein anderes."
    ),
    PasswordProblem.PERSONAL: _l("Das Passwort darf nicht Ihre E-Mail-Adresse oder Ihr Name sein."),
    PasswordProblem.GUESSABLE: _l(
        "Dieses Passwort ist leicht zu erraten (Wiederholungen, Zahlenfolgen, Tastaturreihen oder ein Wort mit angehängter Zahl). Ein Satz aus mehreren Wörtern ist sicherer."
    ),
}

ROLE_LABELS = {
    "learner": _l("Lernende:r"),
    "trainer": _l("Trainer:in"),
    "hr": _l("HR"),
    "admin": _l("Admin"),
}


def _email_field(label=None):
    return EmailField(
        label or _l("E-Mail-Adresse"),
        validators=[
            InputRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse ein.")),
            EmailAddress(_l("Das ist keine gültige E-Mail-Adresse.")),
            Length(max=MAX_LENGTH),
        ],
        render_kw={"autocomplete": "email"},
    )


class NewPassword:
    """The password policy (passwords.py) as a WTForms validator. The person's address
    and name come from the form's `email` and `name` fields and its `personal`
    attribute, which a view sets when the form has no such fields (reset, change)."""

    def __call__(self, form, field) -> None:
        personal = [*getattr(form, "personal", ())]
        for name in ("email", "name"):
            if name in form._fields and form[name].data:
                personal.append(form[name].data)
        problem = password_problem(field.data or "", personal)
        if problem is not None:
            raise ValidationError(PASSWORD_MESSAGES[problem])


def _new_password_fields(label=None):
    password = PasswordField(
        label or _l("Neues Passwort"),
        validators=[
            InputRequired(_l("Bitte wählen Sie ein Passwort.")),
            NewPassword(),
        ],
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD},
    )
    repeat = PasswordField(
        _l("Passwort wiederholen"),
        validators=[
            InputRequired(_l("Bitte wiederholen Sie das Passwort.")),
            EqualTo("password", _l("Die beiden Passwörter stimmen nicht überein.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, repeat


def _name_field():
    return StringField(
        _l("Vollständiger Name"),
        validators=[
            InputRequired(_l("Bitte geben Sie Ihren Namen ein.")),
            Length(max=200),
            PersonName(),
        ],
        description=_l("So erscheint er auf Ihrem Zertifikat."),
        render_kw={"autocomplete": "name"},
    )


class LoginForm(Form):
    email = _email_field()
    password = PasswordField(
        _l("Passwort"),
        validators=[InputRequired(_l("Bitte geben Sie Ihr Passwort ein."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Angemeldet bleiben"))


class RegisterForm(Form):
    name = _name_field()
    email = _email_field()
    password, password_repeat = _new_password_fields(_l("Passwort"))


class ForgotPasswordForm(Form):
    email = _email_field()


class ResetPasswordForm(Form):
    password, password_repeat = _new_password_fields()


class ConfirmEmailForm(Form):
    password = PasswordField(
        _l("Passwort"),
        validators=[InputRequired(_l("Bitte geben Sie Ihr Passwort ein."))],
        render_kw={"autocomplete": "current-password"},
    )


class AcceptInvitationForm(Form):
    name = _name_field()
    password, password_repeat = _new_password_fields(_l("Passwort"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InvitationForm(Form):
    emails = TextAreaField(
        _l("E-Mail-Adressen"),
        validators=[InputRequired(_l("Bitte geben Sie mindestens eine E-Mail-Adresse ein."))],
        description=_l("Eine Adresse pro Zeile (höchstens 200)."),
    )
    roles = MultiCheckboxField(
        _l("Rollen"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES], default=["learner"]
    )

    def validate_emails(self, field):
        field.addresses = email_list(field.data, 200)


class RolesForm(Form):
    roles = MultiCheckboxField(
        _l("Rollen"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES]
    )


class RegistrationPolicyForm(Form):
    mode = RadioField(
        _l("Selbstregistrierung"),
        choices=[
            SelectChoice("open", _l("Offen: jede Person kann ein Konto anlegen")),
            SelectChoice("domains", _l("Nur für E-Mail-Adressen bestimmter Domains")),
            SelectChoice("closed", _l("Aus: Konten nur per Einladung oder durch Admins")),
        ],
    )
    domains = StringField(
        _l("Erlaubte Domains"),
        description=_l("Durch Leerzeichen oder Komma getrennt, z. B. firma.de firma.com"),
    )

    def validate_domains(self, field):
        domains = parse_domains(field.data or "")
        if self.mode.data == "domains" and not domains:
            raise ValidationError(_l("Bitte geben Sie mindestens eine Domain an."))
        if not all(is_domain(d) for d in domains):
            raise ValidationError(_l("Bitte nur Domains wie firma.de angeben."))
        field.domains = domains


class ProfileForm(Form):
    name = _name_field()
    locale = RadioField(
        _l("Sprache der Oberfläche"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
    )


class PasswordChangeForm(Form):
    current = PasswordField(
        _l("Aktuelles Passwort"),
        validators=[InputRequired(_l("Bitte geben Sie Ihr aktuelles Passwort ein."))],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_repeat = _new_password_fields()
