"""Every route states who may use it, and the rule holds for every role: a matrix built
from the URL map (routes with arguments included), run for anonymous visitors, learners,
trainers, HR and admins. No GET request changes the database."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from academy.accounts import access
from academy.accounts import services as accounts
from academy.exams import services as exams
from academy.extensions import db
from academy.learning import queries as learning
from academy.learning import services as reading
from academy.trainer import queries as workbench
from academy.trainer import services as editing
from academy.trainer.models import Change, Retraining
from tests.fixtures.course_files import MODULE_1, write_course
from tests.fixtures.web import csrf_token, login

ROLES = ["anonymous", "learner", "trainer", "hr", "admin"]
SLUG = "testkurs"
PASSWORD = "matrix password 1"

# Where the general rule (public 200; signed-in 200 or 403 by role; anonymous to sign-in)
# does not say it all: role -> expected status.
SIGNED_IN_ROLES = ROLES[1:]
EXCEPTIONS: dict[str, dict[str, int]] = {
    "accounts.login": dict.fromkeys(SIGNED_IN_ROLES, 302),  # signed in already: on to the start
    "exams.take": {"learner": 302},  # a handed-in attempt: on to its result
    "exams.summary": {"learner": 302},  # likewise
    # Single sign-on is not configured in this world: its routes do not exist here.
    # tests/web/test_sso.py runs them for every role against a real provider.
    "sso.start": dict.fromkeys(ROLES, 404),
    "sso.callback": dict.fromkeys(ROLES, 404),
}
# The learner's own records: to anyone else they do not exist.
OWNED_BY_LEARNER = {
    "exams.take",
    "exams.summary",
    "exams.result",
    "certificates.pdf",
    "retraining.show",
    "certificates.download",
}


@dataclass
class World:
    app: Flask
    clients: dict[str, FlaskClient]
    values: dict[str, object]  # URL arguments by name
    by_endpoint: dict[str, dict[str, object]]  # arguments whose value depends on the route

    def url(self, rule) -> str:
        special = self.by_endpoint.get(rule.endpoint, {})
        values = {name: special.get(name, self.values.get(name)) for name in rule.arguments}
        with self.app.test_request_context():
            from flask import url_for

            return url_for(rule.endpoint, **values)


@pytest.fixture
def world(make_app, tmp_path) -> World:
    """A small course with an image, a learner who passed it (attempt, certificate),
    one person per role, an open invitation and a password-reset link; the course was
    then changed materially in the browser (published versions, the learner's
    retraining) and a trainer has a working copy open."""
    write_course(tmp_path / "courses", SLUG)
    app = make_app(COURSES_DIR=str(tmp_path / "courses"))
    with app.app_context():
        people = {
            role: accounts.create_user(f"{role}@matrix.example", role.title(), PASSWORD, [role])
            for role in SIGNED_IN_ROLES
        }
        learner, course = people["learner"], learning.catalog().get(SLUG)
        for module in course.modules:
            reading.mark_done(learner, course, module)
        progress = learning.course_progress(learner, course)
        attempt = exams.start_attempt(learner, course, progress)
        answers = {q.id: q.correct_ids for q in attempt.drawn_questions()}
        exams.hand_in(learner, attempt, answers, course, confirmed=True)
        (certificate,) = learner_certificates(learner)
        invitation = accounts.create_invitation("new@matrix.example", ["learner"], people["hr"])
        _, reset = accounts.create_password_reset(learner.email)
        newcomer = accounts.create_user("neu@matrix.example", "Neu", PASSWORD, verified=False)
        confirmation = accounts.create_confirmation(newcomer)
        hr_values = hr_world(people, course)
        version = _change_in_browser(people["trainer"])
        db.session.commit()
        values = {
            "slug": SLUG,
            "module_slug": course.modules[0].slug,
            "filename": "images/bild.png",
            "attempt_id": attempt.id,
            "certificate_id": certificate.id,
            "user_id": learner.id,
            "number": certificate.number,
            **hr_values,
            "name": "course.md",
            "source": "live",
            "question_id": "q-eins",
            "version_id": version.id,
            "retraining_id": db.session.scalar(select(Retraining.id)),
            "list_number": 1,
        }
        emails = {role: person.email for role, person in people.items()}
        db.session.remove()
    by_endpoint = {
        "accounts.accept_invitation": {"token": invitation},
        "accounts.reset_password": {"token": reset},
        "accounts.confirm_email": {"token": confirmation},
        "certificates.download": {"name": "badge.svg"},
    }
    clients = {"anonymous": app.test_client()}
    for role in SIGNED_IN_ROLES:
        clients[role] = app.test_client()
        login(clients[role], emails[role], PASSWORD)
    return World(app, clients, values, by_endpoint)


def hr_world(people, course) -> dict[str, int]:
    """The learner in a department that the HR person sees, and a rule for that
    department (which assigns the course to the learner)."""
    from academy.hr import queries as hr_queries
    from academy.hr import services as hr

    department = accounts.create_department("Vertrieb", people["admin"])
    accounts.update_person(people["learner"], people["admin"], department=department)
    hr.set_scope(people["hr"], False, [department], people["admin"])
    scope = hr_queries.scope_of(people["hr"])
    rule, _ = hr.create_rule(course, department, hr.Due(days=30), people["hr"], scope)
    (assignment,) = hr_queries.assignments_of(people["learner"])
    return {
        "person_id": people["learner"].id,
        "department_id": department.id,
        "rule_id": rule.id,
        "assignment_id": assignment.id,
        "invitation_id": hr_queries.invitations_page(scope, people["hr"], 1).items[0].id,
    }


def _change_in_browser(trainer):
    """Publish a material change of module 1, then open a new working copy."""
    copy = editing.start_copy(workbench.course_state(SLUG), trainer)
    editing.save_file(copy, "01-erstes.md", MODULE_1 + "\nNeu.\n", copy.revision, trainer)
    state = workbench.course_state(SLUG)
    version = editing.publish(
        state, state.copy.revision, Change.MATERIAL, ["erstes"], "neu", trainer
    )
    editing.start_copy(workbench.course_state(SLUG), trainer)
    return version


def learner_certificates(user):
    from academy.certificates import queries

    return queries.of_user(user)


def expected_status(app: Flask, endpoint: str, role: str) -> int:
    if role in EXCEPTIONS.get(endpoint, {}):
        return EXCEPTIONS[endpoint][role]
    view = app.view_functions[endpoint]
    if access.rule_of(view) == access.PUBLIC:
        return 200
    if role == "anonymous":
        return 302
    if view.access_roles and role not in view.access_roles:
        return 403
    if endpoint in OWNED_BY_LEARNER and role != "learner":
        return 404
    return 200


# GETs whose only write is an audit entry: who looked at whose record.
AUDITED_GETS = {"hr.person"}


def database_fingerprint(app: Flask, skip: tuple[str, ...] = ()) -> str:
    """A hash over every row of every table (but those skipped)."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns))
            digest.update(repr((table.name, rows.all())).encode())
        db.session.remove()
    return digest.hexdigest()


def routes(app: Flask, method: str):
    return sorted(
        (r for r in app.url_map.iter_rules() if method in r.methods and r.endpoint != "static"),
        key=lambda r: r.rule,
    )


def test_every_route_declares_an_access_rule(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and access.rule_of(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_routes_use_get_and_post_only(app):
    for rule in app.url_map.iter_rules():
        assert rule.methods - {"HEAD", "OPTIONS"} <= {"GET", "POST"}, rule


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")
# The one link out: "Add to LinkedIn profile" on the learner's certificates, a plain link
# that loads nothing until followed.
OTHER_HOST = re.compile(
    r"""(src|action)=["']https?://(?!academy\.example\.com)"""
    r"""|href=["']https?://(?!academy\.example\.com|www\.linkedin\.com/profile/add\?)"""
)


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix_status_and_no_database_change(world, role):
    """Each GET route, its arguments filled from the world, gives this role the expected
    status, leaves every table as it was, and sends no inline script or style."""
    client, app = world.clients[role], world.app
    wrong = []
    for rule in routes(app, "GET"):
        url = world.url(rule)
        skip = ("audit_events",) if rule.endpoint in AUDITED_GETS else ()
        before = database_fingerprint(app, skip)
        response = client.get(url)
        if database_fingerprint(app, skip) != before:
            wrong.append(f"{url}: the GET changed the database")
        if response.status_code != expected_status(app, rule.endpoint, role):
            wrong.append(
                f"{url}: {response.status_code}, expected {expected_status(app, rule.endpoint, role)}"
            )
        if (
            response.status_code == 302
            and role == "anonymous"
            and rule.endpoint != "accounts.login"
        ):
            assert response.headers["Location"].startswith("/login?next="), url
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            if INLINE_SCRIPT.search(html) or " style=" in html or "<style" in html:
                wrong.append(f"{url}: inline script or style")
            if OTHER_HOST.search(html):
                wrong.append(f"{url}: refers to another host")
        response.close()  # a file response (course media) holds the file open until then
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_post_routes_refuse_who_may_not_use_them_and_change_nothing(world, role):
    client, app = world.clients[role], world.app
    token = csrf_token(client)
    refused = 0
    for rule in routes(app, "POST"):
        expected = expected_status(app, rule.endpoint, role)
        if (
            expected not in (302, 403)
            or access.rule_of(app.view_functions[rule.endpoint]) == access.PUBLIC
        ):
            continue  # allowed: the functional tests cover what the POST does
        before = database_fingerprint(app)
        response = client.post(world.url(rule), data={"csrf_token": token})
        assert response.status_code == expected, rule.rule
        assert database_fingerprint(app) == before, rule.rule
        refused += 1
    assert refused > 0 or role == "admin"


def test_the_fingerprint_sees_a_get_that_writes(world, monkeypatch):
    """The check itself works: a GET view that writes is caught."""
    from academy.accounts.queries import user_by_id

    def privacy_that_writes():
        accounts.set_locale(user_by_id(world.values["user_id"]), "en")
        db.session.commit()
        return "ok"

    monkeypatch.setitem(
        world.app.view_functions, "privacy.notice", access.public(privacy_that_writes)
    )
    before = database_fingerprint(world.app)
    assert world.clients["anonymous"].get("/privacy").status_code == 200
    assert database_fingerprint(world.app) != before


def test_public_catalog_setting_opens_reading_not_progress(make_app):
    public = make_app(PUBLIC_COURSES="true").test_client()
    assert public.get("/").status_code == 200
    assert public.get("/courses/ki-am-arbeitsplatz/").status_code == 200
    module = public.get("/courses/ki-am-arbeitsplatz/daten-als-rohstoff")
    assert module.status_code == 200 and "Melden Sie sich an" in module.get_data(as_text=True)
    assert public.get("/courses/ki-am-arbeitsplatz/exam").status_code == 302
    assert public.get("/certificates").status_code == 302


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_menu_shows_each_role_its_areas(world):
    menus = {
        role: re.findall(
            r'<nav class="main-nav".*?</nav>',
            world.clients[role].get("/").get_data(as_text=True),
            re.S,
        )[0]
        for role in SIGNED_IN_ROLES
    }
    assert "/admin/users" in menus["admin"] and "/admin/users" not in menus["hr"]
    assert all("/hr/" in menus[role] for role in ("hr", "admin"))
    assert not any("/hr/" in menus[role] for role in ("learner", "trainer"))
    assert all("/certificates" in menu for menu in menus.values())
    assert "/trainer/" in menus["trainer"] and "/trainer/" in menus["admin"]  # admins train
    assert "/trainer/" not in menus["learner"] and "/trainer/" not in menus["hr"]
    assert "/retraining/overview" in menus["hr"] and "/retraining/" not in menus["learner"]


def test_the_health_check_is_in_the_matrix_for_everyone(app):
    """/healthz is walked by the matrix above (200 for every role, no write) and needs no
    sign-in: load balancers probe it without a session."""
    (rule,) = [r for r in routes(app, "GET") if r.rule == "/healthz"]
    assert access.rule_of(app.view_functions[rule.endpoint]) == access.PUBLIC
    assert all(expected_status(app, rule.endpoint, role) == 200 for role in ROLES)
