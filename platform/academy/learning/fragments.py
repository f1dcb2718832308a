"""Parts of a module page that are the same for every reader in one language.

They are rendered on first use and kept, keyed by the module (its file's hash is part of
it, so a changed course file is never served stale) and the language, so a lesson
request only renders the frame around them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..content import Module, Option, Question


@dataclass(frozen=True)
class ModuleFragments:
    body: Markup  # lesson text with its self-checks
    toc: Markup  # the list of headings


def module_fragments(module: Module) -> ModuleFragments:
    # The language is part of the key: the self-check buttons are in the reader's language.
    return _rendered(module, str(get_locale() or "de"))


@lru_cache(maxsize=1000)  # modules x languages x versions; the least used go first
def _rendered(module: Module, _language: str) -> ModuleFragments:
    body = render_template("learning/module_body.html", module=module)
    return ModuleFragments(
        body=Markup(_scrollable_tables(body)),
        toc=Markup(render_template("learning/toc.html", module=module)),
    )


def _scrollable_tables(html: str) -> str:
    """Wrap each table in a region that keyboard users can focus and scroll sideways
    (a wide table on a phone would otherwise be cut off for them)."""
    label = escape(_("Tabelle"))
    opening = f'<div class="table-scroll" tabindex="0" role="group" aria-label="{label}"><table>'
    return html.replace("<table>", opening).replace("</table>", "</table></div>")


def shuffled_options(question: Question) -> list[Option]:
    """A self-check's options in an order that does not follow the author's (authors tend
    to put the right answer in the same place), yet is the same for every reader, so the
    rendered module can be kept."""
    return sorted(
        question.options,
        key=lambda o: hashlib.sha256(f"{question.id}/{o.id}".encode()).digest(),
    )
