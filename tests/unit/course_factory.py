"""Writes small course folders for loader tests: a valid one, then break one thing."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

COURSE_MD = """\
---
title: Testkurs
summary: Ein kleiner Kurs für Tests.
language: de
certificate_title: Testzertifikat
pass_mark: 80
exam_questions: 2
validity_months: 12
---

Einführung mit [Modul 2](02-zweites.md).
"""

MODULE_1 = """\
---
title: Erstes Modul
minutes: 5
objectives:
  - etwas erklären
---

Einleitung.

## Abschnitt eins

Text mit Bild: ![Ein Diagramm](images/bild.png)

## Selbstcheck

<!-- self-check -->

### Was stimmt?

- [x] Richtig
- [ ] Falsch

> Weil es so ist.

<!-- /self-check -->
"""

MODULE_2 = """\
---
title: Zweites Modul
minutes: 7
objectives:
  - anwenden
  - prüfen
---

Inhalt.
"""

EXAM_MD = """\
# Prüfung

## Frage eins
<!-- id: q-eins -->
<!-- module: 01 -->

- [x] A
- [ ] B

> Erklärung eins.

## Frage zwei (Mehrfachauswahl)
<!-- module: zweites -->

Szenario.

- [x] A
- [x] B
- [ ] C

> Erklärung zwei.
"""

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f6b0000000049454e44ae426082"
)


def write_course(root: Path, name: str = "testkurs", **files: str | bytes | None) -> Path:
    """A valid course; pass file_name=content to replace a file, or None to delete it.
    Underscores in keyword names stand for '-' and '.', e.g. exam_md='…'."""
    course = root / name
    (course / "images").mkdir(parents=True, exist_ok=True)
    contents: dict[str, str | bytes | None] = {
        "course.md": COURSE_MD,
        "01-erstes.md": MODULE_1,
        "02-zweites.md": MODULE_2,
        "exam.md": EXAM_MD,
        "images/bild.png": PNG,
    }
    for key, value in files.items():
        contents[_filename(key)] = value
    for filename, content in contents.items():
        path = course / filename
        if content is None:
            path.unlink(missing_ok=True)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(
                dedent(content) if content.startswith("\n") else content, encoding="utf-8"
            )
    return course


def _filename(key: str) -> str:
    known = {
        "course_md": "course.md",
        "exam_md": "exam.md",
        "module_1": "01-erstes.md",
        "module_2": "02-zweites.md",
    }
    return known.get(key, key)


ADDED_MODULE = """\
---
title: Unsere Regeln
objectives:
  - die freigegebenen Tools kennen
---

Freigegeben ist nur das Firmen-Tool. Mehr dazu in [Modul 1](01-erstes.md).
"""

ADDED_EXAM = """\
## Welches Tool ist freigegeben?
<!-- id: q-firma-tool -->
<!-- module: unsere-regeln -->

- [x] Das Firmen-Tool
- [ ] Ein privates Konto

> Siehe die KI-Richtlinie.
"""


def write_additions(root: Path, slug: str = "testkurs", **files: str | None) -> Path:
    """A company's additions to one course: a module and a question unless replaced."""
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    contents = {"03-unsere-regeln.md": ADDED_MODULE, "exam.md": ADDED_EXAM}
    contents.update({_filename(key): value for key, value in files.items()})
    for filename, content in contents.items():
        if content is None:
            (folder / filename).unlink(missing_ok=True)
        else:
            (folder / filename).write_text(content, encoding="utf-8")
    return root
