"""Forms of the workbench. Every form that changes a working copy carries the revision
the trainer saw, so a save on an older state is refused instead of overwriting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from ..accounts.forms import MultiCheckboxField
from ..forms import Form
from .models import Change


def _revision():
    return IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class UploadForm(Form):
    archive = FileField(
        _l("Kursordner als ZIP-Datei"),
        validators=[FileRequired(_l("Bitte wählen Sie eine ZIP-Datei."))],
        render_kw={"accept": ".zip,application/zip"},
    )
    publish = BooleanField(_l("Gleich veröffentlichen (redaktionelle Änderung)"))
    note = TextAreaField(
        _l("Änderungsnotiz"),
        validators=[Optional(), Length(min=5, max=1000, message=_l("Bitte 5 bis 1000 Zeichen."))],
        description=_l(
            "Nur beim sofortigen Veröffentlichen. Hat der Kurs Fehler, wird nichts geändert. Inhaltliche Änderungen veröffentlichen Sie über die Arbeitskopie, damit Zertifizierte nachschulen."
        ),
        render_kw={"rows": 2},
    )

    def validate_note(self, field):
        if self.publish.data and not (field.data or "").strip():
            raise ValidationError(_l("Bitte beschreiben Sie kurz, was sich geändert hat."))


class NewCourseForm(UploadForm):
    slug = StringField(
        _l("Adresse des Kurses"),
        validators=[InputRequired(_l("Bitte geben Sie eine Adresse an.")), Length(max=100)],
        description=_l(
            "Kleinbuchstaben, Ziffern und Bindestriche; sie erscheint in der Adresse der Kursseiten, z. B. /courses/datenschutz-kompakt/."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class EditForm(Form):
    content = TextAreaField(
        _l("Inhalt"), render_kw={"rows": 28, "spellcheck": "true", "class": "code-editor"}
    )
    revision = _revision()


class NewFileForm(Form):
    name = StringField(
        _l("Dateiname"),
        validators=[InputRequired(_l("Bitte geben Sie einen Dateinamen an.")), Length(max=200)],
        description=_l("Ein neues Modul heißt z. B. 10-mein-thema.md; es erhält eine Vorlage."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    revision = _revision()


class FileUploadForm(Form):
    upload = FileField(
        _l("Bild oder Datei hochladen"),
        validators=[FileRequired(_l("Bitte wählen Sie eine Datei."))],
        description=_l("Bilder landen im Ordner images/, z. B. images/diagramm.png."),
    )
    revision = _revision()


class DeleteFileForm(Form):
    name = HiddenField(validators=[InputRequired()])
    revision = _revision()


class PublishForm(Form):
    change = RadioField(
        _l("Art der Änderung"),
        choices=[
            SelectChoice(
                Change.EDITORIAL,
                _l(
                    "Redaktionell: Formulierungen, Tippfehler, Gestaltung – niemand muss neu lernen"
                ),
            ),
            SelectChoice(
                Change.MATERIAL,
                _l(
                    "Inhaltlich: Was Lernende wissen müssen, hat sich geändert – Zertifizierte schulen nach"
                ),
            ),
        ],
        validators=[InputRequired(_l("Bitte wählen Sie die Art der Änderung."))],
    )
    modules = MultiCheckboxField(
        _l("Geänderte Module (bei inhaltlicher Änderung)"), validators=[Optional()]
    )
    note = TextAreaField(
        _l("Änderungsnotiz"),
        validators=[
            InputRequired(_l("Bitte beschreiben Sie kurz, was sich geändert hat.")),
            Length(min=5, max=1000, message=_l("Bitte 5 bis 1000 Zeichen.")),
        ],
        description=_l(
            "Erscheint in der Versionsgeschichte, z. B. „Modul 10 zu Prompt-Sicherheit ergänzt“."
        ),
        render_kw={"rows": 3},
    )
    revision = _revision()
