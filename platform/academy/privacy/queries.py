"""Reads: the settings, everything stored about a person, the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select

from .. import audit
from ..accounts import queries as accounts
from ..accounts.models import Role, User
from ..audit import AuditEvent
from ..extensions import db
from ..personal_data import KEEP, Part, Table
from ..web import PAGE_SIZE
from . import registry, settings
from .registry import ROOT


def privacy_settings() -> settings.PrivacySettings:
    return settings.parse(accounts.site_settings(*(settings.PREFIX + n for n in settings.NAMES)))


# --- what is stored about a person ----------------------------------------------------


@dataclass
class Records:
    """Everything the platform holds about one person."""

    person_id: int
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table -> rows, in id order
    # Rows about someone else in which the person acted (revoked a certificate, sent an
    # invitation): (table, row id, column). Only the ids: the rows belong to others.
    acted: list[tuple[str, int, str]] = field(default_factory=list)

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def records(person: User) -> Records:
    found = Records(person.id)
    for table, rows in _owned_rows(person).items():
        found.rows[table] = [_visible(registry.tables()[table], row) for row in rows]
    for table in registry.DOMAIN_TABLES:
        if table.email:
            _add(found, table, _rows_with_email(table, person.email))
        for column in table.actors:
            found.acted.extend(_acted_in(table, column, person.id, found))
    return found


def owned_ids(person: User) -> dict[str, list[int]]:
    """Per table, the ids of the rows that belong to the person (users included)."""
    return {
        table: [row[_key(table)] for row in rows] for table, rows in _owned_rows(person).items()
    }


def _owned_rows(person: User) -> dict[str, list[dict]]:
    """Follow the owner columns from the person's users row down: a row belongs to the
    person when its owner column points at a row that does."""
    found: dict[str, list[dict]] = {}
    ids: dict[str, list[int]] = {}
    for table in registry.owned_in_order():
        model = registry.model_table(table.name)
        if table.name == ROOT:
            condition = model.c.id == person.id
        else:
            parents = ids.get(registry.owner_target(table) or ROOT, [])
            if not parents:
                continue
            condition = model.c[table.owner].in_(parents)
        rows = [dict(r) for r in db.session.execute(_ordered(model, condition)).mappings()]
        if rows:
            found[table.name] = rows
            ids[table.name] = [row[_key(table.name)] for row in rows]
    return found


def _ordered(model, condition) -> Select:
    return select(model).where(condition).order_by(*model.primary_key.columns)


def _key(table: str) -> str:
    return next(iter(registry.model_table(table).primary_key.columns)).name


def _visible(table: Table, row: dict) -> dict:
    """The columns an export shows: personal items and references, never secrets."""
    shown = table.items(Part.ITEM, Part.REFERENCE)
    return {name: value for name, value in row.items() if name in shown or name == _key(table.name)}


def _rows_with_email(table: Table, email: str) -> list[dict]:
    model = registry.model_table(table.name)
    condition = func.lower(model.c[table.email]) == email.lower()
    return [
        _visible(table, dict(r)) for r in db.session.execute(_ordered(model, condition)).mappings()
    ]


def _add(found: Records, table: Table, rows: list[dict]) -> None:
    known = {row[_key(table.name)] for row in found.rows.get(table.name, [])}
    new = [row for row in rows if row[_key(table.name)] not in known]
    if new:
        found.rows.setdefault(table.name, []).extend(new)


def _acted_in(table: Table, column: str, person_id: int, found: Records):
    model = registry.model_table(table.name)
    key = model.c[_key(table.name)]
    own = {row[key.name] for row in found.rows.get(table.name, [])}
    for (row_id,) in db.session.execute(
        select(key).where(model.c[column] == person_id).order_by(key)
    ):
        if row_id not in own:
            yield (table.name, row_id, column)


def erasable(table: Table) -> bool:
    return table.on_erasure != KEEP


# --- people ---------------------------------------------------------------------------


def people_page(search: str, page: int):
    return accounts.users_page(search, page)


def person(user_id: int) -> User | None:
    return accounts.user_by_id(user_id)


def other_active_admins(person: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .join(Role)
            .where(Role.name == "admin", User.active, User.id != person.id)
        )
        or 0
    )


# --- the audit log --------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""  # an action ("account.signed_in") or a thing ("account")
    person_id: int | None = None  # as actor or as the person concerned
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def _audit_query(filters: AuditFilter) -> Select:
    query = select(AuditEvent)
    if filters.action:
        if "." in filters.action:
            query = query.where(AuditEvent.action == filters.action)
        else:
            query = query.where(AuditEvent.action.startswith(filters.action + "."))
    if filters.person_id is not None:
        query = query.where(
            (AuditEvent.actor_id == filters.person_id) | (AuditEvent.person_id == filters.person_id)
        )
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.at < filters.until)
    return query


def audit_page(filters: AuditFilter, page: int):
    query = _audit_query(filters).order_by(AuditEvent.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def audit_rows(filters: AuditFilter) -> Iterator[AuditEvent]:
    """All matching events in order (for the CSV export)."""
    return _in_batches(_audit_query(filters))


def _in_batches(query: Select, size: int = 1000) -> Iterator[AuditEvent]:
    """Events in id order, a batch at a time, each batch let go after use: the log may
    hold millions of entries. (Keyset paging, not a server-side cursor that a reader
    stopping early would leave open.)"""
    last = 0
    while True:
        batch = db.session.scalars(
            query.where(AuditEvent.id > last).order_by(AuditEvent.id).limit(size)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id
        for event in batch:
            db.session.expunge(event)


def audit_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def names(ids: set[int]) -> dict[int, str]:
    """Current names for the ids an audit page shows (deleted people have none)."""
    if not ids:
        return {}
    return {i: n for i, n in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))}


def latest_event(action: str) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == action)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def first_kept() -> int | None:
    """The first entry the latest pruning kept, as its audit.pruned entry says."""
    pruned = latest_event(audit.PRUNED)
    return pruned.details.get("first_kept") if pruned is not None else None


def chain() -> Iterator[AuditEvent]:
    return _in_batches(select(AuditEvent))


def erased_people() -> list[tuple[int, datetime]]:
    """(former id, when) of every erasure the audit log still holds."""
    query = (
        select(AuditEvent.person_id, AuditEvent.at)
        .where(AuditEvent.action == "account.erased")
        .order_by(AuditEvent.id)
    )
    return [(i, at) for i, at in db.session.execute(query)]
