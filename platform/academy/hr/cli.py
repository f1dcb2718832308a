"""HR's commands, for automation and cron:

    flask --app app people import FILE [--dry-run] [--invite]
    flask --app app people sync FILE [--dry-run] [--max-deactivations N|N%]
    flask --app app assignments create --course SLUG (--department NAME | --email ADDRESS | --all)
                                       (--due YYYY-MM-DD | --due-days N)
    flask --app app reports evidence [--course SLUG] [--department NAME]
                                     --format csv|xlsx|pdf --output FILE
    flask --app app reminders send [--dry-run]
    flask --app app demo seed --learners N [--password-stdin]
    flask --app app demo course FOLDER [--modules 200] [--questions 2000]

Commands act as the platform itself (audit actor: none) and see every department.
Messages are English; the files they write are in --language (default German).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from .. import audit, clock, outbox
from ..accounts import queries as accounts
from ..config import LANGUAGES
from ..extensions import db
from ..learning import queries as learning
from ..outcomes import Refused
from . import demo, evidence, exports, imports, mails, queries, reminders, reports, services
from .queries import Scope
from .services import MAX_DUE_DAYS, Due

people_cli = AppGroup("people", help="People and departments.")
assignments_cli = AppGroup("assignments", help="Assign courses with due dates.")
reports_cli = AppGroup("reports", help="Evidence reports for auditors.")
reminders_cli = AppGroup("reminders", help="Reminder mails (run daily from cron or a timer).")
demo_cli = AppGroup(
    "demo", help="Synthetic data for load tests and benchmarks (not in production)."
)

EVERYTHING = Scope(everything=True)


def _public_url() -> str:
    public_url = current_app.config["SETTINGS"].public_url
    if not public_url:
        raise click.ClickException(
            "PUBLIC_URL is not set; mails need it for their links, e.g. PUBLIC_URL=https://academy.firma.de"
        )
    return public_url


@contextmanager
def _links() -> Iterator[None]:
    """Mails link to the platform: build URLs from PUBLIC_URL (there is no request)."""
    with current_app.test_request_context(base_url=_public_url()):
        yield


def _english(refusal: Refused) -> str:
    with force_locale("en"):
        return refusal.message


# --- people import ----------------------------------------------------------------------


@people_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; change nothing.")
@click.option("--invite", is_flag=True, help="Mail an invitation to each new person.")
def import_people(file: Path, dry_run: bool, invite: bool) -> None:
    """Import people from a CSV file (all or nothing; importing again updates)."""
    if invite and not dry_run:
        _public_url()  # before anything changes
    with force_locale("en"):
        report, tokens = imports.run(
            file.read_bytes(), None, EVERYTHING, dry_run=dry_run, invite=invite
        )
        for problem in report.problems:
            click.echo(f"{file}:{problem.line}: {problem.message}")
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} problem(s); nothing was imported")
    with _links() if tokens else nullcontext():
        mails.send_invitations(tokens, None)  # queued with the import, sent after it
    db.session.commit()
    delivery = outbox.deliver() if tokens else outbox.Delivery()
    _import_summary(report, len(tokens), delivery)


@people_cli.command("sync")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change, who would be deactivated.")
@click.option(
    "--max-deactivations",
    default="10%",
    show_default=True,
    help="Refuse (change nothing) if more people would be deactivated: a number or a share like 10%.",
)
def sync_people(file: Path, dry_run: bool, max_deactivations: str) -> None:
    """The directory's nightly export: import FILE and deactivate everyone active who is
    not in it (history and certificates stay). The break-glass admins are kept."""
    sync = _sync_limit(max_deactivations)
    with force_locale("en"):
        report, _tokens = imports.run(
            file.read_bytes(), None, EVERYTHING, dry_run=dry_run, invite=False, sync=sync
        )
        for problem in report.problems:
            click.echo(f"{file}:{problem.line}: {problem.message}")
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} problem(s); nothing was changed")
    db.session.commit()
    verb = "would be deactivated" if dry_run else "deactivated"
    for address in report.deactivated:
        click.echo(f"{verb}: {address}")
    _import_summary(report, 0, outbox.Delivery())
    click.echo(f"{len(report.deactivated)} person(s) {verb}")


def _sync_limit(value: str) -> imports.Sync:
    keep = current_app.config["SETTINGS"].break_glass_admins
    text = value.strip()
    number = text.removesuffix("%")
    if not number.isdigit() or (text.endswith("%") and int(number) > 100):
        raise click.BadParameter(
            f"{value!r}: use a whole number or a share like 10%", param_hint="--max-deactivations"
        )
    if text.endswith("%"):
        return imports.Sync(share=int(number) / 100, keep=keep)
    return imports.Sync(limit=int(number), keep=keep)


def _import_summary(report: imports.Report, invited: int, delivery: outbox.Delivery) -> None:
    verb = "would be" if report.dry_run else "were"
    click.echo(
        f"{report.rows} row(s): {len(report.created)} new, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged; {len(report.departments_created)} department(s) "
        f"{verb} created" + (" (dry run: nothing changed)" if report.dry_run else "")
    )
    if delivery.held:  # production without SMTP_HOST: nothing went out
        click.echo(f"invitations queued: {invited}", err=True)
        raise click.ClickException(outbox.NO_SMTP % delivery.held)
    failed = [row.recipient for row in delivery.failed + delivery.gave_up]
    if invited:
        click.echo(f"invitations sent: {invited - len(failed)}")
    for address in failed:
        click.echo(
            f"invitation not sent yet (mail server refused): {address}; "
            "`flask --app app mail send` retries it",
            err=True,
        )
    if failed:
        raise SystemExit(1)


@people_cli.command("demo")
def demo_company() -> None:
    """A demo company for trying the HR area (development only)."""
    if current_app.config["SETTINGS"].production:
        raise click.ClickException("the demo company is not created in production")
    created = demo.create_company()
    db.session.commit()
    if created:
        click.echo(
            f"created a demo company: {created} people in {len(demo.DEPARTMENTS)} departments"
        )
    else:
        click.echo("the demo company exists already")


# --- assignments ------------------------------------------------------------------------


@assignments_cli.command("create")
@click.option("--course", "slug", required=True, help="The course's slug.")
@click.option("--department", help="Everyone in this department, now and later.")
@click.option("--email", help="One person.")
@click.option("--all", "everyone", is_flag=True, help="Everyone, now and later.")
@click.option("--due", type=click.DateTime(formats=["%Y-%m-%d"]), help="Due date, YYYY-MM-DD.")
@click.option(
    "--due-days",
    type=click.IntRange(0, MAX_DUE_DAYS),
    help="Due N days after the person gets the assignment (joiners: after joining).",
)
def create_assignments(slug, department, email, everyone, due, due_days) -> None:
    """Assign a course with a due date."""
    if [bool(department), bool(email), everyone].count(True) != 1:
        raise click.UsageError("give exactly one of --department, --email or --all")
    if (due is None) == (due_days is None):
        raise click.UsageError("give exactly one of --due or --due-days")
    when = Due(on=due.date()) if due is not None else Due(days=due_days)
    try:
        course = services.assignable_course(slug)
        count = _assign(course, department, email, when)
    except Refused as refusal:
        raise click.ClickException(_english(refusal)) from None
    db.session.commit()
    click.echo(f"assigned {slug} to {count} person(s), due {when.describe()}")


def _assign(course, department: str | None, email: str | None, due: Due) -> int:
    if email:
        person = accounts.user_by_email(email)
        if person is None:
            raise click.ClickException(f"no person with the address {email}")
        return services.assign_people(course, [person], due, None)
    found = None
    if department:
        found = accounts.department_by_name(department)
        if found is None:
            raise click.ClickException(f"no department named {department!r}")
    return services.create_rule(course, found, due, None, EVERYTHING)[1]


# --- evidence report --------------------------------------------------------------------


@reports_cli.command("evidence")
@click.option("--course", "slug", default="", help="Only this course (slug).")
@click.option("--department", default="", help="Only this department.")
@click.option("--format", "kind", type=click.Choice(["csv", "xlsx", "pdf"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--language", type=click.Choice(LANGUAGES), default="de", show_default=True)
def evidence_report(slug: str, department: str, kind: str, output: Path, language: str) -> None:
    """Write the evidence report: who is trained on which course version, until when."""
    filters = evidence.Filters(course=slug, department_id=_department_id(department))
    titles = {c.slug: c.title for c in learning.catalog().all()}
    if slug and slug not in titles:
        raise click.ClickException(f"no published course {slug!r}")
    today = clock.today()
    with force_locale(language):
        try:
            _write(output, kind, filters, today, titles)
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    audit.record(
        "report.exported", None, report="evidence", format=kind, course=slug, department=department
    )
    db.session.commit()
    click.echo(f"wrote {output}")


def _department_id(name: str) -> int | None:
    if not name:
        return None
    found = accounts.department_by_name(name)
    if found is None:
        raise click.ClickException(f"no department named {name!r}")
    return found.id


def _write(output: Path, kind: str, filters: evidence.Filters, today, titles) -> None:
    if kind == "pdf":
        output.write_bytes(reports.evidence_pdf(EVERYTHING, today, filters, titles))
        return
    header, rows = reports.evidence_table(EVERYTHING, today, filters, titles)
    if kind == "csv":
        with output.open("w", encoding="utf-8", newline="") as handle:
            handle.writelines(exports.csv_lines(header, rows))
        return
    with output.open("wb") as handle:
        for chunk in exports.xlsx_chunks(header, rows, title="Evidence"):
            handle.write(chunk)


# --- reminders --------------------------------------------------------------------------


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send nothing.")
def send_reminders(dry_run: bool) -> None:
    """Mail the reminders due today, and retry those that failed before.

    Run it once a day; running it again, or on several hosts, sends nothing twice.
    Exits with 1 when a mail could not be sent (it is tried again on the next run)."""
    settings = current_app.config["SETTINGS"]
    planned = reminders.plan(clock.today(), settings)
    if dry_run:
        _dry_run(planned)
        return
    with _links():
        reminders.queue(planned)
        db.session.commit()
        delivery = reminders.deliver()
    for reminder in delivery.failed:
        click.echo(
            f"failed: {reminder.kind} to {reminder.recipient.email} ({reminder.course_slug}): "
            f"{reminder.last_error}; will be retried on the next run",
            err=True,
        )
    click.echo(f"sent {len(delivery.sent)} reminder(s), {len(delivery.failed)} failed")
    if delivery.failed:
        raise SystemExit(1)


def _dry_run(planned: list[reminders.Planned]) -> None:
    new = reminders.not_recorded(planned)
    waiting = reminders.waiting()
    emails = queries.emails_by_id({p.recipient_id for p in new})
    for item in new:
        click.echo(
            f"would send: {item.kind} to {emails[item.recipient_id]} ({item.course_slug}, {item.deadline})"
        )
    for reminder in waiting:
        click.echo(
            f"would retry: {reminder.kind} to {reminder.recipient.email} ({reminder.course_slug}, {reminder.status})"
        )
    click.echo(f"dry run: {len(new)} new reminder(s), {len(waiting)} to retry; nothing sent")


# --- synthetic data ---------------------------------------------------------------------


def _not_in_production() -> None:
    if current_app.config["SETTINGS"].production:
        raise click.ClickException("synthetic data is not created in production")


@demo_cli.command("seed")
@click.option("--learners", type=click.IntRange(1, 1_000_000), required=True)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read one password from stdin for every seeded person (else they cannot sign in).",
)
def demo_seed(learners: int, password_stdin: bool) -> None:
    """People in departments with assignments, reading, attempts and certificates."""
    import time

    from ..accounts.services import hash_password
    from . import seed

    _not_in_production()
    password_hash = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < 8:
            raise click.ClickException("the password needs at least 8 characters")
        password_hash = hash_password(password)
    started = time.perf_counter()
    try:
        seeded = seed.seed(learners, password_hash)
    except seed.SeedRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    db.session.commit()
    rows = ", ".join(f"{table} {count}" for table, count in sorted(seeded.rows.items()))
    stages = ", ".join(f"{stage} {count}" for stage, count in seeded.stages.items())
    click.echo(f"seeded {learners} people in {time.perf_counter() - started:.1f} s")
    click.echo(f"rows: {rows}")
    click.echo(f"stages: {stages}")


@demo_cli.command("course")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--modules", type=click.IntRange(1, 2000), default=200, show_default=True)
@click.option("--questions", type=click.IntRange(1, 50_000), default=2000, show_default=True)
@click.option("--slug", default="grosser-kurs", show_default=True)
def demo_course(folder: Path, modules: int, questions: int, slug: str) -> None:
    """Write a large synthetic course into FOLDER/<slug> (use FOLDER as COURSES_DIR)."""
    from ..content import synthetic

    course = synthetic.write(folder, modules, questions, slug)
    click.echo(f"wrote {course} ({modules} modules, {questions} exam questions)")
