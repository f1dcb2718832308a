"""Two app processes (gunicorn, as on two hosts) share PostgreSQL and Redis and keep no
state of their own: learners sign in, read, start and hand in the exam through both at
the same time, and nothing is lost or done twice; the sign-in rate limit counts across
both; a setting changed through one is seen by the other."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from academy.certificates.models import Certificate
from academy.exams.models import ExamAttempt, ExamResult
from academy.extensions import db
from academy.learning.models import ModuleCompletion
from tests.fixtures.journey import COURSE, answers_for, course
from tests.fixtures.settings import ROOT, make_environ
from tests.fixtures.tools import stop
from tests.fixtures.web import CSRF, PASSWORD

LEARNERS = 6
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
STARTUP = 90  # seconds: a busy shared machine starts slowly


@pytest.fixture
def redis_url(worker_id) -> str:
    import redis

    url = worker_redis_url(REDIS_URL, worker_id)
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()  # this worker's own database number: earlier counts are gone
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_BROWSER"):  # CI: every service is required
            raise
        pytest.skip(f"Redis at {url} is not reachable ({error})")
    return url


def worker_redis_url(url: str, worker_id: str) -> str:
    """A Redis database per parallel test worker (gw0 keeps the given number, gw1 the
    next, …): the tests here run on several workers at once, and their people have the
    same e-mail addresses in each worker's database, so a shared database mixed their
    sign-in counts (one test's wrong passwords locked out another's learner) and one
    worker's FLUSHDB emptied the counts another was testing."""
    from urllib.parse import urlsplit

    from redis.connection import parse_url

    index = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    number = (int(parse_url(url).get("db", 0)) + index) % 16
    return urlsplit(url)._replace(path=f"/{number}").geturl()


def test_each_parallel_worker_has_a_redis_database_of_its_own():
    urls = [worker_redis_url(REDIS_URL, w) for w in ("master", "gw0", "gw1", "gw2", "gw3")]
    assert urls[0] == urls[1] == REDIS_URL
    assert len(set(urls[1:])) == 4
    assert worker_redis_url("redis://127.0.0.1:6379", "gw2") == "redis://127.0.0.1:6379/2"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hosts(app, database_url, redis_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("two hosts share a database server: PostgreSQL (SQLite is a file on one host)")
    ports, processes, logs = [free_port(), free_port()], [], []
    for number, port in enumerate(ports):
        environ = make_environ(
            database_url,
            tmp_path / f"host{number}",
            RATELIMIT_ENABLED="true",
            RATELIMIT_STORAGE_URI=redis_url,
            TRUSTED_PROXIES="1",  # each simulated learner sends X-Forwarded-For
            COURSE_REFRESH_SECONDS="1",
        )
        logs.append(open(tmp_path / f"host{number}.log", "wb"))  # noqa: SIM115 (closed below)
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "app:app"]  # fmt: skip
        processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **environ, "PYTHONPATH": str(ROOT / "platform")},
                stdout=subprocess.DEVNULL,
                stderr=logs[-1],
            )
        )
    try:
        for port, process, log in zip(ports, processes, logs, strict=True):
            if not _healthy(port, process):
                log.flush()
                text = Path(log.name).read_text(errors="replace")
                pytest.fail(f"host on {port} did not start (exit {process.poll()}):\n{text}")
        yield ports
    finally:
        for process, log in zip(processes, logs, strict=True):
            stop(process, grace=15)
            log.close()


def _healthy(port: int, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline and process.poll() is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/healthz", headers={"Host": "academy.example.com"})
            if connection.getresponse().status == 200:
                return True
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.3)
    return False


class Browser:
    """A person with one cookie jar, who may use either host; `address` is their IP."""

    def __init__(self, address: str) -> None:
        self.address, self.cookies = address, {}
        self._lock = threading.Lock()

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        headers = {
            "Host": "academy.example.com",
            "X-Forwarded-For": self.address,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            page = response.read().decode(errors="replace")
        finally:
            connection.close()
        with self._lock:
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";")[0].partition("=")
                self.cookies[name] = value
        return response.status, response.headers, page

    def token(self, port: int) -> str:
        status, _, page = self.request(port, "GET", "/privacy")
        assert status == 200
        return CSRF.search(page).group(1)

    def post(self, port: int, path: str, form: dict | None = None):
        return self.request(port, "POST", path, {"csrf_token": self.token(port), **(form or {})})

    def sign_in(self, port: int, email: str, password: str = PASSWORD):
        return self.post(port, "/login", {"email": email, "password": password})


def together(*calls):
    """Run the calls at the same moment (threads released by one barrier); their results."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_hosts_lose_nothing_and_do_nothing_twice(app, hosts, create_user):
    a, b = hosts
    modules = [m.slug for m in course(app).modules]
    emails = [create_user()[1] for _ in range(LEARNERS)]
    errors: list[str] = []

    def learner(number: int) -> None:
        browser = Browser(f"10.0.0.{number + 1}")
        mine, other = (a, b) if number % 2 else (b, a)
        try:
            status, _, _ = browser.sign_in(mine, emails[number])
            assert status == 302, f"sign-in {status}"
            for index, slug in enumerate(modules):  # alternating hosts, the first twice at once
                path = f"/courses/{COURSE}/{slug}/done"
                if index == 0:
                    first = together(
                        lambda p=path: browser.post(a, p), lambda p=path: browser.post(b, p)
                    )
                    assert [r[0] for r in first] == [302, 302]
                else:
                    assert browser.post((a, b)[index % 2], path)[0] == 302
            starts = together(
                lambda: browser.post(a, f"/courses/{COURSE}/exam/start"),
                lambda: browser.post(b, f"/courses/{COURSE}/exam/start"),
            )
            locations = {headers["Location"] for _, headers, _ in starts}
            assert len(locations) == 1, f"two attempts: {locations}"
            attempt_id = int(re.search(r"/exam/(\d+)$", locations.pop()).group(1))
            answers = answers_for(app, attempt_id)
            path = f"/courses/{COURSE}/exam/{attempt_id}"
            hand_ins = together(
                lambda: browser.post(mine, path, answers),
                lambda: browser.post(other, path, answers),
            )
            assert {status for status, _, _ in hand_ins} == {302}, hand_ins
            status, _, page = browser.request(other, "GET", "/certificates")
            assert status == 200 and "KIA-" in page
        except Exception as error:  # collected: a thread's assertion would be lost
            errors.append(f"learner {number}: {error!r}")

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(LEARNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        read = db.session.execute(
            select(ModuleCompletion.user_id, func.count()).group_by(ModuleCompletion.user_id)
        ).all()
        assert sorted(count for _, count in read) == [len(modules)] * LEARNERS  # none lost
        assert db.session.scalar(select(func.count()).select_from(ExamAttempt)) == LEARNERS
        assert db.session.scalar(select(func.count()).select_from(ExamResult)) == LEARNERS
        certificates = db.session.execute(
            select(Certificate.user_id, func.count()).group_by(Certificate.user_id)
        ).all()
        assert sorted(count for _, count in certificates) == [1] * LEARNERS  # none twice
        db.session.remove()


def test_the_sign_in_limit_counts_across_both_hosts(hosts, create_user):
    a, b = hosts
    _, email = create_user()
    browser = Browser("10.9.9.9")
    statuses = [browser.sign_in((a, b)[n % 2], email, "wrong password 1")[0] for n in range(10)]
    assert 429 not in statuses  # ten tries a minute are allowed, wherever they land …
    assert browser.sign_in(b, email, "wrong password 1")[0] == 429  # … the eleventh is not
    assert browser.sign_in(a, email, "wrong password 1")[0] == 429
    # The account's own limit holds from every IP address on every host, too …
    elsewhere = Browser("10.9.9.10")
    assert elsewhere.sign_in(a, email)[0] == 429
    # … while other accounts, from an address with no failures, sign in as ever.
    _, other = create_user()
    assert elsewhere.sign_in(b, other)[0] == 302


def test_a_setting_changed_on_one_host_is_seen_by_the_other(hosts, create_user):
    a, b = hosts
    _, admin_email = create_user("admin")
    admin = Browser("10.7.7.7")
    assert admin.sign_in(a, admin_email)[0] == 302
    visitor = Browser("10.7.7.8")
    assert visitor.request(b, "GET", "/register")[0] == 200
    form = {"policy-mode": "closed", "policy-domains": ""}
    status, headers, _ = admin.post(a, "/admin/registration", form)
    assert status == 302
    _, _, users_page = admin.request(a, "GET", headers["Location"])
    assert "Einstellung zur Registrierung gespeichert" in users_page
    deadline = time.monotonic() + 10
    while visitor.request(b, "GET", "/register")[0] != 403 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert visitor.request(b, "GET", "/register")[0] == 403
