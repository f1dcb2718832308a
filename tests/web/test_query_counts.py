"""The learner's busiest pages cost a fixed number of queries: the start page and a
course's overview cost the same for one course of three modules as for six courses, one
of them with sixty modules, and at most three each (issue 14): the user, one Core query
for the plain facts (reading, passes, recent attempts) and one ORM query for the records
shown as objects (certificates, assignments, retrainings, the open attempt)."""

from __future__ import annotations

import pytest

from academy.content import synthetic
from tests.fixtures.web import count_queries, login

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
