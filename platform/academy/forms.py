"""What every domain's forms share: the base class, the e-mail validator, and reading a
list of addresses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from .emails import is_email
from .names import NameProblem, name_problem

NAME_MESSAGES = {
    NameProblem.LINES: _l(
        "Der Name darf nur eine Zeile sein, ohne Zeilenumbrüche oder Steuerzeichen."
    ),
    NameProblem.INVISIBLE: _l(
        "Der Name enthält unsichtbare Zeichen (z. B. Zeichen ohne Breite oder zur Schreibrichtung)."
    ),
    NameProblem.TOO_SHORT: _l("Der Name braucht mindestens zwei sichtbare Zeichen."),
    NameProblem.TOO_LONG: _l("Der Name darf höchstens 200 Zeichen lang sein."),
}


class Form(FlaskForm):
    """Base of every form. CSRFProtect checks the token of every POST before a view runs
    (templates emit it with csrf_field()), so the form does not check it a second time."""

    class Meta:
        csrf = False


class EmailAddress:
    """A WTForms validator: the project's one definition of a valid address."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, _form, field) -> None:
        if field.data and not is_email(field.data.strip()):
            raise ValidationError(self.message)


class PersonName:
    """A WTForms validator: one line, at least two visible characters, nothing that
    hides or disguises (see academy/names.py). Empty input is InputRequired's business."""

    def __call__(self, _form, field) -> None:
        problem = name_problem(field.data) if field.data else None
        if problem is not None:
            raise ValidationError(NAME_MESSAGES[problem])


def email_list(text: str, limit: int) -> list[str]:
    """Addresses from a text area, one per line (or separated by commas); raises
    ValidationError naming up to five wrong ones."""
    addresses = [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]
    if len(addresses) > limit:
        raise ValidationError(_l("Höchstens %(n)d Adressen auf einmal.", n=limit))
    wrong = [a for a in addresses if not is_email(a)]
    if wrong:
        raise ValidationError(_l("Ungültige E-Mail-Adresse(n): %(a)s", a=", ".join(wrong[:5])))
    return addresses
