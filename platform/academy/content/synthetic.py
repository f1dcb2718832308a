"""A large synthetic course in the ordinary folder format, for start-up and page
measurements (`flask --app app demo course FOLDER --modules 200 --questions 2000`).

The text is filler of realistic shape (headings, paragraphs, a list, a table, a
self-check per module; questions with four options and an explanation), so the loader,
the Markdown renderer and the checker do the work a real course of that size asks of
them. Pure: writes files, imports nothing of the app.
"""

from __future__ import annotations

from pathlib import Path

WORDS = [
    "Daten",
    "Verarbeitung",
    "Zweck",
    "Rechtsgrundlage",
    "Einwilligung",
    "Modell",
    "Training",
    "Ausgabe",
    "Prüfung",
    "Verantwortung",
    "Transparenz",
    "Risiko",
    "Kontrolle",
    "Löschung",
    "Zugriff",
    "Protokoll",
    "Sicherheit",
    "Richtlinie",
    "Beschäftigte",
    "Kundschaft",
    "Vertrag",
    "Anbieter",
    "Auftrag",
    "Meldung",
    "Frist",
]


def _sentence(seed: int, words: int = 14) -> str:
    chosen = [WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words)]
    return " ".join(chosen).capitalize() + "."


def _paragraph(seed: int, sentences: int = 5) -> str:
    return " ".join(_sentence(seed + i) for i in range(sentences))


def course_md(modules: int, questions: int, extra: str = "") -> str:
    drawn = min(20, questions)
    return (
        "---\n"
        f"title: Großer Testkurs ({modules} Module)\n"
        "summary: Ein erzeugter Kurs, um Start und Seiten bei großen Kursen zu messen.\n"
        "language: de\n"
        "certificate_title: Großer Testkurs\n"
        "pass_mark: 80\n"
        f"exam_questions: {drawn}\n"
        "validity_months: 12\n"
        f"{extra}"
        "---\n\n"
        f"{_paragraph(1)}\n"
    )


def module_md(number: int) -> str:
    seed = number * 11
    return (
        "---\n"
        f"title: Modul {number:03d}\n"
        "objectives:\n"
        f"  - {_sentence(seed, 6)[:-1]} erklären\n"
        f"  - {_sentence(seed + 1, 6)[:-1]} anwenden\n"
        "---\n\n"
        f"{_paragraph(seed)}\n\n"
        "## Worum es geht\n\n"
        f"{_paragraph(seed + 2, 8)}\n\n"
        f"- {_sentence(seed + 3, 8)}\n- {_sentence(seed + 4, 8)}\n- {_sentence(seed + 5, 8)}\n\n"
        "## Im Alltag\n\n"
        f"{_paragraph(seed + 6, 8)}\n\n"
        "| Situation | Was zu tun ist |\n| --- | --- |\n"
        f"| {_sentence(seed + 7, 4)} | {_sentence(seed + 8, 6)} |\n"
        f"| {_sentence(seed + 9, 4)} | {_sentence(seed + 10, 6)} |\n\n"
        "## Selbstcheck\n\n<!-- self-check -->\n\n"
        f"### {_sentence(seed + 11, 8)[:-1]}?\n\n"
        f"- [x] {_sentence(seed + 12, 5)}\n- [ ] {_sentence(seed + 13, 5)}\n\n"
        f"> {_sentence(seed + 14, 10)}\n\n<!-- /self-check -->\n"
    )


def exam_md(modules: int, questions: int) -> str:
    parts = ["# Prüfungsfragen: Großer Testkurs\n"]
    for index in range(questions):
        module = 1 + index % modules
        seed = index * 13
        correct = index % 4
        options = "\n".join(
            f"- [{'x' if option == correct else ' '}] Antwort {option + 1}: {_sentence(seed + option, 7)}"
            for option in range(4)
        )
        parts.append(
            f"## Frage {index + 1:04d}: {_sentence(seed, 10)[:-1]}?\n"
            f"<!-- id: q{index + 1:04d} -->\n"
            f"<!-- module: modul-{module:03d} -->\n\n"
            f"{options}\n\n> {_sentence(seed + 5, 16)}\n"
        )
    return "\n".join(parts)


def write(
    folder: Path,
    modules: int = 200,
    questions: int = 2000,
    slug: str = "grosser-kurs",
    front_matter: str = "",
) -> Path:
    """Write the course into folder/slug (replacing files of an earlier run);
    `front_matter` adds lines to course.md's settings (e.g. exam limits)."""
    if modules < 1 or questions < 1:
        raise ValueError("a course needs at least one module and one question")
    course = folder / slug
    course.mkdir(parents=True, exist_ok=True)
    (course / "course.md").write_text(course_md(modules, questions, front_matter), encoding="utf-8")
    for number in range(1, modules + 1):
        path = course / f"{number:03d}-modul-{number:03d}.md"
        path.write_text(module_md(number), encoding="utf-8")
    (course / "exam.md").write_text(exam_md(modules, questions), encoding="utf-8")
    return course
