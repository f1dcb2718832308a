"""The pool as a whole: groups of near-duplicates (in the checker and in the draw), learning
objectives covered by questions, and option lengths that must not give the answer away."""

from __future__ import annotations

import math
import random
from collections import Counter
from itertools import product

import pytest

from academy.content import load_course
from academy.content.pool import _tail, length_signal
from academy.exams.grading import draw
from tests.fixtures.course_files import COURSE_MD, write_course


def question(
    number: int,
    module: str = "01",
    group: str | None = None,
    objectives: str | None = None,
    right: str = "Richtig",
    wrong: tuple[str, ...] = ("Falsch",),
) -> str:
    meta = f"<!-- id: q{number} -->\n<!-- module: {module} -->\n"
    meta += f"<!-- group: {group} -->\n" if group else ""
    meta += f"<!-- objectives: {objectives} -->\n" if objectives else ""
    options = f"- [x] {right}\n" + "".join(f"- [ ] {w}\n" for w in wrong)
    return f"## Frage {number}\n{meta}\n{options}\n> Erklärung {number}.\n\n"


def course_with(tmp_path, exam: str, drawn: int = 2):
    course_md = COURSE_MD.replace("exam_questions: 2", f"exam_questions: {drawn}")
    path = write_course(tmp_path, exam_md=exam, course_md=course_md)
    course, problems = load_course(path)
    return course, [p.format(path) for p in problems]


def test_group_and_objectives_are_read(tmp_path):
    exam = question(1, group="Amazon-Fall", objectives="1") + question(2, "02", objectives="1, 2")
    course, problems = course_with(tmp_path, exam + question(3, group="amazon-fall"))
    assert problems == []
    assert [q.group for q in course.questions] == ["amazon-fall", None, "amazon-fall"]
    assert [q.objectives for q in course.questions] == [(1,), (1, 2), ()]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("group: zwei Wörter", "exam.md:3: question group 'zwei Wörter' may only contain"),
        ("objectives: eins", "exam.md:3: objectives 'eins' must be numbers from 1"),
        ("objectives: 0", "exam.md:3: objectives '0' must be numbers from 1"),
        ("objectives: 3", "exam.md:3: objective 3 does not exist: module 'zweites' has 2"),
    ],
)
def test_wrong_group_or_objective_is_an_error(tmp_path, meta, expected):
    exam = f"## Frage\n<!-- module: 02 -->\n<!-- {meta} -->\n\n- [x] A\n- [ ] B\n\n> E.\n"
    exam += question(2, "01")
    course, problems = course_with(tmp_path, exam)
    assert course is None
    assert any(p.startswith(expected) for p in problems), problems


def test_untested_objective_is_a_warning_once_a_course_tags_objectives(tmp_path):
    course, problems = course_with(tmp_path, question(1, "01", objectives="1") + question(2, "02"))
    assert course is not None
    assert problems == [
        "02-zweites.md:4: warning: no exam question tests objective(s) 1, 2 of this module"
    ]
    _, untagged = course_with(tmp_path, question(1, "01") + question(2, "02"))
    assert untagged == []


def test_group_of_one_question_is_a_warning(tmp_path):
    _, problems = course_with(tmp_path, question(1, group="tippfehler") + question(2))
    assert problems == [
        "exam.md:1: warning: group 'tippfehler' has only this question; a group ties "
        "near-duplicates together (check the spelling, or remove the group)"
    ]


def test_pool_too_small_for_distinct_groups_is_a_warning(tmp_path):
    exam = question(1, group="fall") + question(2, group="fall") + question(3)
    course, problems = course_with(tmp_path, exam, drawn=3)
    assert course is not None
    assert problems == [
        "course.md:7: warning: every draw of 3 questions repeats a group: the pool holds only "
        "2 independent questions (each group counts once); add questions or draw fewer"
    ]
    _, enough = course_with(tmp_path, exam, drawn=2)
    assert enough == []


def test_draw_takes_at_most_one_question_per_group(tmp_path):
    exam = "".join(question(n, "01" if n % 2 else "02", group="fall") for n in range(1, 5))
    exam += "".join(question(n, "01" if n % 2 else "02") for n in range(5, 9))
    course, _ = course_with(tmp_path, exam, drawn=5)
    for seed in range(200):
        drawn = draw(course, random.Random(seed))
        assert len(drawn) == 5
        assert sum(q.id in {"q1", "q2", "q3", "q4"} for q in drawn) == 1, seed


def test_draw_fills_up_from_groups_only_when_the_pool_is_too_small(tmp_path):
    exam = "".join(question(n, group="fall") for n in range(1, 4)) + question(4, "02")
    course, _ = course_with(tmp_path, exam, drawn=3)
    drawn = draw(course, random.Random(1))
    assert len(drawn) == 3 and "q4" in {q.id for q in drawn}
    assert len({q.id for q in drawn}) == 3  # never the same question twice


def test_draw_still_spreads_evenly_across_modules(tmp_path):
    exam = "".join(question(n, "01", group=f"g{n % 3}") for n in range(1, 10))
    exam += "".join(question(n, "02") for n in range(10, 19))
    course, _ = course_with(tmp_path, exam, drawn=6)
    for seed in range(50):
        modules = Counter(q.module_slug for q in draw(course, random.Random(seed)))
        assert modules == {"erstes": 3, "zweites": 3}, seed


def test_length_signal_counts_questions_whose_longest_option_is_correct(tmp_path):
    long_right = question(1, right="Die richtige und sehr viel längere Antwort", wrong=("A", "B"))
    short_right = question(2, right="Ja", wrong=("Eine lange falsche Antwort", "Nein"))
    tie = question(3, right="gleich", wrong=("ebenso",))
    course, _ = course_with(tmp_path, long_right + short_right + tie)
    signal = length_signal(course.questions)
    assert signal.questions == 3
    assert signal.longest_correct == 1  # the tie counts as no signal
    assert signal.expected == pytest.approx(1 / 3 + 1 / 3 + 1 / 2)
    assert not signal.systematic


def test_the_chance_of_so_many_longest_correct_options_is_exact():
    """The tail carries only the counts that still matter; every outcome, enumerated,
    gives the same probability."""
    rnd = random.Random(14)
    for _ in range(150):
        chances = [
            rnd.choice((0.0, 1.0, 0.25, 0.5, rnd.random())) for _ in range(rnd.randint(0, 8))
        ]
        for observed in range(len(chances) + 2):
            expected = sum(
                math.prod(p if hit else 1 - p for p, hit in zip(chances, outcome, strict=True))
                for outcome in product((False, True), repeat=len(chances))
                if sum(outcome) >= observed
            )
            assert _tail(chances, observed) == pytest.approx(expected, abs=1e-12)


def test_correct_options_systematically_longest_is_a_warning_with_lines(tmp_path):
    exam = "".join(
        question(n, right=f"Die ausführlich begründete richtige Antwort {n}", wrong=("Nein", "Ja"))
        for n in range(1, 9)
    )
    course, problems = course_with(tmp_path, exam)
    signal = length_signal(course.questions)
    assert signal.longest_correct == 8 and signal.p_value == pytest.approx((1 / 3) ** 8)
    assert len(problems) == 1
    assert problems[0].startswith(
        "exam.md:1: warning: the correct option is the longest in 8 of 8 questions "
        "(options of random length: about 3)"
    )
    assert "e.g. exam.md:1, exam.md:11, exam.md:21" in problems[0]


def test_a_balanced_pool_gives_no_length_warning(tmp_path):
    exam = "".join(
        question(
            n, right="Kurz" if n % 3 else "Die längste Antwort", wrong=("Mittel", "Lang genug")
        )
        for n in range(1, 13)
    )
    _, problems = course_with(tmp_path, exam)
    assert problems == []
