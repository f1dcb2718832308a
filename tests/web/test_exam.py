"""The final exam on the server: eligibility, retakes, double submits, tampering, secrecy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy import clock
from academy.exams.models import ExamAttempt, ExamResult
from academy.extensions import db
from tests.conftest import post
from tests.web.test_journey import COURSE, answers_for, course, finish_modules, start_exam


@pytest.fixture
def learner(signed_in, app):
    """A signed-in learner who has finished every module."""
    client, user_id = signed_in()
    finish_modules(client, app)
    return client, user_id


def count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def test_exam_is_closed_until_all_modules_are_done(signed_in):
    client, _ = signed_in()
    response = post(client, f"/courses/{COURSE}/exam/start")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "sobald Sie alle Module abgeschlossen haben" in page


def test_attempt_draws_configured_number_across_modules(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    with app.app_context():
        attempt = db.session.get(ExamAttempt, attempt_id)
        questions = attempt.questions
        assert attempt.course_version == course(app).version
    assert len(questions) == course(app).exam.question_count == 20
    modules = {q["module"] for q in questions}
    assert len(modules) == len(course(app).modules)  # 20 drawn from 10 modules: all covered


def test_exam_page_never_reveals_correct_options(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    html = client.get(f"/courses/{COURSE}/exam/{attempt_id}").get_data(as_text=True)
    assert "data-correct" not in html and "correct" not in html.lower().replace("incorrect", "")
    with app.app_context():
        questions = db.session.get(ExamAttempt, attempt_id).questions
    for question in questions:
        assert f'name="q-{question["id"]}"' in html
        for option in question["options"]:
            assert f'value="{option["id"]}"' in html


def test_pass_mark_edge_sixteen_of_twenty_passes(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    post(client, f"/courses/{COURSE}/exam/{attempt_id}", answers_for(app, attempt_id, correct=16))
    with app.app_context():
        result = db.session.query(ExamResult).one()
        assert (result.correct_count, result.percent, result.passed) == (16, 80, True)


def test_fail_then_cooldown_then_retake(learner, app, monkeypatch):
    client, _ = learner
    attempt_id = start_exam(client)
    post(client, f"/courses/{COURSE}/exam/{attempt_id}", answers_for(app, attempt_id, correct=15))
    page = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    assert "Leider nicht bestanden" in page
    assert "75 %" in page

    refused = post(client, f"/courses/{COURSE}/exam/start")
    assert "Pause" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert count(app, ExamAttempt) == 1

    later = clock.utcnow() + timedelta(minutes=course(app).exam.retake_cooldown_minutes + 1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    second = start_exam(client)
    assert second != attempt_id
    assert count(app, ExamAttempt) == 2


def test_daily_limit(learner, app, monkeypatch):
    client, _ = learner
    now = clock.utcnow()
    for index in range(course(app).exam.max_attempts_per_day):
        monkeypatch.setattr(clock, "utcnow", lambda index=index: now + timedelta(hours=index))
        attempt_id = start_exam(client)
        post(
            client, f"/courses/{COURSE}/exam/{attempt_id}", answers_for(app, attempt_id, correct=0)
        )
    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(hours=5))
    refused = post(client, f"/courses/{COURSE}/exam/start")
    assert "Höchstzahl an Versuchen" in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(hours=24, minutes=1))
    start_exam(client)  # the oldest attempt left the 24-hour window


def test_double_click_on_start_opens_one_attempt(learner, app):
    client, _ = learner
    first = start_exam(client)
    second = start_exam(client)
    assert first == second
    assert count(app, ExamAttempt) == 1


def test_double_submit_records_exactly_one_result(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    answers = answers_for(app, attempt_id)
    first = post(client, f"/courses/{COURSE}/exam/{attempt_id}", answers)
    wrong = answers_for(app, attempt_id, correct=0)
    second = post(client, f"/courses/{COURSE}/exam/{attempt_id}", wrong)  # replayed, other answers
    assert first.status_code == second.status_code == 302
    assert count(app, ExamResult) == 1
    with app.app_context():
        assert db.session.query(ExamResult).one().passed  # the first submission stands


def test_two_tabs_submitting_concurrently_record_one_result(learner, app):
    """Two requests at once: the database decides, not the application's check."""
    import threading

    client, _ = learner
    attempt_id = start_exam(client)
    answers = answers_for(app, attempt_id)
    from tests.conftest import csrf_token

    token = csrf_token(client)
    statuses = []

    def submit():
        response = client.post(
            f"/courses/{COURSE}/exam/{attempt_id}", data={"csrf_token": token, **answers}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert count(app, ExamResult) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda a: {**a, "q-not-drawn": ["x"]}, id="question-not-drawn"),
        pytest.param(lambda a: {k: ["deadbeef"] for k in a}, id="unknown-option"),
        pytest.param(
            lambda a: {k: ["deadbeef", *v] for k, v in list(a.items())[:1]}, id="unknown-plus-valid"
        ),
    ],
)
def test_tampered_submission_changes_nothing(learner, app, tamper):
    client, _ = learner
    attempt_id = start_exam(client)
    response = post(
        client, f"/courses/{COURSE}/exam/{attempt_id}", tamper(answers_for(app, attempt_id))
    )
    assert response.status_code == 400
    assert "passen nicht zu diesem Prüfungsversuch" in response.get_data(as_text=True)
    assert count(app, ExamResult) == 0
    with app.app_context():
        assert db.session.get(ExamAttempt, attempt_id).submitted_at is None


def test_several_options_on_single_choice_question_is_refused(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    with app.app_context():
        questions = db.session.get(ExamAttempt, attempt_id).questions
    single = next(q for q in questions if sum(o["correct"] for o in q["options"]) == 1)
    answers = answers_for(app, attempt_id)
    answers[f"q-{single['id']}"] = [o["id"] for o in single["options"]]
    assert post(client, f"/courses/{COURSE}/exam/{attempt_id}", answers).status_code == 400
    assert count(app, ExamResult) == 0


def test_someone_elses_attempt_is_not_found(learner, signed_in, app):
    client, _ = learner
    attempt_id = start_exam(client)
    other, _ = signed_in()
    assert other.get(f"/courses/{COURSE}/exam/{attempt_id}").status_code == 404
    assert other.get(f"/courses/{COURSE}/exam/{attempt_id}/result").status_code == 404
    response = post(other, f"/courses/{COURSE}/exam/{attempt_id}", answers_for(app, attempt_id))
    assert response.status_code == 404
    assert count(app, ExamResult) == 0


def test_submit_without_csrf_token_changes_nothing(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    response = client.post(
        f"/courses/{COURSE}/exam/{attempt_id}", data=answers_for(app, attempt_id)
    )
    assert response.status_code == 400
    assert count(app, ExamResult) == 0


def test_result_shows_answers_and_explanations(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    post(client, f"/courses/{COURSE}/exam/{attempt_id}", answers_for(app, attempt_id, correct=10))
    page = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    assert page.count('class="quiz exam-question is-correct"') == 10
    assert page.count('class="quiz exam-question is-incorrect"') == 10
    assert page.count('class="explanation"') == 20
    assert "Ihre Wahl" in page and 'class="tag tag-correct"' in page  # show_correct_answers: true


def test_time_limit_is_enforced_on_the_server(learner, app, monkeypatch):
    """A course with a time limit: a submission after it is recorded late, not graded."""
    import dataclasses

    client, _ = learner
    original = course(app)
    limited = dataclasses.replace(
        original, exam=dataclasses.replace(original.exam, time_limit_minutes=30)
    )
    with app.app_context():
        from academy.extensions import catalog

        monkeypatch.setitem(catalog()._courses, COURSE, limited)
    attempt_id = start_exam(client)
    page = client.get(f"/courses/{COURSE}/exam/{attempt_id}").get_data(as_text=True)
    assert "data-deadline" in page
    late = clock.utcnow() + timedelta(minutes=31)
    monkeypatch.setattr(clock, "utcnow", lambda: late)
    response = post(client, f"/courses/{COURSE}/exam/{attempt_id}", answers_for(app, attempt_id))
    assert response.status_code == 302
    with app.app_context():
        result = db.session.query(ExamResult).one()
        assert result.late and not result.passed and result.answers == {}
    assert "Zeit abgelaufen" in client.get(response.headers["Location"]).get_data(as_text=True)
