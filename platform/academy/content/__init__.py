"""Course content: Markdown files -> immutable Course objects.

Pure: no Flask request and no database. The web layer asks a Catalog for courses.
Importing this package loads only the data classes; the loader (Markdown, YAML) is
imported when first used, so the exam grading and rules that need only the data
classes start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .course import Course, ExamSettings, Heading, Module, Option, Problem, Question, SelfCheck

if TYPE_CHECKING:
    from .catalog import Catalog
    from .loader import course_version, load_course, load_courses

_LAZY = {
    "Catalog": ".catalog",
    "course_version": ".loader",
    "load_course": ".loader",
    "load_courses": ".loader",
}

__all__ = [
    "Catalog",
    "Course",
    "ExamSettings",
    "Heading",
    "Module",
    "Option",
    "Problem",
    "Question",
    "SelfCheck",
    "course_version",
    "load_course",
    "load_courses",
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
