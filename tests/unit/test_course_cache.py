"""The parsed courses kept on disk (content/cache.py): a second start reads them instead
of parsing, a changed file or a damaged cache file means parsing again, and what comes
from the cache is exactly what the loader makes of the files."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from academy.content import cache
from academy.content.loader import load_courses
from tests.fixtures.settings import COURSES, ROOT, make_environ

URL = "/courses/"


class CountingLoader:
    """The real loader, counting how often the cache had to call it."""

    def __init__(self, root: Path):
        self.root, self.calls = root, 0

    def __call__(self):
        self.calls += 1
        return load_courses(self.root, URL)


@pytest.fixture
def courses(tmp_path) -> Path:
    root = tmp_path / "courses"
    shutil.copytree(COURSES, root)
    return root.resolve()


def load(root: Path, cache_dir: Path, loader: CountingLoader):
    return cache.load(root, URL, None, cache_dir, loader)


def test_the_second_load_reads_the_cache_and_gives_the_same_courses(courses, tmp_path):
    loader = CountingLoader(courses)
    first = load(courses, tmp_path / "cache", loader)
    second = load(courses, tmp_path / "cache", loader)
    assert loader.calls == 1
    assert second == first == load_courses(courses, URL)  # every field, every HTML part
    assert second[0], "the bundled courses load"


def test_a_changed_file_is_parsed_again_and_the_older_state_removed(courses, tmp_path):
    loader = CountingLoader(courses)
    before, _ = load(courses, tmp_path / "cache", loader)
    module = next(courses.glob("*/01-*.md"))
    module.write_text(module.read_text() + "\nEin neuer Absatz zum Schluss.\n")
    after, _ = load(courses, tmp_path / "cache", loader)
    assert loader.calls == 2
    assert after == load_courses(courses, URL)[0] != before
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1


def test_a_new_file_beside_the_modules_counts_as_a_change(courses, tmp_path):
    loader = CountingLoader(courses)
    load(courses, tmp_path / "cache", loader)
    (next(courses.glob("*/course.md")).parent / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    load(courses, tmp_path / "cache", loader)
    assert loader.calls == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short: a crash while writing elsewhere
        lambda data: b"not a pickle at all",
        lambda data: pickle.dumps(("something", "else")),
        lambda data: pickle.dumps((cache.FORMAT, {"wrong-slug": "not a course"}, [])),
    ],
)
def test_a_damaged_cache_file_is_ignored_and_replaced(courses, tmp_path, damage):
    loader = CountingLoader(courses)
    expected = load(courses, tmp_path / "cache", loader)
    [stored] = (tmp_path / "cache").glob("*.pickle")
    stored.write_bytes(damage(stored.read_bytes()))
    assert load(courses, tmp_path / "cache", loader) == expected
    assert loader.calls == 2
    assert load(courses, tmp_path / "cache", loader) == expected
    assert loader.calls == 2, "the damaged file was replaced by a good one"


def test_a_cache_folder_that_cannot_be_written_only_costs_the_parse(courses, tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder should be")
    loader = CountingLoader(courses)
    assert load(courses, blocked, loader) == load_courses(courses, URL)
    assert load(courses, blocked, loader)[0]
    assert loader.calls == 2


def test_the_place_is_part_of_the_key(courses, tmp_path):
    """The same files under another URL render other links: not the same entry."""
    loader = CountingLoader(courses)
    load(courses, tmp_path / "cache", loader)
    cache.load(courses, "/preview/", None, tmp_path / "cache", loader)
    assert loader.calls == 2
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_every_module_of_the_reader_is_part_of_its_version():
    """A module the loader uses but the version leaves out would let a changed renderer
    serve pages rendered by the old one."""
    folder = Path(cache.__file__).parent
    readers = {p.stem for p in folder.glob("*.py")} - {"__init__", "catalog", "synthetic"}
    assert readers == set(cache.READER_MODULES)


WORKER = """
import hashlib, json, sys
from academy.factory import create_app
app = create_app({environ!r})
with app.app_context():
    from academy.learning.queries import catalog
    courses = catalog().all()
    pages = [p for c in courses for m in c.modules for p in m.parts if isinstance(p, str)]
print(json.dumps({{
    "parser_loaded": "markdown_it" in sys.modules,
    "digest": hashlib.sha256("".join(pages).encode()).hexdigest(),
    "modules": sum(len(c.modules) for c in courses),
}}))
"""


def test_a_second_process_starts_without_the_markdown_parser(tmp_path):
    """What a gunicorn worker does: the first start parses and stores, the next one
    reads the cache and never even imports markdown-it, with the same HTML."""
    environ = make_environ(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "instance")

    def start() -> dict:
        probe = subprocess.run(
            [sys.executable, "-c", WORKER.format(environ=environ)],
            cwd=ROOT / "platform",
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(probe.stdout.strip().splitlines()[-1])

    first, second = start(), start()
    assert first["parser_loaded"] and not second["parser_loaded"]
    assert second["digest"] == first["digest"] and second["modules"] == first["modules"] > 0
    assert list((tmp_path / "instance" / "course-cache").glob("*.pickle"))


def test_development_reload_sees_an_edited_module_through_the_cache(courses, tmp_path, monkeypatch):
    from academy.content import Catalog

    catalog = Catalog(courses, auto_reload=True, cache_dir=tmp_path / "cache")
    course = catalog.all()[0]
    path = courses / course.slug / course.modules[0].filename
    path.write_text(path.read_text().replace(f"title: {course.modules[0].title}", "title: Neu"))
    monkeypatch.setattr(catalog, "_checked_at", 0.0)  # as if a second had passed
    assert catalog.get(course.slug).modules[0].title == "Neu"
    started_again = Catalog(courses, cache_dir=tmp_path / "cache")
    assert started_again.get(course.slug).modules[0].title == "Neu"


def test_a_published_version_is_parsed_once_not_in_every_worker(tmp_path):
    """Courses published in the browser are unpacked into a folder per content hash; what
    the loader made of them is kept there, so the next worker (here: the in-process
    memory cleared) reads it. Calls to the loader are counted with a profile hook."""
    from academy.content import loader
    from academy.trainer import sources

    folder = COURSES / "ki-am-arbeitsplatz"
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    calls: list[int] = []

    def count(frame, event, _arg):
        if event == "call" and frame.f_code is loader.load_course.__code__:
            calls.append(1)

    def load():
        sys.setprofile(count)
        try:
            return sources.load_files(files, folder.name, URL, tmp_path, keep=True)
        finally:
            sys.setprofile(None)

    first = load()
    sources._load.cache_clear()  # a new worker process
    second = load()
    assert len(calls) == 1
    assert second == first and first.course is not None
    assert first.course == loader.load_course(first.folder, URL)[0]
