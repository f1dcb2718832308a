"""Command-line tools: the course checker, creating users, demo accounts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from academy.accounts.models import User
from academy.extensions import db
from tests.fixtures.course_files import COURSE_MD, write_course
from tests.fixtures.settings import COURSES, PRODUCTION_SECRET_KEY, ROOT
from tests.fixtures.web import login


def test_courses_check_passes_on_bundled_courses(runner):
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 0, result.output
    assert (
        "2 course(s) OK: ai-at-work, ki-am-arbeitsplatz; 0 error(s), 0 warning(s)" in result.output
    )


def test_courses_check_one_course_by_path(runner):
    result = runner.invoke(args=["courses", "check", str(COURSES / "ai-at-work")])
    assert result.exit_code == 0
    assert "1 course(s) OK: ai-at-work" in result.output


def test_courses_check_fails_with_file_line_message(runner, tmp_path, monkeypatch):
    course = write_course(tmp_path, course_md=COURSE_MD.replace("pass_mark: 80", "pass_mark: 0"))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["courses", "check", str(course)])
    assert result.exit_code == 1
    assert "testkurs/course.md:6: 'pass_mark' must be between 1 and 100" in result.output


def test_courses_check_unknown_path(runner, tmp_path):
    result = runner.invoke(args=["courses", "check", str(tmp_path / "gibtsnicht")])
    assert result.exit_code == 2 and "not found" in result.output


def test_users_create_reads_password_from_stdin(runner, app, client):
    result = runner.invoke(
        args=["users", "create", "chefin@firma.example", "--name", "Chefin", "--role", "admin"],
        input="ein sicheres passwort\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(User).filter_by(email="chefin@firma.example").one()
        assert user.roles == {"admin", "learner"}
    login(client, "chefin@firma.example", "ein sicheres passwort")


def test_users_create_generated_password_is_printed_once(runner, client):
    result = runner.invoke(
        args=["users", "create", "it@firma.example", "--name", "IT", "--generate-password"]
    )
    assert result.exit_code == 0
    password = result.output.split("password (shown once): ")[1].strip()
    login(client, "it@firma.example", password)


def test_users_create_refuses_bad_input_and_changes_nothing(runner, app):
    duplicate = ["users", "create", "x@firma.example", "--name", "Xenia X"]
    assert runner.invoke(args=duplicate, input="langes passwort 1\n").exit_code == 0
    again = runner.invoke(args=duplicate, input="langes passwort 1\n")
    assert again.exit_code == 1 and "exists already" in again.output
    short = runner.invoke(
        args=["users", "create", "y@firma.example", "--name", "Yusuf Y"], input="kurz\n"
    )
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    common = runner.invoke(
        args=["users", "create", "y@firma.example", "--name", "Yusuf Y"], input="123456789012\n"
    )
    assert common.exit_code == 1 and "easy to guess" in common.output
    one_letter = runner.invoke(
        args=["users", "create", "y@firma.example", "--name", "Y"], input="langes passwort 1\n"
    )
    assert one_letter.exit_code == 2 and "two visible characters" in one_letter.output
    bad_email = runner.invoke(
        args=["users", "create", "keine-adresse", "--name", "Zoe Z"], input="langes passwort 1\n"
    )
    assert bad_email.exit_code == 2 and "not an email address" in bad_email.output
    bad_role = runner.invoke(
        args=["users", "create", "z@firma.example", "--name", "Zoe Z", "--role", "boss"]
    )
    assert bad_role.exit_code == 2
    with app.app_context():
        assert [u.email for u in db.session.query(User)] == ["x@firma.example"]


def test_demo_accounts_need_a_yes_and_are_idempotent(runner, app):
    refused = runner.invoke(args=["users", "demo"])
    assert refused.exit_code == 1 and "add --yes" in refused.output
    with app.app_context():
        assert db.session.query(User).count() == 0
    assert runner.invoke(args=["users", "demo", "--yes"]).exit_code == 0
    result = runner.invoke(args=["users", "demo", "--yes"])
    assert "admin@demo.example" in result.output
    with app.app_context():
        assert db.session.query(User).count() == 4


def test_demo_accounts_are_refused_in_production(make_app, runner, app, client):
    runner.invoke(args=["users", "demo", "--yes"])
    production = make_app(APP_ENV="production", SECRET_KEY=PRODUCTION_SECRET_KEY)
    refused = production.test_cli_runner().invoke(args=["users", "demo", "--yes"])
    assert refused.exit_code == 1 and "not created in production" in refused.output
    # Demo accounts that came along in a copied database cannot sign in there either.
    login = production.test_client()
    page = login.get("/login", base_url="https://academy.example.com").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = login.post(
        "/login",
        base_url="https://academy.example.com",
        headers={"Referer": "https://academy.example.com/login"},  # CSRF over HTTPS wants it
        data={"csrf_token": token, "email": "admin@demo.example", "password": "demo-passwort"},
    )
    assert response.status_code == 400 and "falsch" in response.get_data(as_text=True)


def test_wrong_setting_prints_one_line_not_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "APP_ENV": "production", "INSTANCE_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith(
        "configuration error: SECRET_KEY must be set in production"
    )
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_courses_check_includes_company_additions(runner, tmp_path, monkeypatch):
    template = COURSES / "_additions-template"
    result = runner.invoke(args=["courses", "check", "--additions", str(template)])
    assert result.exit_code == 0, result.output
    assert "2 course(s) OK: ai-at-work, ki-am-arbeitsplatz; 0 error(s), 0 warning(s)" in (
        result.output
    )
    additions = tmp_path / "additions"
    shutil.copytree(template, additions)
    exam = additions / "ki-am-arbeitsplatz" / "exam.md"
    exam.write_text(exam.read_text().replace("module: unsere-ki-regeln", "module: gibtsnicht", 1))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["courses", "check", "--additions", str(additions)])
    assert result.exit_code == 1
    assert "additions/ki-am-arbeitsplatz/exam.md:11: unknown module 'gibtsnicht'" in result.output
