"""The instance folder and what it holds are readable by the app's own user only."""

from __future__ import annotations

import stat
from pathlib import Path

from academy.extensions import db
from academy.factory import create_app
from tests.fixtures.settings import COURSES


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def default_app(instance: Path):
    """An app with no SECRET_KEY and no DATABASE_URL: both live in the instance folder."""
    return create_app(
        {
            "APP_ENV": "testing",
            "INSTANCE_DIR": str(instance),
            "COURSES_DIR": str(COURSES),
            "RATELIMIT_ENABLED": "false",
        }
    )


def test_a_new_instance_folder_database_and_secret_key_are_private(tmp_path):
    from flask_migrate import upgrade

    instance = tmp_path / "instance"
    app = default_app(instance)
    with app.app_context():
        upgrade()
        journal = [p for p in instance.iterdir() if p.name.startswith("academy.db-")]
        modes = {
            p.name: mode(p) for p in [instance / "academy.db", instance / "secret_key", *journal]
        }
        db.engine.dispose()
    assert mode(instance) == 0o700
    assert modes == dict.fromkeys(modes, 0o600) and "academy.db-wal" in modes


def test_files_an_older_version_left_open_are_closed(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    for name, content in (("secret_key", "k" * 64), ("academy.db", "")):
        (instance / name).write_text(content)
        (instance / name).chmod(0o644)
    app = default_app(instance)
    assert app.config["SECRET_KEY"] == "k" * 64  # the kept key, not a new one
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600 and mode(instance / "academy.db") == 0o600
    with app.app_context():
        db.engine.dispose()
