"""German is the source language; the English catalog must cover every UI string."""

from __future__ import annotations

import re
import subprocess
import sys

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.fixtures.settings import ROOT

TRANSLATIONS = ROOT / "platform" / "academy" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def test_every_message_is_translated_with_the_same_placeholders():
    for message in catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert "fuzzy" not in message.flags, ids[0]
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, ids[0]


def test_catalog_covers_every_string_in_the_code(tmp_path):
    """Fails when a UI string was added or changed without `make translations`."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            str(ROOT / "platform" / "academy"),
        ],
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog() if m.id}
    assert sorted(wanted - have) == []


def test_compiled_catalog_is_up_to_date():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    for message in catalog():
        if message.id:
            assert compiled.get(_key(message.id)) == _key(message.string), message.id


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_english_pages(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page and "Sign in" in page and "Anmelden" not in page
    german = client.get("/login", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert '<html lang="de">' in german and "Anmelden" in german
