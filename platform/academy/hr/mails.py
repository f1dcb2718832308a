"""HR's mails in the recipient's language: reminders (plain text and HTML), and the
invitations HR sends (through the accounts domain's invitation mail)."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from .. import clock
from ..accounts import mails as account_mails
from ..accounts import queries as people
from ..accounts.models import User
from ..config import LANGUAGES
from ..extensions import db
from ..learning import queries as learning
from ..mail import Mail
from ..templating import external_url
from .models import Assignment, AssignmentKind, Reminder, ReminderKind


def reminder(row: Reminder) -> Mail:
    recipient, learner = row.recipient, row.user
    language = recipient.locale if recipient.locale in LANGUAGES else "de"
    course = learning.course_including_drafts(row.course_slug)
    with force_locale(language):
        values = {
            "kind": row.kind,
            "recipient": recipient,
            "learner": learner,
            "course": course.title if course is not None else row.course_slug,
            "deadline": format_date(row.deadline, format="long"),
            "overdue": row.deadline < clock.today(),
            "retraining": _about_retraining(row),
            "link": external_url("dashboard.course", slug=row.course_slug),
            "site": current_app.config["SETTINGS"].site_name,
        }
        values["paragraphs"] = _paragraphs(row, values)
        return Mail(
            to=recipient.email,
            subject=_subject(row, values),
            text=render_template("hr/mail_reminder.txt", **values),
            html=render_template("hr/mail_reminder.html", **values),
        )


def _about_retraining(row: Reminder) -> bool:
    if row.assignment_id is None or row.kind == ReminderKind.MANAGER:
        return False
    assignment = db.session.get(Assignment, row.assignment_id)
    return assignment is not None and assignment.kind == AssignmentKind.RETRAINING


def _subject(row: Reminder, values: dict) -> str:
    if row.kind == ReminderKind.EXPIRY:
        return _(
            "Ihr Zertifikat „%(course)s“ läuft am %(date)s ab",
            course=values["course"],
            date=values["deadline"],
        )
    if row.kind == ReminderKind.MANAGER:
        return _("Überfällige Schulung in Ihrem Team: %(name)s", name=values["learner"].name)
    if values["retraining"] and not values["overdue"]:
        return _(
            "Nachschulung: „%(course)s“ bis %(date)s abschließen",
            course=values["course"],
            date=values["deadline"],
        )
    if values["overdue"]:
        return _(
            "Überfällig: „%(course)s“ (fällig am %(date)s)",
            course=values["course"],
            date=values["deadline"],
        )
    return _(
        "Erinnerung: „%(course)s“ bis %(date)s abschließen",
        course=values["course"],
        date=values["deadline"],
    )


def _paragraphs(row: Reminder, values: dict) -> list[str]:
    course, deadline = values["course"], values["deadline"]
    if row.kind == ReminderKind.EXPIRY:
        return [
            _(
                "Ihr Zertifikat für den Kurs „%(course)s“ ist bis zum %(date)s gültig.",
                course=course,
                date=deadline,
            ),
            _(
                "Legen Sie die Prüfung vorher erneut ab, damit Ihr Nachweis ohne Lücke gilt. Frischen Sie dafür bei Bedarf die Module auf."
            ),
        ]
    if row.kind == ReminderKind.MANAGER:
        return [
            _(
                "%(name)s hat die Pflichtschulung „%(course)s“ noch nicht abgeschlossen; sie war am %(date)s fällig.",
                name=values["learner"].name,
                course=course,
                date=deadline,
            ),
            _(
                "Sie erhalten diese Nachricht als Führungskraft. Bitte geben Sie Ihrer Mitarbeiterin oder Ihrem Mitarbeiter Zeit für die Schulung."
            ),
        ]
    if values["retraining"]:
        return [
            _(
                "Der Kurs „%(course)s“ wurde inhaltlich geändert. Bitte lesen Sie die geänderten Module erneut und bestehen Sie den Wiederholungstest bis zum %(date)s.",
                course=course,
                date=deadline,
            ),
            _("Ihr Zertifikat bleibt gültig. Die Nachschulung finden Sie auf Ihrer Startseite."),
        ]
    if values["overdue"]:
        return [
            _(
                "Ihre Pflichtschulung „%(course)s“ war am %(date)s fällig und ist noch nicht abgeschlossen.",
                course=course,
                date=deadline,
            ),
            _(
                "Bitte holen Sie sie so bald wie möglich nach. Ihr Fortschritt ist gespeichert; Sie machen dort weiter, wo Sie aufgehört haben."
            ),
        ]
    return [
        _(
            "Bitte schließen Sie die Schulung „%(course)s“ bis zum %(date)s ab.",
            course=course,
            date=deadline,
        ),
        _(
            "Sie können die Module in mehreren Sitzungen lesen; Ihr Fortschritt wird gespeichert. Mit bestandener Prüfung erhalten Sie Ihr Zertifikat."
        ),
    ]


def send_invitations(tokens: list[tuple[str, str]], inviter: User | None) -> list[str]:
    """Queue a mail for each (address, token) in the invitee's language (German when
    unknown), in the caller's transaction: they leave after the commit (see outbox.py).
    Returns the addresses refused at once: none (the outbox retries)."""
    for address, token in tokens:
        person = people.user_by_email(address)
        language = person.locale if person is not None and person.locale in LANGUAGES else "de"
        with force_locale(language):
            account_mails.send_invitation(address, token, inviter)
    return []
