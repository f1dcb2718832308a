"""Catalog, course overview, module pages, course files, error pages, and courses that
break or change while the site runs."""

from __future__ import annotations

import logging
import re

from sqlalchemy import event

from academy.extensions import db
from tests.fixtures.course_files import COURSE_MD, MODULE_2, write_course
from tests.fixtures.mail import mail_text, wait_for
from tests.fixtures.settings import PRODUCTION_SECRET_KEY
from tests.fixtures.web import post

COURSE = "ki-am-arbeitsplatz"


def test_catalog_shows_title_summary_modules_and_time(signed_in):
    client, _ = signed_in()
    page = client.get("/").get_data(as_text=True)
    minutes = client.application.extensions["catalog"].get(COURSE).minutes  # from the text
    assert "KI am Arbeitsplatz" in page
    assert "KI-Tools im Arbeitsalltag sicher, fair und datenschutzkonform nutzen" in page
    assert "10 Module" in page and f"ca. {minutes} Minuten" in page


def test_course_overview_lists_modules_in_order_with_state(signed_in):
    client, _ = signed_in()
    post(client, f"/courses/{COURSE}/daten-als-rohstoff/done")
    page = client.get(f"/courses/{COURSE}/").get_data(as_text=True)
    titles = re.findall(r'<span class="module-title">(.*?)</span>', page)
    assert titles[0] == "Daten als Rohstoff" and len(titles) == 10
    assert page.count("badge-done") == 1 and page.count("badge-open") == 9
    assert "1 von 10 Modulen erledigt" in page
    assert "Stand: November 2026" in page  # the introduction


def test_module_page_has_objectives_toc_self_check_and_pager(signed_in):
    client, _ = signed_in()
    page = client.get(f"/courses/{COURSE}/ki-verstehen").get_data(as_text=True)
    assert "<h1>KI verstehen</h1>" in page
    assert "Lernziele" in page
    toc = re.findall(r'<li class="toc-h2"><a href="#([a-z0-9-]+)">', page)
    assert toc and all(f'id="{anchor}"' in page for anchor in toc)
    assert "data-quiz" in page and "Lösung anzeigen" in page
    assert f'href="/courses/{COURSE}/daten-als-rohstoff" rel="prev"' in page
    # Not yet done: "on" is the one way forward, and it records the module as read.
    assert f'action="/courses/{COURSE}/ki-verstehen/done"' in page
    assert "Datenschutz-Grundlagen (DSGVO)" in page.split('class="pager"')[1]
    assert "Das Wichtigste in Kürze" in page


def test_marking_done_moves_on_and_is_idempotent(signed_in, app):
    from academy.learning.models import ModuleCompletion

    client, _ = signed_in()
    first = post(client, f"/courses/{COURSE}/daten-als-rohstoff/done")
    assert first.headers["Location"] == f"/courses/{COURSE}/ki-verstehen"
    post(client, f"/courses/{COURSE}/daten-als-rohstoff/done")
    last = post(client, f"/courses/{COURSE}/datenqualitaet-und-fazit/done")
    assert last.headers["Location"] == f"/courses/{COURSE}/"
    with app.app_context():
        assert db.session.query(ModuleCompletion).count() == 2


def test_progress_survives_a_new_device(app, create_user):
    from tests.fixtures.web import login

    _, email = create_user()
    laptop = app.test_client()
    login(laptop, email)
    post(laptop, f"/courses/{COURSE}/daten-als-rohstoff/done")
    phone = app.test_client()
    login(phone, email)
    page = phone.get("/").get_data(as_text=True)
    assert "Weiter, wo Sie aufgehört haben" in page and "KI verstehen" in page


def test_unknown_course_module_and_marking_return_404(signed_in):
    client, _ = signed_in()
    assert client.get("/courses/gibtsnicht/").status_code == 404
    assert client.get(f"/courses/{COURSE}/gibtsnicht").status_code == 404
    assert post(client, f"/courses/{COURSE}/gibtsnicht/done").status_code == 404
    page = client.get("/gibtsnicht").get_data(as_text=True)
    assert "Seite nicht gefunden" in page and "Traceback" not in page


def test_server_error_page_shows_no_traceback(make_app, monkeypatch):
    application = make_app(
        APP_ENV="production", SECRET_KEY=PRODUCTION_SECRET_KEY, PUBLIC_COURSES="true"
    )

    def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("academy.dashboard.views.learning.visible_courses", broken)
    response = application.test_client().get("/", base_url="https://academy.example.com")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Ein Fehler ist aufgetreten" in page
    assert "database on fire" not in page and "Traceback" not in page


def test_course_images_are_served_and_paths_outside_refused(make_app, tmp_path):
    courses = tmp_path / "courses"
    write_course(courses, "bilder")
    client = make_app(COURSES_DIR=str(courses), PUBLIC_COURSES="true").test_client()
    with client.get("/courses/bilder/media/images/bild.png") as image:
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    for path in (
        "course.md",
        "../../etc/passwd",
        "images/../course.md",
        "%2e%2e/%2e%2e/etc/passwd",
        "images/fehlt.png",
    ):
        assert client.get(f"/courses/bilder/media/{path}").status_code == 404, path


def test_broken_course_is_left_out_and_logged_others_served(make_app, tmp_path, caplog):
    courses = tmp_path / "courses"
    write_course(courses, "gut")
    write_course(courses, "kaputt", course_md=COURSE_MD.replace("pass_mark: 80", "pass_mark: 999"))
    with caplog.at_level(logging.ERROR):
        client = make_app(COURSES_DIR=str(courses), PUBLIC_COURSES="true").test_client()
    assert "kaputt/course.md:6: 'pass_mark' must be between 1 and 100" in caplog.text
    assert "course 'kaputt' is left out" in caplog.text
    assert client.get("/courses/gut/").status_code == 200
    assert client.get("/courses/kaputt/").status_code == 404


def test_draft_course_only_for_trainers_and_admins(make_app, tmp_path, create_user):
    from tests.fixtures.web import login

    courses = tmp_path / "courses"
    write_course(
        courses,
        "entwurf",
        course_md=COURSE_MD.replace("validity_months: 12", "validity_months: 12\ndraft: true"),
    )
    application = make_app(COURSES_DIR=str(courses))
    _, learner = create_user()
    _, trainer = create_user("trainer")
    learner_client, trainer_client = application.test_client(), application.test_client()
    login(learner_client, learner)
    login(trainer_client, trainer)
    assert learner_client.get("/courses/entwurf/").status_code == 404
    assert "Testkurs" not in learner_client.get("/").get_data(as_text=True)
    assert trainer_client.get("/courses/entwurf/").status_code == 200
    assert "Entwurf" in trainer_client.get("/").get_data(as_text=True)


def test_edited_markdown_is_picked_up_without_restart_in_development(
    make_app, tmp_path, monkeypatch
):
    courses = tmp_path / "courses"
    write_course(courses, "live")
    application = make_app(COURSES_DIR=str(courses), APP_ENV="development", PUBLIC_COURSES="true")
    client = application.test_client()
    assert "Inhalt." in client.get("/courses/live/zweites").get_data(as_text=True)
    (courses / "live" / "02-zweites.md").write_text(
        MODULE_2.replace("Inhalt.", "Frisch geändert."), encoding="utf-8"
    )
    catalog = application.extensions["catalog"]
    monkeypatch.setattr(catalog, "_checked_at", 0.0)  # the next request looks at the files again
    assert "Frisch geändert." in client.get("/courses/live/zweites").get_data(as_text=True)


def test_production_does_not_reload_course_files(make_app, tmp_path):
    courses = tmp_path / "courses"
    write_course(courses, "fest")
    application = make_app(
        COURSES_DIR=str(courses), APP_ENV="production", SECRET_KEY=PRODUCTION_SECRET_KEY
    )
    assert application.extensions["catalog"].auto_reload is False


def test_lesson_view_costs_one_query(signed_in, app):
    """The signed-in user, their roles and their progress in the course, in one query
    (learning.queries.reader_with_progress): nothing per module."""
    client, _ = signed_in()
    post(client, f"/courses/{COURSE}/daten-als-rohstoff/done")
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(f"/courses/{COURSE}/datenschutz-grundlagen")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    assert len(statements) == 1, statements


def test_layout_adds_little_weight_to_a_lesson(make_app, tmp_path, create_user):
    """A lesson page is its text plus a small frame; the bundled modules stay under 25 KB."""
    from tests.fixtures.web import login

    courses = tmp_path / "courses"
    write_course(courses, "klein")
    _, email = create_user()
    small = make_app(COURSES_DIR=str(courses)).test_client()
    login(small, email)
    assert len(small.get("/courses/klein/zweites").data) < 10_000  # the frame alone

    bundled = make_app()
    client = bundled.test_client()
    login(client, email)
    sizes = {
        f"{course.slug}/{module.slug}": len(
            client.get(f"/courses/{course.slug}/{module.slug}").data
        )
        for course in bundled.extensions["catalog"].all()
        for module in course.modules
    }
    assert len(sizes) == 20
    assert {page: size for page, size in sizes.items() if size >= 25_000} == {}


def test_static_files_are_cached_for_a_year_with_versioned_urls(client):
    page = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{10})"', page).group(1)
    with client.get(css) as response:
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]


def test_register_link_keeps_the_page_asked_for(client, mail_app):
    target = f"/courses/{COURSE}/ki-verstehen"
    login_page = client.get(f"/login?next={target}").get_data(as_text=True)
    assert "/register?next=/courses/ki-am-arbeitsplatz/ki-verstehen" in login_page.replace(
        "%2F", "/"
    )
    from tests.fixtures.web import PASSWORD

    application, inbox = mail_app
    visitor = application.test_client()
    response = post(
        visitor,
        f"/register?next={target}",
        {
            "name": "Nora Neu",
            "email": "tief@firma.example",
            "password": PASSWORD,
            "password_repeat": PASSWORD,
        },
    )
    assert response.status_code == 302
    wait_for(inbox)
    link = re.search(
        r"https://academy\.example\.com(/register/confirm/\S+)", mail_text(inbox.messages[0])
    )
    confirmed = post(visitor, link.group(1), {"password": PASSWORD})
    assert confirmed.headers["Location"] == target  # on to the page asked for


def test_visitors_get_a_start_page_that_explains_and_offers_an_account(client, make_app):
    page = client.get("/").get_data(as_text=True)
    assert "Art. 4" in page and re.search(r"ca\. \d+ Minuten", page)
    assert 'href="/register"' in page and 'href="/login"' in page
    assert "/courses/ki-am-arbeitsplatz/" not in page  # the catalog is for members here
    closed = make_app(REGISTRATION="closed").test_client().get("/").get_data(as_text=True)
    assert 'href="/register"' not in closed and "per Einladung" in closed


def test_catalog_cards_are_one_link_with_a_button_saying_what_comes_next(signed_in):
    client, _ = signed_in()
    post(client, f"/courses/{COURSE}/daten-als-rohstoff/done")
    page = client.get("/").get_data(as_text=True)
    cards = re.findall(r'<li class="card course-card">.*?</li>', page, re.S)
    assert len(cards) == 2
    german = next(c for c in cards if "KI am Arbeitsplatz" in c)
    assert "In Ihrer Sprache" in german and "Weitermachen" in german
    assert all(c.count("<a ") == 1 and "card-link" in c for c in cards)


def test_form_errors_are_summarised_and_tied_to_their_fields(client):
    response = post(client, "/register", {"name": "", "email": "kaputt", "password": "kurz"})
    page = response.get_data(as_text=True)
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#name"' in summary and 'href="#email"' in summary
    assert re.search(r'id="email"[^>]*aria-describedby="email-error"', page) or re.search(
        r'aria-describedby="email-error"[^>]*id="email"', page
    )
    assert 'id="email-error"' in page


def test_lesson_tables_scroll_in_a_focusable_region(signed_in):
    client, _ = signed_in()
    page = client.get(f"/courses/{COURSE}/eu-ai-act").get_data(as_text=True)
    tables = page.count("<table")
    assert tables >= 1
    assert page.count('<div class="table-scroll" tabindex="0" role="group"') == tables


def test_self_check_options_are_not_in_the_order_they_were_written(app):
    from academy.learning.fragments import shuffled_options
    from academy.learning.queries import catalog

    with app.app_context():
        questions = [q for c in catalog().all() for m in c.modules for q in m.self_check_questions]
    moved = [q for q in questions if shuffled_options(q) != list(q.options)]
    assert len(moved) > len(questions) / 2
    assert all(shuffled_options(q) == shuffled_options(q) for q in questions)  # stable: cacheable
    first_is_right = sum(shuffled_options(q)[0].correct for q in questions if not q.multiple)
    assert 0 < first_is_right < len([q for q in questions if not q.multiple])


def test_the_account_page_preselects_the_language_in_use(signed_in):
    client, _ = signed_in()
    page = client.get("/account").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="de"|<input[^>]*value="de"[^>]*checked', page)
