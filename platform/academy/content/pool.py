"""Checks over the whole exam pool: groups of near-duplicates, option lengths, objectives.

A single question can be fine while the pool as a whole is not: when the correct option
is usually the longest, a learner passes without reading the course; when too few
independent questions remain, a draw repeats a case. These checks see the pool as the
draw sees it, bundled questions and company additions together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .course import Problem, Question

SIGNIFICANCE = 0.05  # "systematic": fewer than 1 in 20 pools without a length signal look like this
EXAMPLES = 5


@dataclass(frozen=True)
class LengthSignal:
    """How often the longest option of a question is a correct one."""

    questions: int
    longest_correct: int  # questions whose longest option (all of them, on a tie) is correct
    expected: float  # what options of random length would give: the sum of correct / options
    p_value: float  # chance of at least longest_correct without a length signal

    @property
    def share(self) -> float:
        return self.longest_correct / self.questions if self.questions else 0.0

    @property
    def expected_share(self) -> float:
        return self.expected / self.questions if self.questions else 0.0

    @property
    def systematic(self) -> bool:
        return self.longest_correct > self.expected and self.p_value < SIGNIFICANCE


@dataclass(frozen=True)
class ModuleInfo:
    """What the objective check needs to know about a module and where to point."""

    path: Path
    line: int  # the 'objectives' key in the front matter
    objectives: int


def option_length(text: str) -> int:
    return len(" ".join(text.split()))


def longest_is_correct(question: Question) -> bool:
    lengths = [option_length(o.text) for o in question.options]
    longest = max(lengths)
    return all(o.correct for o, n in zip(question.options, lengths, strict=True) if n == longest)


def length_signal(pool: Sequence[Question]) -> LengthSignal:
    chances = [len(q.correct_ids) / len(q.options) for q in pool if q.options]
    observed = sum(longest_is_correct(q) for q in pool if q.options)
    return LengthSignal(len(chances), observed, sum(chances), _tail(chances, observed))


def _tail(chances: Iterable[float], observed: int) -> float:
    """P(X >= observed) for a sum of independent yes/no events with the given chances.

    Only the counts that still matter are carried: those below `observed` (what reaches
    it collects in `reached`) and not so low that the events left cannot lift them to
    it. Carrying the whole distribution took 0.15 s of CPU for 2,000 questions, this a
    third of that."""
    chances = list(chances)
    if observed <= 0:
        return 1.0
    remaining = len(chances)
    low = 0  # the count distribution[0] stands for
    distribution = [1.0]
    reached = 0.0
    for p in chances:
        remaining -= 1
        shifted = [0.0, *distribution]
        distribution = [
            (1 - p) * a + p * b for a, b in zip([*distribution, 0.0], shifted, strict=True)
        ]
        if low + len(distribution) - 1 == observed:
            reached += distribution.pop()
        hopeless = observed - remaining - low  # counts that can no longer reach `observed`
        if hopeless > 0:
            del distribution[:hopeless]
            low += hopeless
    return reached


def _margin(question: Question) -> int:
    """How much longer the longest correct option is than the longest wrong one."""
    right = max(option_length(o.text) for o in question.options if o.correct)
    wrong = max(option_length(o.text) for o in question.options if not o.correct)
    return right - wrong


def independent_questions(pool: Sequence[Question]) -> int:
    """Questions a draw can take without repeating a group: each group counts once."""
    groups = {q.group for q in pool if q.group}
    return len(groups) + sum(q.group is None for q in pool)


def check_pool(
    pool: Sequence[Question],
    drawn: int,
    drawn_at: tuple[Path, int],
    modules: dict[str, ModuleInfo],
    label: Callable[[Question], str],
) -> list[Problem]:
    """Warnings (and errors for objectives that do not exist) about the pool as a whole.

    `drawn` questions are drawn per attempt, set at `drawn_at` (course.md, line); `label`
    names a question's file in messages, e.g. "exam.md" or "additions/exam.md".
    """
    if not pool:
        return []
    return [
        *_lonely_groups(pool),
        *_repeated_groups(pool, drawn, drawn_at),
        *_length_problems(pool, label),
        *_objective_problems(pool, modules),
    ]


def _lonely_groups(pool: Sequence[Question]) -> list[Problem]:
    sizes = Counter(q.group for q in pool if q.group)
    return [
        Problem(
            q.path or Path("exam.md"),
            q.line,
            f"group '{q.group}' has only this question; a group ties near-duplicates together "
            "(check the spelling, or remove the group)",
            "warning",
            code="lonely_group",
            params={"group": q.group},
        )
        for q in pool
        if q.group and sizes[q.group] == 1
    ]


def _repeated_groups(pool: Sequence[Question], drawn: int, drawn_at: tuple[Path, int]):
    independent = independent_questions(pool)
    if not drawn or independent >= drawn:
        return []
    message = (
        f"every draw of {drawn} questions repeats a group: the pool holds only {independent} "
        "independent questions (each group counts once); add questions or draw fewer"
    )
    params = {"drawn": drawn, "independent": independent}
    return [Problem(*drawn_at, message, "warning", code="draw_repeats_group", params=params)]


def _length_problems(pool: Sequence[Question], label: Callable[[Question], str]):
    signal = length_signal(pool)
    if not signal.systematic:
        return []
    offenders = sorted((q for q in pool if longest_is_correct(q)), key=_margin, reverse=True)
    examples = ", ".join(f"{label(q)}:{q.line}" for q in offenders[:EXAMPLES])
    message = (
        f"the correct option is the longest in {signal.longest_correct} of {signal.questions} "
        f"questions (options of random length: about {signal.expected:.0f}); a learner who "
        f"picks the longest option passes without reading. Even out the lengths, e.g. {examples}"
    )
    first = offenders[0]
    params = {
        "longest": signal.longest_correct,
        "questions": signal.questions,
        "examples": examples,
    }
    path = first.path or Path("exam.md")
    return [Problem(path, first.line, message, "warning", code="length_signal", params=params)]


def _objective_problems(pool: Sequence[Question], modules: dict[str, ModuleInfo]):
    problems: list[Problem] = []
    covered: dict[str, set[int]] = {slug: set() for slug in modules}
    for question in pool:
        info = modules.get(question.module_slug or "")
        if info is None or not question.objectives:
            continue
        for number in question.objectives:
            if number > info.objectives:
                message = (
                    f"objective {number} does not exist: module '{question.module_slug}' "
                    f"has {info.objectives} learning objectives"
                )
                params = {
                    "number": number,
                    "module": question.module_slug,
                    "count": info.objectives,
                }
                path = question.path or info.path
                problems.append(
                    Problem(
                        path,
                        question.objectives_line,
                        message,
                        code="no_such_objective",
                        params=params,
                    )
                )
            covered[question.module_slug or ""].add(number)
    if any(q.objectives for q in pool):  # coverage counts only where the course tags objectives
        problems += _uncovered(modules, covered)
    return problems


def _uncovered(modules: dict[str, ModuleInfo], covered: dict[str, set[int]]) -> list[Problem]:
    problems = []
    for slug, info in modules.items():
        missing = sorted(set(range(1, info.objectives + 1)) - covered[slug])
        if missing:
            numbers = ", ".join(map(str, missing))
            message = f"no exam question tests objective(s) {numbers} of this module"
            problems.append(
                Problem(
                    info.path,
                    info.line,
                    message,
                    "warning",
                    code="objective_untested",
                    params={"numbers": numbers},
                )
            )
    return problems
