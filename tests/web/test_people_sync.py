"""`flask people sync FILE`: the HR import of a directory's export that also
deactivates everyone active who is not in the file, with a dry run and a safety limit."""

from __future__ import annotations

from sqlalchemy import select

from academy.accounts import services as accounts
from academy.accounts.models import User
from academy.certificates.models import Certificate
from academy.extensions import db
from tests.fixtures.privacy import pass_course

HEADER = "email,name,department\n"


def people(app, count: int) -> None:
    with app.app_context():
        for n in range(count):
            accounts.create_user(f"p{n}@firma.example", f"P {n}", None)
        db.session.commit()


def export(tmp_path, numbers) -> str:
    path = tmp_path / "directory.csv"
    path.write_text(HEADER + "".join(f"p{n}@firma.example,P {n},Vertrieb\n" for n in numbers))
    return str(path)


def active(app) -> dict[str, bool]:
    with app.app_context():
        found = dict(db.session.execute(select(User.email, User.active)).all())
        db.session.remove()
    return found


def test_dry_run_lists_who_would_be_deactivated_and_changes_nothing(app, runner, tmp_path):
    people(app, 10)
    result = runner.invoke(args=["people", "sync", export(tmp_path, range(9)), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would be deactivated: p9@firma.example" in result.output
    assert "1 person(s) would be deactivated" in result.output
    assert all(active(app).values())


def test_sync_deactivates_who_is_missing_and_keeps_their_certificate(app, runner, tmp_path):
    people(app, 10)
    with app.app_context():
        pass_course(db.session.scalar(select(User).where(User.email == "p9@firma.example")))
        db.session.commit()
    result = runner.invoke(args=["people", "sync", export(tmp_path, range(9))])
    assert result.exit_code == 0, result.output
    states = active(app)
    assert states.pop("p9@firma.example") is False and all(states.values())
    with app.app_context():
        leaver = db.session.scalar(select(User).where(User.email == "p9@firma.example"))
        assert leaver.deactivated_at is not None
        assert db.session.scalar(select(Certificate.user_id)) == leaver.id  # history stays


def test_the_safety_limit_refuses_a_truncated_export(app, runner, tmp_path):
    people(app, 10)
    result = runner.invoke(args=["people", "sync", export(tmp_path, range(5))])
    assert result.exit_code == 1
    assert "5 of 10 active people are not in the file; at most 1 may be deactivated" in (
        result.output
    )
    assert all(active(app).values())  # nothing changed, also no import
    allowed = runner.invoke(
        args=["people", "sync", export(tmp_path, range(5)), "--max-deactivations", "5"]
    )
    assert allowed.exit_code == 0, allowed.output
    assert sum(not a for a in active(app).values()) == 5


def test_the_break_glass_admin_is_never_deactivated(make_app, tmp_path):
    app = make_app(BREAK_GLASS_ADMINS="notfall@firma.example")
    people(app, 3)
    with app.app_context():
        accounts.create_user("notfall@firma.example", "Notfall", "pw-1234567890", ["admin"])
        db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["people", "sync", export(tmp_path, range(3)), "--max-deactivations", "0"]
    )
    assert result.exit_code == 0, result.output
    assert all(active(app).values())


def test_a_wrong_limit_is_a_clear_error(app, runner, tmp_path):
    result = runner.invoke(
        args=["people", "sync", export(tmp_path, range(1)), "--max-deactivations", "lots"]
    )
    assert result.exit_code == 2 and "use a whole number or a share like 10%" in result.output
