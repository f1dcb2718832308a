"""Keeping tokens out of request logs.

Links in mails carry secrets in their path (`/password/reset/<token>`,
`/invitation/<token>`); a server's access log would keep them, and so would the
`Referer` of the page's own style sheet. `redact()` replaces every path segment that
looks like such a token (43 or more URL-safe characters, what `secrets.token_urlsafe(32)`
makes) with "[redacted]". It is applied to the development server's request log
(`install()`) and to gunicorn's access log through `RedactingLogger`, which the project's
`gunicorn.conf.py` selects.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# A token segment: long runs of URL-safe characters. Certificate numbers, slugs and
# ids are far shorter; a real path segment this long and this alphabet is a secret.
TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=[/?#\s\"']|$)")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return TOKEN.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """For the development server's logger ("werkzeug"): the request line is an arg."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(record.msg) if isinstance(record.msg, str) else record.msg
        return True


class RedactingLogger(Logger):
    """gunicorn's logger, with tokens redacted from the request line, the path, the
    query and the referrer of every access-log line."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms


def install() -> None:
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug.filters):
        werkzeug.addFilter(RedactingFilter())
