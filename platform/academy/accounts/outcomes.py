"""Why an account request is refused, and what the person is told."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from flask_babel import lazy_gettext as _l

from ..outcomes import Refused


class AccountRefusal(StrEnum):
    EXISTS = "exists"
    INVALID_TOKEN = "invalid_token"
    REGISTRATION_CLOSED = "registration_closed"
    DOMAIN_NOT_ALLOWED = "domain_not_allowed"
    WRONG_PASSWORD = "wrong_password"
    OWN_ADMIN_ROLE = "own_admin_role"
    OWN_ACCOUNT = "own_account"
    ROLES_NOT_ALLOWED = "roles_not_allowed"
    EMPLOYEE_NUMBER_TAKEN = "employee_number_taken"
    MANAGER_CYCLE = "manager_cycle"
    DEPARTMENT_EXISTS = "department_exists"
    SAME_DEPARTMENT = "same_department"
    INVITATION_ACCEPTED = "invitation_accepted"
    INVITATION_NOT_PENDING = "invitation_not_pending"
    ADDRESS_NOT_USABLE = "address_not_usable"
    UNCONFIRMED = "unconfirmed"
    CONFIRMATION_PASSWORD = "confirmation_password"


class AccountRefused(Refused):
    messages: ClassVar[dict] = {
        AccountRefusal.EXISTS: _l(
            "Für %(email)s gibt es schon ein Konto. Melden Sie sich an oder setzen Sie Ihr Passwort zurück."
        ),
        AccountRefusal.INVALID_TOKEN: _l(
            "Der Link wurde schon benutzt oder ist abgelaufen. Fordern Sie bei Bedarf einen neuen an."
        ),
        AccountRefusal.REGISTRATION_CLOSED: _l(
            "Konten werden auf dieser Plattform nur per Einladung angelegt. Bitte wenden Sie sich an Ihre Personalabteilung."
        ),
        AccountRefusal.DOMAIN_NOT_ALLOWED: _l(
            "Registrieren können sich nur Adressen von: %(domains)s"
        ),
        AccountRefusal.WRONG_PASSWORD: _l("Das aktuelle Passwort stimmt nicht."),
        AccountRefusal.OWN_ADMIN_ROLE: _l(
            "Sie können sich die Admin-Rolle nicht selbst entziehen."
        ),
        AccountRefusal.OWN_ACCOUNT: _l("Sie können Ihr eigenes Konto nicht sperren."),
        AccountRefusal.ROLES_NOT_ALLOWED: _l("Sie dürfen nur Lernende einladen."),
        AccountRefusal.EMPLOYEE_NUMBER_TAKEN: _l(
            "Die Personalnummer %(number)s gehört schon %(email)s."
        ),
        AccountRefusal.MANAGER_CYCLE: _l(
            "Eine Person kann nicht ihre eigene Führungskraft sein, auch nicht über andere."
        ),
        AccountRefusal.DEPARTMENT_EXISTS: _l(
            "Die Abteilung „%(name)s“ gibt es schon. Um zwei Abteilungen zusammenzulegen, führen Sie sie zusammen."
        ),
        AccountRefusal.SAME_DEPARTMENT: _l(
            "Eine Abteilung kann nicht mit sich selbst zusammengeführt werden."
        ),
        AccountRefusal.INVITATION_ACCEPTED: _l("Diese Einladung wurde schon angenommen."),
        AccountRefusal.INVITATION_NOT_PENDING: _l(
            "Diese Einladung ist nicht mehr offen (angenommen, abgelaufen oder zurückgezogen)."
        ),
        AccountRefusal.ADDRESS_NOT_USABLE: _l(
            "Mit %(email)s kann sich hier niemand anmelden: Adressen der Demo-Domain sind im Betrieb gesperrt."
        ),
        AccountRefusal.UNCONFIRMED: _l(
            "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse mit dem Link, den wir Ihnen geschickt haben."
        ),
        AccountRefusal.CONFIRMATION_PASSWORD: _l(
            "Das Passwort stimmt nicht. Wenn Sie es nicht mehr wissen, setzen Sie es über „Passwort vergessen?“ neu."
        ),
    }
