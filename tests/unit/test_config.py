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


def test_mail_security_and_reminder_days(tmp_path):
    default = settings(tmp_path)
    assert (default.smtp_starttls, default.smtp_tls) == (True, False)
    assert default.reminder_due_days == (14, 3, 0) and default.reminder_expiry_days == (30,)
    assert (default.reminder_overdue_every, default.reminder_manager_copy) == (7, False)
    implicit = settings(tmp_path, SMTP_TLS="true", SMTP_PORT="465")
    assert (implicit.smtp_starttls, implicit.smtp_tls) == (False, True)
    chosen = settings(
        tmp_path, REMINDER_DAYS_BEFORE_DUE="0, 7 21", REMINDER_DAYS_BEFORE_EXPIRY="none"
    )
    assert chosen.reminder_due_days == (21, 7, 0) and chosen.reminder_expiry_days == ()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SMTP_TLS": "true", "SMTP_STARTTLS": "true"}, "SMTP_TLS and SMTP_STARTTLS are both true"),
        (
            {"REMINDER_DAYS_BEFORE_DUE": "14,drei"},
            "REMINDER_DAYS_BEFORE_DUE='14,drei' is not valid",
        ),
        ({"REMINDER_DAYS_BEFORE_EXPIRY": "400"}, "REMINDER_DAYS_BEFORE_EXPIRY='400' is not valid"),
        ({"REMINDER_OVERDUE_EVERY_DAYS": "-1"}, "REMINDER_OVERDUE_EVERY_DAYS='-1' is not valid"),
    ],
)
def test_wrong_mail_and_reminder_settings_name_the_variable(tmp_path, env, message):
    with pytest.raises(ConfigError, match=message):
        settings(tmp_path, **env)
