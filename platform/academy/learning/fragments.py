"""Parts of a module page that are the same for every reader in one language.

They are rendered on first use and kept, keyed by course version, module and language,
so a lesson request only renders the frame around them (and a changed course file, which
makes a new version, is never served stale).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from ..content import Course, Module


@dataclass(frozen=True)
class ModuleFragments:
    body: Markup  # lesson text with its self-checks
    toc: Markup  # the list of headings


_cache: dict[tuple[str, str, str, str, str], ModuleFragments] = {}
MAX_ENTRIES = 1000  # modules x languages x versions; old versions are dropped first


def module_fragments(course: Course, module: Module) -> ModuleFragments:
    # The language is part of the key: the self-check buttons are in the reader's language.
    key = (course.slug, course.version, module.slug, module.version, str(get_locale() or "de"))
    fragments = _cache.get(key)
    if fragments is None:
        fragments = ModuleFragments(
            body=Markup(render_template("learning/module_body.html", module=module)),
            toc=Markup(render_template("learning/toc.html", module=module)),
        )
        if len(_cache) >= MAX_ENTRIES:
            _cache.pop(next(iter(_cache)))
        _cache[key] = fragments
    return fragments
