"""A small demo company for trying the HR area (`flask --app app people demo`, refused
in production): five departments, forty people with managers, the German course
assigned to everyone, and learners at every stage: certified, reading, overdue,
certificate expired. The HR demo account sees every department."""

from __future__ import annotations

from datetime import timedelta

from .. import clock
from ..accounts import queries as accounts_queries
from ..accounts import services as accounts
from ..accounts.models import User
from ..exams import services as exams
from ..extensions import db
from ..learning import queries as learning
from ..learning import services as reading
from . import queries, services
from .queries import Scope

COURSE = "ki-am-arbeitsplatz"
DEPARTMENTS = ("Vertrieb", "Buchhaltung", "IT", "Personal", "Kundenservice")
FIRST = ("Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hannes")
LAST = ("Berg", "Yilmaz", "Schmidt", "Nowak", "Weber")
DOMAIN = "demo.example"


def create_company() -> int:
    """Returns how many people it created (0 when the company exists already)."""
    if accounts_queries.department_by_name(DEPARTMENTS[0]) is not None:
        return 0
    course = learning.catalog().get(COURSE)
    people = _people()
    services.create_rule(course, None, services.Due(days=30), None, Scope(everything=True))
    _stages(people, course)
    hr = accounts_queries.user_by_email(f"hr@{DOMAIN}")
    if hr is not None:
        services.set_scope(hr, True, [], hr)
    return len(people)


def _people() -> list[User]:
    people = []
    for index, name in enumerate(DEPARTMENTS):
        department = accounts.create_department(name, None)
        manager = None
        for number in range(8):
            first, last = (
                FIRST[(number + index) % len(FIRST)],
                LAST[(number * 3 + index) % len(LAST)],
            )
            person = accounts.create_user(
                f"{first}.{last}.{index}{number}@{DOMAIN}".lower(),
                f"{first} {last}",
                None,
                by=None,
                department=department,
                location=("Köln", "Leipzig")[number % 2],
                manager=manager,
                employee_number=f"{10000 + index * 100 + number}",
            )
            manager = manager or person
            people.append(person)
    return people


def _stages(people: list[User], course) -> None:
    """Every fourth person certified, every fourth reading, some overdue or expired."""
    today = clock.today()
    for index, person in enumerate(people):
        stage = index % 4
        if stage == 0:
            _certify(person, course)
        elif stage == 1:
            reading.mark_done(person, course, course.modules[0])
        assignment = queries.open_assignment(person, COURSE)
        if assignment is not None and stage in (1, 2) and index % 3 == 0:
            assignment.due_on = today - timedelta(days=10)  # overdue, for the figures
    _move_expiry(people[4], today - timedelta(days=5))  # an expired certificate
    _move_expiry(people[8], today + timedelta(days=12))  # one that expires soon
    db.session.flush()


def _move_expiry(person: User, valid_until) -> None:
    """As if the certificate had been issued earlier: it (and the renewal) end sooner."""
    for certificate in queries.certificates_of(person)[:1]:
        certificate.valid_until = valid_until
    renewal = queries.open_assignment(person, COURSE)
    if renewal is not None:
        renewal.due_on = valid_until


def _certify(person: User, course) -> None:
    for module in course.modules:
        reading.mark_done(person, course, module)
    attempt = exams.start_attempt(person, course, learning.course_progress(person, course))
    answers = {q.id: q.correct_ids for q in attempt.drawn_questions()}
    exams.hand_in(person, attempt, answers, course, confirmed=True)
