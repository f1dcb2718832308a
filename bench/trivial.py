"""The baseline for bench/run.py: a WSGI app that returns fixed bytes, nothing else.

BENCH_BODY_DIR holds one file per page; /<name> answers with the file <name>."""

import os
from pathlib import Path

BODIES = {f"/{p.name}": p.read_bytes() for p in Path(os.environ["BENCH_BODY_DIR"]).iterdir()}


def app(environ, start_response):
    body = BODIES.get(environ["PATH_INFO"], b"")
    start_response(
        "200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]
