"""Course content: Markdown files -> immutable Course objects.

Pure: no Flask request and no database. The web layer asks a Catalog for courses.
"""

from .catalog import Catalog
from .course import Course, ExamSettings, Heading, Module, Option, Problem, Question, SelfCheck
from .loader import course_version, load_course, load_courses

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
