"""`flask --app app retention run`, `audit verify`, `privacy erase` and `privacy erased`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import audit
from ..extensions import db
from . import queries, retention, services
from .outcomes import PrivacyRefused

retention_cli = AppGroup("retention", help="Delete what the retention rules say is due.")
audit_cli = AppGroup("audit", help="Check the audit log.")
privacy_cli = AppGroup("privacy", help="Erase people; list the people erased.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def run(dry_run: bool) -> None:
    """Apply every retention rule (run it daily, e.g. from cron) and report counts."""
    settings = queries.privacy_settings()
    if dry_run:
        counts = retention.preview()
        db.session.rollback()
    else:
        counts = retention.run(db.session.commit)
        db.session.commit()
        if any(count for _, count in counts):
            services.forget_deleted_rows()
    click.echo("Retention (dry run: nothing was deleted)" if dry_run else "Retention applied")
    for rule, count in counts:
        click.echo(f"  {rule.name:<13}{count:>7}  {rule.deletes}")
    click.echo(
        f"Settings: answers {settings.answers_days} days, sign-ins {settings.sign_ins_days} days, "
        f"deactivated people {settings.deactivated_months} months, evidence "
        f"{settings.evidence_years} years, audit log {settings.audit_years} years"
    )


@audit_cli.command("verify")
def verify() -> None:
    """Recompute the hash chain; name the first broken entry (exit status 1)."""
    result = audit.verify(queries.chain(), queries.first_kept())
    if not result.ok:
        raise click.ClickException(
            f"audit log broken at entry {result.broken_at}: {result.reason} "
            f"({result.checked} entries before it are intact)"
        )
    if result.head_id is None:
        click.echo("audit log is empty")
        return
    click.echo(f"audit log intact: {result.checked} entries")
    # Kept outside the database (a cron log), the head also reveals a cut-off end.
    click.echo(f"head: entry {result.head_id} {result.head_hash}")


@privacy_cli.command("erase")
@click.argument("user_ids", nargs=-1, type=int, required=True)
@click.option("--yes", is_flag=True, help="Yes: delete these people for good.")
def erase(user_ids: tuple[int, ...], yes: bool) -> None:
    """Erase people by account number, e.g. again after restoring an older backup."""
    if not yes:
        raise click.ClickException("erasure cannot be undone; add --yes to go ahead")
    for user_id in user_ids:
        person = queries.person(user_id)
        if person is None:
            click.echo(f"{user_id}: no such account (already erased?)")
            continue
        try:
            erasure = services.erase(person, None)
        except PrivacyRefused as refusal:
            raise click.ClickException(f"{user_id}: {refusal.reason}") from None
        click.echo(
            f"{user_id}: erased; {len(erasure.evidence)} evidence record(s) kept until {erasure.keep_until}"
        )
    db.session.commit()
    services.forget_deleted_rows()


@privacy_cli.command("erased")
def erased() -> None:
    """The former account numbers of the people erased (from the audit log): keep the
    list with your backups, to erase them again after restoring an older one."""
    for person_id, at in queries.erased_people():
        click.echo(f"{person_id}\t{at.isoformat(timespec='seconds')}Z")
