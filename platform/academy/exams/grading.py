"""Drawing an exam and grading it: pure functions over content objects, no Flask, no database."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..content.course import ChoiceQuestion, Course, Question


@dataclass(frozen=True)
class DrawnOption:
    id: str  # random for each attempt: answers seen in one attempt say nothing about another
    html: str
    correct: bool
    source: str = ""  # the option's id in the course file (for statistics)


@dataclass(frozen=True)
class DrawnQuestion(ChoiceQuestion):
    """A question as one learner saw it: its options in their shuffled order."""

    id: str
    module_slug: str | None
    prompt_html: str
    body_html: str
    explanation_html: str
    options: tuple[DrawnOption, ...]

    @property
    def option_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "module": self.module_slug,
            "prompt": self.prompt_html,
            "body": self.body_html,
            "explanation": self.explanation_html,
            "options": [
                {"id": o.id, "html": o.html, "correct": o.correct, "source": o.source}
                for o in self.options
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping) -> DrawnQuestion:
        options = tuple(
            DrawnOption(o["id"], o["html"], o["correct"], o.get("source", o["id"]))
            for o in data["options"]
        )
        return cls(
            data["id"], data["module"], data["prompt"], data["body"], data["explanation"], options
        )


@dataclass(frozen=True)
class QuestionResult:
    question: DrawnQuestion
    chosen: frozenset[str]

    @property
    def correct(self) -> bool:
        return self.chosen == self.question.correct_ids

    @property
    def answered(self) -> bool:
        return bool(self.chosen)


@dataclass(frozen=True)
class Grade:
    correct: int
    total: int
    pass_mark: int

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0

    @property
    def passed(self) -> bool:
        # Integers only: 16 of 20 at 80 % passes, with no rounding at the edge.
        return self.total > 0 and self.correct * 100 >= self.pass_mark * self.total


RECHECK_QUESTIONS_PER_MODULE = 2


def recheck_size(modules: int, pool: int, exam_size: int) -> int:
    """A re-check is short: two questions per changed module, never more than the exam
    draws, and no more than those modules' questions."""
    return min(RECHECK_QUESTIONS_PER_MODULE * modules, exam_size, pool)


def draw(
    course: Course, rng: random.Random, modules: Collection[str] | None = None
) -> list[DrawnQuestion]:
    """Draw the course's number of questions, spread evenly across the modules they test.
    With `modules`, draw a re-check from those modules' questions only.

    Questions that share a group test the same case, so a draw takes at most one of them.
    Only when the pool holds fewer independent questions than a draw needs (the checker
    warns about that) does it fill up with further questions of groups already drawn.
    """
    pool = [q for q in course.questions if modules is None or q.module_slug in modules]
    count = course.exam.question_count
    if modules is not None:
        count = recheck_size(len(modules), len(pool), count)
    drawn, held_back = _round_robin(_shuffled_by_module(pool, rng), count)
    rng.shuffle(held_back)
    drawn += held_back[: count - len(drawn)]
    position = {m.slug: i for i, m in enumerate(course.modules)}
    drawn.sort(key=lambda q: position.get(q.module_slug or "", len(position)))  # course order
    return [_shuffled(q, rng) for q in drawn]


def _shuffled_by_module(pool: list[Question], rng: random.Random) -> list[list[Question]]:
    by_module: dict[str | None, list[Question]] = defaultdict(list)
    for question in pool:
        by_module[question.module_slug].append(question)
    stacks = list(by_module.values())
    for stack in stacks:
        rng.shuffle(stack)
    rng.shuffle(stacks)
    return stacks


def _round_robin(stacks: list[list[Question]], count: int) -> tuple[list[Question], list[Question]]:
    """One question per module in turn, skipping (and holding back) repeated groups."""
    drawn: list[Question] = []
    held_back: list[Question] = []
    groups: set[str] = set()
    while len(drawn) < count and any(stacks):
        for stack in stacks:
            if len(drawn) == count:
                break
            question = _next_of_new_group(stack, groups, held_back)
            if question is not None:
                drawn.append(question)
                if question.group:
                    groups.add(question.group)
    return drawn, held_back


def _next_of_new_group(
    questions: list[Question], groups: set[str], held_back: list[Question]
) -> Question | None:
    """Take the next question whose group is not drawn yet; hold back the others."""
    while questions:
        question = questions.pop()
        if question.group is None or question.group not in groups:
            return question
        held_back.append(question)
    return None


def _shuffled(question: Question, rng: random.Random) -> DrawnQuestion:
    options = [
        DrawnOption(f"{rng.getrandbits(48):012x}", o.html, o.correct, o.id)
        for o in question.options
    ]
    rng.shuffle(options)
    return DrawnQuestion(
        question.id,
        question.module_slug,
        question.prompt_html,
        question.body_html,
        question.explanation_html,
        tuple(options),
    )


class InvalidAnswers(ValueError):
    """Answers that do not fit the drawn questions: tampered or from another attempt."""


def check_answers(
    questions: Sequence[DrawnQuestion], answers: Mapping[str, frozenset[str]]
) -> None:
    by_id = {q.id: q for q in questions}
    for question_id, chosen in answers.items():
        question = by_id.get(question_id)
        if question is None:
            raise InvalidAnswers(f"question {question_id!r} was not drawn")
        if not chosen <= question.option_ids:
            raise InvalidAnswers(f"unknown option for question {question_id!r}")
        if len(chosen) > 1 and not question.multiple:
            raise InvalidAnswers(f"several options for single-choice question {question_id!r}")


def modules_to_revise(results: Sequence[QuestionResult], course: Course) -> list:
    """The modules whose questions were answered wrongly, in course order."""
    missed = {r.question.module_slug for r in results if not r.correct}
    return [m for m in course.modules if m.slug in missed]


def unanswered(
    questions: Sequence[DrawnQuestion], answers: Mapping[str, frozenset[str]]
) -> list[int]:
    """Positions (from 1, as the exam page numbers them) of questions with no choice."""
    return [n for n, q in enumerate(questions, start=1) if not answers.get(q.id)]


def grade(
    questions: Sequence[DrawnQuestion], answers: Mapping[str, frozenset[str]], pass_mark: int
) -> tuple[Grade, list[QuestionResult]]:
    results = [QuestionResult(q, answers.get(q.id, frozenset())) for q in questions]
    return Grade(sum(r.correct for r in results), len(results), pass_mark), results
