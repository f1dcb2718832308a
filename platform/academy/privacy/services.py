"""Writes: erasing a person, recording exports, changing the privacy settings. They
flush and record an audit event; the caller commits."""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app
from sqlalchemy import delete, func, update
from sqlalchemy.exc import OperationalError

from .. import audit, clock, disclosure, signals
from ..accounts import queries as accounts_queries
from ..accounts import services as accounts
from ..accounts.models import User
from ..certificates.numbers import new_number
from ..certificates.services import add_months
from ..extensions import db
from . import queries, registry, settings
from .models import Erasure
from .outcomes import PrivacyRefusal, PrivacyRefused
from .registry import ROOT

PSEUDONYM_PREFIX = "PSN"


def erase(person: User, by: User | None) -> Erasure:
    """Delete a person (an admin's decision, or retention when `by` is None)."""
    if by is not None and by.id == person.id:
        raise PrivacyRefused(PrivacyRefusal.OWN_ACCOUNT)
    _refuse_last_admin(person)
    return _erase(person, by)


def erase_own_account(person: User, password: str) -> Erasure:
    """A learner deletes their own account, where the settings allow it."""
    if not queries.privacy_settings().self_erasure:
        raise PrivacyRefused(PrivacyRefusal.SELF_ERASURE_OFF)
    if not accounts.password_matches(person, password):
        raise PrivacyRefused(PrivacyRefusal.WRONG_PASSWORD)
    _refuse_last_admin(person)
    return _erase(person, person)


def _refuse_last_admin(person: User) -> None:
    if person.active and "admin" in person.roles and queries.other_active_admins(person) == 0:
        raise PrivacyRefused(PrivacyRefusal.LAST_ADMIN)


def _erase(person: User, by: User | None) -> Erasure:
    """Personal data goes; what other domains keep as evidence of the training stays
    under a random pseudonym until the evidence retention ends. The audit log keeps its
    entries with the former id only."""
    evidence_years = queries.privacy_settings().evidence_years
    # 80 random bits: a collision is so unlikely that the unique key is the only guard.
    erasure = Erasure(
        pseudonym=new_number(PSEUDONYM_PREFIX),
        erased_at=clock.utcnow(),
        keep_until=add_months(clock.today(), 12 * evidence_years),
        evidence=[],
    )
    db.session.add(erasure)
    kept = signals.person_erasing.send(
        current_app._get_current_object(), user=person, pseudonym=erasure.pseudonym
    )
    erasure.evidence = [f"{row.__tablename__}:{row.id}" for _, rows in kept for row in rows or ()]
    db.session.flush()
    audit.record("account.erased", by, erasure, person=person, evidence=len(erasure.evidence))
    _delete_records(person)
    return erasure


def _delete_records(person: User) -> None:
    """Delete every row that belongs to the person (children first), rows naming their
    e-mail address, and their name in rows about others."""
    owned = queries.owned_ids(person)
    for table in reversed(registry.owned_in_order()):
        ids = owned.get(table.name)
        if table.name == ROOT or not ids or not queries.erasable(table):
            continue
        model = registry.model_table(table.name)
        db.session.execute(delete(model).where(model.primary_key.columns[0].in_(ids)))
    for table in registry.DOMAIN_TABLES:
        if not queries.erasable(table):
            continue
        model = registry.model_table(table.name)
        if table.email:
            condition = func.lower(model.c[table.email]) == person.email.lower()
            db.session.execute(delete(model).where(condition))
        for column in table.actors:
            db.session.execute(
                update(model).where(model.c[column] == person.id).values({column: None})
            )
    users = registry.model_table(ROOT)
    db.session.execute(delete(users).where(users.c.id == person.id))
    db.session.expunge(person)


def forget_deleted_rows() -> None:
    """After a commit that deleted a person, on SQLite: deleted rows are overwritten with
    zeros (secure_delete, see factory.py), but copies of them can remain in the unused
    space of pages that were rearranged earlier, and in the write-ahead log. VACUUM
    rewrites the file without them and the checkpoint empties the log, so that a backup
    of the file taken now holds nothing of the person. PostgreSQL: see the README."""
    if db.engine.dialect.name != "sqlite":
        return
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("VACUUM")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError as error:  # busy: the next retention run tries again
        current_app.logger.warning("could not compact the database after deleting: %s", error)


def delete_evidence(erasure: Erasure) -> int:
    """The evidence retention ended: delete the rows kept under the pseudonym."""
    deleted = 0
    for target in erasure.evidence:
        table, _, row_id = target.partition(":")
        model = db.metadata.tables.get(table)
        if model is None or not row_id.isdigit():
            continue
        key = model.primary_key.columns[0]
        deleted += db.session.execute(delete(model).where(key == int(row_id))).rowcount
    db.session.delete(erasure)
    return deleted


def record_export(person: User, by: User, kind: str) -> None:
    """Exports are audited: who got whose data, in which form."""
    audit.record("privacy.exported", by, person, person=person, format=kind)


def record_audit_export(by: User, filters: queries.AuditFilter) -> None:
    audit.record(
        "audit.exported",
        by,
        filter=filters.action,
        person_id=filters.person_id,
        since=filters.since.date().isoformat() if filters.since else None,
        until=filters.until.date().isoformat() if filters.until else None,
    )


def change_settings(new: settings.PrivacySettings, by: User) -> None:
    old = queries.privacy_settings()
    changed = {k: v for k, v in asdict(new).items() if getattr(old, k) != v}
    if not changed:
        return
    accounts.store_site_settings(settings.serialise(new))
    # Texts (a contact, processors) may name people: only their names are recorded.
    audit.record(
        "settings.privacy_changed",
        by,
        **{k: (v if not isinstance(v, str) else "changed") for k, v in changed.items()},
    )


def change_disclosure(new: disclosure.Disclosure, by: User) -> None:
    """What HR and the public may see: part of the works-council agreement, so audited."""
    old = accounts_queries.disclosure()
    changed = {k: v for k, v in asdict(new).items() if getattr(old, k) != v}
    if changed:
        accounts.store_site_settings(disclosure.serialise(new))
        audit.record("settings.disclosure_changed", by, **changed)
