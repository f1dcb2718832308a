"""What HR and the public may see of a person's training: the settings a works-council
agreement decides. An admin changes them on the privacy settings page; `hr` and
`certificates` read them (through accounts.queries.disclosure). Stored as site settings
next to the privacy settings; a value never saved is the default, and the defaults
disclose the least that still serves the purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

PREFIX = "privacy."
MIN_GROUP_LIMITS = (1, 100)


@dataclass(frozen=True)
class Disclosure:
    # HR sees completion and dates; scores only where an agreement allows it. Individual
    # answers HR never sees, whatever this says.
    hr_sees_scores: bool = False
    # Department figures of fewer people than this are pooled, so that no one can be
    # singled out from an aggregate.
    hr_min_group: int = 5
    # The public verification page names the holder, or asks the verifier to type the
    # name and only confirms whether it matches.
    verify_shows_name: bool = True


DEFAULTS = Disclosure()
NAMES = tuple(f.name for f in fields(Disclosure))
KEYS = tuple(PREFIX + name for name in NAMES)


def parse(stored: dict[str, str]) -> Disclosure:
    """Settings from stored text; a value that does not parse counts as unset."""
    values: dict[str, object] = {}
    for name in ("hr_sees_scores", "verify_shows_name"):
        raw = stored.get(PREFIX + name)
        if raw in ("0", "1"):
            values[name] = raw == "1"
    raw = stored.get(PREFIX + "hr_min_group", "")
    low, high = MIN_GROUP_LIMITS
    if raw.isdigit() and low <= int(raw) <= high:
        values["hr_min_group"] = int(raw)
    return Disclosure(**values)


def serialise(settings: Disclosure) -> dict[str, str]:
    return {
        PREFIX + "hr_sees_scores": "1" if settings.hr_sees_scores else "0",
        PREFIX + "hr_min_group": str(settings.hr_min_group),
        PREFIX + "verify_shows_name": "1" if settings.verify_shows_name else "0",
    }
