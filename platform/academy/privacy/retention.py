"""The retention rules: what is deleted when, split by kind of data.

`flask --app app retention run` applies them (daily, from cron); `--dry-run` and the
admin page count what the next run would delete without changing anything. Every rule
reads the time through academy.clock, so tests can move it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, Text, cast, func, or_, select, update

from .. import audit, clock, outbox
from ..accounts.models import EmailConfirmation, Invitation, PasswordReset, User
from ..accounts.services import INVITATION_DAYS
from ..audit import AuditEvent
from ..certificates.services import add_months
from ..exams.models import ExamAttempt, ExamDraftAnswer, ExamResult
from ..extensions import db
from . import queries, services
from .models import Erasure
from .settings import INVITATION_RECORD_DAYS, PrivacySettings


@dataclass(frozen=True)
class Rule:
    name: str  # in the command's output (English, like every command)
    deletes: str  # what it deletes, for the command's output
    description: object  # the same for the admin page (lazy gettext)
    count: Callable[[PrivacySettings, datetime], int]
    apply: Callable[[PrivacySettings, datetime], int]


def _scalar_count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


# --- used or expired links ------------------------------------------------------------


LINKS = (Invitation, PasswordReset, EmailConfirmation)


def _spent(model, now: datetime) -> Select:
    if model is Invitation:
        before = now - timedelta(days=INVITATION_RECORD_DAYS)
        return select(model.id).where(or_(model.used_at < before, model.expires_at < before))
    if model is EmailConfirmation:  # deleted on use; what is left expires
        return select(model.id).where(model.expires_at < now)
    return select(model.id).where(or_(model.used_at.is_not(None), model.expires_at < now))


def _count_links(_settings: PrivacySettings, now: datetime) -> int:
    return sum(_scalar_count(_spent(m, now)) for m in LINKS)


def _delete_links(_settings: PrivacySettings, now: datetime) -> int:
    deleted = 0
    for model in LINKS:
        ids = list(db.session.scalars(_spent(model, now)))
        deleted += db.session.query(model).filter(model.id.in_(ids)).delete() if ids else 0
    return deleted


# --- mails that waited in the outbox too long -----------------------------------------


def _outbox_before(now: datetime) -> datetime:
    """A sent mail is deleted at once; one that waited this long holds expired links."""
    return now - timedelta(days=INVITATION_DAYS)


def _count_outbox(_settings: PrivacySettings, now: datetime) -> int:
    return outbox.count_older_than(_outbox_before(now))


def _delete_outbox(_settings: PrivacySettings, now: datetime) -> int:
    return outbox.delete_older_than(_outbox_before(now))


# --- individual exam answers ----------------------------------------------------------


def _answers_before(settings: PrivacySettings, now: datetime) -> datetime:
    return now - timedelta(days=settings.answers_days)


def _old_results(settings: PrivacySettings, now: datetime) -> Select:
    # Compared as text: PostgreSQL's json type has no equality.
    return select(ExamResult.id).where(
        ExamResult.graded_at < _answers_before(settings, now),
        cast(ExamResult.answers, Text) != "{}",
    )


def _old_drafts(settings: PrivacySettings, now: datetime) -> Select:
    """Answers saved during attempts handed in (or run out) before the limit."""
    cutoff = _answers_before(settings, now)
    finished = or_(
        ExamAttempt.submitted_at < cutoff,
        (ExamAttempt.submitted_at.is_(None)) & (ExamAttempt.deadline_at < cutoff),
    )
    return (
        select(ExamDraftAnswer.id)
        .join(ExamAttempt, ExamAttempt.id == ExamDraftAnswer.attempt_id)
        .where(finished)
    )


def _count_answers(settings: PrivacySettings, now: datetime) -> int:
    return _scalar_count(_old_results(settings, now)) + _scalar_count(_old_drafts(settings, now))


def _delete_answers(settings: PrivacySettings, now: datetime) -> int:
    results = list(db.session.scalars(_old_results(settings, now)))
    if results:
        db.session.execute(update(ExamResult).where(ExamResult.id.in_(results)).values(answers={}))
    drafts = list(db.session.scalars(_old_drafts(settings, now)))
    if drafts:
        db.session.query(ExamDraftAnswer).filter(ExamDraftAnswer.id.in_(drafts)).delete()
    return len(results) + len(drafts)


# --- sign-in times --------------------------------------------------------------------


def _sign_ins_before(settings: PrivacySettings, now: datetime) -> datetime:
    return now - timedelta(days=settings.sign_ins_days)


def _old_logins(settings: PrivacySettings, now: datetime) -> Select:
    return select(User.id).where(User.last_login_at < _sign_ins_before(settings, now))


def _old_sign_in_events(settings: PrivacySettings, now: datetime) -> Select:
    return select(AuditEvent.id).where(
        AuditEvent.action.in_(audit.REDACTABLE),
        AuditEvent.at < _sign_ins_before(settings, now),
        AuditEvent.redacted_at.is_(None),
    )


def _count_sign_ins(settings: PrivacySettings, now: datetime) -> int:
    return _scalar_count(_old_logins(settings, now)) + _scalar_count(
        _old_sign_in_events(settings, now)
    )


def _remove_sign_ins(settings: PrivacySettings, now: datetime) -> int:
    users = list(db.session.scalars(_old_logins(settings, now)))
    if users:
        db.session.execute(update(User).where(User.id.in_(users)).values(last_login_at=None))
    events = list(db.session.scalars(_old_sign_in_events(settings, now)))
    if events:
        # The body goes, its digest stays: the chain still verifies (see audit.py).
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id.in_(events))
            .values(actor_id=None, person_id=None, targets=[], details={}, redacted_at=now)
        )
    return len(users) + len(events)


# --- people deactivated long ago ------------------------------------------------------


def _deactivated_before(settings: PrivacySettings, now: datetime) -> datetime:
    return datetime.combine(add_months(now.date(), -settings.deactivated_months), now.time())


def _long_deactivated(settings: PrivacySettings, now: datetime) -> Select:
    return select(User).where(
        User.active.is_(False), User.deactivated_at < _deactivated_before(settings, now)
    )


def _count_deactivated(settings: PrivacySettings, now: datetime) -> int:
    return _scalar_count(_long_deactivated(settings, now))


def _erase_deactivated(settings: PrivacySettings, now: datetime) -> int:
    people = list(db.session.scalars(_long_deactivated(settings, now)).unique())
    for person in people:
        services.erase(person, None)
    return len(people)


# --- evidence of erased people --------------------------------------------------------


def _expired_erasures(now: datetime) -> Select:
    return select(Erasure).where(Erasure.keep_until < now.date())


def _count_evidence(_settings: PrivacySettings, now: datetime) -> int:
    return sum(len(e.evidence) for e in db.session.scalars(_expired_erasures(now)))


def _delete_evidence(_settings: PrivacySettings, now: datetime) -> int:
    return sum(
        services.delete_evidence(e) for e in list(db.session.scalars(_expired_erasures(now)))
    )


# --- the audit log --------------------------------------------------------------------


def _audit_before(settings: PrivacySettings, now: datetime) -> datetime:
    return datetime.combine(add_months(now.date(), -12 * settings.audit_years), time.min)


def _first_kept(settings: PrivacySettings, now: datetime) -> int | None:
    """The first entry young enough to keep: everything before it goes (the log is cut
    at one point only, so that the rest of the chain stays whole)."""
    return db.session.scalar(
        select(func.min(AuditEvent.id)).where(AuditEvent.at >= _audit_before(settings, now))
    )


def _old_audit(settings: PrivacySettings, now: datetime) -> Select:
    first = _first_kept(settings, now)
    query = select(AuditEvent.id)
    return query.where(AuditEvent.id < first) if first is not None else query


def _count_audit(settings: PrivacySettings, now: datetime) -> int:
    return _scalar_count(_old_audit(settings, now))


def _prune_audit(settings: PrivacySettings, now: datetime) -> int:
    first = _first_kept(settings, now)
    query = db.session.query(AuditEvent)
    deleted = (query.filter(AuditEvent.id < first) if first is not None else query).delete()
    if deleted:
        # Where the chain now starts; verification accepts a start there and nowhere else.
        audit.record(audit.PRUNED, None, first_kept=first, deleted=deleted)
    return deleted


RULES = (
    Rule(
        "links",
        "used or expired invitation, password-reset and address-confirmation links",
        _l(
            "benutzte oder abgelaufene Einladungen, Links zum Zurücksetzen des Passworts und zum Bestätigen der E-Mail-Adresse"
        ),
        _count_links,
        _delete_links,
    ),
    Rule(
        "mail outbox",
        "mails not sent within the invitation period (their links have expired)",
        _l("E-Mails, die nicht innerhalb der Gültigkeit einer Einladung versendet wurden"),
        _count_outbox,
        _delete_outbox,
    ),
    Rule(
        "exam answers",
        "individual answers of exams handed in before the limit",
        _l("einzelne Antworten von Prüfungen, die vor der Frist abgegeben wurden"),
        _count_answers,
        _delete_answers,
    ),
    Rule(
        "sign-ins",
        "sign-in times, and who signed in, older than the limit",
        _l("Anmeldezeiten und wer sich angemeldet hat, älter als die Frist"),
        _count_sign_ins,
        _remove_sign_ins,
    ),
    Rule(
        "deactivated",
        "people deactivated longer than the limit (erased; evidence kept under a pseudonym)",
        _l("Personen, die länger als die Frist gesperrt sind (Nachweise bleiben unter Pseudonym)"),
        _count_deactivated,
        _erase_deactivated,
    ),
    Rule(
        "evidence",
        "evidence of erased people whose time is up",
        _l("Nachweise gelöschter Personen nach Ablauf ihrer Frist"),
        _count_evidence,
        _delete_evidence,
    ),
    Rule(
        "audit log",
        "audit log entries older than the limit",
        _l("Einträge im Auditprotokoll, älter als die Frist"),
        _count_audit,
        _prune_audit,
    ),
)


def preview() -> list[tuple[Rule, int]]:
    """What a run now would delete, without changing anything."""
    settings, now = queries.privacy_settings(), clock.utcnow()
    return [(rule, rule.count(settings, now)) for rule in RULES]


def run(commit: Callable[[], None]) -> list[tuple[Rule, int]]:
    """Apply the rules one after the other, calling the caller's `commit` after each (a
    rule that writes holds the audit log's lock, which every sign-in waits for), then
    record one audit event with the counts, for the caller to commit."""
    settings, now = queries.privacy_settings(), clock.utcnow()
    done = []
    for rule in RULES:
        done.append((rule, rule.apply(settings, now)))
        commit()
    audit.record("retention.applied", None, **{_key(rule.name): n for rule, n in done})
    return done


def _key(name: str) -> str:
    return name.replace(" ", "_").replace("-", "_")
