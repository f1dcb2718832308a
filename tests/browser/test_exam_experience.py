"""The learner's way through modules and the exam in a real browser: one clear way to
finish a module, answers that survive a reload and a second tab, the summary before
handing in, and the whole exam by keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import correct_answers, finish_modules, path_of, sign_in
from tests.fixtures.journey import COURSE, course

pytestmark = pytest.mark.browser


def _start_exam(page: Page) -> int:
    page.goto(f"/courses/{COURSE}/exam")
    page.get_by_role("button", name="Prüfung starten").click()
    page.wait_for_url(re.compile(rf"/courses/{COURSE}/exam/\d+$"))
    return int(path_of(page).rsplit("/", 1)[1])


def _question(page: Page, number: int):
    return page.locator(f"#question-{number}")


def _answer(page: Page, app, attempt_id: int, numbers: list[int]) -> None:
    """Tick the right options of these questions and wait until each change is saved."""
    right = correct_answers(app, attempt_id)
    for number in numbers:
        question = _question(page, number)
        name = question.locator("input").first.get_attribute("name")
        for value in right[name]:
            with page.expect_response(re.compile(r"/answers$")) as saved:
                question.locator(f'input[value="{value}"]').check()
            assert saved.value.ok
    expect(page.locator("[data-save-state]")).to_have_text("gespeichert")


def test_a_module_is_finished_by_going_on_and_the_course_page_says_what_is_open(
    app, page, create_user
):
    _, email = create_user()
    sign_in(page, email)
    first, second, third = course(app).modules[:3]
    page.goto(f"/courses/{COURSE}/{first.slug}")
    page.locator(".module-end").get_by_role("button", name=re.compile(second.title)).click()
    expect(page).to_have_url(re.compile(rf"/{second.slug}$"))
    expect(page.locator(".flash-success")).to_contain_text(first.title)
    # Jumping ahead through the module list leaves the skipped module unfinished …
    page.locator(".module-list").get_by_role("link", name=third.title).click()
    page.goto(f"/courses/{COURSE}/")
    status = page.locator(".exam-status")
    expect(status).to_contain_text("Noch nicht abgeschlossen:")
    expect(status.get_by_role("link", name=second.title)).to_be_visible()
    expect(status.get_by_role("link", name=first.title)).to_have_count(0)
    # … and its link leads straight back to it.
    status.get_by_role("link", name=second.title).click()
    expect(page).to_have_url(re.compile(rf"/{second.slug}$"))


def test_answers_survive_a_reload_and_a_second_tab(app, page, new_context, create_user):
    user_id, email = create_user()
    finish_modules(app, user_id)
    sign_in(page, email)
    attempt_id = _start_exam(page)
    counter = page.locator("[data-answered-count]")
    expect(counter).to_have_text("0 von 20 beantwortet")
    _answer(page, app, attempt_id, [1, 2, 3])
    expect(counter).to_have_text("3 von 20 beantwortet")

    page.reload()
    expect(counter).to_have_text("3 von 20 beantwortet")
    for number in (1, 2, 3):
        expect(_question(page, number).locator("input:checked").first).to_be_visible()

    second_tab = page.context.new_page()  # the same browser, the same session
    second_tab.goto(f"/courses/{COURSE}/exam/{attempt_id}")
    expect(second_tab.locator("[data-answered-count]")).to_have_text("3 von 20 beantwortet")
    _answer(second_tab, app, attempt_id, [4])
    second_tab.close()

    # The first tab never saw question 4 answered; handing in from it keeps that answer.
    page.get_by_role("button", name="Prüfung abgeben").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prüfung abgeben?")
    expect(page.locator("main")).to_contain_text("4 von 20 Fragen sind beantwortet")
    open_questions = page.locator(".open-questions a")
    expect(open_questions).to_have_count(16)
    expect(open_questions.first).to_have_text("Frage 5")

    # A link goes back to the question; the page still knows every answer.
    open_questions.first.click()
    expect(page).to_have_url(re.compile(r"#question-5$"))
    expect(counter).to_have_text("4 von 20 beantwortet")


def test_an_empty_exam_cannot_be_handed_in(app, page, create_user):
    user_id, email = create_user()
    finish_modules(app, user_id)
    sign_in(page, email)
    attempt_id = _start_exam(page)
    page.get_by_role("button", name="Prüfung abgeben").click()
    expect(page.locator(".flash-error")).to_contain_text("noch keine Frage beantwortet")
    expect(page).to_have_url(re.compile(rf"/exam/{attempt_id}$"))
    expect(page.locator("[data-answered-count]")).to_have_text("0 von 20 beantwortet")
    page.goto(f"/courses/{COURSE}/exam")
    expect(page.get_by_role("link", name="Prüfung fortsetzen")).to_be_visible()


def _active(page: Page) -> dict:
    return page.evaluate(
        "() => { const el = document.activeElement; return {tag: el.tagName, type: el.type || '',"
        " name: el.name || '', value: el.value || '', checked: !!el.checked,"
        " text: (el.textContent || '').trim()}; }"
    )


def test_the_whole_exam_by_keyboard_from_the_skip_link_to_the_result(
    app, page, create_user, replace_course
):
    replace_course(exam={"question_count": 6})
    user_id, email = create_user()
    finish_modules(app, user_id)
    sign_in(page, email)
    page.goto(f"/courses/{COURSE}/exam")
    page.keyboard.press("Tab")
    assert _active(page)["text"] == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    for _ in range(30):  # Tab to the start button and press it
        page.keyboard.press("Tab")
        if _active(page)["text"] == "Prüfung starten":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/courses/{COURSE}/exam/\d+$"))
    right = correct_answers(app, int(path_of(page).rsplit("/", 1)[1]))

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link again, now on the exam page
    for _ in range(200):
        page.keyboard.press("Tab")
        active = _active(page)
        if active["text"] == "Prüfung abgeben":
            break
        if active["name"] not in right:
            continue
        if active["type"] == "checkbox":
            if (active["value"] in right[active["name"]]) != active["checked"]:
                page.keyboard.press("Space")
        elif active["value"] not in right[active["name"]]:
            for _ in range(8):  # arrows move through a radio group and choose
                page.keyboard.press("ArrowDown")
                if _active(page)["value"] in right[active["name"]]:
                    break
        elif not active["checked"]:
            page.keyboard.press("Space")
    expect(page.locator("[data-answered-count]")).to_have_text("6 von 6 beantwortet")
    for name, values in right.items():  # what the keyboard chose is what was meant
        chosen = page.locator(f'input[name="{name}"]:checked')
        assert sorted(chosen.evaluate_all("(els) => els.map((e) => e.value)")) == sorted(values)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/result$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bestanden")
    expect(page.locator(".score")).to_have_text("100 %")
