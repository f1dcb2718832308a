"""Item statistics of a course against a hand-computed fixture: six graded exams over the
test course's two questions, shown on the page and in the CSV, aggregated only."""

from __future__ import annotations

import csv
import io

import pytest

from academy.content.questions import derived_id
from tests.fixtures.course_files import write_course
from tests.fixtures.web import login
from tests.fixtures.workbench import sit_exam

ONE = "q-eins"  # single choice: A right, B wrong
TWO = derived_id("Frage zwei (Mehrfachauswahl)")  # A and B right, C wrong

# What six learners ticked. Question one: right in 1, 2, 3, 5. Question two: right in 1, 2.
# Question one: n=6, right=4, rest scores (question two) 1,1,0,0,0,0 -> sum 2, squares 2,
# 2 of them where one was right: r = (6*2 - 2*4) / sqrt((6*2 - 4) * 4*2) = 4/8 = 0.5.
# Question two: n=6, right=2, rest scores 1,1,1,0,1,0 -> sum 4, squares 4, 2 where right:
# r = (6*2 - 4*2) / sqrt((6*4 - 16) * 2*4) = 4/8 = 0.5.
PICKS = [
    {ONE: {"A"}, TWO: {"A", "B"}},
    {ONE: {"A"}, TWO: {"A", "B"}},
    {ONE: {"A"}, TWO: {"A"}},
    {ONE: {"B"}, TWO: {"C"}},
    {ONE: {"A"}, TWO: {"A", "C"}},
    {ONE: {"B"}, TWO: set()},
]


@pytest.fixture
def graded(make_app, create_user, tmp_path):
    """The app after the six exams, and a trainer's client."""
    write_course(tmp_path / "courses")
    app = make_app(COURSES_DIR=str(tmp_path / "courses"), ITEM_STATS_MIN_ATTEMPTS="5")
    for number, picks in enumerate(PICKS):
        user_id, _ = create_user(name=f"Lernende Nummer {number}")
        sit_exam(app, user_id, picks)
    _, email = create_user("trainer")
    trainer = app.test_client()
    login(trainer, email)
    return app, trainer


def test_statistics_page_matches_the_hand_computed_figures(graded):
    _, trainer = graded
    page = trainer.get("/trainer/courses/testkurs/statistics").get_data(as_text=True)
    rows = {qid: page.split(f'id="q-{qid}"')[1].split("</tr>")[0] for qid in (ONE, TWO)}
    assert ">6<" in rows[ONE] and "67 %" in rows[ONE] and "0,50" in rows[ONE]
    assert "B: <strong>2</strong>" in rows[ONE]
    assert ">6<" in rows[TWO] and "33 %" in rows[TWO] and "0,50" in rows[TWO]
    assert "C: <strong>2</strong>" in rows[TWO]
    assert "Lernende Nummer" not in page  # aggregated only, never per person


def test_csv_export_has_the_same_figures(graded):
    _, trainer = graded
    response = trainer.get("/trainer/courses/testkurs/statistics.csv")
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = {row[0]: row for row in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")}
    assert rows[ONE][3:6] == ["6", "67", "0,50"] and rows[ONE][7] == "B: 2"
    assert rows[TWO][3:6] == ["6", "33", "0,50"] and rows[TWO][7] == "C: 2"
    assert rows["Frage-ID"][1] == "Modul" and "Lernende Nummer" not in body


def test_below_the_minimum_no_figures_are_shown(graded, make_app, tmp_path):
    _app, trainer = graded
    stricter = make_app(COURSES_DIR=str(tmp_path / "courses"), ITEM_STATS_MIN_ATTEMPTS="7")
    client = stricter.test_client()
    client.set_cookie("session", trainer.get_cookie("session").value)
    page = client.get("/trainer/courses/testkurs/statistics").get_data(as_text=True)
    row = page.split(f'id="q-{ONE}"')[1].split("</tr>")[0]
    assert "zu wenige Antworten für eine Auswertung" in row and "67 %" not in row
    body = client.get("/trainer/courses/testkurs/statistics.csv").get_data(as_text=True)
    assert ";67;" not in body and "zu wenige Antworten" in body


def test_rechecks_and_late_answers_do_not_count(graded, create_user):
    app, trainer = graded
    user_id, _ = create_user()
    sit_exam(app, user_id, {TWO: {"C"}}, modules=["zweites"])  # a re-check
    page = trainer.get("/trainer/courses/testkurs/statistics").get_data(as_text=True)
    row = page.split(f'id="q-{TWO}"')[1].split("</tr>")[0]
    assert ">6<" in row and "C: <strong>2</strong>" in row


def test_each_version_apart_or_all_together(graded):
    _, trainer = graded
    everything = trainer.get("/trainer/courses/testkurs/statistics?version=all")
    assert "67 %" in everything.get_data(as_text=True)
    other = trainer.get("/trainer/courses/testkurs/statistics?version=ffffffffffff")
    assert "67 %" in other.get_data(as_text=True)  # unknown: the version learners see
