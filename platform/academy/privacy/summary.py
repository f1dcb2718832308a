"""The readable summary of a person's data and the privacy notice, as view models built
from the registry (so a new table or column shows up without a template change)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from ..personal_data import Kind, Part
from . import registry
from .queries import Records
from .settings import PrivacySettings

# Shown inside the attempt they belong to, not as tables of their own.
NESTED = {"exam_results", "exam_draft_answers"}
HIDDEN = {"exam_attempts": {"questions"}}  # shown as a list of questions instead
WIDE = 4  # more columns than this: one block per row instead of a table


@dataclass(frozen=True)
class Section:
    table: str
    title: str
    columns: list[tuple[str, str]]  # (name, label)
    rows: list[dict]

    @property
    def wide(self) -> bool:
        return len(self.columns) > WIDE


def sections(records: Records) -> list[Section]:
    found = []
    for table in registry.DOMAIN_TABLES:
        rows = records.rows.get(table.name)
        if not rows or table.name in NESTED:
            continue
        hidden = HIDDEN.get(table.name, set())
        columns = [
            (name, str(column.label))
            for name, column in table.items(Part.ITEM).items()
            if name not in hidden
        ]
        found.append(Section(table.name, str(table.title), columns, rows))
    return found


@dataclass(frozen=True)
class ShownQuestion:
    prompt_html: str
    options: list[tuple[str, bool]]  # (html, chosen)


def questions(records: Records) -> dict[int, list[ShownQuestion]]:
    """Per attempt: the questions shown, in order, and the options the person chose
    (from the result, or from the saved drafts of an attempt not yet graded)."""
    chosen: dict[int, dict[str, list]] = {}
    for draft in records.rows.get("exam_draft_answers", []):
        chosen.setdefault(draft["attempt_id"], {})[draft["question_id"]] = draft["options"]
    for result in records.rows.get("exam_results", []):
        if result["answers"]:
            chosen[result["attempt_id"]] = result["answers"]
    shown = {}
    for attempt in records.rows.get("exam_attempts", []):
        answers = chosen.get(attempt["id"], {})
        shown[attempt["id"]] = [
            ShownQuestion(
                q["prompt"],
                [(o["html"], o["id"] in answers.get(q["id"], ())) for o in q["options"]],
            )
            for q in attempt["questions"]
        ]
    return shown


def results(records: Records) -> dict[int, dict]:
    return {row["attempt_id"]: row for row in records.rows.get("exam_results", [])}


def result_columns() -> list[tuple[str, str]]:
    """The result's columns shown with its attempt (the answers are in the questions)."""
    table = registry.tables()["exam_results"]
    return [(n, str(c.label)) for n, c in table.items(Part.ITEM).items() if n != "answers"]


def value(value) -> str:
    """One stored value, for reading."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, datetime):
        return format_datetime(value, "short")
    if isinstance(value, date):
        return format_date(value, "medium")
    if isinstance(value, list):
        return "; ".join(_part(v) for v in value) or "–"
    if isinstance(value, dict):
        return _part(value) or "–"
    return str(value)


def _part(value) -> str:
    """A list item or a mapping in words: "key: value, …"; a titled one by its title
    (a certificate's modules)."""
    if isinstance(value, dict):
        if "title" in value:
            return str(value["title"])
        return "; ".join(f"{k}: {_part(v)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(_part(v) for v in value)
    return str(value)


# --- the privacy notice ---------------------------------------------------------------


@dataclass(frozen=True)
class NoticeEntry:
    kind: Kind
    title: str
    items: list[str]
    purpose: str
    legal_basis: str
    retention: str
    seen_by: str


def notice(settings: PrivacySettings) -> list[NoticeEntry]:
    entries = []
    for kind, text in registry.KINDS.items():
        items = [
            str(column.label)
            for table in registry.DOMAIN_TABLES
            for column in table.items().values()
            if column.kind is kind
        ]
        entries.append(
            NoticeEntry(
                kind,
                str(text.title),
                list(dict.fromkeys(items)),  # the same words from two tables: once
                str(text.purpose),
                str(text.legal_basis),
                text.retention(settings),
                text.seen_by(settings),
            )
        )
    return entries


def processors(settings: PrivacySettings) -> list[str]:
    """Who processes data on the operator's behalf, as far as the configuration tells."""
    config = current_app.config["SETTINGS"]
    found = []
    if config.smtp_host:
        found.append(_("E-Mail-Versand über den Mailserver %(host)s", host=config.smtp_host))
    if config.oidc is not None:
        found.append(
            _(
                "Anmeldung mit dem Firmenkonto über %(issuer)s (erhält die Anmeldungen, übermittelt Name, E-Mail-Adresse, Abteilung und Gruppen)",
                issuer=urlsplit(config.oidc.issuer).hostname or config.oidc.issuer,
            )
        )
    found.extend(line.strip() for line in settings.processors.splitlines() if line.strip())
    return found
