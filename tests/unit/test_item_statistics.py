"""Item statistics from sums: point-biserial correlation against a hand-computed
example, the flags, and nothing shown below the minimum number of answers."""

from __future__ import annotations

import math
from dataclasses import astuple

import pytest

from academy.trainer.statistics import (
    Flag,
    ItemSums,
    flags,
    graded,
    item_statistics,
    point_biserial,
)

# Five answers to one question: (right?, right answers on the attempt's other questions)
ANSWERS = [(1, 4), (1, 3), (0, 1), (1, 2), (0, 0)]


def sums(answers=ANSWERS, question_id="q") -> ItemSums:
    return ItemSums(
        question_id,
        drawn=len(answers),
        right=sum(r for r, _ in answers),
        rest=sum(x for _, x in answers),
        rest_squares=sum(x * x for _, x in answers),
        rest_when_right=sum(x for r, x in answers if r),
    )


def test_point_biserial_matches_the_hand_computed_value():
    # Right: mean rest 3; wrong: mean rest 0.5; all: mean 2, population sd sqrt(2);
    # p = 0.6: r = (3 - 0.5) / sqrt(2) * sqrt(0.6 * 0.4) = sqrt(3) / 2
    assert point_biserial(sums()) == pytest.approx(math.sqrt(3) / 2)


def test_point_biserial_is_negative_when_the_weaker_learners_get_it_right():
    reversed_answers = [(1 - r, x) for r, x in ANSWERS]
    assert point_biserial(sums(reversed_answers)) == pytest.approx(-math.sqrt(3) / 2)


def test_no_correlation_without_spread():
    assert point_biserial(sums([(1, 2), (1, 3), (1, 1)])) is None  # everyone right
    assert point_biserial(sums([(1, 2), (0, 2), (1, 2)])) is None  # same rest score


@pytest.mark.parametrize(
    ("share", "discrimination", "expected"),
    [
        (0.96, 0.2, {Flag.TOO_EASY}),
        (0.95, 0.2, set()),
        (0.29, 0.2, {Flag.TOO_HARD}),
        (0.30, 0.2, set()),
        (0.6, -0.1, {Flag.NEGATIVE}),
        (0.2, -0.3, {Flag.TOO_HARD, Flag.NEGATIVE}),
        (0.6, None, set()),
    ],
)
def test_flags(share, discrimination, expected):
    assert flags(share, discrimination) == expected


def test_below_the_minimum_only_the_count_is_given():
    hidden = item_statistics(sums(), {"o1": 2}, min_attempts=6)
    assert not hidden.shown and hidden.drawn == 5
    assert hidden.share_right is None and hidden.discrimination is None
    assert hidden.wrong_choices == {}
    shown = item_statistics(sums(), {"o1": 2}, min_attempts=5)
    assert shown.shown and shown.share_right == pytest.approx(0.6)
    assert shown.wrong_choices == {"o1": 2} and shown.flags == frozenset()


def test_what_one_graded_exam_adds_to_its_questions():
    added = {s.question_id: s for s in graded({"a": True, "b": False, "c": True})}
    # score 2: a and c have rest score 1, b has rest score 2
    assert added["a"] == ItemSums("a", drawn=1, right=1, rest=1, rest_squares=1, rest_when_right=1)
    assert added["b"] == ItemSums("b", drawn=1, right=0, rest=2, rest_squares=4, rest_when_right=0)


def test_the_sums_of_graded_exams_give_the_hand_computed_correlation():
    """Five exams whose question "q" has the ANSWERS above (other questions fill the rest)."""
    total = ItemSums("q", 0, 0, 0, 0, 0)
    for right, rest in ANSWERS:
        others = {f"o{n}": True for n in range(rest)}
        (one,) = [s for s in graded({"q": bool(right), **others}) if s.question_id == "q"]
        total = ItemSums(
            "q", *(a + b for a, b in zip(astuple(total)[1:], astuple(one)[1:], strict=True))
        )
    assert total == sums()
    assert point_biserial(total) == pytest.approx(math.sqrt(3) / 2)
