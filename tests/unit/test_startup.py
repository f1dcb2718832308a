"""What a worker's start leaves behind (app.py, the entry point of gunicorn and flask):
the objects made while starting are set aside from the cycle collector, which runs
again for what requests make."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.fixtures.settings import ROOT, make_environ

WORKER = """
import gc, json
from app import app
with app.app_context():
    from academy.learning.queries import catalog
    courses = catalog().all()
print(json.dumps({
    "collecting": gc.isenabled(),
    "frozen": gc.get_freeze_count(),
    "courses": len(courses),
}))
"""


def test_the_entry_point_freezes_what_the_start_made_and_collects_again(tmp_path):
    environ = make_environ(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "instance")
    probe = subprocess.run(
        [sys.executable, "-c", WORKER],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert found["collecting"] is True
    # The app, its modules and the courses: far more than the interpreter's own objects.
    assert found["frozen"] > 50_000
    assert found["courses"] > 0
