"""The people import: a CSV file with a header row, UTF-8 with or without BOM, comma or
semicolon as Excel writes them.

    email,name,department,location,manager_email,employee_number,roles,language

`email`, `name` and `department` are required columns; a missing optional column leaves
that field as it is, an empty cell clears it. Roles are added, never taken away (that is
an admin's decision in the user administration).

Reading checks every line and reports each problem with its line number; only a file
without problems is applied, all-or-nothing, and applying it again changes nothing
(people are matched by e-mail address). A dry run applies it in a savepoint and rolls
back, so it finds exactly what a real import would.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts import queries as people
from ..accounts import services as accounts
from ..accounts.access import ROLES
from ..accounts.models import Department, User, department_key
from ..accounts.outcomes import AccountRefused
from ..config import LANGUAGES
from ..emails import MAX_LENGTH, is_email, normalize_email
from ..extensions import db
from ..forms import NAME_MESSAGES
from ..names import clean_name, name_problem
from .queries import Scope

COLUMNS = (
    "email",
    "name",
    "department",
    "location",
    "manager_email",
    "employee_number",
    "roles",
    "language",
)
REQUIRED = ("email", "name", "department")
LIMITS = {"name": 200, "department": 120, "location": 120, "employee_number": 50}
ROLE_SEPARATORS = re.compile(r"[\s,;|+/]+")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str  # a lazy gettext string, shown in the reader's language


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    name: str
    department: str
    # None: the column is not in the file (leave the field as it is); "" clears it.
    location: str | None = None
    manager_email: str | None = None
    employee_number: str | None = None
    roles: tuple[str, ...] = ()
    language: str | None = None


@dataclass
class Report:
    """What an import found and did (or, in a dry run, would do)."""

    rows: int = 0
    created: list[str] = field(default_factory=list)  # e-mail addresses
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    departments_created: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    deactivated: list[str] = field(default_factory=list)  # sync: active people not in the file


# --- reading ------------------------------------------------------------------------------


def read(data: bytes) -> tuple[list[Row], list[Problem]]:
    """Parse and check the file on its own (no database): rows and problems."""
    text, problem = _decode(data)
    if problem is not None:
        return [], [problem]
    lines = text.splitlines(keepends=True)
    if not lines or not lines[0].strip():
        return [], [Problem(1, _l("Die Datei ist leer oder die erste Zeile (Spaltenköpfe) fehlt."))]
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, problems = _header(next(reader))
    if problems:
        return [], problems
    rows: list[Row] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # empty lines, as spreadsheets leave them at the end
        row, found = _row(line, header, cells)
        problems += found
        if row is not None:
            rows.append(row)
    return rows, problems + _duplicates(rows)


def _decode(data: bytes) -> tuple[str, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return "", Problem(
            line,
            _l(
                "Die Datei ist nicht in UTF-8 gespeichert. Speichern Sie sie in Excel als „CSV UTF-8“."
            ),
        )


def _header(cells: list[str]) -> tuple[list[str], list[Problem]]:
    names = [c.strip().lower().lstrip("\ufeff") for c in cells]
    while names and not names[-1]:
        names.pop()  # trailing empty columns, as Excel sometimes writes them
    problems = [
        Problem(
            1,
            _l(
                "Unbekannte Spalte „%(name)s“. Erlaubt sind: %(columns)s",
                name=n,
                columns=", ".join(COLUMNS),
            ),
        )
        for n in names
        if n not in COLUMNS
    ]
    problems += [
        Problem(1, _l("Die Spalte „%(name)s“ fehlt in der ersten Zeile.", name=n))
        for n in REQUIRED
        if n not in names
    ]
    doubled = sorted({n for n in names if names.count(n) > 1})
    problems += [Problem(1, _l("Die Spalte „%(name)s“ steht doppelt da.", name=n)) for n in doubled]
    return names, problems


def _row(line: int, header: list[str], cells: list[str]) -> tuple[Row | None, list[Problem]]:
    if len([c for c in cells[len(header) :] if c.strip()]) > 0:
        return None, [
            Problem(
                line, _l("Mehr Werte als Spalten: prüfen Sie Trennzeichen und Anführungszeichen.")
            )
        ]
    values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
    problems = _check_values(line, values)
    if problems:
        return None, problems
    return Row(
        line=line,
        email=normalize_email(values["email"]),
        name=clean_name(values["name"]),
        department=" ".join(values["department"].split()),
        location=values.get("location"),
        manager_email=normalize_email(values["manager_email"])
        if "manager_email" in values
        else None,
        employee_number=values.get("employee_number"),
        roles=tuple(r for r in ROLE_SEPARATORS.split(values.get("roles", "").lower()) if r),
        language=values.get("language", "").lower() if "language" in values else None,
    ), []


def _check_values(line: int, values: dict[str, str]) -> list[Problem]:
    problems = []
    for name in REQUIRED:
        if not values.get(name):
            problems.append(Problem(line, _l("„%(name)s“ ist leer.", name=name)))
    name_error = name_problem(values["name"]) if values.get("name") else None
    if name_error is not None:
        problems.append(Problem(line, NAME_MESSAGES[name_error]))
    if values.get("email") and not is_email(values["email"]):
        problems.append(
            Problem(
                line, _l("„%(value)s“ ist keine gültige E-Mail-Adresse.", value=values["email"])
            )
        )
    manager = values.get("manager_email", "")
    if manager and not is_email(manager):
        problems.append(
            Problem(line, _l("„%(value)s“ ist keine gültige E-Mail-Adresse.", value=manager))
        )
    elif manager and normalize_email(manager) == normalize_email(values.get("email", "")):
        problems.append(Problem(line, _l("Eine Person kann nicht ihre eigene Führungskraft sein.")))
    for name, limit in {**LIMITS, "email": MAX_LENGTH}.items():
        if len(values.get(name, "")) > limit:
            problems.append(
                Problem(
                    line, _l("„%(name)s“ ist länger als %(limit)d Zeichen.", name=name, limit=limit)
                )
            )
    unknown = [
        r for r in ROLE_SEPARATORS.split(values.get("roles", "").lower()) if r and r not in ROLES
    ]
    if unknown:
        problems.append(
            Problem(
                line,
                _l(
                    "Unbekannte Rolle „%(role)s“. Erlaubt sind: %(roles)s",
                    role=unknown[0],
                    roles=", ".join(ROLES),
                ),
            )
        )
    language = values.get("language", "").lower()
    if language and language not in LANGUAGES:
        problems.append(
            Problem(
                line, _l("Unbekannte Sprache „%(value)s“. Erlaubt sind: de, en", value=language)
            )
        )
    return problems


def _duplicates(rows: list[Row]) -> list[Problem]:
    problems = []
    first_line: dict[tuple[str, str], int] = {}
    for row in rows:
        for kind, value in (("email", row.email), ("employee_number", row.employee_number)):
            if not value:
                continue
            seen = first_line.setdefault((kind, value), row.line)
            if seen != row.line:
                problems.append(
                    Problem(
                        row.line,
                        _l("„%(value)s“ steht schon in Zeile %(line)d.", value=value, line=seen),
                    )
                )
    return problems


# --- checking against the platform and applying -----------------------------------------


@dataclass
class Context:
    """What checking and applying need to know about the platform: the people the file
    names, the departments, who imports and what they may see."""

    by: User | None  # None: a command (the platform itself, sees everything)
    scope: Scope
    existing: dict[str, User]
    departments: dict[str, Department | None]  # department_key -> department (None: new)
    numbers: dict[str, str]  # employee number -> address of who holds it now

    @property
    def may_give_roles(self) -> bool:
        return self.by is None or self.by.has_any_role("admin")


def context(rows: list[Row], by: User | None, scope: Scope) -> Context:
    """A few queries for the whole file, not one per line."""
    emails = {r.email for r in rows} | {r.manager_email for r in rows if r.manager_email}
    names = {department_key(r.department): r.department for r in rows}
    departments = {key: people.department_by_name(name) for key, name in names.items()}
    numbers = people.emails_by_employee_number(
        {r.employee_number for r in rows if r.employee_number}
    )
    return Context(by, scope, people.users_by_emails(emails), departments, numbers)


def check(rows: list[Row], ctx: Context) -> list[Problem]:
    """What the platform says about each row: scope, roles, numbers, managers."""
    in_file = {r.email for r in rows}
    problems = []
    for row in rows:
        problems += _check_row(row, ctx, in_file)
    return problems


def _check_row(row: Row, ctx: Context, in_file: set[str]) -> list[Problem]:
    problems = []
    department = ctx.departments[department_key(row.department)]
    person = ctx.existing.get(row.email)
    if person is not None and not ctx.scope.covers(person):
        problems.append(
            Problem(
                row.line,
                _l(
                    "%(email)s gehört zu einer Abteilung außerhalb Ihres Bereichs.", email=row.email
                ),
            )
        )
    elif department is None and not ctx.scope.everything:
        problems.append(
            Problem(
                row.line,
                _l(
                    "Die Abteilung „%(name)s“ gibt es noch nicht. Neue Abteilungen legt an, wer alle Abteilungen sieht.",
                    name=row.department,
                ),
            )
        )
    elif not ctx.scope.covers_department(department):
        problems.append(
            Problem(
                row.line,
                _l("Die Abteilung „%(name)s“ liegt nicht in Ihrem Bereich.", name=row.department),
            )
        )
    if set(row.roles) - {"learner"} and not ctx.may_give_roles:
        problems.append(Problem(row.line, _l("Nur Admins vergeben andere Rollen als „learner“.")))
    holder = ctx.numbers.get(row.employee_number or "")
    if holder is not None and holder != row.email:
        problems.append(
            Problem(
                row.line,
                _l(
                    "Die Personalnummer %(number)s gehört schon %(email)s.",
                    number=row.employee_number,
                    email=holder,
                ),
            )
        )
    if (
        row.manager_email
        and row.manager_email not in in_file
        and row.manager_email not in ctx.existing
    ):
        problems.append(
            Problem(
                row.line,
                _l(
                    "Die Führungskraft %(email)s steht weder in der Datei noch auf der Plattform.",
                    email=row.manager_email,
                ),
            )
        )
    return problems


@dataclass(frozen=True)
class Sync:
    """The directory sync: everyone active who is not in the file is deactivated,
    unless that is more than `limit` people (a truncated export must not lock out the
    company). `keep` are addresses never deactivated (the break-glass admins)."""

    limit: int | None = None
    share: float | None = None  # of the active people, e.g. 0.1
    keep: tuple[str, ...] = ()

    def allowed(self, active: int) -> int:
        if self.limit is not None:
            return self.limit
        return int(active * (self.share or 0))


def run(
    data: bytes,
    by: User | None,
    scope: Scope,
    *,
    dry_run: bool,
    invite: bool,
    sync: Sync | None = None,
):
    """Check the file and apply it (dry run: apply in a savepoint, then roll back).
    Returns the report and, for `invite`, (address, token) of each new person; with
    problems nothing is changed and no token is made. With `sync`, everyone active who
    is not in the file is deactivated as well."""
    rows, problems = read(data)
    report = Report(rows=len(rows), dry_run=dry_run)
    ctx = context(rows, by, scope)
    problems += check(rows, ctx) if not problems else []
    if problems:
        report.problems = sorted(problems, key=lambda p: p.line)
        return report, []
    savepoint = db.session.begin_nested()
    tokens = _apply(rows, ctx, report, invite=invite and not dry_run)
    if sync is not None and not report.problems:
        _deactivate_missing(rows, report, sync, by)
    if dry_run or report.problems:
        savepoint.rollback()
        return report, []
    savepoint.commit()
    audit.record(
        "people.imported",
        by,
        rows=report.rows,
        created=len(report.created),
        updated=len(report.updated),
        departments_created=report.departments_created,
        deactivated=len(report.deactivated),
    )
    return report, tokens


def _deactivate_missing(rows: list[Row], report: Report, sync: Sync, by: User | None) -> None:
    """Deactivate the active people the file leaves out; their history and
    certificates stay (deactivation deletes nothing)."""
    in_file = {row.email for row in rows} | set(sync.keep)
    active = people.active_people()
    leaving = [person for person in active if person.email not in in_file]
    allowed = sync.allowed(len(active))
    if len(leaving) > allowed:
        report.problems.append(
            Problem(
                1,
                _l(
                    "%(count)d von %(active)d aktiven Personen stehen nicht in der Datei; höchstens %(allowed)d dürfen gesperrt werden. Prüfen Sie die Datei oder erhöhen Sie die Grenze.",
                    count=len(leaving),
                    active=len(active),
                    allowed=allowed,
                ),
            )
        )
        return
    report.deactivated = sorted(person.email for person in leaving)
    accounts.deactivate_people(leaving, by)


def _apply(rows: list[Row], ctx: Context, report: Report, invite: bool) -> list[tuple[str, str]]:
    """New people in one batch, then changes to known people, then every manager (they
    may come later in the file). A refusal becomes a problem on its line."""
    departments = _departments(rows, ctx, report)
    lines = {row.email: row.line for row in rows}
    new = [row for row in rows if row.email not in ctx.existing]
    created = accounts.create_people([_new_person(r, departments) for r in new], ctx.by)
    report.created = [person.email for person in created]
    known = {**ctx.existing, **{person.email: person for person in created}}
    tokens = []
    for person in created if invite else ():
        try:
            tokens.append((person.email, accounts.create_invitation(person.email, (), ctx.by)))
        except AccountRefused as refusal:  # an address nobody can sign in with
            report.problems.append(Problem(lines[person.email], refusal.message))
    changed = set()
    for row in rows:
        if row.email in ctx.existing:
            try:
                if _update(ctx.existing[row.email], row, departments, ctx.by):
                    changed.add(row.email)
            except AccountRefused as refusal:
                report.problems.append(Problem(row.line, refusal.message))
    pairs = [
        (known[row.email], known.get(row.manager_email) if row.manager_email else None)
        for row in rows
        if row.manager_email is not None
    ]
    try:
        changed.update(person.email for person in accounts.set_managers(pairs, ctx.by))
    except AccountRefused as refusal:
        report.problems.append(
            Problem(lines.get(refusal.details.get("email", ""), 1), refusal.message)
        )
    report.updated = sorted(changed - set(report.created))
    report.unchanged = len(rows) - len(report.created) - len(report.updated)
    return tokens


def _departments(rows: list[Row], ctx: Context, report: Report) -> dict[str, Department]:
    """Department key -> department; a new one is named as the file first spells it."""
    result = {key: d for key, d in ctx.departments.items() if d is not None}
    for row in rows:
        key = department_key(row.department)
        if key not in result:
            result[key] = accounts.create_department(row.department, ctx.by)
            report.departments_created.append(result[key].name)
    return result


def _details(row: Row, departments: dict[str, Department]) -> dict:
    """The fields the file sets: columns it does not have are left out."""
    details: dict = {"department": departments[department_key(row.department)]}
    if row.location is not None:
        details["location"] = row.location or None
    if row.employee_number is not None:
        details["employee_number"] = row.employee_number or None
    if row.language is not None:
        details["locale"] = row.language or None
    return details


def _new_person(row: Row, departments: dict[str, Department]) -> dict:
    roles = ("learner", *row.roles)
    return {"email": row.email, "name": row.name, "roles": roles, **_details(row, departments)}


def _update(person: User, row: Row, departments: dict[str, Department], by: User | None) -> bool:
    """True when something changed."""
    changed = accounts.update_person(person, by, name=row.name, **_details(row, departments))
    added = accounts.add_roles(person, row.roles, by)
    return bool(changed or added)
