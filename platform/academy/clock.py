"""The one place that reads the time, so that tests can set it (expiry, cooldowns)."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Now in UTC, naive: the database stores UTC without a zone on every backend."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()
