"""A company's own modules and questions (COURSE_ADDITIONS_DIR) join a course; they are
checked like the course's files, and a broken addition is reported where it is."""

from __future__ import annotations

import pytest

from academy.content import Catalog, load_course, load_courses
from tests.fixtures.course_files import (
    ADDED_MODULE,
    EXAM_MD,
    MODULE_2,
    write_additions,
    write_course,
)


def load_with(tmp_path, **files):
    course_dir = write_course(tmp_path / "courses")
    additions = write_additions(tmp_path / "additions", **files)
    course, problems = load_course(course_dir, additions=additions / "testkurs")
    return course, [p.format(tmp_path) for p in problems]


def test_added_module_and_question_join_the_course(tmp_path):
    course, problems = load_with(tmp_path)
    assert problems == []
    assert [m.slug for m in course.modules] == ["erstes", "zweites", "unsere-regeln"]
    assert [q.id for q in course.questions][-1] == "q-firma-tool"
    assert course.question("q-firma-tool").module_slug == "unsere-regeln"
    added = course.module("unsere-regeln")
    assert added.objectives == ("die freigegebenen Tools kennen",)
    assert 'href="/courses/testkurs/erstes"' in added.parts[0]  # links to the course's modules


def test_additions_change_the_course_version(tmp_path):
    plain, _ = load_course(write_course(tmp_path / "courses"))
    added, _ = load_with(tmp_path)
    assert plain.version != added.version


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"02-eigenes.md": ADDED_MODULE},
            "additions/testkurs/02-eigenes.md:1: the course already has a module with this "
            "number or name (02-zweites.md); number additions after the course's modules",
            id="number-taken",
        ),
        pytest.param(
            {"04-zweites.md": MODULE_2},
            "additions/testkurs/04-zweites.md:1: the course already has a module with this "
            "number or name (02-zweites.md)",
            id="name-taken",
        ),
        pytest.param(
            {"exam_md": EXAM_MD},
            "additions/testkurs/exam.md:3: duplicate question id 'q-eins' (first at exam.md:3)",
            id="duplicate-id",
        ),
        pytest.param(
            {"03-unsere-regeln.md": ADDED_MODULE + "\n![Logo](logo.png)\n"},
            "additions/testkurs/03-unsere-regeln.md:9: image not found: logo.png",
            id="image-missing",
        ),
        pytest.param(
            {"exam_md": "## Ohne Modul\n<!-- module: gibtsnicht -->\n\n- [x] A\n- [ ] B\n\n> E\n"},
            "additions/testkurs/exam.md:2: unknown module 'gibtsnicht'",
            id="unknown-module",
        ),
    ],
)
def test_broken_addition_is_reported_in_its_file(tmp_path, files, expected):
    course, problems = load_with(tmp_path, **files)
    assert course is None
    assert any(p.startswith(expected) for p in problems), problems


def test_additions_cannot_show_files_because_they_are_not_served(tmp_path):
    (tmp_path / "additions" / "testkurs").mkdir(parents=True)
    (tmp_path / "additions" / "testkurs" / "logo.png").write_bytes(b"png")
    course, problems = load_with(
        tmp_path, **{"03-unsere-regeln.md": ADDED_MODULE + "\n![Logo](logo.png)\n"}
    )
    assert course is None
    assert problems[0].startswith(
        "additions/testkurs/03-unsere-regeln.md:9: a company addition cannot show images"
    )


def test_course_settings_in_additions_are_ignored_with_a_warning(tmp_path):
    course, problems = load_with(tmp_path, course_md="---\npass_mark: 10\n---\n")
    assert course is not None and course.exam.pass_mark == 80
    assert problems == [
        "additions/testkurs/course.md:1: warning: file ignored: course settings belong to "
        "the course, not to its additions"
    ]


def test_additions_without_a_course_and_hidden_folders(tmp_path):
    courses = tmp_path / "courses"
    write_course(courses)
    write_course(courses, "_vorlage")  # like courses/_additions-template: never a course
    additions = write_additions(tmp_path / "additions", "gibtsnicht")
    loaded, problems = load_courses(courses, additions=additions)
    assert list(loaded) == ["testkurs"]
    assert [p.format(tmp_path) for p in problems] == [
        "additions/gibtsnicht:1: warning: additions for 'gibtsnicht' are ignored: "
        "no course has that name"
    ]


def test_catalog_leaves_out_a_course_whose_additions_are_broken(tmp_path, caplog):
    courses = tmp_path / "courses"
    write_course(courses)
    write_course(courses, "anderer")
    additions = write_additions(tmp_path / "additions", **{"02-eigenes.md": ADDED_MODULE})
    catalog = Catalog(courses, additions=additions)
    assert [c.slug for c in catalog.all()] == ["anderer"]
    assert "course 'testkurs' is left out because of the errors above" in caplog.text


def test_catalog_reloads_when_an_addition_changes(tmp_path, monkeypatch):
    courses = tmp_path / "courses"
    write_course(courses)
    additions = write_additions(tmp_path / "additions")
    catalog = Catalog(courses, auto_reload=True, additions=additions)
    assert catalog.get("testkurs").module("unsere-regeln").title == "Unsere Regeln"
    write_additions(additions, **{"03-unsere-regeln.md": ADDED_MODULE.replace("Unsere", "Neue")})
    monkeypatch.setattr(catalog, "_checked_at", 0.0)
    assert catalog.get("testkurs").module("unsere-regeln").title == "Neue Regeln"


@pytest.mark.parametrize("slug", ["ki-am-arbeitsplatz", "ai-at-work"])
def test_shipped_template_joins_the_bundled_course_without_problems(slug):
    from tests.fixtures.settings import COURSES

    template = COURSES / "_additions-template" / slug
    plain, _ = load_course(COURSES / slug)
    course, problems = load_course(COURSES / slug, additions=template)
    assert [str(p) for p in problems] == []
    assert len(course.modules) == len(plain.modules) + 1
    assert len(course.questions) == len(plain.questions) + 3
    assert course.modules[-1].number == 11
