"""What changed between two states of a course: per file as a line diff, and which
modules changed (to pre-fill the retraining question). Pure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..content import Course
from .archive import Files, is_text

CONTEXT_LINES = 3


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "same" or "gap" (lines left out before line `text`)
    text: str


@dataclass(frozen=True)
class FileDiff:
    name: str
    status: str  # "added", "removed" or "changed"
    lines: tuple[DiffLine, ...]  # empty for images and other binary files

    @property
    def added(self) -> int:
        return sum(line.kind == "added" for line in self.lines)

    @property
    def removed(self) -> int:
        return sum(line.kind == "removed" for line in self.lines)


def diff(old: Files, new: Files) -> list[FileDiff]:
    """The files that differ, in name order."""
    changes = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        lines = _lines(before or b"", after or b"") if is_text(name) else ()
        changes.append(FileDiff(name, status, lines))
    return changes


def _lines(before: bytes, after: bytes) -> tuple[DiffLine, ...]:
    old = before.decode("utf-8", "replace").splitlines()
    new = after.decode("utf-8", "replace").splitlines()
    result = []
    for line in difflib.unified_diff(old, new, n=CONTEXT_LINES, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):  # "@@ -12,7 +13,8 @@": the hunk starts at line 13 now
            result.append(DiffLine("gap", line.split("+")[1].split(",")[0].split(" ")[0]))
        elif line.startswith("+"):
            result.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            result.append(DiffLine("removed", line[1:]))
        else:
            result.append(DiffLine("same", line[1:]))
    return tuple(result)


def changed_modules(old: Course | None, new: Course) -> list[str]:
    """Modules (of the new state) whose text or exam questions changed, in course order."""
    if old is None:
        return [m.slug for m in new.modules]
    old_texts = {m.slug: m.version for m in old.modules}
    old_pool, new_pool = _pool_by_module(old), _pool_by_module(new)
    return [
        m.slug
        for m in new.modules
        if old_texts.get(m.slug) != m.version or old_pool.get(m.slug) != new_pool.get(m.slug)
    ]


def _pool_by_module(course: Course) -> dict[str | None, set]:
    pool: dict[str | None, set] = {}
    for q in course.questions:
        options = tuple((o.text, o.correct) for o in q.options)
        pool.setdefault(q.module_slug, set()).add(
            (q.id, q.prompt_html, q.body_html, options, q.explanation_html)
        )
    return pool
