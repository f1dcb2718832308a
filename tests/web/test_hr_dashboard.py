"""The HR figures against a hand-computed company, the drill-down list, a person's page,
what an HR person may see (scope, never answers), and that the figures cost the same
number of queries however many people there are."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from academy import clock
from academy.accounts import services as accounts
from academy.accounts.models import User
from academy.audit import AuditEvent
from academy.extensions import db
from academy.hr import queries as hr_queries
from academy.hr.queries import Counts, ListFilters, Scope
from tests.fixtures import hr
from tests.fixtures.journey import COURSE
from tests.fixtures.privacy import disclose

OTHER_COURSE = "ai-at-work"
EVERYTHING = Scope(everything=True)


@pytest.fixture
def company(app):
    """Vertrieb: Anna not started, Bernd reading and overdue, Clara certified, Dora
    certified but expiring, Emil's certificate expired (overdue), Fritz deactivated,
    Gina's only certificate revoked. Einkauf: Hugo overdue, Ines certified. Jan without
    department, reading. Clara also has the English course, not started."""
    today = clock.today()
    day = timedelta(days=1)
    with app.app_context():
        sales, buying = hr.department("Vertrieb"), hr.department("Einkauf")
        people = {}
        for name, department in [
            ("Anna", sales), ("Bernd", sales), ("Clara", sales), ("Dora", sales),
            ("Emil", sales), ("Fritz", sales), ("Gina", sales),
            ("Hugo", buying), ("Ines", buying), ("Jan", None),
        ]:  # fmt: skip
            people[name] = hr.person(name, department)
        due = {
            "Anna": today + 10 * day, "Bernd": today - 5 * day, "Clara": today + 200 * day,
            "Dora": today + 20 * day, "Emil": today - 3 * day, "Fritz": today - 9 * day,
            "Gina": today + 5 * day, "Hugo": today - day, "Ines": today + 100 * day,
            "Jan": today + day,
        }  # fmt: skip
        for name, when in due.items():
            hr.assign(people[name], when)
        hr.assign(people["Clara"], today + 30 * day, course=OTHER_COURSE)
        hr.read_a_module(people["Bernd"])
        hr.read_a_module(people["Jan"])
        hr.certificate(people["Clara"], today - 165 * day, today + 200 * day)
        hr.certificate(people["Dora"], today - 345 * day, today + 20 * day)
        hr.certificate(people["Emil"], today - 368 * day, today - 3 * day)
        hr.certificate(people["Gina"], today - 10 * day, today + 355 * day, revoked=True)
        hr.certificate(people["Ines"], today - 265 * day, today + 100 * day)
        accounts.update_person(people["Anna"], None, manager=people["Clara"])
        accounts.set_active(people["Fritz"], False, people["Clara"])
        db.session.commit()
        return {
            "sales": sales.id,
            "buying": buying.id,
            **{name: (p.id, p.email) for name, p in people.items()},
        }


def test_figures_by_department_against_the_hand_computed_company(app, company):
    with app.app_context():
        summary = hr_queries.summary(EVERYTHING, clock.today(), COURSE)
    assert summary.by_department[company["sales"]] == Counts(
        assigned=6, not_started=2, in_progress=1, certified=2, expired=1, overdue=2, expiring=1
    )
    assert summary.by_department[company["buying"]] == Counts(
        assigned=2, not_started=1, certified=1, overdue=1
    )
    assert summary.by_department[None] == Counts(assigned=1, in_progress=1)
    assert summary.total == Counts(
        assigned=9, not_started=3, in_progress=2, certified=3, expired=1, overdue=3, expiring=1
    )
    assert summary.total.completion_rate == 33
    assert summary.by_department[company["sales"]].completion_rate == 33


def test_figures_by_course_count_each_assignment(app, company):
    with app.app_context():
        summary = hr_queries.summary(EVERYTHING, clock.today())
    assert summary.by_course[OTHER_COURSE] == Counts(assigned=1, not_started=1)
    assert summary.by_course[COURSE].assigned == 9
    assert summary.by_department[company["sales"]].assigned == 7
    assert summary.by_department[company["sales"]].completion_rate == 28  # 2 of 7


def names(app, filters: ListFilters, scope: Scope = EVERYTHING) -> list[str]:
    with app.app_context():
        _pages, rows = hr_queries.people_page(scope, clock.today(), filters, 1)
        return [row.person.name for row in rows]


def test_list_filters_by_status_department_due_date_and_manager(app, company):
    overdue = ListFilters(course=COURSE, status="overdue", sort="name")
    assert names(app, overdue) == ["Bernd", "Emil", "Hugo"]
    expiring = ListFilters(department_id=company["sales"], status="expiring")
    assert names(app, expiring) == ["Dora"]
    due_soon = ListFilters(course=COURSE, due_before=clock.today() + timedelta(days=6), sort="name")
    assert names(app, due_soon) == ["Bernd", "Emil", "Gina", "Hugo", "Jan"]
    assert names(app, ListFilters(manager=company["Clara"][1])) == ["Anna"]
    assert names(app, ListFilters(status="not_started", sort="name")) == [
        "Anna",
        "Clara",
        "Gina",
        "Hugo",
    ]
    assert names(app, ListFilters(search="INES", course=COURSE)) == ["Ines"]


def test_list_sorts_by_due_date_by_default_and_by_name(app, company):
    assert names(app, ListFilters(course=COURSE))[:3] == ["Bernd", "Emil", "Hugo"]
    assert names(app, ListFilters(course=COURSE, sort="name")) == [
        "Anna", "Bernd", "Clara", "Dora", "Emil", "Gina", "Hugo", "Ines", "Jan",
    ]  # fmt: skip


def test_dashboard_and_list_pages(app, company):
    disclose(app, hr_min_group=1)  # every department on its own (pooling: below)
    client = hr.hr_client(app, everything=True)
    page = client.get(f"/hr/?course={COURSE}").get_data(as_text=True)
    assert "33 %" in page and "Vertrieb" in page and "Einkauf" in page
    assert "<svg" in page and 'role="img"' in page and "Als Tabelle" in page
    listing = client.get("/hr/people?status=overdue&sort=name").get_data(as_text=True)
    assert re.findall(r'/hr/people/\d+">(\w+)<', listing) == ["Bernd", "Emil", "Hugo"]
    assert "Fritz" not in client.get("/hr/people").get_data(as_text=True)


def test_list_paginates(app, company):
    with app.app_context():
        sales = hr.department("Vertrieb")
        for number in range(55):
            hr.assign(hr.person(f"Person {number:02d}", sales, password=None), clock.today())
        db.session.commit()
    client = hr.hr_client(app, everything=True)
    url = f"/hr/people?sort=name&department={company['sales']}"
    first, second = (
        client.get(url).get_data(as_text=True),
        client.get(f"{url}&page=2").get_data(as_text=True),
    )
    rows = re.compile(r'href="/hr/people/\d+"')
    # 7 assignments of the company in sales (Clara has two courses) and 55 more: 50 + 12.
    assert (len(rows.findall(first)), len(rows.findall(second))) == (50, 12)
    assert f"department={company['sales']}" in first.split('class="pagination"')[1]  # filters kept
    assert "62 Zuweisungen gefunden" in first


def test_a_list_page_computes_the_statuses_once_and_counts_with_them(app, company):
    """Two queries whatever the page: the page with its total (no count query that
    computes every status again), then the statuses of the page's people only."""
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_):
        statements.append(statement)

    overdue = ListFilters(status="overdue", sort="name")
    with app.test_request_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            pages, rows = hr_queries.people_page(EVERYTHING, clock.today(), overdue, 1)
            past_the_end, _ = hr_queries.people_page(EVERYTHING, clock.today(), overdue, 2)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert pages.total == 3 and [r.person.name for r in rows] == ["Bernd", "Emil", "Hugo"]
    assert all(r.overdue for r in rows)
    assert len(statements) == 2 + 2  # a page past the end counts separately
    assert past_the_end.total == 3 and past_the_end.items == []


def test_the_per_person_aggregates_read_only_the_people_asked_about(app, company):
    """PostgreSQL does not push a join condition into a GROUP BY sub-query: the
    certificates are aggregated for the people in scope, those the filters leave, the
    page's people or one person, never for the whole company. Reading and attempts are
    not aggregated at all (the assignment's start mark stands for them)."""
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_):
        statements.append(statement)

    today, one = clock.today(), Scope(False, frozenset({company["buying"]}))
    with app.test_request_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            hr_queries.summary(one, today)
            hr_queries.people_page(
                EVERYTHING, today, ListFilters(department_id=company["sales"]), 1
            )
            hr_queries.people_page(EVERYTHING, today, ListFilters(status="overdue"), 1)
            hr_queries.states_of(db.session.get(User, company["Anna"][0]), today)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    aggregates = [
        part.split("GROUP BY")[0]
        for statement in statements
        for part in re.split(r"FROM (?=certificates|module_completions|exam_attempts)", statement)[
            1:
        ]
    ]
    # summary 1, the department's page 1 + its statuses 1, the overdue page's statuses 1,
    # the person 1 (the overdue page itself is about everyone: no restriction there).
    restricted = [a for a in aggregates if re.search(r"user_id IN \((SELECT users\.id|\?|%\()", a)]
    assert (len(aggregates), len(restricted)) == (6, 5)
    assert not [a for a in aggregates if not a.startswith("certificates")]


def test_hr_scope_limits_figures_list_and_person_pages(app, company):
    client = hr.hr_client(app, "Einkauf")
    with app.app_context():
        scope = Scope(False, frozenset({company["buying"]}))
        assert hr_queries.summary(scope, clock.today()).total.assigned == 2
    assert names(app, ListFilters(sort="name"), scope) == ["Hugo", "Ines"]
    assert client.get(f"/hr/people/{company['Anna'][0]}").status_code == 404
    assert client.get(f"/hr/people/{company['Hugo'][0]}").status_code == 200
    assert "Anna" not in client.get("/hr/people").get_data(as_text=True)


def test_hr_without_scope_sees_nobody(app, company):
    client = hr.hr_client(app)
    page = client.get("/hr/").get_data(as_text=True)
    assert "Ihnen ist noch keine Abteilung zugeordnet" in page
    assert "Hugo" not in client.get("/hr/people").get_data(as_text=True)


def test_timeline_counts_certificates_per_week(app, company):
    with app.app_context():
        weeks = dict(hr_queries.certificates_per_week(EVERYTHING, clock.today(), weeks=26))
    # Issued 10 days (Gina, since revoked) and 165 days ago (Clara); the others earlier.
    assert sum(weeks.values()) == 2
    assert len(weeks) == 26


def count_queries(app, client, url: str) -> int:
    statements = []

    def record(*_args, **_kwargs):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_dashboard_costs_the_same_queries_for_ten_or_a_hundred_people(app, company):
    client = hr.hr_client(app, everything=True)
    count_queries(app, client, "/hr/")  # once for what a worker reads on first use only
    before = count_queries(app, client, "/hr/")
    with app.app_context():
        sales = hr.department("Vertrieb")
        for number in range(90):
            person = hr.person(f"Mehr {number}", sales, password=None)
            hr.assign(person, clock.today() + timedelta(days=number - 45))
        db.session.commit()
    assert count_queries(app, client, "/hr/") == before
    assert count_queries(app, client, "/hr/people") == count_queries(
        app, client, "/hr/people?page=2"
    )


def test_person_page_shows_dates_and_scores_never_answers(app, certified, signed_in):
    learner, learner_id = certified
    with app.app_context():
        from academy.exams.models import ExamAttempt, ExamResult

        attempt = db.session.query(ExamAttempt).filter_by(user_id=learner_id).one()
        result = db.session.query(ExamResult).filter_by(attempt_id=attempt.id).one()
        chosen_ids = {option for ids in result.answers.values() for option in ids}
        # What the learner was asked and chose: none of it may reach HR.
        answered = {q["prompt"] for q in attempt.questions} | {
            o["html"] for q in attempt.questions for o in q["options"] if o["id"] in chosen_ids
        }
        attempt_id = attempt.id
    client = hr.hr_client(app, everything=True)
    page = client.get(f"/hr/people/{learner_id}").get_data(as_text=True)
    # By default HR sees completion and dates only: no attempts, no score.
    assert f"{result.percent} %" not in page and 'id="no-scores"' in page
    assert "Zertifikate" in page and "gültig" in page
    disclose(app, hr_sees_scores=True)
    page = client.get(f"/hr/people/{learner_id}").get_data(as_text=True)
    assert f"{result.percent} %" in page and "bestanden" in page
    assert not [text for text in answered if text in page]
    assert not [option for option in chosen_ids if option in page]
    result_url = f"/courses/{COURSE}/exam/{attempt_id}/result"
    assert client.get(result_url).status_code == 404  # the learner's own, nobody else's
    assert learner.get(result_url).status_code == 200


def test_small_departments_are_pooled_so_no_one_is_singled_out(app, company):
    client = hr.hr_client(app, everything=True)
    page = client.get(f"/hr/?course={COURSE}").get_data(as_text=True)
    table = page.split('id="department-table"')[1].split("</table>")[0]
    # Vertrieb: six active people, shown. Einkauf (2) and Jan without department (1):
    # three people together, fewer than five, so not even their sum is shown.
    pooled = table.split('id="pooled-departments"')[1].split("</tr>")[0]
    rows = table.replace(pooled, "")
    assert "Vertrieb" in rows and "Einkauf" not in rows and "ohne Abteilung" not in rows
    # Jan's "no department" is no second department.
    assert "1 weitere Abteilung und Personen ohne Abteilung" in pooled
    assert "zu wenige Personen" in pooled
    assert "weniger als 5 Personen" in page
    disclose(app, hr_min_group=3)
    table = client.get(f"/hr/?course={COURSE}").get_data(as_text=True)
    pooled = table.split('id="pooled-departments"')[1].split("</tr>")[0]
    assert "zu wenige Personen" not in pooled and "<td" in pooled  # three people: shown
    disclose(app, hr_min_group=1)
    table = client.get(f"/hr/?course={COURSE}").get_data(as_text=True)
    assert 'id="pooled-departments"' not in table and "Einkauf" in table


def test_pooling_adds_up_the_small_departments_and_counts_people():
    small = Counts(assigned=2, certified=1)
    figures = hr_queries.pool_small_departments(
        {1: Counts(assigned=9, certified=9), 2: small, 3: small}, {1: 5, 2: 2, 3: 2}, 5
    )
    assert figures.shown == [(1, Counts(assigned=9, certified=9))]
    assert figures.pooled == Counts(assigned=4, certified=2)
    assert (figures.pooled_departments, figures.pooled_people) == (2, 4)
    assert not figures.pooled_visible


def test_people_without_a_department_are_no_department_of_the_pooled_row():
    small = Counts(assigned=1)
    figures = hr_queries.pool_small_departments({None: small, 2: small}, {None: 1, 2: 1}, 5)
    assert (figures.pooled_departments, figures.pooled_without_department) == (1, True)
    alone = hr_queries.pool_small_departments({None: small}, {None: 1}, 5)
    assert (alone.pooled_departments, alone.pooled_without_department) == (0, True)
    assert alone.pooled_any
    shown = hr_queries.pool_small_departments({None: small, 2: small}, {None: 5, 2: 1}, 5)
    assert (shown.pooled_departments, shown.pooled_without_department) == (1, False)


def test_hr_looking_at_a_person_is_in_the_audit_log(app, company):
    client = hr.hr_client(app, everything=True)
    assert client.get(f"/hr/people/{company['Anna'][0]}").status_code == 200
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "person.viewed")
        ).one()
        assert event.person_id == company["Anna"][0] and event.actor_id is not None
