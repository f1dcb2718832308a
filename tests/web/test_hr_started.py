"""The start mark of an assignment (Assignment.started_at): set by hr when the person
reads a module or starts an exam, at once for a course assignment of someone who read
before, and never moved by what follows."""

from __future__ import annotations

from datetime import datetime, timedelta

from academy import clock
from academy.accounts.queries import user_by_email
from academy.extensions import db
from academy.hr import queries as hr_queries
from academy.hr import services
from academy.hr.status import Status
from academy.learning.queries import catalog
from tests.fixtures import hr
from tests.fixtures.journey import COURSE, finish_modules, start_exam
from tests.fixtures.web import login, post

EVERYTHING = hr_queries.Scope(everything=True)


def marks(app, email: str) -> list[tuple[datetime | None, str]]:
    """(started_at, status) of the person's open assignments."""
    with app.app_context():
        person = user_by_email(email)
        states = hr_queries.states_of(person, clock.today())
        return [(a.started_at, states[a.id][0]) for a in hr_queries.open_assignments_of(person)]


def learner(app, name: str):
    with app.app_context():
        email = hr.person(name, hr.department("Vertrieb")).email
        db.session.commit()
    client = app.test_client()
    login(client, email)
    return client, email


def read_first_module(app, client) -> None:
    with app.app_context():
        first = catalog().get(COURSE).modules[0].slug
    assert post(client, f"/courses/{COURSE}/{first}/done").status_code == 302


def later(monkeypatch, days: int) -> None:
    moved = clock.utcnow() + timedelta(days=days)
    monkeypatch.setattr(clock, "utcnow", lambda: moved)


def test_assigned_after_reading_is_in_progress_at_once(app):
    """HR's assignment, a rule's (one INSERT … SELECT) and a joiner's: each counts the
    reading that came before it, from when it happened."""
    anna_client, anna = learner(app, "Anna")
    bernd_client, bernd = learner(app, "Bernd")
    read_first_module(app, anna_client)
    read_first_module(app, bernd_client)
    learner(app, "Clara")  # read nothing
    with app.app_context():
        course = catalog().get(COURSE)
        services.assign_people(
            course, [user_by_email(anna)], services.Due(days=30), None
        )  # one person
        services.create_rule(course, None, services.Due(days=30), None, EVERYTHING)
        db.session.commit()
    (anna_mark,) = marks(app, anna)
    (bernd_mark,) = marks(app, bernd)
    assert anna_mark[1] == bernd_mark[1] == Status.IN_PROGRESS
    assert anna_mark[0] is not None and anna_mark[0] < bernd_mark[0]  # read first, assigned
    assert marks(app, "clara@firma.example") == [(None, Status.NOT_STARTED)]
    dora_client, dora = learner(app, "Dora")  # joins later: the rule reaches her at once
    assert marks(app, dora) == [(None, Status.NOT_STARTED)]
    read_first_module(app, dora_client)
    assert marks(app, dora)[0][1] == Status.IN_PROGRESS


def test_reading_sets_the_mark_once_and_the_exam_does_not_move_it(app, monkeypatch):
    client, email = learner(app, "Emil")
    with app.app_context():
        course = catalog().get(COURSE)
        services.assign_people(course, [user_by_email(email)], services.Due(days=30), None)
        db.session.commit()
    assert marks(app, email) == [(None, Status.NOT_STARTED)]
    read_first_module(app, client)
    ((first, status),) = marks(app, email)
    assert first is not None and status == Status.IN_PROGRESS
    later(monkeypatch, 3)
    finish_modules(client, app)
    start_exam(client)
    assert marks(app, email) == [(first, Status.IN_PROGRESS)]


def test_starting_an_exam_sets_the_mark(app):
    """Someone who read everything before an assignment that knew nothing of it (written
    directly, as before the mark existed): the exam's start is their first step since."""
    client, email = learner(app, "Fritz")
    finish_modules(client, app)
    with app.app_context():
        hr.assign(user_by_email(email), clock.today() + timedelta(days=30))
        db.session.commit()
    assert marks(app, email) == [(None, Status.NOT_STARTED)]
    start_exam(client)
    ((started, status),) = marks(app, email)
    assert started is not None and status == Status.IN_PROGRESS


def test_reading_another_course_or_a_closed_assignment_is_no_start(app):
    client, email = learner(app, "Gina")
    with app.app_context():
        person = user_by_email(email)
        course = catalog().get(COURSE)
        hr.assign(person, clock.today() + timedelta(days=30), course="ai-at-work")
        services.assign_people(course, [person], services.Due(days=30), None)
        cancelled = hr_queries.open_assignment(person, COURSE)
        services.cancel_assignment(cancelled, None)
        db.session.commit()
        cancelled_id = cancelled.id
    read_first_module(app, client)
    assert marks(app, email) == [(None, Status.NOT_STARTED)]
    with app.app_context():
        assert db.session.get(type(cancelled), cancelled_id).started_at is None
