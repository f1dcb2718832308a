"""The single instances of the Flask extensions, initialised in create_app()."""

from __future__ import annotations

from functools import cached_property

import click
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that Alembic migrations can drop or alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class LazyMigrate:
    """Flask-Migrate, imported when a migration command runs: with Alembic it took a
    fifth of a second of every worker's start, for commands a worker never runs.

    `app.extensions["migrate"]` holds what Flask-Migrate's functions (`upgrade()`, …) and
    migrations/env.py read from it; the `flask db` group is Flask-Migrate's own."""

    def init_app(self, app, db, directory: str, render_as_batch: bool = True) -> None:
        app.extensions["migrate"] = _MigrationSettings(db, directory, render_as_batch)
        app.cli.add_command(_LazyCommand("db", "Perform database migrations."))


class _MigrationSettings:
    def __init__(self, db, directory: str, render_as_batch: bool):
        self.db, self.directory = db, directory
        self.configure_args = {"compare_type": True, "render_as_batch": render_as_batch}

    @cached_property
    def migrate(self):
        from flask_migrate import Migrate

        return Migrate(db=self.db, directory=self.directory, **self.configure_args)

    @property
    def metadata(self):
        return self.db.metadata


class _LazyCommand(click.Command):
    """Stands for Flask-Migrate's `db` group in the command list; running it builds the
    context of the real group, which then parses and runs as always."""

    def __init__(self, name: str, short_help: str):
        super().__init__(name, short_help=short_help)

    @staticmethod
    def real() -> click.Command:
        from flask_migrate.cli import db as group

        return group

    def make_context(self, info_name, args, parent=None, **extra):
        return self.real().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        return self.real().invoke(ctx)


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
