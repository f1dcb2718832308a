"""The tables HR downloads, in the reader's language: the filtered list of people and
the evidence report (as rows for CSV/XLSX, or as the auditor's PDF). The browser and
the command line use the same functions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from ..accounts.queries import department_by_id, disclosure
from ..extensions import db
from . import evidence
from .forms import STATUS_LABELS
from .queries import ListFilters, Scope, list_export_rows

if TYPE_CHECKING:
    from . import pdf


def status_labels() -> dict[str, str]:
    """Every status in the reader's language, looked up once per download (a lookup per
    row would cost more than reading the row)."""
    labels = {str(k): str(v) for k, v in STATUS_LABELS.items()}
    return {
        **labels,
        "revoked": _("Zertifikat widerrufen"),
        "yes": _("ja"),
        "course": _("Pflichtschulung"),
        "retraining": _("Nachschulung"),
    }


def people_table(
    scope: Scope, today: date, filters: ListFilters, titles: dict[str, str]
) -> tuple[list[str], Iterator[Sequence]]:
    header = [
        _("Name"),
        _("E-Mail"),
        _("Personalnummer"),
        _("Abteilung"),
        _("Standort"),
        _("Führungskraft"),
        _("Kurs"),
        _("Fällig am"),
        _("Status"),
        _("Überfällig"),
        _("Gültig bis"),
        _("Art"),  # last: columns people read by position stay where they were
    ]
    query = list_export_rows(scope, today, filters).execution_options(yield_per=500)
    labels = status_labels()

    def rows() -> Iterator[Sequence]:
        for row in db.session.execute(query):
            *person, course, due_on, status, overdue, valid_until, kind = row
            yield [
                *person,
                titles.get(course, course),
                due_on,
                labels.get(status, status),
                labels["yes"] if overdue else "",
                valid_until,
                labels.get(kind, kind),
            ]

    return header, rows()


def _evidence_header() -> list[str]:
    return [
        _("Person"),
        _("Personalnummer"),
        _("Abteilung"),
        _("Kurs"),
        _("Kursversion"),
        _("Stand"),
        _("Zertifikatsnummer"),
        _("Ausgestellt"),
        _("Gültig bis"),
        _("Ergebnis (%)"),
        _("Status"),
    ]


SCORE_COLUMN = 9  # "Ergebnis (%)" in the evidence report


def _shown(row: list, scores: bool) -> list:
    """The row as HR may see it: scores only where the privacy settings allow them."""
    return row if scores else row[:SCORE_COLUMN] + row[SCORE_COLUMN + 1 :]


def _status(row: evidence.EvidenceRow, today: date, labels: dict[str, str]) -> str:
    parts = [labels[row.status(today)]]
    if row.retraining_due is not None:
        # Certified on an outdated version: the open retraining is part of the evidence.
        parts.append(
            _("Nachschulung offen, fällig am %(date)s", date=row.retraining_due.isoformat())
        )
    if row.overdue(today):
        parts.append(labels["overdue"])
    return ", ".join(parts)


def evidence_table(
    scope: Scope, today: date, filters: evidence.Filters, titles: dict[str, str]
) -> tuple[list[str], Iterator[Sequence]]:
    labels, scores = status_labels(), disclosure().hr_sees_scores

    def rows() -> Iterator[Sequence]:
        for row in evidence.rows(scope, filters):
            line = [
                row.person,
                row.employee_number,
                row.department,
                row.course_title or titles.get(row.course_slug, row.course_slug),
                row.course_version,
                row.as_of,
                row.certificate_number,
                row.issued.date() if row.issued else None,
                row.valid_until,
                row.score,
                _status(row, today, labels),
            ]
            yield _shown(line, scores)

    return _shown(_evidence_header(), scores), rows()


def evidence_pdf(
    scope: Scope, today: date, filters: evidence.Filters, titles: dict[str, str]
) -> bytes:
    """The whole report in one PDF: its rows are held in memory while it is laid out."""
    versions: set[tuple[str, str]] = set()
    rows, first_issue, labels = [], None, status_labels()
    scores = disclosure().hr_sees_scores
    for row in evidence.rows(scope, filters):
        if row.course_version:
            versions.add((row.course_slug, row.course_version))
        if row.issued is not None:
            first_issue = min(first_issue or row.issued.date(), row.issued.date())
        rows.append(_shown(_pdf_row(row, today, titles, labels), scores))
    texts = _pdf_texts(today, first_issue, filters, titles, scores)
    from . import pdf  # fpdf2 is imported on the first report, not at every worker's start

    return pdf.render(texts, evidence.course_versions(versions), rows)


def _day(value: date | None) -> str:
    return format_date(value, format="medium") if value else ""


def _pdf_row(
    row: evidence.EvidenceRow, today: date, titles: dict[str, str], labels: dict[str, str]
) -> list[str]:
    return [
        row.person,
        row.employee_number or "",
        row.department or "",
        row.course_title or titles.get(row.course_slug, row.course_slug),
        row.course_version or "",
        row.as_of or "",
        row.certificate_number or "",
        _day(row.issued.date() if row.issued else None),
        _day(row.valid_until),
        str(row.score) if row.score is not None else "",
        _status(row, today, labels),
    ]


def _pdf_texts(
    today: date,
    first_issue: date | None,
    filters: evidence.Filters,
    titles: dict[str, str],
    scores: bool,
) -> pdf.Texts:
    organisation = current_app.config["SETTINGS"].organisation
    chosen = []
    if filters.course:
        chosen.append(_("Kurs: %(title)s", title=titles.get(filters.course, filters.course)))
    if filters.department_id is not None:
        department = department_by_id(filters.department_id)
        chosen.append(_("Abteilung: %(name)s", name=department.name if department else "?"))
    period = (
        _("Zeitraum: %(start)s bis %(end)s", start=_day(first_issue), end=_day(today))
        if first_issue
        else _("Zeitraum: bis %(end)s", end=_day(today))
    )
    from . import pdf

    return pdf.Texts(
        title=_("Schulungsnachweis KI-Kompetenz"),
        organisation=_("Organisation: %(name)s", name=organisation),
        created=_("Erstellt am %(date)s", date=_day(today)),
        period=period,
        filters=" · ".join(chosen) or _("Alle Kurse und alle Abteilungen im Bereich"),
        versions_title=_("Kursversionen und Lernziele"),
        version=_("Version"),
        as_of=_("Stand"),
        table_title=_("Personen"),
        header=_shown(_evidence_header(), scores),
        empty=_("Keine Einträge."),
        page=_("Seite"),
    )
