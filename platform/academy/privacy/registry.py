"""The registry of personal data: every domain's table declarations, and for each kind of
data why it is kept, on which legal basis, for how long and who sees it.

The privacy notice, the export and erasure are built from this; tests check it against
the models, so a new column or table cannot go unmentioned. A new domain with tables
adds its `personal_data.TABLES` to DOMAIN_TABLES below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table as SqlTable

from ..accounts import personal_data as accounts
from ..accounts.services import CONFIRMATION_HOURS, INVITATION_DAYS, RESET_HOURS
from ..certificates import personal_data as certificates
from ..exams import personal_data as exams
from ..extensions import db
from ..hr import personal_data as hr
from ..learning import personal_data as learning
from ..personal_data import Kind, Table
from ..sso import personal_data as sso
from ..trainer import personal_data as trainer
from . import personal_data as privacy
from .settings import INVITATION_RECORD_DAYS, PrivacySettings

DOMAIN_TABLES: tuple[Table, ...] = (
    *accounts.TABLES,
    *learning.TABLES,
    *exams.TABLES,
    *certificates.TABLES,
    *hr.TABLES,
    *trainer.TABLES,
    *privacy.TABLES,
    *sso.TABLES,
)
ROOT = "users"  # the table of people


@dataclass(frozen=True)
class KindNotice:
    """What the privacy notice says about one kind of data."""

    title: object
    purpose: object
    legal_basis: object
    retention: Callable[[PrivacySettings], str]  # built from the current settings
    seen_by: Callable[[PrivacySettings], str]


def _fixed(text) -> Callable[[PrivacySettings], str]:
    return lambda _settings: str(text)


EMPLOYMENT = _l("Art. 6 Abs. 1 lit. b DSGVO (Durchführung des Beschäftigungsverhältnisses)")
AI_LITERACY = _l(
    "Art. 6 Abs. 1 lit. c DSGVO in Verbindung mit Art. 4 KI-Verordnung (Pflicht des "
    "Arbeitgebers, für ausreichende KI-Kompetenz zu sorgen, und Nachweis dieser Maßnahmen)"
)
ACCOUNTABILITY = _l(
    "Art. 6 Abs. 1 lit. c und f DSGVO in Verbindung mit Art. 5 Abs. 2 und Art. 32 DSGVO "
    "(Sicherheit der Plattform und Nachweis, wer was geändert hat)"
)

SELF_AND_ADMINS = _fixed(_l("Sie selbst und Admins."))
ADMINS = _fixed(_l("Admins."))
WHILE_THE_ACCOUNT_EXISTS = _fixed(_l("Solange das Konto besteht."))

KINDS: dict[Kind, KindNotice] = {
    Kind.ACCOUNT: KindNotice(
        _l("Konto"),
        _l("Sie anmelden und Ihnen Kurse, Ergebnisse und Zertifikate zuordnen."),
        EMPLOYMENT,
        lambda s: _(
            "Solange das Konto besteht. Gesperrte Konten werden nach %(n)d Monaten gelöscht.",
            n=s.deactivated_months,
        ),
        SELF_AND_ADMINS,
    ),
    Kind.ORGANISATION: KindNotice(
        _l("Stellung im Unternehmen"),
        _l("Ihnen die Schulungen Ihrer Abteilung zuweisen und HR den Überblick geben."),
        EMPLOYMENT,
        WHILE_THE_ACCOUNT_EXISTS,
        _fixed(_l("Sie selbst, Admins und HR-Personen, die Ihre Abteilung sehen.")),
    ),
    Kind.ROLES: KindNotice(
        _l("Rollen"),
        _l("Festlegen, wer was auf der Plattform darf."),
        EMPLOYMENT,
        WHILE_THE_ACCOUNT_EXISTS,
        SELF_AND_ADMINS,
    ),
    Kind.SIGN_INS: KindNotice(
        _l("Anmeldungen"),
        _l("Missbrauch Ihres Kontos erkennen."),
        ACCOUNTABILITY,
        lambda s: _("%(n)d Tage.", n=s.sign_ins_days),
        _fixed(_l("Sie selbst (in Ihrer Datenauskunft) und Admins (im Auditprotokoll).")),
    ),
    Kind.PROGRESS: KindNotice(
        _l("Lernfortschritt"),
        _l("Ihnen zeigen, wo Sie stehen, und die Prüfung freischalten."),
        AI_LITERACY,
        WHILE_THE_ACCOUNT_EXISTS,
        SELF_AND_ADMINS,
    ),
    Kind.ASSIGNMENTS: KindNotice(
        _l("Schulungsaufträge und Erinnerungen"),
        _l("Ihnen sagen, welche Schulung bis wann ansteht, und rechtzeitig erinnern."),
        AI_LITERACY,
        WHILE_THE_ACCOUNT_EXISTS,
        _fixed(_l("Sie selbst, Admins und HR-Personen, die Ihre Abteilung sehen.")),
    ),
    Kind.EXAM_RESULTS: KindNotice(
        _l("Prüfungsversuche und Ergebnisse"),
        _l("Ihre Prüfung bewerten und die Schulung nachweisen."),
        AI_LITERACY,
        WHILE_THE_ACCOUNT_EXISTS,
        SELF_AND_ADMINS,
    ),
    Kind.EXAM_ANSWERS: KindNotice(
        _l("Einzelne Antworten in Prüfungen"),
        _l("Ihnen nach der Prüfung zeigen, was richtig und was falsch war."),
        EMPLOYMENT,
        lambda s: _("%(n)d Tage nach der Abgabe; Ergebnis und Bestehen bleiben.", n=s.answers_days),
        _fixed(
            _l("Sie selbst; Admins nur in einer Datenauskunft, die protokolliert wird. Nie HR.")
        ),
    ),
    Kind.CERTIFICATES: KindNotice(
        _l("Zertifikate"),
        _l("Ihre Schulung bescheinigen und prüfbar machen."),
        AI_LITERACY,
        lambda s: _(
            "Solange das Konto besteht. Nach der Löschung des Kontos bleiben Kurs, Version, "
            "Daten, Nummer und Ergebnis unter einem Pseudonym %(n)d Jahre als Nachweis.",
            n=s.evidence_years,
        ),
        _fixed(
            _l(
                "Sie selbst und Admins; wer die Zertifikatsnummer kennt, sieht auf der "
                "Prüfseite Name, Kurs, Aussteller und Daten eines gültigen Zertifikats."
            )
        ),
    ),
    Kind.LINKS: KindNotice(
        _l("Einladungen und Links zum Zurücksetzen des Passworts"),
        _l(
            "Ein Konto anlegen, die eigene E-Mail-Adresse bestätigen oder ein vergessenes Passwort ersetzen."
        ),
        EMPLOYMENT,
        lambda _s: _(
            "Passwort-Links bis sie benutzt werden oder nach %(r)d Stunden ablaufen, "
            "Bestätigungslinks bis zur Bestätigung oder nach %(c)d Stunden. "
            "Einladungen: der Link bis zu seiner Nutzung oder nach %(i)d Tagen, die "
            "Einladung selbst noch %(k)d Tage danach, damit HR sieht, ob sie angenommen wurde.",
            i=INVITATION_DAYS,
            r=RESET_HOURS,
            c=CONFIRMATION_HOURS,
            k=INVITATION_RECORD_DAYS,
        ),
        ADMINS,
    ),
    Kind.AUDIT: KindNotice(
        _l("Auditprotokoll"),
        _l(
            "Nachweisen, wer wann was geändert hat (mit Nummern, ohne Namen oder Inhalte); "
            "manipulationssicher durch eine Hash-Kette."
        ),
        ACCOUNTABILITY,
        lambda s: _(
            "%(y)d Jahre; bei Anmeldungen wird nach %(d)d Tagen entfernt, wer sich angemeldet hat.",
            y=s.audit_years,
            d=s.sign_ins_days,
        ),
        ADMINS,
    ),
    Kind.EVIDENCE: KindNotice(
        _l("Nachweise gelöschter Personen"),
        _l("Die durchgeführte Schulung auch nach der Löschung eines Kontos belegen."),
        _l(
            "Art. 6 Abs. 1 lit. c und f, Art. 17 Abs. 3 lit. b und e DSGVO (Nachweis der "
            "Schulungspflicht nach Art. 4 KI-Verordnung, Abwehr von Ansprüchen)"
        ),
        lambda s: _("%(n)d Jahre nach der Löschung.", n=s.evidence_years),
        ADMINS,
    ),
}


@cache
def tables() -> dict[str, Table]:
    return {table.name: table for table in DOMAIN_TABLES}


def model_table(name: str) -> SqlTable:
    return db.metadata.tables[name]


def owner_target(table: Table) -> str | None:
    """The table whose rows the owner column points at (users for a column without a
    foreign key), or None for a table that belongs to nobody."""
    if table.owner is None:
        return None
    if table.name == ROOT:
        return ROOT
    keys = model_table(table.name).c[table.owner].foreign_keys
    return next(iter(keys)).column.table.name if keys else ROOT


@cache
def owned_in_order() -> tuple[Table, ...]:
    """The tables whose rows belong to a person, each after the table it hangs from."""
    ordered: list[Table] = []
    placed = set()
    pending = [t for t in DOMAIN_TABLES if t.owner is not None]
    while pending:
        ready = [t for t in pending if t.name == ROOT or owner_target(t) in placed]
        if not ready:
            raise RuntimeError(f"owner columns lead nowhere: {[t.name for t in pending]}")
        for table in ready:
            ordered.append(table)
            placed.add(table.name)
            pending.remove(table)
    return tuple(ordered)
