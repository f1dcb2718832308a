"""Why the workbench refuses something, and what the trainer is told."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from flask_babel import lazy_gettext as _l

from ..outcomes import Refused
from .archive import ArchiveRefusal


class TrainerRefusal(StrEnum):
    EDITING_OFF = "editing_off"
    HAS_ERRORS = "has_errors"
    STALE = "stale"
    UNCHANGED = "unchanged"
    NO_COPY = "no_copy"
    NO_MODULES = "no_modules"
    PUBLISHED_MEANWHILE = "published_meanwhile"
    COURSE_EXISTS = "course_exists"
    BAD_SLUG = "bad_slug"
    FILE_EXISTS = "file_exists"
    NOT_EDITABLE = "not_editable"
    NO_SUCH_FILE = "no_such_file"
    KEEP_COURSE_MD = "keep_course_md"
    NOTHING_TO_RECHECK = "nothing_to_recheck"
    NO_FOLDER = "no_folder"
    UNKNOWN_MODULE = "unknown_module"
    NO_NOTE = "no_note"
    FOLDER_UNCHANGED = "folder_unchanged"


class TrainerRefused(Refused):
    messages: ClassVar[dict] = {
        TrainerRefusal.EDITING_OFF: _l(
            "Die Bearbeitung im Browser ist abgeschaltet: Kurse werden hier im Git-Repository gepflegt. Prüfung und Vorschau stehen weiter zur Verfügung."
        ),
        TrainerRefusal.HAS_ERRORS: _l(
            "Der Kurs hat noch %(count)d Fehler und kann so nicht veröffentlicht werden. Die Fehler stehen unten mit Datei und Zeile."
        ),
        TrainerRefusal.STALE: _l(
            "Die Arbeitskopie wurde inzwischen geändert (in einem anderen Fenster oder von einer anderen Person). Es wurde nichts gespeichert; bitte prüfen Sie den aktuellen Stand."
        ),
        TrainerRefusal.UNCHANGED: _l(
            "Die Arbeitskopie stimmt mit der veröffentlichten Version überein: Es gibt nichts zu veröffentlichen."
        ),
        TrainerRefusal.NO_COPY: _l("Zu diesem Kurs gibt es keine Arbeitskopie."),
        TrainerRefusal.NO_MODULES: _l(
            "Bei einer inhaltlichen Änderung wählen Sie bitte die geänderten Module aus: Wer zertifiziert ist, liest sie erneut."
        ),
        TrainerRefusal.PUBLISHED_MEANWHILE: _l(
            "Soeben wurde eine andere Version dieses Kurses veröffentlicht. Es wurde nichts veröffentlicht; bitte prüfen Sie die Änderungen erneut."
        ),
        TrainerRefusal.COURSE_EXISTS: _l(
            "Einen Kurs mit der Adresse „%(slug)s“ gibt es schon. Laden Sie die neue Fassung auf der Seite dieses Kurses hoch."
        ),
        TrainerRefusal.BAD_SLUG: _l(
            "Die Adresse darf nur Kleinbuchstaben, Ziffern und Bindestriche enthalten, z. B. datenschutz-kompakt."
        ),
        TrainerRefusal.FILE_EXISTS: _l("Die Datei „%(name)s“ gibt es schon."),
        TrainerRefusal.NOT_EDITABLE: _l(
            "„%(name)s“ ist keine Textdatei; nur Markdown- und Textdateien lassen sich hier bearbeiten."
        ),
        TrainerRefusal.NO_SUCH_FILE: _l("Die Datei „%(name)s“ gibt es in der Arbeitskopie nicht."),
        TrainerRefusal.KEEP_COURSE_MD: _l(
            "course.md enthält die Einstellungen des Kurses und kann nicht gelöscht werden."
        ),
        TrainerRefusal.NOTHING_TO_RECHECK: _l(
            "Für diese Nachschulung gibt es keinen offenen Wiederholungstest."
        ),
        TrainerRefusal.NO_FOLDER: _l(
            "Einen Kursordner „%(slug)s“ gibt es nicht (im Kursverzeichnis, COURSES_DIR)."
        ),
        TrainerRefusal.UNKNOWN_MODULE: _l(
            "Ein Modul „%(name)s“ hat dieser Kurs nicht. Seine Module: %(known)s."
        ),
        TrainerRefusal.FOLDER_UNCHANGED: _l(
            "Der Kursordner stimmt mit der zuletzt veröffentlichten Version überein: Es gibt nichts zu veröffentlichen."
        ),
        TrainerRefusal.NO_NOTE: _l(
            "Bitte beschreiben Sie die Änderung in einer kurzen Notiz: Sie steht in der Versionsgeschichte."
        ),
        ArchiveRefusal.NOT_A_ZIP: _l(
            "Die Datei ist kein lesbares ZIP-Archiv. Packen Sie den Kursordner als .zip, z. B. mit „Senden an › ZIP-komprimierter Ordner“."
        ),
        ArchiveRefusal.TOO_LARGE: _l("Die ZIP-Datei ist größer als %(limit)d MB."),
        ArchiveRefusal.TOO_MANY_FILES: _l(
            "Das Archiv enthält %(count)d Dateien; erlaubt sind höchstens %(limit)d."
        ),
        ArchiveRefusal.ABSOLUTE_PATH: _l(
            "„%(name)s“ ist ein absoluter Pfad. Ein Kurs darf nur Dateien in seinem eigenen Ordner enthalten."
        ),
        ArchiveRefusal.PATH_ESCAPES: _l(
            "„%(name)s“ führt mit „../“ aus dem Kursordner hinaus. Ein Kurs darf nur Dateien in seinem eigenen Ordner enthalten."
        ),
        ArchiveRefusal.BAD_NAME: _l("Der Dateiname „%(name)s“ enthält nicht erlaubte Zeichen."),
        ArchiveRefusal.SYMLINK: _l(
            "„%(name)s“ ist ein symbolischer Link. Links auf andere Dateien sind nicht erlaubt: Legen Sie die Datei selbst in den Kursordner."
        ),
        ArchiveRefusal.ENCRYPTED: _l(
            "„%(name)s“ ist verschlüsselt. Bitte packen Sie das Archiv ohne Passwort."
        ),
        ArchiveRefusal.FILE_TOO_LARGE: _l(
            "„%(name)s“ ist größer als %(limit)d MB. Verkleinern Sie die Datei (Bilder z. B. auf Bildschirmbreite)."
        ),
        ArchiveRefusal.TOTAL_TOO_LARGE: _l("Entpackt wäre der Kurs größer als %(limit)d MB."),
        ArchiveRefusal.ZIP_BOMB: _l(
            "„%(name)s“ würde sich beim Entpacken auf ein Vielfaches seiner Größe aufblähen (ZIP-Bombe). Das Archiv wurde abgelehnt."
        ),
        ArchiveRefusal.FILE_TYPE: _l(
            "„%(name)s“: Dieser Dateityp ist in Kursen nicht erlaubt (erlaubt: %(allowed)s)."
        ),
        ArchiveRefusal.DUPLICATE: _l("„%(name)s“ steht zweimal im Archiv."),
        ArchiveRefusal.NO_COURSE: _l(
            "Im Archiv fehlt die Datei course.md – entweder direkt im Archiv oder in einem einzigen Kursordner."
        ),
    }
