"""Publishing reaches every worker: a course is swapped in whole while readers read, and
two separate server processes (as on two hosts) serve a new version within seconds,
without a database query per page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import event

from academy.extensions import db
from tests.fixtures.course_files import COURSE_MD, MODULE_1, MODULE_2, write_course
from tests.fixtures.settings import ROOT, make_environ
from tests.fixtures.tools import stop
from tests.fixtures.web import login
from tests.fixtures.workbench import edit_file, publish

SLUG = "testkurs"
PAGE = f"/courses/{SLUG}/zweites"
DEADLINE = 30  # seconds; a publish shows within COURSE_REFRESH_SECONDS (1 here)
STARTUP = 120  # seconds for a server process to start on a busy, shared machine


def version_b(client) -> None:
    """Every module title and module two's text change at once."""
    edit_file(client, SLUG, "01-erstes.md", MODULE_1.replace("Erstes Modul", "Erstes Modul B"))
    edit_file(
        client,
        SLUG,
        "02-zweites.md",
        MODULE_2.replace("Zweites Modul", "Zweites Modul B").replace("Inhalt.", "Inhalt B."),
    )
    edit_file(client, SLUG, "course.md", COURSE_MD.replace("title: Testkurs", "title: Testkurs B"))


def which_version(html: str) -> str:
    """ "A", "B", or "mixed" when the page holds parts of both."""
    parts = [
        "Erstes Modul B" in html,
        "Zweites Modul B" in html,
        "Inhalt B." in html,
        "Testkurs B" in html,
    ]
    if not any(parts):
        return "A" if "Inhalt." in html else "mixed"
    return "B" if all(parts) else "mixed"


@pytest.fixture
def course_app(make_app, create_user, tmp_path):
    write_course(tmp_path / "courses")
    app = make_app(
        COURSES_DIR=str(tmp_path / "courses"), PUBLIC_COURSES="true", COURSE_REFRESH_SECONDS="1"
    )
    _, email = create_user("trainer")
    trainer = app.test_client()
    login(trainer, email)
    return app, trainer


def test_readers_never_see_half_a_course_while_a_version_is_published(course_app):
    app, trainer = course_app
    seen: list[str] = []
    stop = threading.Event()

    def read() -> None:
        reader = app.test_client()
        while not stop.is_set():
            seen.append(which_version(reader.get(PAGE).get_data(as_text=True)))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        deadline = time.monotonic() + DEADLINE
        while seen.count("A") < 10 and time.monotonic() < deadline:
            time.sleep(0.01)  # the readers are reading before anything changes
        version_b(trainer)
        assert publish(trainer, SLUG, note="Alles auf B").status_code == 302
        deadline = time.monotonic() + DEADLINE
        while seen.count("B") < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert "mixed" not in seen
    assert seen[:10] == ["A"] * 10 and seen.count("B") >= 20
    first_b = seen.index("B")
    assert "A" not in seen[first_b + 20 :]  # once swapped, it stays (a few threads may lag)


def test_a_lesson_still_costs_no_query_for_the_published_course(course_app):
    """The marker is asked at most every COURSE_REFRESH_SECONDS, not per page."""
    app, trainer = course_app
    version_b(trainer)
    publish(trainer, SLUG)
    reader = app.test_client()
    assert "Inhalt B." in reader.get(PAGE).get_data(as_text=True)  # picked up now
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for _ in range(5):
            reader.get(PAGE)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # Within one refresh interval: no query at all (anonymous reader, public courses);
    # a slow machine may cross one interval, which costs one look at the marker.
    assert len(statements) <= 1, statements


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{PAGE}", timeout=5) as response:
            return response.read().decode()
    except OSError:
        return ""


def wait_for(ports: list[int], wanted: str, seconds: float = DEADLINE) -> dict[int, str]:
    deadline = time.monotonic() + seconds
    pages = {port: fetch(port) for port in ports}
    while not all(wanted in page for page in pages.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
        pages = {port: fetch(port) for port in ports}
    return pages


@pytest.fixture
def two_servers(course_app, database_url, tmp_path):
    """Two gunicorn processes on the test database, each with its own instance folder
    (as on two hosts), serving the same courses folder."""
    ports, processes, logs = [free_port(), free_port()], [], []
    for number, port in enumerate(ports):
        environ = make_environ(
            database_url,
            tmp_path / f"host{number}",
            COURSES_DIR=str(tmp_path / "courses"),
            PUBLIC_COURSES="true",
            COURSE_REFRESH_SECONDS="1",
        )
        logs.append(open(tmp_path / f"host{number}.log", "wb"))  # noqa: SIM115 (closed below)
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--workers",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "app:app",
                ],
                cwd=ROOT,
                env={**os.environ, **environ, "PYTHONPATH": str(ROOT / "platform")},
                stdout=subprocess.DEVNULL,
                stderr=logs[-1],
            )
        )
    try:
        started = wait_for(ports, "<html", STARTUP)
        for (port, page), process, log in zip(started.items(), processes, logs, strict=True):
            if not page:
                log.flush()
                log_text = (tmp_path / Path(log.name).name).read_text(errors="replace")
                pytest.fail(f"server on {port} did not start (exit {process.poll()}):\n{log_text}")
        yield ports
    finally:
        for process, log in zip(processes, logs, strict=True):
            stop(process)
            log.close()


def test_two_worker_processes_serve_a_new_version_within_seconds(course_app, two_servers):
    _app, trainer = course_app
    before = wait_for(two_servers, "Inhalt.")  # both serve the folder's version
    assert all(which_version(page) == "A" for page in before.values()), before
    version_b(trainer)
    assert publish(trainer, SLUG, note="Für alle Hosts").status_code == 302
    after = wait_for(two_servers, "Inhalt B.")
    assert {port: which_version(page) for port, page in after.items()} == dict.fromkeys(
        two_servers, "B"
    )
    for port in two_servers:  # each host unpacked the version's files for its own use
        url = f"http://127.0.0.1:{port}/courses/{SLUG}/media/images/bild.png"
        with urllib.request.urlopen(url, timeout=5) as image:
            assert image.read().startswith(b"\x89PNG")
