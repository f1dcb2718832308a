"""What changed between two states of a course: line diffs per file, and the modules to
pre-select for a material change."""

from __future__ import annotations

from academy.content import load_course
from academy.trainer.diffs import changed_modules, diff
from tests.fixtures.course_files import EXAM_MD, MODULE_2, write_course


def test_diff_lists_added_removed_and_changed_files():
    old = {"course.md": b"a\nb\nc\n", "alt.md": b"weg\n", "images/x.png": b"\x89P"}
    new = {"course.md": b"a\nB\nc\n", "neu.md": b"da\n", "images/x.png": b"\x89Q"}
    changes = {c.name: c for c in diff(old, new)}
    assert {n: c.status for n, c in changes.items()} == {
        "alt.md": "removed",
        "course.md": "changed",
        "images/x.png": "changed",
        "neu.md": "added",
    }
    lines = [(line.kind, line.text) for line in changes["course.md"].lines]
    assert lines[0] == ("gap", "1")  # the hunk starts at line 1
    assert ("removed", "b") in lines and ("added", "B") in lines and ("same", "a") in lines
    assert changes["course.md"].added == 1 and changes["course.md"].removed == 1
    assert changes["images/x.png"].lines == ()  # an image has no lines to show


def test_changed_modules_are_those_whose_text_or_questions_changed(tmp_path):
    before, _ = load_course(write_course(tmp_path / "a"))
    text_changed, _ = load_course(write_course(tmp_path / "b", module_2=MODULE_2 + "\nMehr.\n"))
    assert changed_modules(before, text_changed) == ["zweites"]
    question_changed, _ = load_course(
        write_course(tmp_path / "c", exam_md=EXAM_MD.replace("> Erklärung eins.", "> Neu."))
    )
    assert changed_modules(before, question_changed) == ["erstes"]
    assert changed_modules(before, before) == []
    assert changed_modules(None, before) == ["erstes", "zweites"]  # a new course
