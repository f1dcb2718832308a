"""`flask --app app users …`: create the first admin, demo accounts."""

from __future__ import annotations

import secrets
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect

from ..emails import is_email
from ..extensions import db
from ..names import NameProblem, name_problem
from . import queries, services
from .access import ROLES
from .outcomes import AccountRefused
from .passwords import MIN_LENGTH, PasswordProblem, password_problem

# Commands speak English (like every command); the web pages say the same in German.
PASSWORD_PROBLEMS = {
    PasswordProblem.TOO_SHORT: f"it must have at least {MIN_LENGTH} characters",
    PasswordProblem.TOO_LONG: "it is too long",
    PasswordProblem.INVISIBLE: "it has only spaces or invisible characters",
    PasswordProblem.COMMON: "it is on the list of common passwords",
    PasswordProblem.PERSONAL: "it is the e-mail address or the name",
    PasswordProblem.GUESSABLE: "it is easy to guess (repeats, sequences, a word and a number)",
}
NAME_PROBLEMS = {
    NameProblem.LINES: "a name is one line, without control characters",
    NameProblem.INVISIBLE: "the name has invisible (zero-width or bidi) characters",
    NameProblem.TOO_SHORT: "a name needs at least two visible characters",
    NameProblem.TOO_LONG: "a name has at most 200 characters",
}

users_cli = AppGroup("users", help="Create and manage accounts.")

DEMO_ACCOUNTS = (
    ("lernende@demo.example", "Lea Lernende", ("learner",)),
    ("trainer@demo.example", "Tim Trainer", ("learner", "trainer")),
    ("hr@demo.example", "Hanna Personal", ("learner", "hr")),
    ("admin@demo.example", "Anton Admin", ("learner", "admin")),
)
DEMO_PASSWORD = "demo-passwort"


def _require_schema() -> None:
    if not inspect(db.engine).has_table("users"):
        raise click.ClickException(
            "the database has no tables yet; run: flask --app app db upgrade"
        )


def _read_password() -> str:
    if not sys.stdin.isatty():  # piped by a script: the first line is the password
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name, as on certificates.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(ROLES),
    default=("learner",),
    show_default=True,
    help="Repeat for several roles.",
)
@click.option("--generate-password", is_flag=True, help="Generate a password and print it once.")
def create(email: str, name: str, roles: tuple[str, ...], generate_password: bool) -> None:
    """Create an account, e.g. the first admin. The password is asked twice or read from stdin."""
    _require_schema()
    if not is_email(email):
        raise click.BadParameter(f"not an email address: {email}", param_hint="EMAIL")
    if queries.user_by_email(email) is not None:
        raise click.ClickException(f"an account for {email} exists already")
    name_error = name_problem(name)
    if name_error is not None:
        raise click.BadParameter(f"{NAME_PROBLEMS[name_error]}", param_hint="--name")
    password = secrets.token_urlsafe(16) if generate_password else _read_password()
    problem = password_problem(password, (email, name))
    if problem is not None:
        raise click.ClickException(f"the password is refused: {PASSWORD_PROBLEMS[problem]}")
    roles = tuple(dict.fromkeys(("learner", *roles)))  # everyone can learn
    try:
        services.create_user(email, name, password, roles)
    except AccountRefused as refusal:
        raise click.ClickException(str(refusal.message)) from None
    db.session.commit()
    click.echo(f"created {email} with roles: {', '.join(roles)}")
    if generate_password:
        click.echo(f"password (shown once): {password}")


@users_cli.command("demo")
@click.option("--yes", is_flag=True, help="Yes: create accounts with the published password.")
def demo(yes: bool) -> None:
    """Create the demo accounts (not in production) and print how to sign in."""
    if current_app.config["SETTINGS"].production:
        raise click.ClickException("demo accounts are not created in production")
    if not yes:
        raise click.ClickException(
            f"demo accounts have the published password {DEMO_PASSWORD!r}; "
            "add --yes to create them (make run does)"
        )
    _require_schema()
    for email, name, roles in DEMO_ACCOUNTS:
        if queries.user_by_email(email) is None:
            services.create_user(email, name, DEMO_PASSWORD, roles)
    db.session.commit()
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, name, roles in DEMO_ACCOUNTS:
        click.echo(f"  {email:<24} {name:<16} {', '.join(roles)}")
