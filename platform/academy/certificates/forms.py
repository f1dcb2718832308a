"""Forms for verifying and revoking certificates."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

UPLOAD_LIMIT = 1024 * 1024  # bytes; a certificate PDF is about 60 KB


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


class HolderNameForm(FlaskForm):
    """The verifier types the name they were told; the page says only whether it matches."""

    name = StringField(
        _l("Name der Inhaberin oder des Inhabers"),
        validators=[InputRequired(_l("Bitte geben Sie den Namen ein.")), Length(max=200)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Grund des Widerrufs"),
        validators=[InputRequired(_l("Bitte geben Sie einen Grund an.")), Length(min=5, max=500)],
    )


class UploadForm(FlaskForm):
    """A file someone was given: the credential JSON, the PDF or a badge image."""

    file = FileField(
        _l("Datei"),
        validators=[
            FileRequired(_l("Bitte wählen Sie eine Datei aus.")),
            FileSize(max_size=UPLOAD_LIMIT, message=_l("Die Datei ist zu groß (höchstens 1 MB).")),
        ],
        render_kw={
            "accept": ".json,.jsonld,.pdf,.png,.svg,application/json,application/pdf,image/png,image/svg+xml"
        },
    )
