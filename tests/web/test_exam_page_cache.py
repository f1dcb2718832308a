"""The exam page around the questions is rendered once per kind of page, then filled
with the learner's name, CSRF token, attempt, count answered and deadline; the questions
are rendered for each attempt. Each learner still gets exactly their own page."""

from __future__ import annotations

import re

from flask import template_rendered

from academy.exams.models import ExamAttempt
from academy.extensions import db
from tests.fixtures.journey import COURSE, answers_for, finish_modules, start_exam
from tests.fixtures.web import CSRF


def _page(app, client, attempt_id: int, query: str = "") -> tuple[str, list[str]]:
    names: list[str] = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        response = client.get(f"/courses/{COURSE}/exam/{attempt_id}{query}")
    finally:
        template_rendered.disconnect(record, app)
    assert response.status_code == 200
    return response.get_data(as_text=True), names


def _nothing_kept(app) -> None:
    """The app may be shared with earlier tests, which leave pages kept."""
    app.extensions.pop("exam_pages", None)


def _taking(app, signed_in, name: str):
    client, _ = signed_in(name=name)
    finish_modules(client, app)
    return client, start_exam(client)


def test_the_second_attempt_gets_the_kept_page_with_its_own_values(app, signed_in):
    anna, anna_attempt = _taking(app, signed_in, "Anna <Admin>")
    ben, ben_attempt = _taking(app, signed_in, "Ben Berg")
    _nothing_kept(app)
    page_a, rendered_a = _page(app, anna, anna_attempt)
    page_b, rendered_b = _page(app, ben, ben_attempt)
    assert "exams/take.html" in rendered_a
    assert "exams/take.html" not in rendered_b and "exams/_questions.html" in rendered_b
    assert "Anna &lt;Admin&gt;" in page_a and "Ben Berg" in page_b and "Anna" not in page_b
    # Every URL of Ben's page names Ben's attempt: the form, the autosave, the language
    # switch's way back; none names Anna's.
    assert f"/exam/{anna_attempt}" not in page_b
    assert page_b.count(f"/exam/{ben_attempt}") == 3
    assert "mark-" not in page_b and "970318642753186420" not in page_b
    with app.app_context():
        drawn = db.session.get(ExamAttempt, ben_attempt).questions
    assert all(f'value="{o["id"]}"' in page_b for q in drawn for o in q["options"])
    token = CSRF.search(page_b).group(1)
    answers = answers_for(app, ben_attempt)
    response = ben.post(
        f"/courses/{COURSE}/exam/{ben_attempt}", data={"csrf_token": token, **answers}
    )
    assert response.status_code == 302 and "/result" in response.headers["Location"]


def test_the_kept_page_is_the_page_the_template_renders(app, signed_in):
    """A query string is never kept: that page is rendered whole, and equals the kept
    one but for the language switch's way back."""
    anna, anna_attempt = _taking(app, signed_in, "Anna")
    _page(app, anna, anna_attempt)  # now kept
    ben, ben_attempt = _taking(app, signed_in, "Ben")
    kept, rendered = _page(app, ben, ben_attempt)
    whole, rendered_whole = _page(app, ben, ben_attempt, "?whole=1")
    assert "exams/take.html" not in rendered and "exams/take.html" in rendered_whole
    assert kept == whole.replace(f"/exam/{ben_attempt}?whole=1", f"/exam/{ben_attempt}")


def test_each_timed_attempt_shows_its_own_deadline(app, signed_in, replace_course):
    replace_course(exam={"time_limit_minutes": 30})
    anna, anna_attempt = _taking(app, signed_in, "Anna")
    ben, ben_attempt = _taking(app, signed_in, "Ben")
    with app.app_context():
        deadlines = {
            a: db.session.get(ExamAttempt, a).deadline_at.isoformat()
            for a in (anna_attempt, ben_attempt)
        }
    for client, attempt in ((anna, anna_attempt), (ben, ben_attempt)):
        page, _ = _page(app, client, attempt)
        assert re.findall(r'data-deadline="([^"]+)Z"', page) == [deadlines[attempt]]
        assert "mark-" not in page
