"""The final exam on the server: eligibility, retakes, double submits, tampering, secrecy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy import clock
from academy.exams.models import ExamAttempt, ExamDraftAnswer, ExamResult
from academy.extensions import db
from tests.fixtures.journey import (
    COURSE,
    answers_for,
    course,
    finish_modules,
    start_exam,
    submit_exam,
)
from tests.fixtures.web import csrf_token, post


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
    submit_exam(client, app, attempt_id, correct=16)
    with app.app_context():
        result = db.session.query(ExamResult).one()
        assert (result.correct_count, result.percent, result.passed) == (16, 80, True)


def test_fail_then_cooldown_then_retake(learner, app, monkeypatch):
    client, _ = learner
    attempt_id = start_exam(client)
    submit_exam(client, app, attempt_id, correct=15)
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
        submit_exam(client, app, attempt_id, correct=0)
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
    """Two browsers of one learner submit at the same instant: the database decides (the
    atomic claim of the attempt), not a check in the application. Each thread has its own
    client, hence its own request, session and database connection."""
    import threading

    client, _ = learner
    attempt_id = start_exam(client)
    answers = answers_for(app, attempt_id)
    tabs = [app.test_client() for _ in range(4)]
    for tab in tabs:  # the same signed-in session in each browser tab
        tab.set_cookie("session", client.get_cookie("session").value)
    tokens = [csrf_token(tab) for tab in tabs]
    ready = threading.Barrier(len(tabs))
    statuses = []

    def submit(tab, token):
        ready.wait()
        response = tab.post(
            f"/courses/{COURSE}/exam/{attempt_id}", data={"csrf_token": token, **answers}
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=submit, args=pair) for pair in zip(tabs, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(tabs)
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
    submit_exam(client, app, attempt_id, correct=10)
    page = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    assert page.count('class="quiz exam-question is-correct"') == 10
    assert page.count('class="quiz exam-question is-incorrect"') == 10
    # The bundled course reveals answers after a pass only: a failed attempt shows the
    # explanations of what was answered right, and neither key nor explanation of the rest.
    assert page.count('class="explanation"') == 10
    assert "Ihre Wahl" in page and 'class="tag tag-correct"' not in page


def test_a_result_keeps_its_rule_when_the_course_changes_or_disappears(
    learner, app, replace_course, monkeypatch
):
    client, _ = learner
    attempt_id = start_exam(client)  # started under the default: after_pass
    submit_exam(client, app, attempt_id, correct=10)
    replace_course(exam={"reveal_answers": "always"})
    page = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    assert 'class="tag tag-correct"' not in page
    with app.app_context():
        from academy.learning.queries import catalog

        monkeypatch.delitem(catalog()._courses, COURSE)  # the course is gone
    gone = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    assert "Leider nicht bestanden" in gone and 'class="tag tag-correct"' not in gone


def test_option_ids_differ_between_attempts(learner, app, monkeypatch):
    client, _ = learner
    first = start_exam(client)
    submit_exam(client, app, first, correct=0)
    later = clock.utcnow() + timedelta(minutes=course(app).exam.retake_cooldown_minutes + 1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    second = start_exam(client)
    ids = [
        {o["id"] for q in drawn(app, attempt) for o in q["options"]} for attempt in (first, second)
    ]
    sources = [{o["source"] for q in drawn(app, a) for o in q["options"]} for a in (first, second)]
    assert ids[0].isdisjoint(ids[1])
    assert sources[0] & sources[1]  # the same questions' options, by their ids in the file


def test_time_limit_is_enforced_on_the_server(learner, app, monkeypatch, replace_course):
    """A course with a time limit: a submission after it is recorded late, not graded."""
    client, _ = learner
    replace_course(exam={"time_limit_minutes": 30})
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


# --- answers kept as the learner goes, the summary before handing in ------------------


def save(client, attempt_id: int, question_id: str, *options: str):
    return post(
        client,
        f"/courses/{COURSE}/exam/{attempt_id}/answers",
        {"question": question_id, f"q-{question_id}": list(options)},
    )


def drawn(app, attempt_id: int) -> list[dict]:
    with app.app_context():
        return db.session.get(ExamAttempt, attempt_id).questions


def test_each_answer_is_saved_and_shown_again_in_every_tab(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    first, second = drawn(app, attempt_id)[:2]
    option = first["options"][0]["id"]
    response = save(client, attempt_id, first["id"], option)
    assert response.status_code == 200
    assert response.get_json() == {"saved": True, "answered": 1, "total": 20}
    save(client, attempt_id, second["id"], second["options"][1]["id"])
    save(client, attempt_id, second["id"])  # changed her mind: nothing chosen
    other_tab = app.test_client()
    other_tab.set_cookie("session", client.get_cookie("session").value)
    page = other_tab.get(f"/courses/{COURSE}/exam/{attempt_id}").get_data(as_text=True)
    assert f'value="{option}" checked' in page
    assert page.count(" checked") == 1
    assert "1 von 20 beantwortet" in page


def test_saving_refuses_foreign_options_and_handed_in_attempts(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    question = drawn(app, attempt_id)[0]
    refused = save(client, attempt_id, question["id"], "not-an-option")
    assert refused.status_code == 400 and refused.get_json()["reason"] == "tampered"
    assert save(client, attempt_id, "not-drawn", "x").status_code == 400
    submit_exam(client, app, attempt_id)
    late = save(client, attempt_id, question["id"], question["options"][0]["id"])
    assert late.status_code == 409 and late.get_json()["reason"] == "submitted"
    with app.app_context():
        assert db.session.query(ExamDraftAnswer).filter_by(question_id="not-drawn").count() == 0


def test_unanswered_questions_are_listed_before_handing_in(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    answers = answers_for(app, attempt_id)
    partial = dict(list(answers.items())[:17])
    handed_in = post(client, f"/courses/{COURSE}/exam/{attempt_id}", partial)
    assert handed_in.headers["Location"] == f"/courses/{COURSE}/exam/{attempt_id}/summary"
    summary = client.get(handed_in.headers["Location"])
    page = summary.get_data(as_text=True)
    assert summary.status_code == 200 and "Prüfung abgeben?" in page
    assert "17 von 20 Fragen sind beantwortet" in page
    for number in (18, 19, 20):
        assert f"/courses/{COURSE}/exam/{attempt_id}#question-{number}" in page
    assert count(app, ExamResult) == 0
    # The answers given so far are kept: the confirmation alone hands them in.
    confirmed = post(client, f"/courses/{COURSE}/exam/{attempt_id}", {"confirm": "1"})
    assert confirmed.status_code == 302
    with app.app_context():
        result = db.session.query(ExamResult).one()
        assert (result.correct_count, result.total, result.passed) == (17, 20, True)


def test_the_hand_in_combines_saved_and_posted_answers(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    questions, answers = drawn(app, attempt_id), answers_for(app, attempt_id)
    first = questions[0]
    wrong = next(o["id"] for o in first["options"] if not o["correct"])
    save(client, attempt_id, first["id"], wrong)  # saved earlier, then corrected on the page
    for question in questions[1:5]:  # saved in another tab, not on this page
        save(client, attempt_id, question["id"], *answers[f"q-{question['id']}"])
    on_this_page = {
        k: v for k, v in answers.items() if k not in {f"q-{q['id']}" for q in questions[1:5]}
    }
    assert post(client, f"/courses/{COURSE}/exam/{attempt_id}", on_this_page).status_code == 302
    with app.app_context():
        assert db.session.query(ExamResult).one().correct_count == 20


def test_an_empty_hand_in_is_refused_and_does_not_count(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    response = post(client, f"/courses/{COURSE}/exam/{attempt_id}", {"confirm": "1"})
    assert response.status_code == 400
    assert "noch keine Frage beantwortet" in response.get_data(as_text=True)
    assert count(app, ExamResult) == 0
    with app.app_context():
        assert db.session.get(ExamAttempt, attempt_id).submitted_at is None
    assert start_exam(client) == attempt_id  # no cooldown: the same attempt goes on


# --- after the result --------------------------------------------------------------------


def test_a_failed_result_names_the_modules_to_revise_and_the_next_attempt(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    submit_exam(client, app, attempt_id, correct=14)
    page = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    wrong_modules = {q["module"] for q in drawn(app, attempt_id)[14:]}
    revise = page.split('class="revise"')[1].split("</ul>")[0]
    for slug in wrong_modules:
        assert f'href="/courses/{COURSE}/{slug}"' in revise
    assert "Der nächste Versuch ist möglich ab" in page
    only_wrong = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result?show=wrong")
    html = only_wrong.get_data(as_text=True)
    assert html.count("is-incorrect") == 6 and "is-correct" not in html
    assert "Frage 15" in html and "Frage 1<" not in html  # numbers stay those of the exam
    # The course page says the same as the exam page: not "the exam is open".
    overview = client.get(f"/courses/{COURSE}/").get_data(as_text=True)
    assert "Der nächste Prüfungsversuch ist möglich ab" in overview
    assert "die Abschlussprüfung ist offen" not in overview


@pytest.mark.parametrize(
    ("reveal", "failed_shows", "passed_shows"),
    [("always", True, True), ("after_pass", False, True), ("never", False, False)],
)
def test_the_course_decides_whether_correct_answers_are_revealed(
    signed_in, app, replace_course, reveal, failed_shows, passed_shows
):
    replace_course(exam={"reveal_answers": reveal, "retake_cooldown_minutes": 0})
    client, _ = signed_in()
    finish_modules(client, app)
    failed = start_exam(client)
    submit_exam(client, app, failed, correct=10)
    passed = start_exam(client)
    submit_exam(client, app, passed)
    for attempt_id, shows in ((failed, failed_shows), (passed, passed_shows)):
        page = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
        assert ('class="tag tag-correct"' in page) is shows, (reveal, attempt_id)


def test_the_course_page_offers_to_continue_an_open_attempt(learner, app):
    client, _ = learner
    attempt_id = start_exam(client)
    page = client.get(f"/courses/{COURSE}/").get_data(as_text=True)
    assert "Prüfung fortsetzen" in page
    assert f'href="/courses/{COURSE}/exam/{attempt_id}"' in page
