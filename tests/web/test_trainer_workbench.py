"""The workbench: every course with the checker's findings in the UI language, previews of
anything (drafts too) for trainers only, who may use it, and the setting that turns
browser editing off."""

from __future__ import annotations

import html
import re

import pytest

from academy.trainer.models import CourseVersion
from tests.fixtures.broken_courses import BROKEN
from tests.fixtures.course_files import COURSE_MD, MODULE_2, write_course
from tests.fixtures.web import login, post
from tests.fixtures.workbench import edit_file, publish


@pytest.fixture
def courses(tmp_path):
    root = tmp_path / "courses"
    write_course(root, "gut")
    for case in BROKEN:
        write_course(root, case.name, **case.files)
    return root


def client_for(app, create_user, *roles, lang=None):
    _, email = create_user(*roles)
    client = app.test_client()
    login(client, email)
    if lang:
        client.set_cookie("lang", lang)
    return client


def text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_every_course_is_listed_broken_ones_with_their_findings(make_app, create_user, courses):
    app = make_app(COURSES_DIR=str(courses))
    trainer = client_for(app, create_user, "trainer")
    page = text(trainer.get("/trainer/"))
    assert "Testkurs" in page and page.count("fehlerhaft – für Lernende nicht sichtbar") == len(
        [c for c in BROKEN if c.severity == "error"]
    )
    assert "Im Kopfbereich fehlt die Angabe „pass_mark“" in page  # shown on the list itself
    learner = client_for(app, create_user)
    assert learner.get("/courses/missing-key/").status_code == 404  # learners: left out


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_course_page_shows_each_kind_of_finding_with_file_line_and_severity(
    make_app, create_user, courses, case
):
    app = make_app(COURSES_DIR=str(courses))
    trainer = client_for(app, create_user, "trainer")
    page = trainer.get(f"/trainer/courses/{case.name}").get_data(as_text=True)
    rows = re.findall(r'<tr class="finding finding-(\w+)">(.*?)</tr>', page, re.S)
    shown = [(severity, html.unescape(re.sub(r"<[^>]+>", " ", row))) for severity, row in rows]
    assert any(
        severity == case.severity and case.where in row and case.german in row
        for severity, row in shown
    ), shown


def test_findings_are_the_ones_the_command_line_prints(make_app, create_user, courses, runner):
    app = make_app(COURSES_DIR=str(courses))
    cli = app.test_cli_runner().invoke(args=["courses", "check", str(courses / "pool-too-small")])
    assert "course.md:7: exam_questions is 5 but exam.md holds only 2 questions" in cli.output
    trainer = client_for(app, create_user, "trainer")
    page = text(trainer.get("/trainer/courses/pool-too-small"))
    assert "course.md:7" in page and "exam_questions ist 5" in page


def test_findings_in_english_for_an_english_interface(make_app, create_user, courses):
    app = make_app(COURSES_DIR=str(courses))
    trainer = client_for(app, create_user, "trainer", lang="en")
    page = text(trainer.get("/trainer/courses/missing-key"))
    assert "The front matter lacks the key 'pass_mark'." in page
    assert "Im Kopfbereich" not in page


def test_learners_and_hr_get_403_on_every_trainer_route_admins_may_use_them(
    make_app, create_user, courses
):
    app = make_app(COURSES_DIR=str(courses))
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/trainer")]
    assert len(rules) > 20
    values = {"slug": "gut", "source": "live", "module_slug": "erstes", "name": "course.md"}
    values |= {"question_id": "q-eins", "version_id": 1, "filename": "images/bild.png"}
    for role in ("learner", "hr"):
        client = client_for(app, create_user, role)
        for rule in rules:
            path = rule.build(values)[1]
            for method in rule.methods & {"GET", "POST"}:
                response = client.get(path) if method == "GET" else post(client, path)
                assert response.status_code == 403, (role, method, path)
    admin = client_for(app, create_user, "admin")
    assert admin.get("/trainer/courses/gut").status_code == 200
    assert "/trainer/" in admin.get("/").get_data(as_text=True)


def test_previews_show_drafts_and_working_copies_to_trainers_only(make_app, create_user, tmp_path):
    courses = tmp_path / "courses"
    write_course(
        courses, "entwurf", course_md=COURSE_MD.replace("pass_mark", "draft: true\npass_mark")
    )
    write_course(courses, "offen")
    app = make_app(COURSES_DIR=str(courses))
    trainer = client_for(app, create_user, "trainer")
    learner = client_for(app, create_user)
    draft = trainer.get("/trainer/preview/live/entwurf/zweites")
    assert draft.status_code == 200 and "Inhalt." in draft.get_data(as_text=True)
    assert learner.get("/courses/entwurf/zweites").status_code == 404
    assert learner.get("/trainer/preview/live/entwurf/zweites").status_code == 403

    edit_file(trainer, "offen", "02-zweites.md", MODULE_2.replace("Inhalt.", "Noch geheim."))
    unpublished = trainer.get("/trainer/preview/copy/offen/zweites").get_data(as_text=True)
    assert "Noch geheim." in unpublished
    assert "Noch geheim." not in learner.get("/courses/offen/zweites").get_data(as_text=True)
    assert "Noch geheim." not in trainer.get("/courses/offen/zweites").get_data(as_text=True)


def test_the_module_preview_is_the_learners_page(make_app, create_user, tmp_path):
    """One layout for both (learning/_module_page.html): what changes on the learners'
    page shows in the preview; only the links and the end of the page differ."""
    write_course(tmp_path / "courses")
    app = make_app(COURSES_DIR=str(tmp_path / "courses"))
    trainer = client_for(app, create_user, "trainer")
    learner = client_for(app, create_user)
    preview = trainer.get("/trainer/preview/live/testkurs/zweites").get_data(as_text=True)
    page = learner.get("/courses/testkurs/zweites").get_data(as_text=True)

    def lesson(html: str) -> str:
        start = html.index('<header class="module-header">')
        return html[start : html.index('<section class="module-end"', start)]

    def without_badge(html: str) -> str:  # the learner's reading state is not previewed
        return html.split("·", 1)[0] + html.split("</p>", 1)[1]

    assert without_badge(lesson(preview)) == without_badge(lesson(page))
    assert 'data-toc-title="Inhalt"' in preview  # the learners' sidebar, scripted alike
    assert 'href="/trainer/preview/live/testkurs/erstes"' in preview
    assert "Hier schließen Lernende das Modul ab." in preview and "<form" not in lesson(preview)


def test_exam_pool_and_question_preview_show_answers_source_line_and_module(
    make_app, create_user, tmp_path
):
    write_course(tmp_path / "courses")
    app = make_app(COURSES_DIR=str(tmp_path / "courses"))
    trainer = client_for(app, create_user, "trainer")
    pool = text(trainer.get("/trainer/preview/live/testkurs/exam"))
    assert "Frage eins" in pool and "Erklärung zwei." in pool and "exam.md:3" in pool
    assert pool.count("richtig") >= 3  # A of question one, A and B of question two
    question = text(trainer.get("/trainer/preview/live/testkurs/questions/q-eins"))
    assert "exam.md:3" in question and "Erstes Modul" in question and "erstes" in question
    assert "Erklärung eins." in question
    image = trainer.get("/trainer/preview/live/testkurs/media/images/bild.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    image.close()
    module = trainer.get("/trainer/preview/live/testkurs/erstes").get_data(as_text=True)
    assert 'src="/trainer/preview/live/testkurs/media/images/bild.png"' in module


def test_with_browser_editing_off_checker_and_preview_stay_editing_is_refused(
    make_app, create_user, tmp_path, app
):
    write_course(tmp_path / "courses")
    on = make_app(COURSES_DIR=str(tmp_path / "courses"))
    trainer = client_for(on, create_user, "trainer")
    edit_file(trainer, "testkurs", "02-zweites.md", MODULE_2.replace("Inhalt.", "Aus dem Browser."))
    assert publish(trainer, "testkurs").status_code == 302

    off = make_app(COURSES_DIR=str(tmp_path / "courses"), BROWSER_EDITING="false")
    trainer_off = client_for(off, create_user, "trainer")
    workbench = text(trainer_off.get("/trainer/"))
    assert "Die Bearbeitung im Browser ist abgeschaltet" in workbench
    assert "Neuen Kurs hochladen" not in workbench
    assert trainer_off.get("/trainer/preview/live/testkurs/zweites").status_code == 200
    assert trainer_off.get("/trainer/preview/live/testkurs/exam").status_code == 200
    refused = trainer_off.get("/trainer/courses/testkurs/publish")
    assert refused.status_code == 403 and "im Git-Repository" in text(refused)
    assert post(trainer_off, "/trainer/courses/testkurs/copy").status_code == 403
    # The course folders are all there is: the browser's version is not served.
    assert "Inhalt." in trainer_off.get("/courses/testkurs/zweites").get_data(as_text=True)
    with off.app_context():
        from academy.extensions import db

        assert db.session.query(CourseVersion).count() == 2  # kept, for when it is on again
