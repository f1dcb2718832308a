"""Drawing and grading an exam: pure functions, checked without Flask or a database."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from academy.exams.grading import (
    DrawnQuestion,
    Grade,
    InvalidAnswers,
    check_answers,
    draw,
    grade,
)
from tests.fixtures.course_objects import course


def test_draw_takes_the_configured_number_spread_evenly_in_course_order():
    pool = course({"a": 6, "b": 6, "c": 6, "d": 6}, question_count=10)
    drawn = draw(pool, random.Random(1))
    assert len(drawn) == 10 and len({q.id for q in drawn}) == 10
    per_module = Counter(q.module_slug for q in drawn)
    assert sorted(per_module.values()) == [2, 2, 3, 3]  # as even as 10 over 4 allows
    order = [q.module_slug for q in drawn]
    assert order == sorted(order)  # grouped in the order of the modules


def test_draw_fills_up_from_larger_modules_when_one_runs_out():
    drawn = draw(course({"a": 1, "b": 9}, question_count=6), random.Random(2))
    assert Counter(q.module_slug for q in drawn) == {"a": 1, "b": 5}


def test_draw_shuffles_questions_and_options_between_attempts():
    pool = course({"a": 20}, question_count=5)
    draws = [draw(pool, random.Random(seed)) for seed in range(10)]
    assert len({tuple(q.id for q in d) for d in draws}) > 1
    assert len({tuple(o.id for o in d[0].options) for d in draws}) > 1


def test_drawn_question_survives_its_json_snapshot():
    (question,) = draw(course({"a": 1}, question_count=1), random.Random(3))
    assert DrawnQuestion.from_json(question.to_json()) == question


@pytest.mark.parametrize(
    ("correct", "total", "mark", "passed", "percent"),
    [(16, 20, 80, True, 80), (15, 20, 80, False, 75), (2, 3, 67, False, 67), (0, 0, 80, False, 0)],
)
def test_pass_mark_is_compared_without_rounding(correct, total, mark, passed, percent):
    score = Grade(correct, total, mark)
    assert (score.passed, score.percent) == (passed, percent)


def _drawn(seed: int = 4):
    return draw(course({"a": 4, "b": 4}, question_count=8), random.Random(seed))  # all of them


def test_only_the_complete_selection_counts():
    questions = _drawn()
    multiple = next(q for q in questions if q.multiple)
    single = next(q for q in questions if not q.multiple)
    answers = {
        multiple.id: frozenset(list(multiple.correct_ids)[:1]),  # half of the right ones
        single.id: single.correct_ids,
    }
    score, results = grade(questions, answers, pass_mark=50)
    assert score.correct == 1 and not score.passed
    by_id = {r.question.id: r for r in results}
    assert by_id[single.id].correct and not by_id[multiple.id].correct
    assert sum(not r.answered for r in results) == len(questions) - 2


@pytest.mark.parametrize(
    "tamper",
    [
        lambda q: {"not-drawn": frozenset({"x"})},
        lambda q: {q.id: frozenset({"unknown-option"})},
        lambda q: {q.id: q.option_ids},  # every option of a single-choice question
    ],
    ids=["question-not-drawn", "unknown-option", "several-on-single-choice"],
)
def test_answers_that_do_not_fit_the_attempt_are_refused(tamper):
    questions = _drawn()
    single = next(q for q in questions if not q.multiple)
    with pytest.raises(InvalidAnswers):
        check_answers(questions, tamper(single))


def test_fitting_answers_pass_the_check():
    questions = _drawn()
    check_answers(questions, {q.id: q.correct_ids for q in questions})
