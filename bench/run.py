"""Benchmarks for issue 14: one table, and every figure in bench/results/<date>.json.

Figures, not pass/fail. The machine this runs on is usually shared and noisy: compare
ratios measured in one run (a page against the trivial app serving the same bytes, in
the same seconds), not absolute numbers across runs or machines.

    make bench                          # SQLite, plus PostgreSQL when BENCH_DATABASE_URL is set
    .venv/bin/python bench/run.py --quick                 # about a minute: shorter loads, 5,000 people
    .venv/bin/python bench/run.py --only pages,startup    # some sections

BENCH_DATABASE_URL (or --database-url) names a PostgreSQL database whose public schema
is DROPPED and re-created: give it one of its own, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/bench.

Sections: pages (lesson, course overview and start page under gunicorn, 2 workers, SQLite,
against a trivial app with the same bytes: req/s, p50/p99, ratio; peak memory per
worker), exam (start + submit by concurrent learners on SQLite and PostgreSQL), hr
(seed, dashboard and filtered list latency, CSV/XLSX exports with time and memory,
reminders dry run, certificate PDF), startup (bundled courses and a 200-module course).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
COURSE = "ki-am-arbeitsplatz"
PAGES = {
    "lesson page": f"/courses/{COURSE}/datenschutz-grundlagen",
    "course overview": f"/courses/{COURSE}/",
    "start page": "/",
}
PASSWORD = "bench-password-1"
HOST = "bench.example"
EXAM_COURSE = "pruefungslast"
SECTIONS = ("pages", "exam", "hr", "startup")
# Production refuses a weak key; one per run, shared by the bench and its servers.
SECRET_KEY = secrets.token_hex(32)


# --- processes and HTTP -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(instance: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "PUBLIC_URL": f"http://{HOST}",
        "INSTANCE_DIR": str(instance),
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "false",
        # Production refuses memory:// with several workers; limits are off, so it is
        # only named, never used.
        "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379"),
        "PYTHONPATH": str(ROOT / "platform"),
        **extra,
    }


def gunicorn(app: str, port: int, env: dict[str, str], workers: int = 2) -> subprocess.Popen:
    command = [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", "--chdir", str(ROOT), app]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"{app} on port {port} did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def worker_peak_rss_mib(master: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    pids = children.read_text().split() if children.exists() else []
    peaks = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(round(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024, 1))
    return peaks


class Client:
    """One signed-in person over plain HTTP (a session cookie and the CSRF token)."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Host": HOST, "Cookie": self.cookie}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            page = response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            if cookie.startswith("session="):
                self.cookie = cookie.split(";")[0]
        return response.status, response.headers, page.decode(errors="replace")

    def token(self, page: str) -> str:
        return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)

    def sign_in(self, email: str) -> None:
        _, _, page = self.request("GET", "/login")
        form = {"csrf_token": self.token(page), "email": email, "password": PASSWORD}
        status, _, _ = self.request("POST", "/login", form)
        assert status == 302, f"sign-in of {email}: {status}"


def wrk(port: int, path: str, cookie: str, seconds: int, connections: int) -> dict:
    """req/s and latency percentiles (wrk --latency; a Python client when wrk is missing)."""
    if not shutil.which("wrk"):
        return python_load(port, path, cookie, seconds, connections)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}",
         "-H", f"Host: {HOST}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _wrk_ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def _wrk_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)


def python_load(port: int, path: str, cookie: str, seconds: int, connections: int) -> dict:
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie, "Host": HOST})
            connection.getresponse().read()
            latencies.append(time.perf_counter() - started)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / seconds,
        "p50_ms": round(ordered[len(ordered) // 2] * 1000, 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000, 2),
        "errors": 0,
    }


# --- in-process preparation -------------------------------------------------------------


def app_for(database_url: str, instance: Path, **extra: str):
    from flask_migrate import upgrade

    from academy.factory import create_app

    env = {k: v for k, v in environment(instance, database_url, **extra).items()}
    env["APP_ENV"] = "testing"  # cheap password hashes for the people the bench creates
    app = create_app(env)
    with app.app_context():
        upgrade()
    return app


def reset_postgresql(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def create_people(app, count: int, prefix: str) -> list[str]:
    from academy.accounts import services
    from academy.extensions import db

    with app.app_context():
        emails = [
            services.create_user(f"{prefix}{n}@{HOST}", f"Bench {n}", PASSWORD).email
            for n in range(count)
        ]
        db.session.commit()
        db.engine.dispose()
    return emails


# --- sections ---------------------------------------------------------------------------


def pages(args, results: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        instance, bodies = Path(tmp), Path(tmp) / "bodies"
        bodies.mkdir()
        url = f"sqlite:///{tmp}/bench.db"
        (email,) = create_people(app_for(url, instance), 1, "reader")
        port, baseline_port = free_port(), free_port()
        platform = gunicorn("app:app", port, environment(instance, url))
        try:
            reader = Client(port)
            reader.sign_in(email)
            for name, path in PAGES.items():
                status, _, page = reader.request("GET", path)
                assert status == 200, (path, status)
                (bodies / name.replace(" ", "-")).write_bytes(page.encode())
            baseline = gunicorn(
                "bench.trivial:app", baseline_port, {**os.environ, "BENCH_BODY_DIR": str(bodies)}
            )
            try:
                for name, path in PAGES.items():
                    wrk(port, path, reader.cookie, 2, args.connections)  # warm-up
                    trivial = wrk(baseline_port, "/" + name.replace(" ", "-"), "", args.seconds, args.connections)  # fmt: skip
                    measured = wrk(port, path, reader.cookie, args.seconds, args.connections)
                    results[name] = {
                        **measured,
                        "bytes": (bodies / name.replace(" ", "-")).stat().st_size,
                        "same_bytes_rps": trivial["rps"],
                        "ratio": round(measured["rps"] / trivial["rps"], 3),
                    }
                results["peak RSS per worker (MiB)"] = worker_peak_rss_mib(platform)
            finally:
                stop(baseline)
        finally:
            stop(platform)


def exam_course(folder: Path) -> None:
    """Two short modules and an exam of 20 questions that may be taken without limits."""
    from academy.content import synthetic

    limits = "retake_cooldown_minutes: 0\nmax_attempts_per_day: 1000000\n"
    synthetic.write(folder, modules=2, questions=40, slug=EXAM_COURSE, front_matter=limits)


def exam(args, results: dict, database: str, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        instance, courses = Path(tmp), Path(tmp) / "courses"
        exam_course(courses)
        if url is None:
            url = f"sqlite:///{tmp}/bench.db"
        else:
            reset_postgresql(url)
        extra = {"COURSES_DIR": str(courses)}
        emails = create_people(app_for(url, instance, **extra), args.learners, "learner")
        port = free_port()
        platform = gunicorn("app:app", port, environment(instance, url, **extra))
        try:
            results[f"exam start+submit, {database}"] = exam_load(port, emails, args.exam_seconds)
        finally:
            stop(platform)


def exam_load(port: int, emails: list[str], seconds: int) -> dict:
    """Each learner signs in and reads the modules, then starts and hands in exams until
    the time is up. An answer other than the expected redirect is an error (a locked
    SQLite database shows as a 503)."""
    done, errors, kinds = [0], [0], {}
    lock, ready = threading.Lock(), threading.Barrier(len(emails) + 1)
    stop_at = [0.0]

    def learner(email: str) -> None:
        client = Client(port)
        client.sign_in(email)
        for module in ("modul-001", "modul-002"):
            _, _, page = client.request("GET", f"/courses/{EXAM_COURSE}/{module}")
            client.request("POST", f"/courses/{EXAM_COURSE}/{module}/done", {"csrf_token": client.token(page)})  # fmt: skip
        _, _, page = client.request("GET", f"/courses/{EXAM_COURSE}/exam")
        token = client.token(page)
        ready.wait()
        while time.monotonic() < stop_at[0]:
            try:
                status, headers, _ = client.request("POST", f"/courses/{EXAM_COURSE}/exam/start", {"csrf_token": token})  # fmt: skip
                taken = (
                    re.search(r"/exam/(\d+)$", headers.get("Location", ""))
                    if status == 302
                    else None
                )
                if taken is None:
                    raise RuntimeError(f"start: {status}")
                status, _, page = client.request("GET", headers["Location"])
                answers = {}
                for name, value in re.findall(r'name="(q-[^"]+)" value="([^"]+)"', page):
                    answers.setdefault(name, value)  # the first option of each question
                status, headers, _ = client.request("POST", f"/courses/{EXAM_COURSE}/exam/{taken.group(1)}", {"csrf_token": token, "confirm": "1", **answers})  # fmt: skip
                if status != 302 or "/result" not in headers.get("Location", ""):
                    raise RuntimeError(f"submit: {status}")
                with lock:
                    done[0] += 1
            except Exception as error:  # counted, not fatal: the load goes on
                with lock:
                    errors[0] += 1
                    kinds[str(error)[:60]] = kinds.get(str(error)[:60], 0) + 1

    threads = [threading.Thread(target=learner, args=(e,)) for e in emails]
    for thread in threads:
        thread.start()
    stop_at[0] = time.monotonic() + 3600
    ready.wait()
    started = time.monotonic()
    stop_at[0] = started + seconds
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "learners": len(emails),
        "seconds": round(elapsed, 1),
        "exams_per_second": round(done[0] / elapsed, 1),
        "exams": done[0],
        "errors": errors[0],
        "error_kinds": kinds,
    }


def hr(args, results: dict, url: str | None) -> None:
    from academy.extensions import db
    from academy.hr import seed

    database = "PostgreSQL" if url else "SQLite"
    with tempfile.TemporaryDirectory() as tmp:
        if url is None:
            url = f"sqlite:///{tmp}/bench.db"
        else:
            reset_postgresql(url)
        app = app_for(url, Path(tmp))
        with app.app_context():
            started = time.perf_counter()
            seed.seed(args.people)
            db.session.commit()
            results[f"seed {args.people} people, {database} (s)"] = round(
                time.perf_counter() - started, 1
            )
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect() as connection:
                    connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")  # fmt: skip
            db.session.remove()
        hr_figures(app, args, results, database)
        with app.app_context():
            db.engine.dispose()


def latency(run, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1), "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1)}  # fmt: skip


def measured_memory(run) -> tuple[float, float, object]:
    """(seconds, peak Python memory growth in MB, result)."""
    tracemalloc.start()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(seconds, 2), round(peak / 1e6, 1), result


def hr_figures(app, args, results: dict, database: str) -> None:
    from academy import clock
    from academy.certificates import documents
    from academy.certificates.models import Certificate
    from academy.extensions import db
    from academy.hr import exports, queries, reminders, reports
    from academy.hr.queries import ListFilters, Scope

    everything, today = Scope(everything=True), clock.today()
    people = f"{args.people // 1000}k people, {database}"
    with app.test_request_context():
        results[f"HR dashboard, {people}"] = latency(lambda: queries.summary(everything, today, COURSE), args.repeat)  # fmt: skip
        overdue = ListFilters(course=COURSE, status="overdue", sort="name")
        results[f"HR list: overdue by name, {people}"] = latency(
            lambda: queries.people_page(everything, today, overdue, 3), args.repeat
        )
        for kind in ("csv", "xlsx"):

            def export(kind=kind):
                header, rows = reports.people_table(everything, today, ListFilters(), {})
                chunks = exports.csv_lines(header, rows) if kind == "csv" else exports.xlsx_chunks(header, rows, "x")  # fmt: skip
                return sum(len(chunk) for chunk in chunks)

            seconds, peak, size = measured_memory(export)
            results[f"export {kind.upper()}, {people}"] = {"seconds": seconds, "memory_peak_mb": peak, "mb": round(size / 1e6, 1)}  # fmt: skip
        settings = app.config["SETTINGS"]

        def dry_run():
            planned = reminders.plan(today, settings)
            return len(reminders.not_recorded(planned))

        seconds, peak, count = measured_memory(dry_run)
        results[f"reminders dry run, {people}"] = {"seconds": seconds, "memory_peak_mb": peak, "reminders": count}  # fmt: skip
        certificate = db.session.scalars(db.select(Certificate).limit(1)).one()
        documents.signed_pdf(certificate)  # the first one loads keys and fonts
        results["certificate PDF"] = latency(lambda: documents.signed_pdf(certificate), 10)
        db.session.remove()


STARTUP = """
import time, sys
started = time.perf_counter()
from academy.factory import create_app
app = create_app()
with app.app_context():
    from academy.learning.queries import catalog
    courses = catalog().all()
print(time.perf_counter() - started, time.process_time(), sum(len(c.modules) for c in courses))
"""


def startup(args, results: dict) -> None:
    from academy.content import synthetic

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        app_for(url, Path(tmp))
        big = Path(tmp) / "big"
        synthetic.write(big, modules=200, questions=2000)
        for label, courses in (("bundled courses", str(ROOT / "courses")), ("200-module course", str(big))):  # fmt: skip
            env = environment(Path(tmp), url, COURSES_DIR=courses)
            runs = []
            for _ in range(3):
                output = subprocess.run([sys.executable, "-c", STARTUP], env=env, capture_output=True, text=True, check=True).stdout  # fmt: skip
                seconds, cpu, modules = output.split()
                runs.append((float(seconds), float(cpu)))
            wall, cpu = min(runs)
            # CPU time too: on a shared machine the wall clock mostly measures the others.
            results[f"start-up, {label} ({modules} modules)"] = {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2)}  # fmt: skip


# --- report -----------------------------------------------------------------------------


def table(results: dict) -> str:
    lines = [f"{'figure':<48} {'value'}", "-" * 100]
    for name, value in results.items():
        if isinstance(value, dict):
            shown = ", ".join(f"{k} {v}" for k, v in value.items() if k != "error_kinds")
            if value.get("error_kinds"):
                shown += f", errors: {value['error_kinds']}"
        else:
            shown = str(value)
        lines.append(f"{name:<48} {shown}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8, help="per page load (and per baseline)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--exam-seconds", type=int, default=30)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20, help="timings per HR query")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--quick", action="store_true", help="short loads, 5,000 people")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.exam_seconds, args.people, args.repeat = 3, 8, 5_000, 5
    sections = set(args.only.split(","))
    postgresql = args.database_url or None
    results: dict = {}
    machine = f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start"
    if "pages" in sections:
        pages(args, results)
    if "exam" in sections:
        exam(args, results, "SQLite", None)
        if postgresql:
            exam(args, results, "PostgreSQL", postgresql)
    if "hr" in sections:
        hr(args, results, postgresql)
    if "startup" in sections:
        startup(args, results)
    print(f"\n{machine}; client {'wrk' if shutil.which('wrk') else 'python'}\n")
    print(table(results))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    report = {"when": stamp, "machine": machine, "args": vars(args), "results": results}
    (out / f"{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"\nwritten to bench/results/{stamp}.json")


if __name__ == "__main__":
    main()
