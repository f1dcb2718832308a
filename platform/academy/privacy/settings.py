"""The privacy settings an admin changes at run time, with their defaults.

Stored as site settings under "privacy.<name>"; a value never saved is the default.
The defaults are chosen so that a platform nobody configured keeps little: see the
README's privacy section for why each is what it is. Settings for what HR sees and what
the public verification page shows belong here too when those features come: a field
in PrivacySettings, its bounds in LIMITS, a form field in forms.py.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

PREFIX = "privacy."
# HR sees whether an invitation was accepted or expired for this long; the token itself
# is gone the moment it is used.
INVITATION_RECORD_DAYS = 30


@dataclass(frozen=True)
class PrivacySettings:
    answers_days: int = 90  # individual exam answers, after the hand-in
    sign_ins_days: int = 90  # sign-in times and the sign-in entries of the audit log
    deactivated_months: int = 6  # then a deactivated person is erased
    evidence_years: int = 3  # pseudonymised evidence of an erased person
    audit_years: int = 3  # audit log entries
    self_erasure: bool = False  # learners may delete their own account
    contact: str = ""  # how to reach the data protection officer (shown in the notice)
    processors: str = ""  # processors besides those the configuration names (hosting …)


# Whole numbers: (smallest, largest).
LIMITS = {
    "answers_days": (1, 3650),
    "sign_ins_days": (1, 3650),
    "deactivated_months": (1, 120),
    "evidence_years": (1, 30),
    "audit_years": (1, 30),
}
TEXT_LENGTH = 500
DEFAULTS = PrivacySettings()
NAMES = tuple(f.name for f in fields(PrivacySettings))


def parse(stored: dict[str, str]) -> PrivacySettings:
    """Settings from stored text; a value that does not parse counts as unset."""
    values: dict[str, object] = {}
    for name in NAMES:
        raw = stored.get(PREFIX + name)
        default = getattr(DEFAULTS, name)
        if raw is None:
            continue
        if isinstance(default, bool):
            values[name] = raw == "1"
        elif isinstance(default, int):
            low, high = LIMITS[name]
            if raw.isdigit() and low <= int(raw) <= high:
                values[name] = int(raw)
        else:
            values[name] = raw[:TEXT_LENGTH]
    return PrivacySettings(**values)


def serialise(settings: PrivacySettings) -> dict[str, str]:
    values = {}
    for name in NAMES:
        value = getattr(settings, name)
        values[PREFIX + name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    return values
