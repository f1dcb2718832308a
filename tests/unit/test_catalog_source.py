"""The catalog follows a published source: it asks at most every few seconds, swaps a
changed course in whole, and keeps serving what it has when the source fails."""

from __future__ import annotations

import dataclasses

import pytest

from academy.content import Catalog, load_course
from academy.content import catalog as catalog_module
from tests.fixtures.course_files import write_course


class Clock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


class Source:
    """Answers with the courses it is given once, then "nothing new"."""

    def __init__(self):
        self.calls = 0
        self.pending: dict | None = {}
        self.fail = False

    def __call__(self):
        self.calls += 1
        if self.fail:
            raise ConnectionError("database gone")
        answer, self.pending = self.pending, None
        return answer


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(catalog_module.time, "monotonic", fake.monotonic)
    return fake


@pytest.fixture
def folder_course(tmp_path):
    write_course(tmp_path / "courses")
    return Catalog(tmp_path / "courses")


def test_published_course_replaces_the_folders_and_is_asked_for_every_few_seconds(
    folder_course, clock
):
    source = Source()
    folder = folder_course.get("testkurs")
    newer = dataclasses.replace(folder, title="Neu veröffentlicht", version="v2")
    source.pending = {"testkurs": newer}
    folder_course.follow(source, every=5)
    assert folder_course.get("testkurs").title == "Neu veröffentlicht"
    for _ in range(10):  # readers within the interval cost the source nothing
        folder_course.get("testkurs")
    assert source.calls == 1
    clock.now += 5
    folder_course.all()
    assert source.calls == 2
    assert folder_course.get("testkurs") is newer  # "nothing new": kept


def test_look_again_asks_on_the_next_read(folder_course, clock):
    source = Source()
    folder_course.follow(source, every=60)
    folder_course.get("testkurs")
    folder_course.look_again()
    folder_course.get("testkurs")
    assert source.calls == 2


def test_a_failing_source_leaves_the_courses_as_they_were(folder_course, clock, caplog):
    source = Source()
    folder = folder_course.get("testkurs")
    source.pending = {"testkurs": dataclasses.replace(folder, title="Veröffentlicht")}
    folder_course.follow(source, every=5)
    assert folder_course.get("testkurs").title == "Veröffentlicht"
    source.fail = True
    clock.now += 5
    assert folder_course.get("testkurs").title == "Veröffentlicht"
    assert "could not read the published courses" in caplog.text


def test_a_course_only_published_is_served_and_the_folder_problems_are_kept(tmp_path, clock):
    write_course(tmp_path / "courses", "kaputt", exam_md=None)
    catalog = Catalog(tmp_path / "courses")
    assert catalog.get("kaputt") is None
    assert [p.code for p in catalog.problems] == ["no_exam_md"]
    published, _ = load_course(write_course(tmp_path / "elsewhere", "neu"))
    source = Source()
    source.pending = {"neu": published}
    catalog.follow(source, every=5)
    assert [c.slug for c in catalog.all()] == ["neu"]


def test_forgetting_the_published_courses_serves_the_folder_again(folder_course, clock):
    source = Source()
    folder = folder_course.get("testkurs")
    source.pending = {
        "testkurs": dataclasses.replace(folder, title="Neu", version="v2"),
        "zweiter": dataclasses.replace(folder, slug="zweiter", title="Zweiter"),
    }
    folder_course.follow(source, every=60)
    assert len(folder_course.all()) == 2
    folder_course.forget_published()
    assert folder_course.all() == [folder] and source.calls == 1
