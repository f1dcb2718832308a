"""The learner's busiest pages cost a fixed number of queries: the start page and a
course's overview cost the same for one course of three modules as for six courses, one
of them with sixty modules, and at most three each (issue 14): the user, one Core query
for the plain facts (reading, passes, recent attempts) and one ORM query for the records
shown as objects (certificates, assignments, retrainings, the open attempt)."""

from __future__ import annotations

import pytest

from academy.content import synthetic
from tests.fixtures.journey import COURSE, answers_for
from tests.fixtures.web import count_queries, csrf_token, login

MAX_QUERIES = 3


def _signed_in_catalog(make_app, create_user, courses):
    application = make_app(COURSES_DIR=str(courses))
    _, email = create_user()
    client = application.test_client()
    login(client, email)
    return application, client


@pytest.fixture
def small_and_big(make_app, tmp_path, create_user):
    """One course of three modules; six courses, one of them with 60 modules."""
    small, big = tmp_path / "small", tmp_path / "big"
    synthetic.write(small, modules=3, questions=6, slug="grosser-kurs")
    for number in range(5):
        synthetic.write(big, modules=3, questions=6, slug=f"kurs-{number}")
    synthetic.write(big, modules=60, questions=120, slug="grosser-kurs")
    return (
        _signed_in_catalog(make_app, create_user, small),
        _signed_in_catalog(make_app, create_user, big),
    )


def _queries(application, client, path: str) -> list[str]:
    assert client.get(path).status_code == 200  # the catalog's first look is not counted
    with count_queries(application) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return statements


@pytest.mark.parametrize("path", ["/", "/courses/grosser-kurs/"])
def test_the_start_page_and_the_overview_cost_the_same_for_few_or_many(small_and_big, path):
    small, big = (_queries(*side, path) for side in small_and_big)
    assert len(small) == len(big), "\n\n".join(big)
    assert len(big) <= MAX_QUERIES, "\n\n".join(big)


def _selects_from(statements: list[str], table: str) -> int:
    return sum(s.lstrip().startswith("SELECT") and f"FROM {table}" in s for s in statements)


def _writes_to(statements: list[str], verb: str, table: str) -> int:
    return sum(s.lstrip().startswith(f"{verb} {table}") for s in statements)


def _sql(statements: list[str]) -> str:
    return "\n\n".join(statements)


def test_starting_and_handing_in_an_exam_load_nothing_again_after_the_commit(learner, app):
    """The exam's hot path (issue 14): the user and the attempt are read once per request;
    the commit does not make the view or the security headers read them again, the
    claimed hand-in is not written a second time, and each audit event is one INSERT
    (its hash computed before, not written by a second UPDATE)."""
    client, _ = learner
    token = csrf_token(client)
    with count_queries(app) as start:
        response = client.post(f"/courses/{COURSE}/exam/start", data={"csrf_token": token})
    assert response.status_code == 302
    # The learner, their roles and reading progress in one Core query (no ORM user).
    assert _selects_from(start, "users") == 1, _sql(start)
    assert not any(s.startswith(("SELECT users.", "SELECT module_")) for s in start), _sql(start)
    assert _selects_from(start, "exam_attempts") == 2, _sql(start)  # open, recent
    assert _writes_to(start, "INSERT INTO", "audit_events") == 1, _sql(start)
    assert _writes_to(start, "UPDATE", "audit_events") == 0, _sql(start)
    assert _selects_from(start, "audit_events") == 1, _sql(start)  # the chain's head
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with count_queries(app) as page:
        response = client.get(f"/courses/{COURSE}/exam/{attempt_id}")
    assert response.status_code == 200
    # One Core query for the learner, their roles and saved answers; one for the attempt.
    assert len(page) == 2, _sql(page)
    assert not any(s.startswith("SELECT users.") for s in page), _sql(page)  # no ORM user
    answers = answers_for(app, attempt_id, correct=3)  # failed: no certificate is issued
    with count_queries(app) as hand_in:
        response = client.post(
            f"/courses/{COURSE}/exam/{attempt_id}", data={"csrf_token": token, **answers}
        )
    assert response.status_code == 302 and "/result" in response.headers["Location"]
    assert _selects_from(hand_in, "users") == 1, _sql(hand_in)
    assert _selects_from(hand_in, "exam_attempts") == 1, _sql(hand_in)
    assert _selects_from(hand_in, "exam_results") == 0, _sql(hand_in)
    # the claim, and nothing after it
    assert _writes_to(hand_in, "UPDATE", "exam_attempts") == 1, _sql(hand_in)
    assert _writes_to(hand_in, "INSERT INTO", "audit_events") == 1, _sql(hand_in)
    assert _writes_to(hand_in, "UPDATE", "audit_events") == 0, _sql(hand_in)
