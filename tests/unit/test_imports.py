"""The pure parts import without the web stack: a fresh interpreter loads them and
nothing but the standard library and the package itself."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.fixtures.settings import ROOT

PURE = [
    "academy.content",
    "academy.exams.grading",
    "academy.exams.rules",
    "academy.emails",  # email_validator is imported on first use (a worker's start skips it)
    "academy.names",
    "academy.accounts.passwords",  # zxcvbn is imported on first use
    "academy.trainer.archive",
    "academy.trainer.statistics",
    "academy.sso.claims",
    "academy.hr.xlsx",
]
PROBE = """
import json, sys
before = set(sys.modules)
import {module}
loaded = sorted(set(sys.modules) - before)
print(json.dumps([m for m in loaded if m.split(".")[0] not in sys.stdlib_module_names]))
"""


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_only_the_standard_library(module):
    probe = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        cwd=ROOT / "platform",
        capture_output=True,
        text=True,
        check=True,
    )
    third_party = [m for m in json.loads(probe.stdout) if not m.startswith("academy")]
    assert third_party == []


def test_the_content_loader_is_imported_when_first_used():
    """Importing academy.content gives the data classes at once, the loader on demand."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, academy.content as c; a = 'markdown_it' in sys.modules; "
            "c.load_course; print(a, 'markdown_it' in sys.modules)",
        ],
        cwd=ROOT / "platform",
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.split() == ["False", "True"]
