"""Forms: the privacy settings, deleting a person, filtering the audit log."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, PasswordField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..disclosure import MIN_GROUP_LIMITS, Disclosure
from ..forms import Form
from ..web import MAX_ID
from .queries import AuditFilter
from .settings import LIMITS, TEXT_LENGTH, PrivacySettings


def _whole_number(name: str, label, description):
    low, high = LIMITS[name]
    return IntegerField(
        label,
        description=description,
        validators=[
            InputRequired(_l("Bitte geben Sie eine Zahl ein.")),
            NumberRange(low, high, _l("Bitte eine Zahl von %(min)s bis %(max)s.")),
        ],
        render_kw={"min": low, "max": high, "inputmode": "numeric"},
    )


class SettingsForm(Form):
    answers_days = _whole_number(
        "answers_days",
        _l("Einzelne Prüfungsantworten löschen nach (Tagen)"),
        _l("Ergebnis und Bestehen bleiben; nur welche Antwort gewählt wurde, wird gelöscht."),
    )
    sign_ins_days = _whole_number(
        "sign_ins_days",
        _l("Anmeldezeiten löschen nach (Tagen)"),
        _l("Letzte Anmeldung und, im Auditprotokoll, wer sich wann angemeldet hat."),
    )
    deactivated_months = _whole_number(
        "deactivated_months",
        _l("Gesperrte Personen löschen nach (Monaten)"),
        _l("Gerechnet ab der Sperrung; ihre Nachweise bleiben unter Pseudonym."),
    )
    evidence_years = _whole_number(
        "evidence_years",
        _l("Nachweise gelöschter Personen aufbewahren (Jahre)"),
        _l("Kurs, Version, Daten, Zertifikatsnummer und Ergebnis unter einem Pseudonym."),
    )
    audit_years = _whole_number(
        "audit_years",
        _l("Auditprotokoll aufbewahren (Jahre)"),
        _l("Ältere Einträge löscht der tägliche Lauf; die Hash-Kette bleibt prüfbar."),
    )
    self_erasure = BooleanField(
        _l("Lernende dürfen ihr Konto selbst löschen"),
        description=_l("Sonst löschen Admins auf Anfrage."),
    )
    contact = TextAreaField(
        _l("Kontakt für Datenschutzfragen"),
        description=_l(
            "Erscheint in der Datenschutzerklärung, z. B. die Adresse der oder des Datenschutzbeauftragten."
        ),
        validators=[Length(max=TEXT_LENGTH)],
    )
    processors = TextAreaField(
        _l("Weitere Auftragsverarbeiter"),
        description=_l(
            "Z. B. der Hoster der Plattform. Den Mailserver nennt die Erklärung selbst."
        ),
        validators=[Length(max=TEXT_LENGTH)],
    )

    hr_sees_scores = BooleanField(
        _l("HR sieht Prüfungsergebnisse (Prozent)"),
        description=_l(
            "Sonst sieht HR nur, wer abgeschlossen hat und wann. Einzelne Antworten sieht HR nie."
        ),
    )
    hr_min_group = IntegerField(
        _l("Kleinste Gruppe in Abteilungszahlen"),
        description=_l(
            "Abteilungen mit weniger Personen fasst die Übersicht zusammen, damit niemand "
            "aus einer Summe herauszulesen ist."
        ),
        validators=[
            InputRequired(_l("Bitte geben Sie eine Zahl ein.")),
            NumberRange(*MIN_GROUP_LIMITS, _l("Bitte eine Zahl von %(min)s bis %(max)s.")),
        ],
        render_kw={"min": MIN_GROUP_LIMITS[0], "max": MIN_GROUP_LIMITS[1], "inputmode": "numeric"},
    )
    verify_shows_name = BooleanField(
        _l("Die öffentliche Prüfseite nennt den Namen"),
        description=_l(
            "Sonst gibt, wer ein Zertifikat prüft, den Namen ein und erfährt nur, ob er passt."
        ),
    )

    def disclosure(self) -> Disclosure:
        return Disclosure(
            hr_sees_scores=bool(self.hr_sees_scores.data),
            hr_min_group=self.hr_min_group.data,
            verify_shows_name=bool(self.verify_shows_name.data),
        )

    def settings(self) -> PrivacySettings:
        return PrivacySettings(
            answers_days=self.answers_days.data,
            sign_ins_days=self.sign_ins_days.data,
            deactivated_months=self.deactivated_months.data,
            evidence_years=self.evidence_years.data,
            audit_years=self.audit_years.data,
            self_erasure=bool(self.self_erasure.data),
            contact=(self.contact.data or "").strip(),
            processors=(self.processors.data or "").strip(),
        )


class EraseForm(Form):
    confirm = BooleanField(
        _l("Ich habe verstanden, dass die Löschung nicht rückgängig zu machen ist."),
        validators=[DataRequired(_l("Bitte bestätigen Sie die Löschung."))],
    )


class EraseOwnAccountForm(EraseForm):
    password = PasswordField(
        _l("Ihr Passwort"),
        validators=[InputRequired(_l("Bitte geben Sie Ihr Passwort ein."))],
        render_kw={"autocomplete": "current-password"},
    )


class AuditFilterForm(Form):
    """A GET form: filters change nothing."""

    action = SelectField(_l("Aktion"), choices=[], default="")
    person = IntegerField(
        _l("Person (Nummer)"),
        validators=[Optional(), NumberRange(1, MAX_ID, _l("Bitte eine Personennummer angeben."))],
        render_kw={"inputmode": "numeric"},
    )
    since = DateField(_l("Von"), validators=[Optional()])
    until = DateField(_l("Bis"), validators=[Optional()])

    def with_actions(self, actions: list[str], labels) -> AuditFilterForm:
        things = sorted({a.split(".")[0] for a in actions})
        self.action.choices = [("", _l("alle"))] + [
            (value, labels(value)) for value in [*things, *actions]
        ]
        return self

    def filters(self) -> AuditFilter:
        return AuditFilter(
            action=self.action.data or "",
            person_id=self.person.data,
            since=datetime.combine(self.since.data, time.min) if self.since.data else None,
            until=datetime.combine(self.until.data + timedelta(days=1), time.min)
            if self.until.data
            else None,
        )
