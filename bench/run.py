"""Benchmarks for issue 14: one table, and every figure in bench/results/<date>.json.

Figures, not pass/fail. The machine this runs on is usually shared and noisy: compare
ratios measured in one run (a page against the trivial app serving the same bytes, in
the same seconds), not absolute numbers across runs or machines.

    make bench                          # SQLite, plus PostgreSQL when BENCH_DATABASE_URL is set
    .venv/bin/python bench/run.py --quick                 # about a minute: shorter loads, 5,000 people
    .venv/bin/python bench/run.py --only pages,startup    # some sections
    .venv/bin/python bench/run.py --only pdf              # the certificate PDF, in seconds

BENCH_DATABASE_URL (or --database-url) names a PostgreSQL database whose public schema
is DROPPED and re-created: give it one of its own, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/bench.

Sections: pages (lesson, course overview and start page under gunicorn, 2 workers, SQLite,
against a trivial app with the same bytes: req/s, p50/p99, ratio; peak memory per
worker), exam (start + submit by concurrent learners on SQLite and PostgreSQL), hr
(seed, dashboard and filtered list latency, CSV/XLSX exports with time and memory,
reminders dry run, certificate PDF), pdf (the certificate PDF alone: signed, drawing,
signature), startup (bundled courses and a 200-module course).
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
# Production refuses a guessable key; one random key per run serves every process.
SECRET_KEY = secrets.token_hex(32)
SECTIONS = ("pages", "exam", "hr", "pdf", "startup")


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
        # Never counted (disabled), but production with 2 workers refuses memory://.
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


def worker_pids(master: subprocess.Popen) -> list[str]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return children.read_text().split() if children.exists() else []


def cpu_seconds(pids: list[str]) -> float:
    """User and system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def worker_peak_rss_mib(master: subprocess.Popen) -> list[float]:
    peaks = []
    for pid in worker_pids(master):
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
            results[f"exam start+submit, {database}"] = exam_load(
                port, emails, args.exam_seconds, worker_pids(platform)
            )
        finally:
            stop(platform)


def prepared(port: int, email: str) -> tuple[Client, str]:
    """A learner signed in, with both modules read: the untimed part before the load."""
    client = Client(port)
    client.sign_in(email)
    for module in ("modul-001", "modul-002"):
        _, _, page = client.request("GET", f"/courses/{EXAM_COURSE}/{module}")
        client.request("POST", f"/courses/{EXAM_COURSE}/{module}/done", {"csrf_token": client.token(page)})  # fmt: skip
    _, _, page = client.request("GET", f"/courses/{EXAM_COURSE}/exam")
    return client, client.token(page)


def exam_load(port: int, emails: list[str], seconds: int, workers: list[str]) -> dict:
    """Each learner signs in and reads the modules, then starts and hands in exams until
    the time is up. An answer other than the expected redirect is an error (a locked
    SQLite database shows as a 503). Besides exams/s it reports the CPU time the
    gunicorn workers and this client spent per exam: on a shared machine exams/s
    measures the other sessions too, CPU time per exam much less so."""
    done, errors, kinds = [0], [0], {}
    lock, ready = threading.Lock(), threading.Barrier(len(emails) + 1)
    stop_at = [0.0]

    def learner(email: str) -> None:
        try:
            client, token = prepared(port, email)
        except Exception:
            ready.abort()  # the run cannot be fair without every learner: stop at once
            raise
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
    started, server_cpu, client_cpu = time.monotonic(), cpu_seconds(workers), time.process_time()
    stop_at[0] = started + seconds
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    server_cpu, client_cpu = cpu_seconds(workers) - server_cpu, time.process_time() - client_cpu
    exams = max(done[0], 1)
    return {
        "learners": len(emails),
        "seconds": round(elapsed, 1),
        "exams_per_second": round(done[0] / elapsed, 1),
        "exams": done[0],
        "errors": errors[0],
        "server_cpu_ms_per_exam": round(server_cpu / exams * 1000, 1),
        "client_cpu_ms_per_exam": round(client_cpu / exams * 1000, 1),
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
    """Wall-clock median and p99, and the median CPU time of this process: on a shared
    machine the wall clock also measures the other sessions, the CPU time much less."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1), "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1), "cpu_median_ms": round(statistics.median(cpu), 1)}  # fmt: skip


def measured_memory(run) -> tuple[float, float, object]:
    """(seconds, peak Python memory growth in MB, result): timed in one run, traced in a
    second (tracemalloc hooks every allocation and would slow the timed run several
    times over)."""
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    result = run()
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


def pdf(args, results: dict) -> None:
    """The certificate PDF on its own (the hr section times it too, after its seed): the
    whole signed PDF, and its two parts, drawing (fpdf2) and the signature (pyHanko)."""
    from academy.certificates import documents, signing
    from academy.certificates.models import Certificate
    from academy.certificates.pdf import render_pdf
    from academy.extensions import db
    from academy.hr import seed

    with tempfile.TemporaryDirectory() as tmp:
        app = app_for(f"sqlite:///{tmp}/bench.db", Path(tmp))
        with app.test_request_context():
            seed.seed(50)
            db.session.commit()
            certificate = db.session.scalars(db.select(Certificate).limit(1)).one()
            documents.signed_pdf(certificate)  # the first one loads keys and fonts
            data = documents.pdf_data(certificate)
            body = render_pdf(data)
            signer, name = documents.pdf_signer(), app.config["SETTINGS"].organisation
            results["certificate PDF (signed)"] = latency(lambda: documents.signed_pdf(certificate), args.repeat)  # fmt: skip
            results["certificate PDF: drawing"] = latency(lambda: render_pdf(data), args.repeat)
            results["certificate PDF: signature"] = latency(lambda: signing.sign_pdf(body, signer, name, "x"), args.repeat)  # fmt: skip
            db.session.remove()
            db.engine.dispose()


# What a gunicorn worker runs (`app:app`): app.py, which builds the app, then the first
# look at the catalog (a request's).
STARTUP = """
import time, sys
started = time.perf_counter()
sys.path.insert(0, {root!r})
from app import app
with app.app_context():
    from academy.learning.queries import catalog
    courses = catalog().all()
print(time.perf_counter() - started, time.process_time(), sum(len(c.modules) for c in courses))
"""


def startup(args, results: dict) -> None:
    """The first start parses every course and writes the course cache into the instance
    folder; later starts (every worker, every restart) read it."""
    from academy.content import synthetic

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        app_for(url, Path(tmp))
        big = Path(tmp) / "big"
        synthetic.write(big, modules=200, questions=2000)
        for label, courses in (("bundled courses", str(ROOT / "courses")), ("200-module course", str(big))):  # fmt: skip
            env = environment(Path(tmp), url, COURSES_DIR=courses)
            shutil.rmtree(Path(tmp) / "course-cache", ignore_errors=True)
            runs = [started(env) for _ in range(4)]
            modules = runs[0][2]
            # CPU time too: on a shared machine the wall clock mostly measures the others.
            first, cached = runs[0], min(runs[1:])
            results[f"start-up, {label} ({modules} modules), first"] = {"seconds": first[0], "cpu_seconds": first[1]}  # fmt: skip
            results[f"start-up, {label} ({modules} modules), cached"] = {"seconds": cached[0], "cpu_seconds": cached[1]}  # fmt: skip


def started(env: dict[str, str]) -> tuple[float, float, str]:
    output = subprocess.run([sys.executable, "-c", STARTUP.format(root=str(ROOT))], env=env, capture_output=True, text=True, check=True).stdout  # fmt: skip
    seconds, cpu, modules = output.split()
    return round(float(seconds), 2), round(float(cpu), 2), modules


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
    if "pdf" in sections:
        pdf(args, results)
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
