"""Benchmark: lesson page throughput against the cost model in DESIGN.md.

Starts the platform under gunicorn (2 workers, SQLite in a temporary folder, a signed-in
learner) and a trivial WSGI app that returns the same bytes, loads both with wrk (or a
Python client when wrk is missing) and prints requests per second, the ratio between
them, page weight and worker memory. Figures, not pass/fail: the machine is shared and
noisy, so compare the ratio measured in one run.

    make bench            # or: .venv/bin/python bench/run.py --seconds 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
LESSON = "/courses/ki-am-arbeitsplatz/datenschutz-grundlagen"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def gunicorn(app: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
        app,
    ]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    wait_for(port)
    return process


def prepare(env: dict[str, str]) -> None:
    flask = [str(VENV_BIN / "flask"), "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*flask, "users", "create", "bench@firma.example", "--name", "Bench"],
        env=env,
        input="bench-password-1\n",
        text=True,
        check=True,
        capture_output=True,
    )


def sign_in(port: int) -> str:
    """Return the session cookie of a signed-in learner."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    body = urlencode(
        {"csrf_token": token, "email": "bench@firma.example", "password": "bench-password-1"}
    )
    connection.request(
        "POST",
        "/login",
        body,
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie").split(";")[0]


def fetch(port: int, path: str, cookie: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, (path, response.status)
    return body


def load(port: int, path: str, cookie: str, seconds: int, connections: int) -> float:
    if shutil.which("wrk"):
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "-H",
                f"Cookie: {cookie}",
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return python_load(port, path, cookie, seconds, connections)


def python_load(port: int, path: str, cookie: str, seconds: int, connections: int) -> float:
    """Fallback without wrk: keep-alive connections in threads (the client costs CPU too)."""
    counts = [0] * connections
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.monotonic() < stop:
            connection.request("GET", path, headers={"Cookie": cookie})
            connection.getresponse().read()
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def worker_memory_kib(master: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    pids = children.read_text().split() if children.exists() else []
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)))
    return sizes


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port, baseline_port = free_port(), free_port()
        env = {
            **os.environ,
            "APP_ENV": "production",
            "SECRET_KEY": "b" * 48,
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "INSTANCE_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "RATELIMIT_ENABLED": "false",
        }
        prepare(env)
        platform = gunicorn("app:app", port, env, workers=2)
        try:
            cookie = sign_in(port)
            body = fetch(port, LESSON, cookie)
            body_file = Path(tmp) / "lesson.html"
            body_file.write_bytes(body)
            baseline = gunicorn(
                "bench.trivial:app", baseline_port, {**env, "BENCH_BODY": str(body_file)}, workers=2
            )
            try:
                load(port, LESSON, cookie, 2, args.connections)  # warm-up
                trivial = load(baseline_port, "/", cookie, args.seconds, args.connections)
                lesson = load(port, LESSON, cookie, args.seconds, args.connections)
                memory = worker_memory_kib(platform)
            finally:
                stop(baseline)
        finally:
            stop(platform)
    report(lesson, trivial, len(body), memory, args)


def report(lesson: float, trivial: float, size: int, memory: list[int], args) -> None:
    results = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "client": "wrk" if shutil.which("wrk") else "python",
        "seconds": args.seconds,
        "connections": args.connections,
        "lesson_page_bytes": size,
        "lesson_requests_per_second": round(lesson),
        "trivial_same_bytes_requests_per_second": round(trivial),
        "ratio_lesson_to_trivial": round(lesson / trivial, 3),
        "worker_rss_kib": memory,
    }
    print(json.dumps(results, indent=2))
    print(
        f"\nlesson page: {lesson:,.0f} req/s, trivial app with the same {size:,} bytes: {trivial:,.0f} req/s, "
        f"ratio {lesson / trivial:.2f} (DESIGN.md: 2 queries ~ 0.21 of the trivial app; aim above 0.1)"
    )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"lesson-{results['when'].replace(':', '')}.json").write_text(
        json.dumps(results, indent=2)
    )


if __name__ == "__main__":
    main()
