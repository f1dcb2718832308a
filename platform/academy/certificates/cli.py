"""`flask --app app certificates …`: the issuer's keys."""

from __future__ import annotations

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from flask.cli import AppGroup

from . import documents, keys

certificates_cli = AppGroup("certificates", help="The keys that sign credentials.")


@certificates_cli.command("keys")
def list_keys() -> None:
    """Print the published public keys: the signing key first, then retired ones."""
    keyring = documents.keyring()
    for key in keyring.published:
        click.echo(f"{key}  {'signing' if key == keyring.current else 'retired'}")


@certificates_cli.command("new-key")
def new_key() -> None:
    """Print a new private key for CREDENTIAL_KEY (nothing is stored)."""
    key = Ed25519PrivateKey.generate()
    click.echo(f"CREDENTIAL_KEY={keys.to_hex(key)}")
    click.echo(f"# its public key: {keys.multikey(key.public_key())}", err=True)


@certificates_cli.command("rotate-key")
def rotate_key() -> None:
    """Sign with a new key from now on; the old one stays published, so every credential
    signed with it still verifies."""
    settings = current_app.config["SETTINGS"]
    current = documents.keyring().current
    if settings.credential_key:
        raise click.ClickException(
            "CREDENTIAL_KEY is set, so the key lives in the environment: run "
            "'flask --app app certificates new-key', set CREDENTIAL_KEY to its output and "
            f"add {current} to CREDENTIAL_RETIRED_KEYS (comma-separated), then restart"
        )
    old, new = keys.rotate(settings.instance_dir)
    click.echo(f"Signing with {new} from the next start on; {old} stays published.")
