"""What the HR tables hold about people (see academy/personal_data.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..personal_data import NONE, REFERENCE, Kind, Table, item

TABLES = (
    Table(
        "assignment_rules",
        _l("Regeln für Schulungsaufträge"),
        actors=("created_by_id",),
        columns={
            "id": NONE,
            "course_slug": NONE,
            "department_id": NONE,
            "due_on": NONE,
            "due_days": NONE,
            "created_by_id": REFERENCE,
            "created_at": NONE,
            "ended_at": NONE,
        },
    ),
    Table(
        "assignments",
        _l("Schulungsaufträge"),
        owner="user_id",
        actors=("assigned_by_id",),
        columns={
            "id": NONE,
            "user_id": REFERENCE,
            "course_slug": item(Kind.ASSIGNMENTS, _l("zugewiesener Kurs")),
            "kind": item(Kind.ASSIGNMENTS, _l("Art des Auftrags (Kurs oder Nachschulung)")),
            "due_on": item(Kind.ASSIGNMENTS, _l("Frist")),
            "assigned_at": item(Kind.ASSIGNMENTS, _l("wann der Kurs zugewiesen wurde")),
            "rule_id": REFERENCE,
            "assigned_by_id": REFERENCE,
            "renews_certificate_id": REFERENCE,
            "started_at": item(
                Kind.ASSIGNMENTS,
                _l(
                    "wann mit dem Auftrag begonnen wurde (erstes gelesenes Modul oder erste Prüfung)"
                ),
            ),
            "completed_at": item(Kind.ASSIGNMENTS, _l("wann der Auftrag erfüllt wurde")),
            "certificate_id": REFERENCE,
            "cancelled_at": item(Kind.ASSIGNMENTS, _l("wann der Auftrag aufgehoben wurde")),
        },
    ),
    Table(
        "reminders",
        _l("Erinnerungen"),
        owner="user_id",
        actors=("recipient_id", "requested_by_id"),
        columns={
            "id": NONE,
            "key": NONE,
            "kind": item(Kind.ASSIGNMENTS, _l("Art der Erinnerung")),
            "user_id": REFERENCE,
            "recipient_id": REFERENCE,
            "course_slug": item(Kind.ASSIGNMENTS, _l("Kurs der Erinnerung")),
            "deadline": item(Kind.ASSIGNMENTS, _l("Frist, an die erinnert wurde")),
            "assignment_id": REFERENCE,
            "certificate_id": REFERENCE,
            "requested_by_id": REFERENCE,
            "status": item(Kind.ASSIGNMENTS, _l("ob die Erinnerung versendet wurde")),
            "attempts": NONE,
            "last_error": NONE,
            "claimed_by": NONE,
            "claimed_at": NONE,
            "created_at": item(Kind.ASSIGNMENTS, _l("wann die Erinnerung anstand")),
            "sent_at": item(Kind.ASSIGNMENTS, _l("wann die Erinnerung versendet wurde")),
        },
    ),
    Table(
        "hr_scopes",
        _l("Bereiche von HR-Personen"),
        owner="user_id",
        columns={
            "user_id": REFERENCE,
            "all_departments": item(Kind.ROLES, _l("ob eine HR-Person alle Abteilungen sieht")),
        },
    ),
    Table(
        "hr_scope_departments",
        _l("Abteilungen, die eine HR-Person sieht"),
        owner="user_id",
        columns={
            "user_id": REFERENCE,
            "department_id": item(Kind.ROLES, _l("Abteilungen, die eine HR-Person sieht")),
        },
    ),
)
