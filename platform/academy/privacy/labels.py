"""Words for the audit log's action codes (a code without words is shown as it is)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "account": _l("Konten"),
    "account.created": _l("Konto angelegt"),
    "account.signed_in": _l("Anmeldung"),
    "account.sign_in_failed": _l("Anmeldung fehlgeschlagen"),
    "account.signed_out": _l("Abmeldung (überall)"),
    "account.confirmation_sent": _l("Bestätigungslink verschickt"),
    "account.email_confirmed": _l("E-Mail-Adresse bestätigt"),
    "account.password_set": _l("Passwort gesetzt"),
    "account.profile_changed": _l("Angaben geändert"),
    "account.language_changed": _l("Sprache geändert"),
    "account.roles_changed": _l("Rollen geändert"),
    "account.deactivated": _l("Konto gesperrt"),
    "account.reactivated": _l("Konto entsperrt"),
    "account.erased": _l("Person gelöscht"),
    "invitation": _l("Einladungen"),
    "invitation.created": _l("Einladung erstellt"),
    "invitation.accepted": _l("Einladung angenommen"),
    "password_reset": _l("Passwort zurücksetzen"),
    "password_reset.requested": _l("Zurücksetzen angefordert"),
    "settings": _l("Einstellungen"),
    "settings.registration_changed": _l("Registrierung geändert"),
    "settings.privacy_changed": _l("Datenschutz-Einstellungen geändert"),
    "settings.disclosure_changed": _l("Geändert, was HR und die Prüfseite zeigen"),
    "person": _l("Personen"),
    "person.viewed": _l("Personenseite von HR angesehen"),
    "module": _l("Module"),
    "module.completed": _l("Modul abgeschlossen"),
    "exam": _l("Prüfungen"),
    "exam.started": _l("Prüfung begonnen"),
    "exam.submitted": _l("Prüfung abgegeben"),
    "exam.timed_out": _l("Prüfung: Zeit abgelaufen"),
    "certificate": _l("Zertifikate"),
    "certificate.issued": _l("Zertifikat ausgestellt"),
    "certificate.revoked": _l("Zertifikat widerrufen"),
    "privacy": _l("Datenschutz"),
    "privacy.exported": _l("Datenauskunft erstellt"),
    "audit": _l("Auditprotokoll"),
    "audit.exported": _l("Auditprotokoll exportiert"),
    "audit.pruned": _l("Alte Protokolleinträge gelöscht"),
    "retention": _l("Aufbewahrung"),
    "retention.applied": _l("Aufbewahrungsfristen angewendet"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code
