"""What every domain's forms share: the base class and the e-mail validator."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from .emails import is_email


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
