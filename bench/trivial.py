"""The baseline for bench/run.py: a WSGI app that returns fixed bytes, nothing else."""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_BODY"]).read_bytes()


def app(_environ, start_response):
    start_response(
        "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]
    )
    return [BODY]
