"""`flask --app app courses publish`: for courses managed as files (bundled, or deployed
from git), what the browser's publish form does: record the version with a change note,
and after a material change ask the certified people to retrain."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from ..extensions import db
from . import queries, services
from .models import Change
from .outcomes import TrainerRefusal, TrainerRefused

MAX_NOTE = 1000  # course_versions.note


@click.command("publish")
@click.argument("slug")
@click.option(
    "--material",
    metavar="MODULE[,MODULE]",
    help="What learners must know changed in these modules (their slugs, comma-separated): "
    "everyone certified on an older version re-reads them and passes a re-check.",
)
@click.option("--editorial", is_flag=True, help="Wording, typos, layout: nobody needs to retrain.")
@click.option("--note", required=True, help="What changed (shown in the version history).")
@with_appcontext
def publish(slug: str, material: str | None, editorial: bool, note: str) -> None:
    """Record the state of the course folder SLUG as a new version, after a deployment
    changed it. Nothing is written when anything is wrong."""
    if editorial == (material is not None):
        raise click.UsageError("give either --material MODULE[,MODULE] or --editorial")
    if len(note) > MAX_NOTE:
        raise click.UsageError(f"--note: at most {MAX_NOTE} characters")
    modules = [m.strip() for m in (material or "").split(",") if m.strip()]
    change = Change.EDITORIAL if editorial else Change.MATERIAL
    try:
        version, retrained = services.publish_folder(slug, change, modules, note)
    except TrainerRefused as refusal:
        db.session.rollback()
        if refusal.reason is TrainerRefusal.HAS_ERRORS:
            _print_errors(slug)
        with force_locale("en"):
            raise click.ClickException(refusal.message) from None
    db.session.commit()
    click.echo(f"{slug}: version {version.number} recorded ({change})")
    if change is Change.MATERIAL:
        click.echo(f"{retrained} certified person(s) asked to retrain: {', '.join(modules)}")


def _print_errors(slug: str) -> None:
    """The checker's errors, as `courses check` prints them (file:line: message)."""
    loaded, _files = queries.folder_files(slug)
    for problem in loaded.problems:
        if problem.severity == "error":
            path = problem.path.resolve()
            where = (
                path.relative_to(loaded.folder.parent)
                if path.is_relative_to(loaded.folder.parent)
                else path
            )
            click.echo(f"{where}:{problem.line}: {problem.message}", err=True)
