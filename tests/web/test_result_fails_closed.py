"""The result page fails closed (issue 12, row 17): when the course is gone (removed, or
broken and so not loaded), no correct option is marked, even for an attempt whose rule
would reveal them."""

from __future__ import annotations

from academy.exams.models import ExamAttempt
from academy.extensions import db
from academy.learning.queries import catalog
from tests.fixtures.journey import COURSE, start_exam, submit_exam

CORRECT_TAG = 'class="tag tag-correct"'


def _failed_attempt_that_would_reveal(client, app) -> int:
    attempt_id = start_exam(client)
    submit_exam(client, app, attempt_id, correct=1)
    with app.app_context():
        db.session.get(ExamAttempt, attempt_id).reveal_answers = "always"
        db.session.commit()
    return attempt_id


def test_with_its_course_the_rule_reveals(learner, app):
    client, _ = learner
    attempt_id = _failed_attempt_that_would_reveal(client, app)
    page = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result").get_data(as_text=True)
    assert CORRECT_TAG in page  # the control: the marker this test looks for exists


def test_without_its_course_nothing_is_revealed(learner, app, monkeypatch):
    client, _ = learner
    attempt_id = _failed_attempt_that_would_reveal(client, app)
    with app.app_context():
        monkeypatch.delitem(catalog()._courses, COURSE)  # the course is gone
    response = client.get(f"/courses/{COURSE}/exam/{attempt_id}/result")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "richtig beantwortet" in page
    assert CORRECT_TAG not in page and 'class="correct"' not in page
