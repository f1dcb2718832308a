"""The course loader and checker: a valid course loads; each kind of error is reported
as file:line: message, and the broken course is not returned."""

from __future__ import annotations

import pytest

from academy.content import load_course, load_courses
from tests.fixtures.course_files import COURSE_MD, EXAM_MD, MODULE_1, MODULE_2, write_course


def messages(course_dir, **files) -> list[str]:
    path = write_course(course_dir, **files)
    course, problems = load_course(path)
    found = [p.format(path) for p in problems]
    if any(p.severity == "error" for p in problems):
        assert course is None, "a course with errors must not load"
    return found


def test_valid_course_loads_into_objects(tmp_path):
    course, problems = load_course(write_course(tmp_path))
    assert problems == []
    assert course is not None
    assert course.slug == "testkurs"
    assert course.title == "Testkurs"
    assert course.exam.pass_mark == 80
    assert course.exam.question_count == 2
    assert course.validity_months == 12
    assert [m.slug for m in course.modules] == ["erstes", "zweites"]
    assert course.minutes == 12
    assert course.modules[1].objectives == ("anwenden", "prüfen")
    assert len(course.version) == 12


def test_module_parts_toc_and_self_check(tmp_path):
    course, _ = load_course(write_course(tmp_path))
    module = course.modules[0]
    assert [h.anchor for h in module.toc] == ["abschnitt-eins", "selbstcheck"]
    checks = module.self_check_questions
    assert len(checks) == 1
    assert [o.correct for o in checks[0].options] == [True, False]
    assert "Weil es so ist." in checks[0].explanation_html
    html = "".join(p for p in module.parts if isinstance(p, str))
    assert 'src="/courses/testkurs/media/images/bild.png"' in html
    assert "images/bild.png" in course.media


def test_exam_questions_with_ids_modules_and_select_all(tmp_path):
    course, _ = load_course(write_course(tmp_path))
    first, second = course.questions
    assert first.id == "q-eins" and first.module_slug == "erstes"
    assert second.module_slug == "zweites"
    assert second.multiple and not first.multiple
    assert "Szenario." in second.body_html
    assert "Erklärung zwei." in second.explanation_html


def test_derived_id_survives_editing_another_question(tmp_path):
    before, _ = load_course(write_course(tmp_path))
    edited = EXAM_MD.replace("## Frage eins", "## Frage eins, umformuliert")
    after, _ = load_course(write_course(tmp_path, exam_md=edited))
    assert before.questions[1].id == after.questions[1].id
    assert before.questions[1].id.startswith("q-")


def test_link_to_module_file_leads_to_module_page(tmp_path):
    course, _ = load_course(write_course(tmp_path))
    assert 'href="/courses/testkurs/zweites"' in course.intro_html


def test_version_changes_with_any_file(tmp_path):
    before, _ = load_course(write_course(tmp_path))
    after, _ = load_course(write_course(tmp_path, module_2=MODULE_2 + "\nNoch ein Satz.\n"))
    assert before.version != after.version
    assert before.modules[0].version == after.modules[0].version
    assert before.modules[1].version != after.modules[1].version


def test_callout_uses_bold_first_line_as_title(tmp_path):
    module = (
        MODULE_2
        + "\n> [!IMPORTANT]\n> **Das Wichtigste in Kürze**\n>\n> - Punkt\n\n> [!TIP]\n> Ohne Titel\n"
    )
    course, _ = load_course(write_course(tmp_path, module_2=module))
    html = course.modules[1].parts[0]
    assert '<p class="markdown-alert-title">Das Wichtigste in Kürze</p>' in html
    assert '<p class="markdown-alert-title">Tipp</p>' in html


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"course_md": COURSE_MD.replace("pass_mark: 80\n", "")},
            "course.md:1: missing front-matter key 'pass_mark'",
            id="missing-key",
        ),
        pytest.param(
            {"course_md": COURSE_MD.replace("pass_mark: 80", "passmark: 80")},
            "course.md:6: unknown front-matter key 'passmark' (did you mean 'pass_mark'?)",
            id="unknown-key",
        ),
        pytest.param(
            {"course_md": COURSE_MD.replace("pass_mark: 80", "pass_mark: achtzig")},
            "course.md:6: 'pass_mark' must be a whole number, not 'achtzig'",
            id="wrong-type",
        ),
        pytest.param(
            {"course_md": COURSE_MD.replace("pass_mark: 80", "pass_mark: 180")},
            "course.md:6: 'pass_mark' must be between 1 and 100",
            id="pass-mark-range",
        ),
        pytest.param(
            {"course_md": COURSE_MD.replace("exam_questions: 2", "exam_questions: 5")},
            "course.md:7: exam_questions is 5 but exam.md holds only 2 questions",
            id="too-many-drawn",
        ),
        pytest.param(
            {"module_2": MODULE_2.replace("minutes: 7", "minutes: sieben")},
            "02-zweites.md:3: 'minutes' must be a whole number, not 'sieben'",
            id="module-wrong-type",
        ),
        pytest.param(
            {
                "module_2": MODULE_2.replace(
                    "objectives:\n  - anwenden\n  - prüfen\n", "objectives: anwenden\n"
                )
            },
            "02-zweites.md:4: 'objectives' must be a list of at least one text (lines starting with '- ')",
            id="objectives-not-list",
        ),
        pytest.param(
            {
                "course_md": COURSE_MD.replace("draft_placeholder", "").replace(
                    "validity_months: 12", "validity_months: 12\ndraft: vielleicht"
                )
            },
            "course.md:9: 'draft' must be true or false, not 'vielleicht'",
            id="bool-type",
        ),
        pytest.param(
            {"module_2": "Kein Front Matter\n"},
            "02-zweites.md:1: missing front matter: start the file with a '---' line",
            id="no-front-matter",
        ),
        pytest.param(
            {"module_2": "---\ntitle: [unclosed\n---\n"},
            "02-zweites.md:3: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'",
            id="bad-yaml",
        ),
    ],
)
def test_front_matter_errors(tmp_path, files, expected):
    assert expected in messages(tmp_path, **files)


@pytest.mark.parametrize(
    ("exam", "expected"),
    [
        pytest.param(
            "## Ohne Optionen\n\nNur Text.\n",
            "exam.md:1: question has no options (add a task list: '- [ ] …' and '- [x] …')",
            id="no-options",
        ),
        pytest.param(
            "## Keine richtige\n\n- [ ] A\n- [ ] B\n\n> E\n",
            "exam.md:1: question has no correct option (mark it with '- [x]')",
            id="no-correct",
        ),
        pytest.param(
            "## Alle richtig\n\n- [x] A\n- [x] B\n\n> E\n",
            'exam.md:1: every option is correct; a "select all" question needs at least one wrong option',
            id="all-correct",
        ),
        pytest.param(
            "## Eins\n<!-- id: q-a -->\n\n- [x] A\n- [ ] B\n\n> E\n\n## Zwei\n<!-- id: q-a -->\n\n- [x] A\n- [ ] B\n\n> E\n",
            "exam.md:9: duplicate question id 'q-a' (first at exam.md:1)",
            id="duplicate-id",
        ),
        pytest.param(
            "## Eins\n<!-- module: gibtsnicht -->\n\n- [x] A\n- [ ] B\n\n> E\n",
            "exam.md:2: unknown module 'gibtsnicht'",
            id="unknown-module",
        ),
        pytest.param(
            "## Eins\n\n- [x] A\n- [ ] B\n\n> E\n\nNoch ein Absatz.\n",
            "exam.md:8: unexpected content after the explanation; start a new question with a heading",
            id="content-after",
        ),
        pytest.param(
            "## Eins\n\n- [x] A\n- B\n\n> E\n",
            "exam.md:4: option without '[ ]' or '[x]'",
            id="option-without-box",
        ),
    ],
)
def test_question_errors(tmp_path, exam, expected):
    found = messages(
        tmp_path,
        exam_md=exam,
        course_md=COURSE_MD.replace("exam_questions: 2", "exam_questions: 1"),
    )
    assert expected in found


def test_missing_explanation_is_a_warning_only(tmp_path):
    exam = "## Eins\n\n- [x] A\n- [ ] B\n"
    course_md = COURSE_MD.replace("exam_questions: 2", "exam_questions: 1")
    course, problems = load_course(write_course(tmp_path, exam_md=exam, course_md=course_md))
    assert course is not None
    assert [p.format(course.path) for p in problems] == [
        "exam.md:1: warning: question has no explanation (a '> …' blockquote after the options)"
    ]


def test_self_check_errors_are_reported_with_module_lines(tmp_path):
    module = MODULE_1.replace("- [x] Richtig", "- [ ] Richtig")
    assert "01-erstes.md:18: question has no correct option (mark it with '- [x]')" in messages(
        tmp_path, module_1=module
    )


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        pytest.param(
            MODULE_2 + "\n![Fehlt](images/fehlt.png)\n",
            "02-zweites.md:11: image not found: images/fehlt.png",
            id="image-missing",
        ),
        pytest.param(
            MODULE_2 + "\n![Fremd](https://cdn.example.com/x.png)\n",
            "02-zweites.md:11: image from another host: https://cdn.example.com/x.png (copy it into the course folder)",
            id="image-remote",
        ),
        pytest.param(
            MODULE_2 + "\n[Passwörter](../../etc/passwd)\n",
            "02-zweites.md:11: link leaves the course folder: ../../etc/passwd",
            id="link-escapes",
        ),
        pytest.param(
            MODULE_2 + "\n[Absolut](/etc/passwd)\n",
            "02-zweites.md:11: link leaves the course folder: /etc/passwd",
            id="link-absolute",
        ),
        pytest.param(
            MODULE_2 + "\n![Bild](../other/bild.png)\n",
            "02-zweites.md:11: image leaves the course folder: ../other/bild.png",
            id="image-escapes",
        ),
        pytest.param(
            MODULE_2 + "\n[Fehlt](03-gibtsnicht.md)\n",
            "02-zweites.md:11: link target not found: 03-gibtsnicht.md",
            id="link-missing",
        ),
    ],
)
def test_link_and_image_errors(tmp_path, module, expected):
    assert expected in messages(tmp_path, module_2=module)


def test_file_not_utf8(tmp_path):
    latin1 = MODULE_2.encode("latin-1")  # "prüfen" on line 6 becomes one byte 0xfc
    found = messages(tmp_path, module_2=latin1)
    assert "02-zweites.md:6: file is not valid UTF-8 (byte 0xfc at offset 67)" in found


def test_missing_course_md_and_exam_md(tmp_path):
    assert "course.md:1: file not found: every course needs a course.md" in messages(
        tmp_path, course_md=None
    )
    assert (
        "exam.md:1: file not found: the course needs an exam.md with its question pool"
        in messages(tmp_path, exam_md=None)
    )


def test_duplicate_module_number_and_reserved_name(tmp_path):
    found = messages(tmp_path, **{"02-doppelt.md": MODULE_2, "03-exam.md": MODULE_2})
    assert "02-zweites.md:1: module number 2 is used twice (also 02-doppelt.md)" in found
    assert "03-exam.md:1: module name 'exam' is reserved; choose another" in found


def test_stray_markdown_file_is_a_warning(tmp_path):
    course, problems = load_course(write_course(tmp_path, **{"notizen.md": "# Notizen\n"}))
    assert course is not None
    assert [p.format(course.path) for p in problems] == [
        "notizen.md:1: warning: file ignored: module files are named like '01-name.md'"
    ]


def test_broken_course_is_left_out_others_load(tmp_path):
    write_course(tmp_path, "gut")
    write_course(tmp_path, "kaputt", course_md=COURSE_MD.replace("pass_mark: 80", "pass_mark: 0"))
    courses, problems = load_courses(tmp_path)
    assert list(courses) == ["gut"]
    assert [p.format(tmp_path) for p in problems] == [
        "kaputt/course.md:6: 'pass_mark' must be between 1 and 100"
    ]


def test_bundled_courses_load_without_problems():
    from tests.fixtures.settings import COURSES

    courses, problems = load_courses(COURSES)
    assert [str(p) for p in problems] == []
    assert set(courses) == {"ki-am-arbeitsplatz", "ai-at-work"}


@pytest.mark.parametrize(
    ("line", "reveal", "warned"),
    [
        ("", "after_pass", False),
        ("reveal_answers: always\n", "always", False),
        ("reveal_answers: after_pass\n", "after_pass", False),
        ("reveal_answers: never\n", "never", False),
        ("show_correct_answers: false\n", "never", True),  # the older switch still works
        ("show_correct_answers: true\n", "always", True),
    ],
)
def test_reveal_answers(tmp_path, line, reveal, warned):
    course_md = COURSE_MD.replace("validity_months: 12\n", f"validity_months: 12\n{line}")
    course, problems = load_course(write_course(tmp_path, course_md=course_md))
    assert course is not None and course.exam.reveal_answers == reveal
    assert (
        any("reveal_answers" in p.message and p.severity == "warning" for p in problems) is warned
    )


def test_reveal_answers_must_be_a_known_choice(tmp_path):
    course_md = COURSE_MD.replace(
        "validity_months: 12\n", "validity_months: 12\nreveal_answers: sometimes\n"
    )
    course, problems = load_course(write_course(tmp_path, course_md=course_md))
    assert course is None
    assert "'reveal_answers' must be one of: always, after_pass, never" in [
        p.message for p in problems
    ]


def test_reading_time_is_computed_from_the_text(tmp_path):
    words = " ".join(["Wort"] * 290)  # with "Inhalt." 291 words: two minutes at 150 per minute
    module = MODULE_2.replace("minutes: 7\n", "") + f"\n{words}\n"
    course, problems = load_course(write_course(tmp_path, module_2=module))
    assert problems == []
    assert course.modules[1].minutes == 2
    longer = module + "\nNoch ein Satz mit sieben Wörtern hier.\n"  # 298 words: still 2
    assert load_course(write_course(tmp_path, module_2=longer))[0].modules[1].minutes == 2
    over = module + " ".join(["mehr"] * 10) + "\n"  # 301 words: 3 minutes
    assert load_course(write_course(tmp_path, module_2=over))[0].modules[1].minutes == 3


def test_reading_time_adds_a_minute_per_self_check_question(tmp_path):
    module = MODULE_1.replace("minutes: 5\n", "")
    course, _ = load_course(write_course(tmp_path, module_1=module))
    assert course.modules[0].minutes == 2  # a few words (rounded up to 1) plus one question


def test_explicit_minutes_below_the_computed_time_are_a_warning(tmp_path):
    module = MODULE_2.replace("minutes: 7", "minutes: 1") + " ".join(["Wort"] * 400) + "\n"
    course, problems = load_course(write_course(tmp_path, module_2=module))
    assert course.modules[1].minutes == 1  # an explicit value still wins …
    assert [p.format(course.path) for p in problems] == [  # … but is reported
        "02-zweites.md:3: warning: minutes: 1 is less than the reading time computed from "
        "the text (3: 401 words at 150 per minute and 0 self-check questions); remove the "
        "key to use the computed time"
    ]
