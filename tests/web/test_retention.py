"""Each retention rule with a moved clock: just before its limit nothing goes, just after
it exactly what the rule names goes (and nothing else)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from academy import clock
from academy.accounts import services as accounts
from academy.accounts.models import Invitation, PasswordReset, User
from academy.audit import AuditEvent
from academy.certificates.models import Certificate
from academy.exams.models import ExamDraftAnswer, ExamResult
from academy.extensions import db
from academy.privacy import retention
from academy.privacy.models import Erasure
from academy.privacy.settings import INVITATION_RECORD_DAYS
from tests.fixtures.privacy import (
    make_person_with_everything,
    open_attempt_with_a_saved_answer,
    pass_course,
    verification,
)
from tests.fixtures.web import PASSWORD, login, post

START = datetime(2030, 1, 10, 12, 0)


@pytest.fixture
def at(monkeypatch):
    """at(days=…): set the clock that far after START."""

    def move(**delta) -> datetime:
        when = START + timedelta(**delta)
        monkeypatch.setattr(clock, "utcnow", lambda: when)
        return when

    move()
    return move


def run(app) -> dict[str, int]:
    with app.app_context():
        done = {rule.name: count for rule, count in retention.run(db.session.commit)}
        db.session.commit()
        db.session.remove()
    return done


def count(app, model, *where) -> int:
    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(model).where(*where))
        db.session.remove()
    return found


def test_used_and_expired_links_go_open_ones_stay(app, at):
    with app.app_context():
        admin = accounts.create_user("a@firma.example", "A", PASSWORD, ["admin"])
        accounts.create_invitation("offen@firma.example", ["learner"], admin)
        accounts.create_password_reset("a@firma.example")
        db.session.commit()
    at(hours=1)
    assert run(app)["links"] == 0
    at(hours=3)  # the reset link (2 hours) expired, the invitation (14 days) did not
    assert run(app)["links"] == 1
    assert count(app, PasswordReset) == 0 and count(app, Invitation) == 1
    at(days=15)  # expired: HR's list still shows it for INVITATION_RECORD_DAYS
    assert run(app)["links"] == 0 and count(app, Invitation) == 1
    at(days=14 + INVITATION_RECORD_DAYS + 1)
    assert run(app)["links"] == 1 and count(app, Invitation) == 0


def test_individual_answers_go_after_90_days_scores_stay(app, at, client):
    with app.app_context():
        person = accounts.create_user("p@firma.example", "P", PASSWORD)
        attempt_id = pass_course(person)
        open_attempt_with_a_saved_answer(person)
        db.session.commit()
    at(days=89)
    assert run(app)["exam answers"] == 0
    at(days=91)
    done = run(app)
    assert done["exam answers"] == 1  # the graded answers; the open attempt's draft stays
    with app.app_context():
        result = db.session.scalars(select(ExamResult)).one()
        assert result.answers == {} and result.passed and result.percent == 100
    assert count(app, ExamDraftAnswer) == 1
    login(client, "p@firma.example")
    page = client.get(f"/courses/ki-am-arbeitsplatz/exam/{attempt_id}/result").get_data(
        as_text=True
    )
    assert "nach der Aufbewahrungsfrist gelöscht" in page and "100 %" in page
    assert "nicht beantwortet" not in page


def test_answers_saved_during_an_attempt_go_with_the_limit_too(app, at):
    with app.app_context():
        person = accounts.create_user("p@firma.example", "P", PASSWORD)
        open_attempt_with_a_saved_answer(person)  # no time limit: stays open
        from academy.exams.models import ExamAttempt

        attempt = db.session.scalars(select(ExamAttempt)).one()
        attempt.submitted_at = clock.utcnow()  # as if handed in then
        db.session.commit()
    at(days=91)
    assert run(app)["exam answers"] == 1 and count(app, ExamDraftAnswer) == 0


def test_sign_in_times_and_who_signed_in_go_after_90_days(app, at):
    with app.app_context():
        accounts.create_user("s@firma.example", "S", PASSWORD)
        accounts.authenticate("s@firma.example", PASSWORD)
        accounts.authenticate("s@firma.example", "wrong")
        db.session.commit()
    at(days=89)
    assert run(app)["sign-ins"] == 0
    at(days=91)
    assert run(app)["sign-ins"] == 3  # the last sign-in time and two audit entries
    with app.app_context():
        assert db.session.scalars(select(User.last_login_at)).one() is None
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("account.sign%"))
        ).all()
        assert [(e.actor_id, e.person_id, e.redacted_at is not None) for e in events] == [
            (None, None, True),
            (None, None, True),
        ]
        created = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "account.created")
        ).one()
        assert created.person_id is not None  # other entries keep who they are about
    assert verification(app).ok


def test_people_deactivated_over_6_months_ago_are_erased(app, at):
    person = make_person_with_everything(app)
    with app.app_context():
        admin = accounts.create_user("chef@firma.example", "Chef", PASSWORD, ["admin"])
        accounts.set_active(db.session.get(User, person.id), False, admin)
        db.session.commit()
    at(days=180)  # 10 January to 9 July: not yet 6 months
    assert run(app)["deactivated"] == 0
    at(days=182)
    assert run(app)["deactivated"] == 1
    assert count(app, User, User.id == person.id) == 0
    assert count(app, Certificate, Certificate.holder_name.like("PSN-%")) == 1
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "account.erased")
        ).one()
        assert (event.actor_id, event.person_id) == (None, person.id)


def test_evidence_of_erased_people_goes_after_3_years(app, at, runner):
    person = make_person_with_everything(app)
    assert runner.invoke(args=["privacy", "erase", str(person.id), "--yes"]).exit_code == 0
    at(days=3 * 365)  # 2033-01-09: the day before the three years end
    assert run(app)["evidence"] == 0
    assert count(app, Certificate, Certificate.holder_name.like("PSN-%")) == 1
    at(days=3 * 365 + 2)
    assert run(app)["evidence"] == 1
    assert count(app, Certificate, Certificate.holder_name.like("PSN-%")) == 0
    assert count(app, Erasure) == 0
    assert count(app, Certificate) == 1  # the colleague's certificate is theirs, it stays


def test_audit_entries_go_after_3_years_and_the_chain_still_verifies(app, at, runner):
    with app.app_context():
        accounts.create_user("alt@firma.example", "Alt", PASSWORD)
        db.session.commit()
    at(days=400)
    with app.app_context():
        accounts.create_user("neu@firma.example", "Neu", PASSWORD)
        db.session.commit()
    at(days=3 * 365 + 10)  # the first entry is older than three years, the second not
    assert run(app)["audit log"] == 1
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["account.created", "audit.pruned", "retention.applied"]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 3 entries" in result.output
    with app.app_context():  # cut deeper than the pruning did: detected
        db.session.execute(db.delete(AuditEvent).where(AuditEvent.action == "account.created"))
        db.session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "the entries before it are missing" in broken.output


def test_dry_run_counts_and_changes_nothing(app, at, runner):
    make_person_with_everything(app)
    at(days=4 * 365)
    before = count(app, AuditEvent)
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0 and "dry run: nothing was deleted" in result.output
    assert "links" in result.output and "90 days" in result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:8]}
    assert " 0 " not in lines["audit"]
    assert count(app, AuditEvent) == before
    applied = runner.invoke(args=["retention", "run"])
    assert applied.exit_code == 0 and "Retention applied" in applied.output
    assert count(app, AuditEvent) < before


def test_admin_changes_the_limits_and_the_rules_follow(app, at, signed_in):
    with app.app_context():
        person = accounts.create_user("p@firma.example", "P", PASSWORD)
        pass_course(person)
        db.session.commit()
    admin, admin_id = signed_in("admin")
    settings = {
        "answers_days": "10",
        "sign_ins_days": "90",
        "deactivated_months": "6",
        "evidence_years": "3",
        "audit_years": "3",
        "contact": "",
        "processors": "",
        "hr_min_group": "5",
        "verify_shows_name": "y",
    }
    bad = post(admin, "/admin/privacy/settings", {**settings, "answers_days": "0"})
    assert bad.status_code == 400 and "Bitte eine Zahl von 1 bis 3650" in bad.get_data(as_text=True)
    page = admin.get("/admin/privacy/settings").get_data(as_text=True)
    assert 'value="90"' in page and "Noch nie angewendet" in page
    assert post(admin, "/admin/privacy/settings", settings).status_code == 302
    at(days=11)
    assert "1</td>" in admin.get("/admin/privacy/settings").get_data(as_text=True)  # preview
    assert run(app)["exam answers"] == 1
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.privacy_changed")
        ).one()
        assert (event.actor_id, event.details) == (admin_id, {"answers_days": 10})
    assert "Zuletzt angewendet" in admin.get("/admin/privacy/settings").get_data(as_text=True)
