"""JSON-LD without the network: the bundled contexts, canonicalisation, the schema.

Every context a credential of this platform uses is a file in `data/contexts/` (see
`data/SOURCES.md` for where each comes from). The document loader resolves exactly those
URLs and refuses every other one, so canonicalising or verifying never sends a request to
another host, whatever a document names.

`canonical_nquads()` runs pyld's URDNA2015, the algorithm W3C standardised as RDFC-1.0 (the
one `eddsa-rdfc-2022` names). The two produce the same output except for how literals with
control characters other than tab, line feed and carriage return are escaped; the
credentials built here contain none (see `credentials.plain`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"

CONTEXT_FILES = {
    VC_V2: "credentials-v2.json",
    OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json",
    STATUS_LIST_V1: "bitstring-status-list-v1.json",
}
SCHEMA_FILE = DATA / "schema" / "ob_v3p0_achievementcredential_schema.json"


class UnknownContext(Exception):
    """A document names a context that is not bundled; nothing is fetched."""


@cache
def _context(url: str) -> dict:
    return json.loads((DATA / "contexts" / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def load_document(url: str, _options: dict | None = None) -> dict:
    """pyld's document loader: the bundled contexts only."""
    if url not in CONTEXT_FILES:
        raise UnknownContext(f"context not bundled, not fetched: {url}")
    # "static": the files never change while the app runs, so pyld may keep what it made
    # of them between documents (it did the same work for every credential: half of
    # signing one, and of verifying one).
    return {"contextUrl": None, "documentUrl": url, "document": _context(url), "tag": "static"}


def canonical_nquads(document: dict) -> str:
    from pyld import jsonld  # loaded on first use: it is large

    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": load_document,
        },
    )


def cheap_to_canonicalise(document: dict, max_objects: int = 200) -> bool:
    """Whether an untrusted document can be canonicalised in bounded time. RDFC-1.0 tries
    every order of blank nodes that look alike, which a crafted document can make
    astronomically many ("dataset poisoning"). A tree of JSON objects, without blank node
    identifiers or graph keywords and with at most three objects in any array (credentials
    of this platform have one), keeps each such group at three nodes or fewer."""
    count = 0
    stack: list = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            if sum(isinstance(item, dict) for item in node) > 3:
                return False
            stack.extend(node)
        elif isinstance(node, dict):
            count += 1
            if count > max_objects or any(_unsafe(k, v) for k, v in node.items()):
                return False
            stack.extend(v for k, v in node.items() if k != "@context")
    return True


def _unsafe(key: str, value) -> bool:
    if key.startswith("@") and key not in ("@context", "@id", "@type", "@value", "@language"):
        return True  # @graph, @reverse, @included, @nest, …: other shapes than a tree
    return key in ("id", "@id") and isinstance(value, str) and value.startswith("_:")


@cache
def achievement_credential_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def schema_errors(credential: dict) -> list[str]:
    """What the official Open Badges 3.0 schema finds wrong, as 'path: message' lines."""
    from jsonschema import Draft201909Validator

    validator = Draft201909Validator(achievement_credential_schema())
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(credential)
    ]
