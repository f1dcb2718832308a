"""E-mail addresses and domains: the one place that says what a valid one is.

Pure (no Flask): the settings, the forms, the command line and the services use it.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 254  # RFC 5321 path limit
# Scripts whose letters look alike: a label mixing them is a disguise, not a name.
CONFUSABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})


def normalize_email(address: str) -> str:
    """How addresses are stored and compared: trimmed, NFKC (full-width and other
    compatibility forms become the plain letters they stand for, "ｌ" and "ⅼ" are "l")
    and case-folded, so that look-alike spellings are one account."""
    return unicodedata.normalize("NFKC", address.strip()).casefold()


def is_email(address: str) -> bool:
    """A syntactically valid address with a dotted domain (no DNS look-up), judged in
    its normalised form; a part mixing Latin, Cyrillic or Greek letters is refused."""
    # Imported here: its regular expressions cost a worker's start 20 ms, and only a
    # form, an import or a command checks an address.
    from email_validator import EmailNotValidError, validate_email

    normalized = normalize_email(address)
    if len(normalized) > MAX_LENGTH or _mixes_scripts(normalized):
        return False
    try:
        validate_email(normalized, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _mixes_scripts(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    return any(len(_scripts(part)) > 1 for part in (local, *domain.split(".")))


def _scripts(text: str) -> set[str]:
    names = (unicodedata.name(c, "") for c in text if c.isalpha())
    return {name.split(" ", 1)[0] for name in names} & CONFUSABLE_SCRIPTS


def domain_of(address: str) -> str:
    return normalize_email(address).rpartition("@")[2]


def parse_domains(text: str) -> tuple[str, ...]:
    """Domains from a list separated by commas or spaces; '@firma.de' means firma.de."""
    parts = text.replace(",", " ").split()
    return tuple(dict.fromkeys(normalize_email(p).lstrip("@") for p in parts if p.strip("@")))


def is_domain(domain: str) -> bool:
    return "." in domain and is_email(f"x@{domain}")
