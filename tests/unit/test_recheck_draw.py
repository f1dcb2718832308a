"""A re-check after a material change: a few questions, only from the changed modules."""

from __future__ import annotations

import random
from collections import Counter

from academy.exams.grading import draw, recheck_size
from tests.fixtures.course_objects import course


def test_a_recheck_draws_two_questions_per_changed_module_from_those_modules_only():
    pool = course({"a": 6, "b": 6, "c": 6}, question_count=10)
    drawn = draw(pool, random.Random(3), modules=["a", "c"])
    assert Counter(q.module_slug for q in drawn) == {"a": 2, "c": 2}


def test_a_recheck_is_never_longer_than_the_exam_nor_than_the_modules_hold():
    assert recheck_size(modules=8, pool=40, exam_size=10) == 10
    assert recheck_size(modules=3, pool=1, exam_size=10) == 1
    assert recheck_size(modules=2, pool=0, exam_size=10) == 0
    drawn = draw(course({"a": 1, "b": 6}, question_count=10), random.Random(4), modules=["a"])
    assert [q.module_slug for q in drawn] == ["a"]


def test_without_modules_the_whole_exam_is_drawn_as_before():
    pool = course({"a": 6, "b": 6}, question_count=8)
    assert len(draw(pool, random.Random(5))) == 8
