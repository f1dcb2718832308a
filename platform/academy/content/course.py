"""Immutable objects a course is made of, as the loader produces them.

Everything here is plain data: rendering and validation happen once in the loader, so
a request only reads these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One finding of the course checker, printed as `file:line: message`."""

    path: Path
    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def format(self, base: Path | None = None) -> str:
        shown = self.path
        if base is not None and self.path.is_relative_to(base):
            shown = self.path.relative_to(base)
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{shown}:{self.line}: {prefix}{self.message}"

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class Option:
    id: str  # derived from the option text, so reordering options keeps it
    text: str  # the Markdown source, kept for snapshots of exam attempts
    html: str
    correct: bool


class ChoiceQuestion:
    """What any question with options can say about itself (source or drawn copy)."""

    options: tuple

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)

    @property
    def multiple(self) -> bool:
        """True for "select all that apply" questions."""
        return len(self.correct_ids) > 1


@dataclass(frozen=True)
class Question(ChoiceQuestion):
    id: str
    line: int
    prompt_html: str  # the heading, rendered inline
    body_html: str  # optional scenario text before the options
    options: tuple[Option, ...]
    explanation_html: str
    module_slug: str | None = None  # exam questions: the module they test
    group: str | None = None  # near-duplicates share a group; a draw takes one of them
    objectives: tuple[int, ...] = ()  # numbers of the module's learning objectives it tests
    objectives_line: int = 0  # where the objectives were given, for problems about them
    path: Path | None = None  # the file it stands in: exam.md of the course or of an addition


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class SelfCheck:
    """A group of ungraded practice questions inside a module."""

    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Module:
    number: int
    slug: str
    filename: str
    title: str
    minutes: int
    objectives: tuple[str, ...]
    parts: tuple[str | SelfCheck, ...]  # sanitized HTML and self-check groups, in order
    toc: tuple[Heading, ...]
    version: str = ""  # hash of the file: a learner who finished an older text sees it changed

    def __hash__(self) -> int:
        # The file's hash stands for its content: a cheap key for caches of rendered pages.
        # Equality still compares every field, so two modules never share an entry wrongly.
        return hash((self.filename, self.version))

    @property
    def self_check_questions(self) -> tuple[Question, ...]:
        return tuple(q for p in self.parts if isinstance(p, SelfCheck) for q in p.questions)


@dataclass(frozen=True)
class ExamSettings:
    pass_mark: int  # percent
    question_count: int  # drawn per attempt
    # After the exam, show the correct options and explanations: "always", "after_pass"
    # (after a failed attempt only whether each answer was right) or "never".
    reveal_answers: str = "always"
    retake_cooldown_minutes: int = 0
    max_attempts_per_day: int = 3
    time_limit_minutes: int | None = None
    requires_modules: bool = True

    def reveals_answers(self, passed: bool) -> bool:
        return self.reveal_answers == "always" or (self.reveal_answers == "after_pass" and passed)


@dataclass(frozen=True)
class Course:
    slug: str
    path: Path
    version: str  # hash of all files; recorded with attempts and certificates
    title: str
    summary: str
    language: str
    certificate_title: str
    validity_months: int
    draft: bool
    intro_html: str
    modules: tuple[Module, ...]
    questions: tuple[Question, ...]  # the exam pool
    exam: ExamSettings
    media: frozenset[str] = field(default_factory=frozenset)  # servable files, relative
    as_of: str = ""  # the edition ("Stand"), e.g. "November 2026"; empty when not given

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.modules)

    def module(self, slug: str) -> Module | None:
        return next((m for m in self.modules if m.slug == slug), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def media_file(self, filename: str) -> str | None:
        """The file's path if a page of the course refers to it, else None."""
        return filename if filename in self.media else None

    def neighbours(self, module: Module) -> tuple[Module | None, Module | None]:
        index = self.modules.index(module)
        before = self.modules[index - 1] if index > 0 else None
        after = self.modules[index + 1] if index + 1 < len(self.modules) else None
        return before, after
