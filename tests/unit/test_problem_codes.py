"""Every finding of the checker names its kind, and the workbench has a German text for
every kind; a kind it does not know is shown in English rather than hidden."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from academy.content import Problem, load_course
from academy.trainer.findings import MESSAGES, findings, message
from tests.fixtures.broken_courses import BROKEN
from tests.fixtures.course_files import write_course
from tests.fixtures.settings import ROOT

CONTENT = ROOT / "platform" / "academy" / "content"


def codes_in_the_checker() -> set[str]:
    """The codes the content package writes (literal, or built as "<what>_leaves_course")."""
    source = "".join(path.read_text() for path in CONTENT.glob("*.py"))
    found = set(re.findall(r'code="([a-z_]+)"', source))
    found |= set(re.findall(r'code, message = "([a-z_]+)"', source))
    found |= set(re.findall(r'_wrong\([^,]+, "([a-z_]+)"', source))
    found |= set(re.findall(r'"(unknown_key(?:_hint)?)"', source))
    return found | {"link_leaves_course", "image_leaves_course"}


def test_every_code_the_checker_writes_has_a_german_text():
    assert codes_in_the_checker() - set(MESSAGES) == set()
    assert len(codes_in_the_checker()) > 40


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_each_kind_of_error_has_a_code_and_a_german_text(tmp_path, case):
    folder = write_course(tmp_path, **case.files)
    course, problems = load_course(folder)
    assert course is None or case.severity == "warning"
    found = [p for p in problems if p.code == case.code]
    assert found, [p.code for p in problems]
    german = message(found[0])
    assert german != found[0].message and case.german in german


def test_every_problem_from_the_broken_courses_has_a_code(tmp_path):
    for number, case in enumerate(BROKEN):
        _, problems = load_course(write_course(tmp_path, f"kurs{number}", **case.files))
        assert all(p.code for p in problems), [str(p) for p in problems if not p.code]


def test_a_finding_without_a_known_code_is_shown_in_english():
    added_later = Problem(Path("/k/exam.md"), 3, "question group 'x' is used once", "warning")
    odd_params = Problem(Path("/k/exam.md"), 4, "unknown module 'x'", code="unknown_module")
    assert message(added_later) == "question group 'x' is used once"
    assert message(odd_params) == "unknown module 'x'"  # its values are missing: as it is
    (shown,) = findings([added_later], Path("/k"))
    assert shown.where == "exam.md:3" and shown.severity == "warning"
