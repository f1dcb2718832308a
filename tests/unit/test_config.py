"""Settings: safe defaults, and one clear line naming the variable when a value is wrong."""

from __future__ import annotations

import pytest

from academy.config import ConfigError, load


def settings(tmp_path, **env):
    return load({"INSTANCE_DIR": str(tmp_path), **env})


def test_development_defaults(tmp_path):
    result = settings(tmp_path)
    assert result.env == "development"
    assert result.database_url == f"sqlite:///{tmp_path / 'academy.db'}"
    assert result.courses_dir.name == "courses"
    assert result.course_additions_dir is None  # no company additions unless set
    assert len(result.secret_key) == 64
    assert settings(tmp_path).secret_key == result.secret_key  # kept in instance/
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_course_additions_dir_is_an_existing_folder(tmp_path):
    result = settings(tmp_path, COURSE_ADDITIONS_DIR=str(tmp_path))
    assert result.course_additions_dir == tmp_path.resolve()


def test_postgres_urls_use_psycopg(tmp_path):
    assert (
        settings(tmp_path, DATABASE_URL="postgresql://u:p@db/x").database_url
        == "postgresql+psycopg://u:p@db/x"
    )
    assert (
        settings(tmp_path, DATABASE_URL="postgres://u@db/x").database_url
        == "postgresql+psycopg://u@db/x"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"APP_ENV": "production"}, "SECRET_KEY must be set in production"),
        (
            {"APP_ENV": "production", "SECRET_KEY": "short"},
            "SECRET_KEY is too short for production",
        ),
        (
            {"APP_ENV": "staging"},
            "APP_ENV='staging' is not valid; use one of: development, production, testing",
        ),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL is not a database URL"),
        ({"DATABASE_URL": "mysql://u@h/d"}, "DATABASE_URL: unsupported database 'mysql'"),
        ({"COURSES_DIR": "/does/not/exist"}, "COURSES_DIR: folder not found: /does/not/exist"),
        (
            {"COURSE_ADDITIONS_DIR": "/does/not/exist"},
            "COURSE_ADDITIONS_DIR: folder not found: /does/not/exist",
        ),
        (
            {"PUBLIC_COURSES": "vielleicht"},
            "PUBLIC_COURSES='vielleicht' is not valid; use true or false",
        ),
        ({"SMTP_PORT": "-1"}, "SMTP_PORT='-1' is not valid; use a whole number from 1 to 65535"),
        ({"PUBLIC_URL": "academy.firma.de"}, "PUBLIC_URL='academy.firma.de' is not valid"),
        ({"REGISTRATION": "domains"}, "REGISTRATION=domains needs REGISTRATION_DOMAINS"),
        ({"MAIL_FROM": "niemand"}, "MAIL_FROM='niemand' is not an email address"),
        (
            {"RATELIMIT_STORAGE_URI": "memcached://x"},
            "RATELIMIT_STORAGE_URI='memcached://x' is not valid",
        ),
        ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE='Mars/Olympus' is not a known time zone"),
    ],
)
def test_wrong_values_name_the_variable(tmp_path, env, message):
    with pytest.raises(ConfigError) as error:
        settings(tmp_path, **env)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
