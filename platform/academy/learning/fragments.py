"""Parts of a module page that are the same for every reader in one language.

They are rendered on first use and kept, keyed by the module (its file's hash is part of
it, so a changed course file is never served stale) and the language, so a lesson
request only renders the frame around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from ..content import Module


@dataclass(frozen=True)
class ModuleFragments:
    body: Markup  # lesson text with its self-checks
    toc: Markup  # the list of headings


def module_fragments(module: Module) -> ModuleFragments:
    # The language is part of the key: the self-check buttons are in the reader's language.
    return _rendered(module, str(get_locale() or "de"))


@lru_cache(maxsize=1000)  # modules x languages x versions; the least used go first
def _rendered(module: Module, _language: str) -> ModuleFragments:
    return ModuleFragments(
        body=Markup(render_template("learning/module_body.html", module=module)),
        toc=Markup(render_template("learning/toc.html", module=module)),
    )
