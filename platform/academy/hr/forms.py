"""HR's forms. Choices that come from the database (courses, departments) are set by
the view with `with_choices`; a value that is not offered fails validation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..accounts.forms import MultiCheckboxField
from ..emails import MAX_LENGTH
from ..forms import EmailAddress, Form, PersonName, email_list
from .services import MAX_DUE_DAYS
from .status import Flag, Status

STATUS_LABELS = {
    Status.NOT_STARTED: _l("Nicht begonnen"),
    Status.IN_PROGRESS: _l("In Bearbeitung"),
    Status.CERTIFIED: _l("Zertifiziert"),
    Status.EXPIRED: _l("Zertifikat abgelaufen"),
    Flag.OVERDUE: _l("Überfällig"),
    Flag.EXPIRING: _l("Läuft in 30 Tagen ab"),
}
SORT_LABELS = {
    "due": _l("Fälligkeit"),
    "name": _l("Name"),
    "department": _l("Abteilung"),
    "status": _l("Status"),
}
LANGUAGE_CHOICES = [
    SelectChoice("", _l("wie im Browser")),
    SelectChoice("de", "Deutsch"),
    SelectChoice("en", "English"),
]


def with_choices(field, choices, empty=None) -> None:
    """Set a select's choices: (value, label) pairs, optionally after an empty one."""
    field.choices = ([SelectChoice("", empty)] if empty is not None else []) + [
        SelectChoice(str(value), label) for value, label in choices
    ]


class ListFilterForm(Form):
    """The people list's filters (a GET form: it changes nothing)."""

    course = SelectField(_l("Kurs"), validate_choice=False)
    department = SelectField(_l("Abteilung"), validate_choice=False)
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("alle"))]
        + [SelectChoice(str(k), v) for k, v in STATUS_LABELS.items()],
        validate_choice=False,
    )
    due_before = DateField(_l("Fällig vor"), validators=[Optional()])
    manager = EmailField(
        _l("Führungskraft (E-Mail)"),
        validators=[Optional(), EmailAddress(_l("Das ist keine gültige E-Mail-Adresse."))],
    )
    q = SearchField(_l("Name oder E-Mail"), validators=[Optional(), Length(max=100)])
    sort = SelectField(
        _l("Sortieren nach"),
        choices=[SelectChoice(k, v) for k, v in SORT_LABELS.items()],
        validate_choice=False,
    )


class PersonForm(Form):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(_l("Bitte geben Sie den Namen ein.")),
            Length(max=200),
            PersonName(),
        ],
    )
    department = SelectField(_l("Abteilung"))
    location = StringField(_l("Standort"), validators=[Optional(), Length(max=120)])
    manager_email = EmailField(
        _l("Führungskraft (E-Mail)"),
        validators=[
            Optional(),
            EmailAddress(_l("Das ist keine gültige E-Mail-Adresse.")),
            Length(max=MAX_LENGTH),
        ],
    )
    employee_number = StringField(_l("Personalnummer"), validators=[Optional(), Length(max=50)])
    locale = SelectField(_l("Sprache der E-Mails"), choices=LANGUAGE_CHOICES)


class NewPersonForm(PersonForm):
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[
            InputRequired(_l("Bitte geben Sie die E-Mail-Adresse ein.")),
            EmailAddress(_l("Das ist keine gültige E-Mail-Adresse.")),
            Length(max=MAX_LENGTH),
        ],
    )
    invite = BooleanField(_l("Einladung per E-Mail senden"), default=True)


class DepartmentForm(Form):
    name = StringField(
        _l("Name der Abteilung"),
        validators=[InputRequired(_l("Bitte geben Sie einen Namen ein.")), Length(max=120)],
    )


class MergeForm(Form):
    target = SelectField(_l("Zusammenführen mit"))


class AssignForm(Form):
    course = SelectField(_l("Kurs"))
    target = RadioField(
        _l("Wem?"),
        choices=[
            SelectChoice("everyone", _l("Allen (auch wer später dazukommt)")),
            SelectChoice("department", _l("Einer Abteilung (auch wer später dazukommt)")),
            SelectChoice("people", _l("Einzelnen Personen")),
        ],
        default="department",
    )
    department = SelectField(_l("Abteilung"), validate_choice=False)
    emails = TextAreaField(
        _l("E-Mail-Adressen"), description=_l("Eine Adresse pro Zeile (höchstens 500).")
    )
    due_kind = RadioField(
        _l("Fällig"),
        choices=[
            SelectChoice("date", _l("an einem festen Datum")),
            SelectChoice(
                "days", _l("eine Anzahl Tage nach der Zuweisung (bei Neuen: nach dem Eintritt)")
            ),
        ],
        default="days",
    )
    due_on = DateField(_l("Datum"), validators=[Optional()])
    due_days = IntegerField(
        _l("Tage"), validators=[Optional(), NumberRange(min=0, max=MAX_DUE_DAYS)], default=30
    )

    def validate_department(self, field):
        if self.target.data == "department" and not field.data:
            raise ValidationError(_l("Bitte wählen Sie eine Abteilung."))

    def validate_emails(self, field):
        field.addresses = []
        if self.target.data != "people":
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("Bitte geben Sie mindestens eine E-Mail-Adresse ein."))
        field.addresses = email_list(field.data, 500)

    def validate_due_on(self, field):
        if self.due_kind.data == "date" and field.data is None:
            raise ValidationError(_l("Bitte geben Sie ein Datum an."))

    def validate_due_days(self, field):
        if self.due_kind.data == "days" and field.data is None:
            raise ValidationError(_l("Bitte geben Sie die Anzahl Tage an."))


class ImportForm(Form):
    file = FileField(
        _l("CSV-Datei"), validators=[FileRequired(_l("Bitte wählen Sie eine Datei aus."))]
    )
    dry_run = BooleanField(_l("Nur prüfen (Probelauf): nichts ändern"), default=True)
    invite = BooleanField(_l("Neuen Personen eine Einladung per E-Mail senden"))


class ScopeForm(Form):
    all_departments = BooleanField(_l("Alle Abteilungen"))
    departments = MultiCheckboxField(_l("Abteilungen"), coerce=int, validate_choice=True)


class EvidenceForm(Form):
    course = SelectField(_l("Kurs"))
    department = SelectField(_l("Abteilung"))
    format = RadioField(
        _l("Format"),
        choices=[
            SelectChoice("xlsx", _l("Excel (XLSX)")),
            SelectChoice("csv", _l("CSV")),
            SelectChoice("pdf", _l("PDF für Prüfer")),
        ],
        default="xlsx",
    )
