"""The main pages in a real browser: the self-check script, no console errors and no
requests to other hosts, the Content-Security-Policy, the keyboard, and phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import (
    answer_exam,
    correct_answers,
    fill_sign_in,
    finish_modules,
    path_of,
    sign_in,
    wait_for_path,
    watch,
)
from tests.fixtures.journey import COURSE, course
from tests.fixtures.web import PASSWORD

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"KIA(?:-[0-9A-Z]{4}){4}")
DEFAULT_BACKGROUNDS = {"rgba(0, 0, 0, 0)", "transparent", "rgb(255, 255, 255)"}


def _choose(quiz: Locator, inputs: Locator) -> None:
    """Untick everything in the self-check, then tick `inputs`."""
    for box in quiz.locator('input[type="checkbox"]').all():
        box.uncheck()
    for item in inputs.all():
        item.check()


@pytest.mark.parametrize("kind", ["radio", "checkbox"])
def test_self_check_gives_feedback_and_opens_the_solution(app, page, create_user, kind):
    _, email = create_user()
    sign_in(page, email)
    module = course(app).modules[0]
    page.goto(f"/courses/{COURSE}/{module.slug}")

    quiz = page.locator("form[data-quiz]").filter(has=page.locator(f'input[type="{kind}"]')).first
    expect(quiz).to_have_count(1)
    button = quiz.get_by_role("button", name="Antwort prüfen")
    feedback = quiz.locator("[data-feedback]")
    solution = quiz.locator("details.quiz-solution")
    right = quiz.locator('input[data-correct="1"]')
    wrong = quiz.locator('input[data-correct="0"]')
    assert wrong.count() >= 1 and right.count() >= 1

    expect(button).to_have_js_property("hidden", False)  # hidden in the HTML, app.js shows it
    expect(button).to_be_visible()
    expect(solution).to_have_js_property("open", False)

    button.click()  # nothing chosen yet
    expect(feedback).to_have_text(quiz.get_attribute("data-empty"))
    expect(solution).to_have_js_property("open", False)

    _choose(quiz, wrong.first)
    button.click()
    expect(feedback).to_have_text(quiz.get_attribute("data-wrong"))
    expect(feedback).to_have_class(re.compile(r"\bwrong\b"))
    expect(solution).to_have_js_property("open", True)
    expect(solution.locator("ul li").first).to_be_visible()  # the right answer is shown
    expect(quiz.locator(".option.is-wrong")).to_have_count(1)
    # Not by colour alone: each option says in words what it was.
    expect(quiz.locator(".option.is-wrong .option-verdict")).to_have_text("✗ falsch")
    expect(quiz.locator(".option.is-right .option-verdict").first).to_have_text("✓ richtig")

    if kind == "checkbox" and right.count() > 1:  # only part of the right answers: wrong
        _choose(quiz, right.first)
        expect(feedback).to_have_text("")  # a change clears the old verdict
        button.click()
        expect(feedback).to_have_text(quiz.get_attribute("data-wrong"))

    _choose(quiz, right)
    expect(feedback).to_have_text("")
    button.click()
    expect(feedback).to_have_text(quiz.get_attribute("data-right"))
    expect(feedback).to_have_class(re.compile(r"\bright\b"))
    expect(quiz.locator(".option.is-wrong")).to_have_count(0)
    expect(quiz.locator(".option.is-right")).to_have_count(right.count())


def test_main_pages_have_no_console_errors_and_ask_no_other_host(app, page, create_user):
    user_id, email = create_user(name="Max Muster")
    finish_modules(app, user_id)
    recorder = watch(page)
    found: dict[str, list[str]] = {}

    def check(label: str, heading: str) -> None:
        page.wait_for_load_state("load")
        expect(page.get_by_role("heading", level=1), label).to_contain_text(heading)
        found[label] = recorder.take(page)

    module = course(app).modules[0]
    page.goto("/login")
    check("sign-in page", "Anmelden")
    fill_sign_in(page, email)
    check("start page", "Hallo Max Muster!")
    page.goto(f"/courses/{COURSE}/")
    check("course overview", "KI am Arbeitsplatz")
    page.goto(f"/courses/{COURSE}/{module.slug}")
    check("module page", module.title)
    page.goto(f"/courses/{COURSE}/exam")
    check("exam overview", "Abschlussprüfung")
    page.get_by_role("button", name="Prüfung starten").click()
    page.wait_for_url(re.compile(rf"/courses/{COURSE}/exam/\d+$"))
    check("exam page", "Abschlussprüfung")
    answer_exam(page, correct_answers(app, int(path_of(page).rsplit("/", 1)[1])))
    page.get_by_role("button", name="Prüfung abgeben").click()
    page.wait_for_url(re.compile(r"/result$"))
    check("result page", "Bestanden")
    page.goto("/certificates")
    check("certificates page", "Meine Zertifikate")
    number = NUMBER.search(page.locator(".certificate-card code").inner_text()).group(0)
    page.goto(f"/verify/{number}")
    check("verify page", "KI am Arbeitsplatz")
    page.goto("/privacy")
    check("privacy page", "Datenschutz")
    # Requests that come after the load event (the favicon) are caught here, once.
    page.wait_for_load_state("networkidle")
    found["privacy page"] += recorder.take(page)

    assert len(found) == 10
    assert recorder.local_requests >= 2 * len(found)  # page and assets: it was listening
    assert {label: issues for label, issues in found.items() if issues} == {}


def _background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_content_security_policy_is_sent_and_the_pages_still_work(app, page, create_user):
    _, email = create_user()
    response = page.goto("/login")  # a public page
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives.get("default-src") == ["'self'"], policy
    for name in ("script-src", "style-src"):
        assert name in directives, policy
        assert "'unsafe-inline'" not in directives[name] and "'unsafe-eval'" not in directives[name]
    assert _background(page) not in DEFAULT_BACKGROUNDS  # app.css applied

    fill_sign_in(page, email)
    module = course(app).modules[0]
    response = page.goto(f"/courses/{COURSE}/{module.slug}")
    assert response is not None and response.ok
    assert response.headers.get("content-security-policy") == policy
    assert _background(page) not in DEFAULT_BACKGROUNDS
    expect(page.locator(".site-header")).not_to_have_css("background-color", "rgba(0, 0, 0, 0)")
    # app.js ran: the self-check buttons start hidden and the script shows them.
    buttons = page.locator("form[data-quiz] [data-check]")
    assert buttons.count() >= 1
    for button in buttons.all():
        expect(button).to_have_js_property("hidden", False)  # only app.js clears it
        expect(button).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []


def test_without_javascript_the_self_check_offers_only_the_solution(app, new_context, create_user):
    _, email = create_user()
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, email)
    page.goto(f"/courses/{COURSE}/{course(app).modules[0].slug}")
    quiz = page.locator("form[data-quiz]").first
    quiz.locator("summary").click()  # <details> needs no script
    expect(quiz.locator("details.quiz-solution")).to_have_js_property("open", True)
    # Without a script nothing can change any more: no need to wait for it.
    expect(quiz.get_by_role("button", name="Antwort prüfen")).to_be_hidden(timeout=500)


def test_sign_in_works_with_the_keyboard_alone(page, create_user):
    _, email = create_user(name="Tastatur Nutzerin")
    page.goto("/login")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).not_to_be_in_viewport()  # off screen until focused

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0, box

    page.keyboard.press("Enter")  # jump to the content, past the header
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-Mail-Adresse")).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passwort", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    wait_for_path(page, "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hallo Tastatur Nutzerin!")


# The first elements sticking out of the viewport that no scrolling box (like a wide
# table's) contains: they make the page itself scroll sideways.
OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const contained = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  const culprits = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1 && !contained(e))
    .slice(0, 3)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim().slice(0, 30)}"`);
  return `scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}: ${culprits.join(", ")}`;
}"""


@pytest.mark.parametrize("width", [320, 375])
def test_module_pages_have_no_horizontal_scrollbar_on_a_phone(app, new_context, create_user, width):
    _, email = create_user()
    phone = new_context(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    sign_in(page, email)
    too_wide = {}
    for module in course(app).modules:
        page.goto(f"/courses/{COURSE}/{module.slug}")
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            too_wide[module.slug] = overflow
    assert page.evaluate("document.documentElement.clientWidth") == width
    assert too_wide == {}
