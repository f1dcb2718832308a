"""`flask --app app courses publish`: for courses managed as files (bundled, or deployed
from git), what the browser's publish form does: record the version with a change note,
and after a material change ask the certified people to retrain."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from ..extensions import db
from . import services
from .models import Change
from .outcomes import TrainerRefused


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
    modules = [m.strip() for m in (material or "").split(",") if m.strip()]
    change = Change.EDITORIAL if editorial else Change.MATERIAL
    try:
        version, retrained = services.publish_folder(slug, change, modules, note)
    except TrainerRefused as refusal:
        db.session.rollback()
        with force_locale("en"):
            raise click.ClickException(refusal.message) from None
    db.session.commit()
    click.echo(f"{slug}: version {version.number} recorded ({change})")
    if change is Change.MATERIAL:
        click.echo(f"{retrained} certified person(s) asked to retrain: {', '.join(modules)}")
