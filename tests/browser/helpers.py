"""Plain helpers for the browser tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Page

from academy.extensions import db
from academy.learning.queries import catalog
from tests.fixtures.journey import COURSE
from tests.fixtures.web import PASSWORD

HOST = "127.0.0.1"

# Playwright's init scripts are not subject to the page's CSP; this one records every
# violation the page reports, so a test can tell "blocked by the CSP" from "fine".
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`CSP ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@dataclass
class Watch:
    """What a page did that it should not: console errors, uncaught script errors and
    requests to any host but the test server. `local_requests` counts the others, so a
    test can tell that the recorder was listening at all."""

    problems: list[str] = field(default_factory=list)
    local_requests: int = 0

    def on_console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.problems.append(f"console error: {message.text} ({where})")

    def on_page_error(self, error) -> None:
        self.problems.append(f"uncaught script error: {error}")

    def on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return  # nothing leaves the browser
        if parts.hostname == HOST:
            self.local_requests += 1
        else:
            self.problems.append(f"request to another host: {request.method} {request.url}")

    def take(self, page: Page) -> list[str]:
        """Everything recorded since the last call, plus the page's CSP violations."""
        found = [*self.problems, *csp_violations(page)]
        self.problems.clear()
        return found


def watch(page: Page) -> Watch:
    """Start recording what `page` does wrong; see Watch."""
    recorder = Watch()
    page.on("console", recorder.on_console)
    page.on("pageerror", recorder.on_page_error)
    page.on("request", recorder.on_request)
    return recorder


def csp_violations(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def wait_for_path(page: Page, path: str) -> None:
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def fill_sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """On the sign-in page: fill the form and submit it, like a person would."""
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Anmelden").click()
    wait_for_path(page, "/")


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    fill_sign_in(page, email, password)


def finish_modules(app, user_id: int, slug: str = COURSE) -> None:
    """Mark every module done through the application's service (faster than clicking;
    the clicking is covered by the journey test)."""
    from academy.accounts.queries import user_by_id
    from academy.learning import services

    with app.app_context():
        the_course, user = catalog().get(slug), user_by_id(user_id)
        for module in the_course.modules:
            services.mark_done(user, the_course, module)
        db.session.commit()
        db.session.remove()


def correct_answers(app, attempt_id: int) -> dict[str, list[str]]:
    """The right option ids per input name (q-<question id>) of a drawn attempt, read from
    the database: the exam page itself must not contain them."""
    from academy.exams.models import ExamAttempt

    with app.app_context():
        questions = db.session.get(ExamAttempt, attempt_id).questions
        db.session.remove()
    return {
        f"q-{question['id']}": [o["id"] for o in question["options"] if o["correct"]]
        for question in questions
    }


def answer_exam(page: Page, answers: dict[str, list[str]]) -> None:
    """Tick the given options on the exam page."""
    for name, values in answers.items():
        inputs = page.locator(f'input[name="{name}"]')
        assert inputs.count() >= 2, f"{name}: question not on the page"
        for value in values:
            inputs.and_(page.locator(f'[value="{value}"]')).check()
