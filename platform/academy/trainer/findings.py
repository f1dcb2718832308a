"""The checker's findings in the reader's language.

`content` stays pure and speaks English (the command line, the log); each of its
problems names its kind (`code`) and the values in its message (`params`). This table
gives every kind a German source string for gettext. A problem whose code is not here
(a check added later) is shown as it is, in English, so no finding is ever hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from ..content import Problem

MESSAGES = {
    # the course folder and its files
    "no_courses_folder": _l("Der Ordner mit den Kursen wurde nicht gefunden."),
    "folder_name": _l(
        "Der Ordnername „%(slug)s“ darf nur Kleinbuchstaben a–z, Ziffern und „-“ enthalten."
    ),
    "not_utf8": _l(
        "Die Datei ist nicht in UTF-8 gespeichert (Byte %(byte)s an Position %(offset)s). Speichern Sie sie als UTF-8."
    ),
    "no_course_md": _l(
        "Datei nicht gefunden: Jeder Kurs braucht eine course.md mit seinen Einstellungen."
    ),
    "no_exam_md": _l(
        "Datei nicht gefunden: Der Kurs braucht eine exam.md mit den Fragen der Abschlussprüfung."
    ),
    "file_ignored": _l("Die Datei wird nicht verwendet: Moduldateien heißen wie „01-name.md“."),
    "module_number_twice": _l("Die Modulnummer %(number)s ist doppelt vergeben (auch %(other)s)."),
    "reserved_name": _l(
        "Der Modulname „%(name)s“ ist für die Plattform reserviert; bitte wählen Sie einen anderen."
    ),
    "no_modules": _l("Der Kurs hat keine Module (Dateien wie „01-name.md“)."),
    "pool_too_small": _l("exam_questions ist %(drawn)s, aber exam.md enthält nur %(pool)s Fragen."),
    # front matter
    "no_front_matter": _l("Der Kopfbereich fehlt: Beginnen Sie die Datei mit einer Zeile „---“."),
    "front_matter_open": _l(
        "Der Kopfbereich ist nicht abgeschlossen: Setzen Sie danach eine Zeile „---“."
    ),
    "front_matter_not_mapping": _l(
        "Der Kopfbereich muss aus Zeilen der Form „schlüssel: wert“ bestehen."
    ),
    "invalid_yaml": _l("Der Kopfbereich ist kein gültiges YAML: %(reason)s"),
    "missing_key": _l("Im Kopfbereich fehlt die Angabe „%(key)s“."),
    "duplicate_key": _l("Die Angabe „%(key)s“ steht zweimal im Kopfbereich."),
    "unknown_key": _l("Unbekannte Angabe „%(key)s“ im Kopfbereich."),
    "unknown_key_hint": _l("Unbekannte Angabe „%(key)s“ im Kopfbereich (meinten Sie „%(hint)s“?)."),
    "not_text": _l("„%(key)s“ muss ein Text sein und darf nicht leer sein."),
    "not_choice": _l("„%(key)s“ muss einer dieser Werte sein: %(choices)s."),
    "not_bool": _l("„%(key)s“ muss true oder false sein, nicht %(value)s."),
    "not_texts": _l(
        "„%(key)s“ muss eine Liste mit mindestens einem Text sein (Zeilen, die mit „- “ beginnen)."
    ),
    "not_int": _l("„%(key)s“ muss eine ganze Zahl sein, nicht %(value)s."),
    "not_between": _l("„%(key)s“ muss zwischen %(low)s und %(high)s liegen."),
    "too_small": _l("„%(key)s“ muss mindestens %(low)s sein."),
    "too_large": _l("„%(key)s“ darf höchstens %(high)s sein."),
    # questions
    "heading_level": _l("Überschrift der Ebene %(level)s zwischen Fragen der Ebene %(expected)s."),
    "text_before_question": _l(
        "Text vor der ersten Frage: Beginnen Sie jede Frage mit einer Überschrift."
    ),
    "content_after_explanation": _l(
        "Unerwarteter Inhalt nach der Erklärung: Beginnen Sie eine neue Frage mit einer Überschrift."
    ),
    "content_after_options": _l(
        "Unerwarteter Inhalt nach den Antworten: Die Erklärung muss ein Zitatblock sein („> …“)."
    ),
    "invalid_question_id": _l(
        "Die Fragen-ID „%(id)s“ darf nur Buchstaben, Ziffern, „-“ und „_“ enthalten."
    ),
    "duplicate_id": _l("Die Fragen-ID „%(id)s“ ist doppelt (zuerst in %(first)s)."),
    "unknown_module": _l("Unbekanntes Modul „%(module)s“."),
    "option_no_box": _l("Antwort ohne „[ ]“ oder „[x]“."),
    "option_no_text": _l("Antwort ohne Text."),
    "duplicate_option": _l("Die Antwort „%(text)s“ steht zweimal da."),
    "no_options": _l(
        "Die Frage hat keine Antworten (fügen Sie eine Liste an: „- [ ] …“ und „- [x] …“)."
    ),
    "no_correct_option": _l(
        "Die Frage hat keine richtige Antwort (markieren Sie sie mit „- [x]“)."
    ),
    "one_option": _l("Die Frage hat nur eine Antwort."),
    "all_correct": _l(
        "Alle Antworten sind richtig; eine Frage „alle zutreffenden wählen“ braucht mindestens eine falsche Antwort."
    ),
    "no_explanation": _l(
        "Die Frage hat keine Erklärung (ein Zitatblock „> …“ nach den Antworten)."
    ),
    "self_check_end": _l("„<!-- /self-check -->“ ohne ein „<!-- self-check -->“ davor."),
    # links and images
    "link_scheme": _l("Link mit einem nicht erlaubten Schema: %(href)s"),
    "link_not_found": _l("Linkziel nicht gefunden: %(href)s"),
    "link_leaves_course": _l("Der Link führt aus dem Kursordner hinaus: %(path)s"),
    "image_other_host": _l(
        "Bild von einem anderen Server: %(src)s (legen Sie es in den Kursordner)."
    ),
    "image_scheme": _l("Bild mit einem nicht erlaubten Schema: %(src)s"),
    "image_not_found": _l("Bild nicht gefunden: %(src)s"),
    "image_leaves_course": _l("Das Bild liegt außerhalb des Kursordners: %(path)s"),
    "image_no_description": _l("Bild ohne Beschreibung (Alternativtext): %(src)s"),
    "not_servable": _l(
        "„%(file)s“ kann nicht gezeigt werden: Verlinken lassen sich nur Bilder (PNG, JPEG, GIF, WebP, SVG) und PDFs, deren Inhalt zum Dateinamen passt."
    ),
    "no_files_in_additions": _l(
        "Ergänzungen des Unternehmens können keine Bilder oder Dateien zeigen: %(target)s"
    ),
    # the exam pool
    "invalid_question_group": _l(
        "Die Gruppe „%(id)s“ darf nur Buchstaben, Ziffern, „-“ und „_“ enthalten."
    ),
    "invalid_objectives": _l(
        "„objectives: %(value)s“: Geben Sie die Nummern der Lernziele an, ab 1, durch Kommas getrennt."
    ),
    "lonely_group": _l(
        "Die Gruppe „%(group)s“ hat nur diese eine Frage; eine Gruppe verbindet fast gleiche Fragen (Schreibweise prüfen oder die Gruppe entfernen)."
    ),
    "draw_repeats_group": _l(
        "Jede Ziehung von %(drawn)s Fragen wiederholt eine Gruppe: Der Pool hat nur %(independent)s unabhängige Fragen. Ergänzen Sie Fragen oder ziehen Sie weniger."
    ),
    "length_signal": _l(
        "Die richtige Antwort ist in %(longest)s von %(questions)s Fragen die längste: Wer einfach die längste Antwort wählt, besteht ohne zu lesen. Gleichen Sie die Längen an, z. B. %(examples)s."
    ),
    "no_such_objective": _l(
        "Lernziel %(number)s gibt es nicht: Das Modul „%(module)s“ hat %(count)s Lernziele."
    ),
    "objective_untested": _l("Keine Prüfungsfrage prüft die Lernziele %(numbers)s dieses Moduls."),
    "minutes_too_low": _l(
        "„minutes: %(given)s“ ist weniger als die aus dem Text berechnete Lesezeit (%(computed)s Minuten: %(words)s Wörter und %(checks)s Selbstcheck-Fragen). Entfernen Sie den Eintrag, dann gilt die berechnete Zeit."
    ),
    "show_correct_answers": _l(
        "„show_correct_answers“ ist ersetzt durch „reveal_answers: always | after_pass | never“."
    ),
    # company additions
    "no_additions_folder": _l("Der Ordner mit den Ergänzungen wurde nicht gefunden."),
    "additions_without_course": _l(
        "Die Ergänzungen „%(name)s“ werden nicht verwendet: Es gibt keinen Kurs mit diesem Namen."
    ),
    "additions_course_md": _l(
        "Datei nicht verwendet: Kurseinstellungen gehören in den Kurs, nicht in seine Ergänzungen."
    ),
    "addition_taken": _l(
        "Der Kurs hat schon ein Modul mit dieser Nummer oder diesem Namen (%(taken)s); nummerieren Sie Ergänzungen nach den Modulen des Kurses."
    ),
}


@dataclass(frozen=True)
class Finding:
    file: str  # relative to the course folder
    line: int
    severity: str  # "error" or "warning"
    message: str  # in the reader's language where the kind is known
    code: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def message(problem: Problem) -> str:
    text = MESSAGES.get(problem.code)
    if text is None:
        return problem.message
    try:
        return str(text) % dict(problem.params)
    except (KeyError, TypeError, ValueError):  # the check's values changed: say it as it is
        return problem.message


def findings(problems, folder: Path) -> list[Finding]:
    """The problems of one course, errors first, then by file and line."""
    found = [
        Finding(_relative(p.path, folder), p.line, p.severity, message(p), p.code) for p in problems
    ]
    return sorted(found, key=lambda f: (f.severity != "error", f.file, f.line))


def _relative(path: Path, folder: Path) -> str:
    if path.is_relative_to(folder) and path != folder:
        return path.relative_to(folder).as_posix()
    return path.name
