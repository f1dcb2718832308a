"""axe-core in Chromium on every kind of page, at phone and desktop width, light and
dark: no serious or critical WCAG 2.2 A/AA violation. Plus the focus ring that keyboard
users depend on, measured in the browser."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from academy.accounts import services as accounts
from academy.exams import services as exams
from academy.extensions import db
from academy.learning import queries as learning
from academy.learning import services as reading
from tests.browser.helpers import sign_in
from tests.fixtures.journey import COURSE
from tests.fixtures.web import PASSWORD

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Every page is checked at both widths and in both colour schemes.
SIZES = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 860}}
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} – ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}"""


@dataclass
class Site:
    learner: str  # certified
    reviser: str  # failed once, has an open attempt with saved answers
    admin: str
    certificate_id: int
    number: str
    passed_attempt: int
    failed_attempt: int
    open_attempt: int
    learner_id: int = 0


@pytest.fixture
def site(app) -> Site:
    """People in every situation a page can show, made through the services."""
    with app.app_context():
        course = learning.catalog().get(COURSE)
        learner = accounts.create_user("ally@a11y.example", "Ally Lernt", PASSWORD)
        reviser = accounts.create_user("rex@a11y.example", "Rex Wiederholt", PASSWORD)
        admin = accounts.create_user("ada@a11y.example", "Ada Admin", PASSWORD, ["admin"])
        for person in (learner, reviser):
            for module in course.modules:
                reading.mark_done(person, course, module)
        passed = _hand_in(learner, course, right=20)
        failed = _hand_in(reviser, course, right=5)
        from academy.certificates import queries as certificates

        (certificate,) = certificates.of_user(learner)
        site = Site(
            learner.email,
            reviser.email,
            admin.email,
            certificate.id,
            certificate.number,
            passed,
            failed,
            0,
            learner.id,
        )
        db.session.commit()
        # A second attempt, open, with a few answers saved (the cooldown is over by then).
        from academy import clock

        later = clock.utcnow()
        site.open_attempt = _open_attempt(reviser, course, later)
        db.session.commit()
        db.session.remove()
    return site


def _hand_in(person, course, right: int) -> int:
    progress = learning.course_progress(person, course)
    attempt = exams.start_attempt(person, course, progress)
    answers = {}
    for index, question in enumerate(attempt.drawn_questions()):
        wrong = frozenset(o.id for o in question.options if not o.correct)
        answers[question.id] = question.correct_ids if index < right else frozenset(list(wrong)[:1])
    exams.hand_in(person, attempt, answers, course, confirmed=True)
    return attempt.id


def _open_attempt(person, course, _now) -> int:
    from academy.exams.models import ExamAttempt

    attempt = ExamAttempt(
        user_id=person.id,
        course_slug=course.slug,
        course_version=course.version,
        pass_mark=80,
        questions=[q.to_json() for q in _draw(course)],
    )
    db.session.add(attempt)
    db.session.flush()
    first = attempt.drawn_questions()[0]
    exams.save_answers(attempt, {first.id: first.correct_ids})
    return attempt.id


def _draw(course):
    import random

    from academy.exams.grading import draw

    return draw(course, random.Random(7))


PEOPLE = ["visitor", "learner", "reviser", "admin"]


def _pages(site: Site, who: str) -> list[str]:
    exam = f"/courses/{COURSE}/exam"
    return {
        "visitor": [
            "/",
            "/login",
            "/register",
            "/register/confirm",
            "/password/forgot",
            "/verify",
            f"/verify/{site.number}",
            "/privacy",
            "/gibt-es-nicht",
        ],
        "learner": [
            "/",
            f"/courses/{COURSE}/",
            f"/courses/{COURSE}/eu-ai-act",
            exam,
            f"{exam}/{site.passed_attempt}/result",
            "/certificates",
            "/account",
            "/account/data",
        ],
        "reviser": [
            f"{exam}/{site.failed_attempt}/result",
            f"{exam}/{site.open_attempt}",
            f"/courses/{COURSE}/",
        ],
        "admin": [
            "/admin/users",
            "/admin/certificates",
            f"/admin/certificates/{site.certificate_id}/revoke",
            "/invitations",
            "/admin/privacy",
            f"/admin/privacy/people/{site.learner_id}",
            "/admin/privacy/settings",
            "/admin/audit",
        ],
    }[who]


def _violations(page: Page, axe_source: str) -> dict[str, list[str]]:
    """axe at phone and desktop width, light and dark, on the page as it is loaded."""
    page.add_script_tag(content=axe_source)
    found = {}
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            found[f"{size} {scheme}"] = page.evaluate(RUN_AXE, TAGS)
    return {where: issues for where, issues in found.items() if issues}


@pytest.mark.parametrize("who", PEOPLE)
def test_no_serious_accessibility_violation_on_any_page(
    browser, live_server, site, axe_source, who
):
    # bypass_csp only lets axe's script in; the pages themselves are unchanged.
    context = browser.new_context(base_url=live_server, locale="de-DE", bypass_csp=True)
    page = context.new_page()
    if who != "visitor":
        sign_in(page, getattr(site, who))
    found: dict[str, dict] = {}
    for path in _pages(site, who):
        page.goto(path)
        found[path] = _violations(page, axe_source)
    if who == "reviser":  # the summary before handing in: the answer to a POST
        page.goto(f"/courses/{COURSE}/exam/{site.open_attempt}")
        page.get_by_role("button", name="Prüfung abgeben").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Prüfung abgeben?")
        found["summary before handing in"] = _violations(page, axe_source)
    if who == "learner":  # the credential downloads opened; a downloaded credential checked
        page.goto("/certificates")
        page.get_by_text("Als digitaler Nachweis").click()
        found["credential downloads"] = _violations(page, axe_source)
        with page.expect_download() as download:
            page.get_by_role("link", name="Nachweis (JSON)").click()
        page.goto("/verify")
        page.set_input_files("#file", download.value.path())
        page.get_by_role("button", name="Datei prüfen").click()
        expect(page.locator(".verify-status")).to_contain_text("Gültig")
        found["uploaded credential checked"] = _violations(page, axe_source)
    if who == "visitor":  # a form with errors and its summary
        page.goto("/register")
        page.locator("main").get_by_role("button", name="Konto anlegen").click()
        expect(page.locator(".error-summary")).to_be_visible()
        found["register with errors"] = _violations(page, axe_source)
    context.close()
    assert len(found) >= 4
    assert {where: issues for where, issues in found.items() if issues} == {}


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_focused_answer_option_has_a_visible_ring(browser, live_server, site, scheme):
    context = browser.new_context(base_url=live_server, color_scheme=scheme, locale="de-DE")
    page = context.new_page()
    sign_in(page, site.reviser)
    page.goto(f"/courses/{COURSE}/exam/{site.open_attempt}")
    first_radio = page.locator(".exam-question").nth(1).locator("input").first
    first_radio.focus()
    page.keyboard.press("ArrowDown")  # the keyboard moves within the group: focus-visible
    option = page.locator(".option:has(input:focus-visible)")
    expect(option).to_have_count(1)
    style = option.evaluate(
        "(el) => { const s = getComputedStyle(el); const bg = getComputedStyle(document.body);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor, bg.backgroundColor]; }"
    )
    outline_style, width, color, background = style
    assert outline_style == "solid" and float(width.removesuffix("px")) >= 2
    assert _contrast(color, background) >= 3, (color, background)
    context.close()


@pytest.mark.parametrize("width", [320, 375])  # 320 px: a 1280 px screen at 400 % zoom
def test_account_and_sign_out_are_reachable_at_every_width(browser, live_server, site, width):
    context = browser.new_context(
        base_url=live_server, locale="de-DE", viewport={"width": width, "height": 700}
    )
    page = context.new_page()
    sign_in(page, site.learner)
    account = page.get_by_role("link", name=re.compile("Mein Konto"))
    expect(account).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    account.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Konto")
    context.close()
