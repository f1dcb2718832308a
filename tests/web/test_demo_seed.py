"""`flask demo seed` and the synthetic course: realistic proportions, consistent rows."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from academy import clock
from academy.accounts.models import Department, Role, User
from academy.certificates import numbers
from academy.certificates.models import Certificate
from academy.content import synthetic
from academy.content.loader import load_course
from academy.exams.models import ExamAttempt, ExamResult
from academy.extensions import db
from academy.hr import queries as hr
from academy.hr import seed
from academy.hr.models import Assignment
from academy.learning import queries as learning
from academy.learning.models import ModuleCompletion
from tests.fixtures.settings import PRODUCTION_SECRET_KEY

EVERYTHING = hr.Scope(everything=True)


@pytest.fixture
def seeded(app):
    with app.app_context():
        try:
            result = seed.seed(140)
            db.session.commit()
            yield result
        finally:
            db.session.remove()


def test_the_stages_come_in_the_documented_proportions(seeded):
    per_20 = Counter(seed.PATTERN)
    assert seeded.stages == Counter({stage: count * 7 for stage, count in per_20.items()})
    assert db.session.scalar(select(func.count()).select_from(User)) == 140
    assert db.session.scalar(select(func.count()).select_from(Role)) == 140
    assert db.session.scalar(select(func.count()).select_from(Department)) == 1
    assert seeded.rows["certificates"] == 7 * (5 + 1 + 1 + 2)  # recertified: two each


def test_the_hr_dashboard_counts_what_was_seeded(seeded):
    """The figures HR sees: every person has one open assignment; certified includes the
    recertified; the expired are overdue on their renewal; one in twenty expires soon."""
    total = hr.summary(EVERYTHING, clock.today()).total
    assert total.assigned == 140
    assert total.certified == 7 * 7  # 5 certified, 1 expiring, 1 recertified per 20
    assert total.expired == 7
    assert total.not_started == 7 * 6  # 5 + the overdue one
    assert total.in_progress == 7 * 6  # 4 + the two overdue
    assert total.overdue == 7 * 3 + 7  # overdue learners, and the expired due since
    assert total.expiring >= 7


def test_every_certificate_rests_on_a_passed_attempt_and_read_modules(seeded):
    catalog = learning.catalog()
    certificates = db.session.scalars(select(Certificate)).all()
    assert len({c.status_index for c in certificates}) == len(certificates)
    for certificate in certificates:
        assert numbers.PATTERN.match(certificate.number)
        attempt = db.session.get(ExamAttempt, certificate.attempt_id)
        result = db.session.scalar(select(ExamResult).where(ExamResult.attempt_id == attempt.id))
        assert (attempt.user_id, attempt.course_slug) == (
            certificate.user_id,
            certificate.course_slug,
        )
        assert result.passed and result.percent >= attempt.pass_mark
        assert attempt.submitted_at <= certificate.issued_at
        course = catalog.get(certificate.course_slug)
        read = set(
            db.session.scalars(
                select(ModuleCompletion.module_slug).where(
                    ModuleCompletion.user_id == certificate.user_id,
                    ModuleCompletion.course_slug == certificate.course_slug,
                    ModuleCompletion.completed_at <= certificate.issued_at,
                )
            )
        )
        assert read == {m.slug for m in course.modules}
        completes = db.session.scalars(
            select(Assignment).where(Assignment.certificate_id == certificate.id)
        ).all()
        renewal = db.session.scalar(
            select(Assignment).where(Assignment.renews_certificate_id == certificate.id)
        )
        assert len(completes) == 1 and completes[0].completed_at == certificate.issued_at
        assert renewal is not None and renewal.due_on == certificate.valid_until
        if certificate.sequence == 2:
            first = db.session.scalar(
                select(Certificate).where(
                    Certificate.user_id == certificate.user_id, Certificate.sequence == 1
                )
            )
            assert first.valid_until < clock.today() <= certificate.valid_until
            assert certificate.issued_at.date() <= first.valid_until  # renewed before it ended


def test_the_exam_pages_read_seeded_attempts(seeded):
    attempt = db.session.scalars(select(ExamAttempt)).first()
    questions = attempt.drawn_questions()
    assert len(questions) == 20 and all(q.correct_ids for q in questions)


def test_each_person_has_one_open_assignment_and_a_manager_but_the_first(seeded):
    open_per_person = db.session.execute(
        select(Assignment.user_id, func.count())
        .where(Assignment.completed_at.is_(None), Assignment.cancelled_at.is_(None))
        .group_by(Assignment.user_id)
    ).all()
    assert len(open_per_person) == 140 and {count for _, count in open_per_person} == {1}
    without = db.session.scalars(select(User.id).where(User.manager_id.is_(None))).all()
    assert without == [db.session.scalar(select(func.min(User.id)))]
    overdue = db.session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(Assignment.completed_at.is_(None), Assignment.due_on < clock.today())
    )
    assert overdue == 7 * 4


def test_seeding_twice_is_refused_and_changes_nothing(seeded):
    before = db.session.scalar(select(func.count()).select_from(User))
    with pytest.raises(seed.SeedRefused):
        seed.seed(10)
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_the_command_seeds_and_seeded_people_can_sign_in_with_the_given_password(app):
    from tests.fixtures.web import login

    result = app.test_cli_runner().invoke(
        args=["demo", "seed", "--learners", "25", "--password-stdin"], input="seed-passwort-1\n"
    )
    assert result.exit_code == 0, result.output
    assert "seeded 25 people" in result.output and "certified, expiring 1" in result.output
    client = app.test_client()
    login(client, "person000010@seed.example", "seed-passwort-1")
    assert client.get("/").status_code == 200


def test_the_command_is_refused_in_production(make_app):
    production = make_app(
        APP_ENV="production", SECRET_KEY=PRODUCTION_SECRET_KEY, PUBLIC_URL="https://a.example"
    )
    result = production.test_cli_runner().invoke(args=["demo", "seed", "--learners", "5"])
    assert result.exit_code != 0 and "not created in production" in result.output


def test_the_synthetic_course_loads_without_problems(tmp_path):
    folder = synthetic.write(tmp_path, modules=12, questions=60)
    course, problems = load_course(folder)
    assert [p for p in problems if p.severity == "error"] == []
    assert course is not None and len(course.modules) == 12 and len(course.questions) == 60
    assert all(module.self_check_questions for module in course.modules)


def test_the_course_command_writes_a_course_the_checker_accepts(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["demo", "course", str(tmp_path), "--modules", "5", "--questions", "25"]
    )
    assert result.exit_code == 0, result.output
    check = runner.invoke(args=["courses", "check", str(tmp_path / "grosser-kurs")])
    assert check.exit_code == 0, check.output


def test_dates_are_relative_to_today(seeded):
    today = clock.today()
    latest = db.session.scalar(select(func.max(Certificate.issued_at)))
    assert latest.date() <= today and latest.date() > today - timedelta(days=400)
