"""Assignment rules: who gets a course by when, joiners, relative due dates, the next
round after a certificate, the learner's start page, the command line, merges."""

from __future__ import annotations

from datetime import date, timedelta

from academy import clock
from academy.accounts import queries as people
from academy.accounts import services as accounts
from academy.audit import AuditEvent
from academy.extensions import db
from academy.hr import queries as hr_queries
from academy.hr import services
from academy.hr.models import Assignment
from academy.learning.queries import catalog
from tests.fixtures import hr
from tests.fixtures.journey import COURSE, finish_modules, pass_exam, register
from tests.fixtures.web import PASSWORD, post

EVERYTHING = hr_queries.Scope(everything=True)


def open_assignments(app, email: str) -> list[tuple[str, date]]:
    with app.app_context():
        person = people.user_by_email(email)
        return [(a.course_slug, a.due_on) for a in hr_queries.open_assignments_of(person)]


def later(monkeypatch, days: int) -> date:
    moved = clock.utcnow() + timedelta(days=days)
    monkeypatch.setattr(clock, "utcnow", lambda: moved)
    return moved.date()


def test_department_rule_reaches_who_is_there_and_who_joins_later(app, monkeypatch):
    with app.app_context():
        sales = hr.department("Vertrieb")
        hr.person("Anna", sales)
        hr.person("Bernd", hr.department("Einkauf"))
        services.create_rule(catalog().get(COURSE), sales, services.Due(days=30), None, EVERYTHING)
        db.session.commit()
    today = clock.today()
    assert open_assignments(app, "anna@firma.example") == [(COURSE, today + timedelta(days=30))]
    assert open_assignments(app, "bernd@firma.example") == []

    joined = later(monkeypatch, 10)
    with app.app_context():  # Bernd moves to sales, Clara is hired into it
        bernd = people.user_by_email("bernd@firma.example")
        accounts.update_person(bernd, None, department=hr.department("Vertrieb"))
        hr.person("Clara", hr.department("Vertrieb"))
        db.session.commit()
    assert open_assignments(app, "bernd@firma.example") == [(COURSE, joined + timedelta(days=30))]
    assert open_assignments(app, "clara@firma.example") == [(COURSE, joined + timedelta(days=30))]


def test_a_fixed_due_date_is_the_same_for_joiners(app, monkeypatch):
    due = clock.today() + timedelta(days=60)
    with app.app_context():
        services.create_rule(catalog().get(COURSE), None, services.Due(on=due), None, EVERYTHING)
        db.session.commit()
    later(monkeypatch, 20)
    register(app.test_client(), "neu@firma.example")  # everyone: also who registers
    assert open_assignments(app, "neu@firma.example") == [(COURSE, due)]


def test_an_unconfirmed_registration_gets_the_rules_courses_only_once_confirmed(
    app, signed_in, monkeypatch
):
    """Until the address is confirmed the account is nobody's employee: HR's figures
    would count a stranger's (or a typo's) registration as overdue. The admin list says
    which addresses are not confirmed."""
    from tests.fixtures.journey import confirmation_link

    with app.app_context():
        services.create_rule(catalog().get(COURSE), None, services.Due(days=30), None, EVERYTHING)
        db.session.commit()
    client = app.test_client()
    data = {"name": "Nora Neu", "email": "nora@firma.example"}
    data |= {"password": PASSWORD, "password_repeat": PASSWORD}
    assert post(client, "/register", data).status_code == 302
    assert open_assignments(app, "nora@firma.example") == []
    admin, _ = signed_in("admin")
    listed = admin.get("/admin/users?q=nora").get_data(as_text=True)
    assert "nora@firma.example" in listed and "Adresse nicht bestätigt" in listed
    confirmed_on = later(monkeypatch, 3)
    link = confirmation_link(app, "nora@firma.example")
    assert post(client, link, {"password": PASSWORD}).status_code == 302
    assert open_assignments(app, "nora@firma.example") == [
        (COURSE, confirmed_on + timedelta(days=30))
    ]
    listed = admin.get("/admin/users?q=nora").get_data(as_text=True)
    assert "Adresse nicht bestätigt" not in listed


def test_a_rule_assigns_once_per_person(app):
    with app.app_context():
        sales = hr.department("Vertrieb")
        anna = hr.person("Anna", sales)
        course = catalog().get(COURSE)
        services.create_rule(course, sales, services.Due(days=30), None, EVERYTHING)
        _, again = services.create_rule(course, None, services.Due(days=5), None, EVERYTHING)
        accounts.update_person(anna, None, department=hr.department("Einkauf"))
        accounts.update_person(anna, None, department=sales)  # back again: no second one
        db.session.commit()
        assert again == 0
        assert db.session.query(Assignment).count() == 1


def test_the_certificate_completes_the_assignment_and_the_next_round_is_due_on_expiry(
    app, signed_in
):
    client, user_id = signed_in(email="lea@firma.example")
    with app.app_context():
        lea = people.user_by_id(user_id)
        services.assign_people(catalog().get(COURSE), [lea], services.Due(days=14), None)
        db.session.commit()
    finish_modules(client, app)
    pass_exam(client, app)
    with app.app_context():
        lea = people.user_by_id(user_id)
        first, following = sorted(hr_queries.assignments_of(lea), key=lambda a: a.id)
        (certificate,) = hr_queries.certificates_of(lea)
        assert first.completed_at is not None and first.certificate_id == certificate.id
        assert following.is_open and following.due_on == certificate.valid_until
        assert following.renews_certificate_id == certificate.id
        actions = {e.action for e in db.session.query(AuditEvent)}
        assert {"assignment.completed", "assignment.renewed"} <= actions


def test_a_voluntary_certificate_creates_no_assignment(app, certified):
    _client, user_id = certified
    with app.app_context():
        assert hr_queries.assignments_of(people.user_by_id(user_id)) == []


def test_who_holds_a_valid_certificate_is_due_when_it_ends(app):
    with app.app_context():
        anna = hr.person("Anna")
        certificate = hr.certificate(anna, clock.today(), clock.today() + timedelta(days=300))
        services.assign_people(catalog().get(COURSE), [anna], services.Due(days=30), None)
        db.session.commit()
        valid_until = certificate.valid_until
    assert open_assignments(app, "anna@firma.example") == [(COURSE, valid_until)]


def test_start_page_lists_assignments_most_urgent_first(app, signed_in):
    client, user_id = signed_in()
    with app.app_context():
        person = people.user_by_id(user_id)
        hr.assign(person, clock.today() + timedelta(days=40), course="ai-at-work")
        hr.assign(person, clock.today() - timedelta(days=2))
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    section = page[page.index("Ihre Pflichtschulungen") :]
    assert section.index("KI am Arbeitsplatz") < section.index("AI at the Workplace")
    assert "überfällig seit" in section and "fällig am" in section


def test_hr_assigns_in_the_browser(app):
    with app.app_context():
        hr.person("Anna", hr.department("Vertrieb"))
        hr.person("Bernd", hr.department("Einkauf"))
        db.session.commit()
        sales_id = hr.department("Vertrieb").id
    client = hr.hr_client(app, "Vertrieb")
    form = {
        "assign-course": COURSE,
        "assign-target": "department",
        "assign-department": str(sales_id),
        "assign-due_kind": "days",
        "assign-due_days": "21",
    }
    response = post(client, "/hr/assignments", form, follow_redirects=True)
    assert "Zugewiesen: 1 Person." in response.get_data(as_text=True)
    everyone = post(client, "/hr/assignments", {**form, "assign-target": "everyone"})
    assert everyone.status_code == 400  # not offered to who sees only one department
    past = {**form, "assign-due_kind": "date", "assign-due_on": "2000-01-01"}
    assert "in der Vergangenheit" in post(client, "/hr/assignments", past).get_data(as_text=True)
    assert open_assignments(app, "bernd@firma.example") == []


def test_ending_a_rule_cancels_its_open_assignments(app):
    with app.app_context():
        sales = hr.department("Vertrieb")
        hr.person("Anna", sales)
        rule, _ = services.create_rule(
            catalog().get(COURSE), sales, services.Due(days=9), None, EVERYTHING
        )
        db.session.commit()
        rule_id = rule.id
    client = hr.hr_client(app, "Vertrieb")
    post(client, f"/hr/assignments/rules/{rule_id}/end")
    assert open_assignments(app, "anna@firma.example") == []
    with app.app_context():  # nobody new gets it either
        hr.person("Neu", hr.department("Vertrieb"))
        db.session.commit()
    assert open_assignments(app, "neu@firma.example") == []


def test_merging_departments_moves_people_rules_and_scopes(app):
    with app.app_context():
        old, new = hr.department("Vertrieb Nord"), hr.department("Vertrieb")
        anna = hr.person("Anna", old)
        course = catalog().get(COURSE)
        services.create_rule(course, new, services.Due(days=9), None, EVERYTHING)
        db.session.commit()
        old_id, new_id = old.id, new.id
    client = hr.hr_client(app, "Vertrieb Nord", "Vertrieb")
    response = post(client, f"/hr/departments/{old_id}/merge", {"target": str(new_id)})
    assert response.status_code == 302
    with app.app_context():
        anna = people.user_by_email("anna@firma.example")
        assert anna.department_id == new_id
        assert people.department_by_id(old_id) is None
        hr_person = people.user_by_email("hanna.hr@firma.example")
        assert hr_queries.scope_of(hr_person).department_ids == {new_id}
    assert open_assignments(app, "anna@firma.example")[0][0] == COURSE  # the target's rule


def test_assignments_create_command(app, runner):
    with app.app_context():
        hr.person("Anna", hr.department("Vertrieb"))
        hr.person("Bernd")
        db.session.commit()
    by_department = ["assignments", "create", "--course", COURSE, "--department", "Vertrieb"]
    result = runner.invoke(args=[*by_department, "--due", "2999-12-31"])
    assert (
        result.exit_code == 0
        and "assigned ki-am-arbeitsplatz to 1 person(s), due 2999-12-31" in result.output
    )
    one = ["assignments", "create", "--course", "ai-at-work", "--email", "bernd@firma.example"]
    assert runner.invoke(args=[*one, "--due-days", "7"]).exit_code == 0
    assert open_assignments(app, "bernd@firma.example") == [
        ("ai-at-work", clock.today() + timedelta(days=7))
    ]
    everyone = runner.invoke(
        args=["assignments", "create", "--course", COURSE, "--all", "--due-days", "30"]
    )
    assert everyone.exit_code == 0 and "to 1 person(s)" in everyone.output  # Bernd; Anna has it


def test_assignments_create_refuses_bad_input_and_changes_nothing(app, runner):
    base = ["assignments", "create", "--course", COURSE]
    cases = [
        ([*base, "--all"], 2, "exactly one of --due or --due-days"),
        ([*base, "--all", "--due", "2999-01-01", "--due-days", "3"], 2, "exactly one of --due"),
        ([*base, "--due-days", "3"], 2, "exactly one of --department, --email or --all"),
        (
            [*base, "--department", "Gibtsnicht", "--due-days", "3"],
            1,
            "no department named 'Gibtsnicht'",
        ),
        (
            ["assignments", "create", "--course", "nope", "--all", "--due-days", "3"],
            1,
            "does not exist",
        ),
        ([*base, "--all", "--due", "2000-01-01"], 1, "in the past"),
        ([*base, "--all", "--due", "31.12.2030"], 2, "Invalid value for '--due'"),
    ]
    for args, code, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == code and message in result.output, (args, result.output)
    with app.app_context():
        assert db.session.query(Assignment).count() == 0


def test_hr_person_record_is_changed_in_the_browser(app):
    with app.app_context():
        anna = hr.person("Anna", hr.department("Vertrieb"))
        chef = hr.person("Carl Chef", hr.department("Vertrieb"))
        db.session.commit()
        anna_id, chef_email = anna.id, chef.email
    client = hr.hr_client(app, "Vertrieb")
    page = client.get(f"/hr/people/{anna_id}").get_data(as_text=True)
    assert "Anna" in page
    with app.app_context():
        sales_id = hr.department("Vertrieb").id
    changed = post(
        client,
        f"/hr/people/{anna_id}",
        {
            "name": "Anna Berg",
            "department": str(sales_id),
            "location": "Köln",
            "manager_email": chef_email,
            "employee_number": "4711",
            "locale": "en",
        },
    )
    assert changed.status_code == 302
    with app.app_context():
        anna = people.user_by_id(anna_id)
        assert (anna.name, anna.location, anna.manager.email, anna.employee_number, anna.locale) == (
            "Anna Berg", "Köln", chef_email, "4711", "en",
        )  # fmt: skip
    post(client, f"/hr/people/{anna_id}/active")
    with app.app_context():
        assert not people.user_by_id(anna_id).active
    refused = post(
        app.test_client(), "/login", {"email": "anna@firma.example", "password": PASSWORD}
    )
    assert refused.status_code == 400  # the right password, but deactivated


def test_hr_cannot_deactivate_an_admin(app):
    with app.app_context():
        boss = hr.person("Boss", hr.department("Vertrieb"), roles=("learner", "admin"))
        db.session.commit()
        boss_id = boss.id
    client = hr.hr_client(app, "Vertrieb")
    response = post(client, f"/hr/people/{boss_id}/active", follow_redirects=True)
    assert "Konten von Admins ändern nur Admins." in response.get_data(as_text=True)
    with app.app_context():
        assert people.user_by_id(boss_id).active
