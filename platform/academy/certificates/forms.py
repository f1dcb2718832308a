"""Forms for verifying and revoking certificates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class VerifyForm(FlaskForm):
    """A GET form: nothing changes, so no CSRF token is needed."""

    class Meta:
        csrf = False

    number = StringField(
        _l("Zertifikatsnummer"),
        validators=[InputRequired(_l("Bitte geben Sie die Nummer ein.")), Length(max=40)],
        render_kw={
            "placeholder": "KIA-XXXX-XXXX-XXXX-XXXX",
            "autocomplete": "off",
            "spellcheck": "false",
        },
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Grund des Widerrufs"),
        validators=[InputRequired(_l("Bitte geben Sie einen Grund an.")), Length(min=5, max=500)],
    )
