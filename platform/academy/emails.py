"""E-mail addresses and domains: the one place that says what a valid one is.

Pure (no Flask): the settings, the forms, the command line and the services use it.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254  # RFC 5321 path limit


def normalize_email(address: str) -> str:
    """How addresses are stored and compared: trimmed and lower-case."""
    return address.strip().lower()


def is_email(address: str) -> bool:
    """A syntactically valid address with a dotted domain (no DNS look-up)."""
    if len(address) > MAX_LENGTH:
        return False
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def domain_of(address: str) -> str:
    return normalize_email(address).rpartition("@")[2]


def parse_domains(text: str) -> tuple[str, ...]:
    """Domains from a list separated by commas or spaces; '@firma.de' means firma.de."""
    parts = text.replace(",", " ").split()
    return tuple(dict.fromkeys(p.strip().lower().lstrip("@") for p in parts if p.strip("@")))


def is_domain(domain: str) -> bool:
    return "." in domain and is_email(f"x@{domain}")
