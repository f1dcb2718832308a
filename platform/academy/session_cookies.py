"""Flask's signed session cookie, without verifying the same cookie again and again.

A browser sends the same session cookie with every page until the session changes.
Checking its signature and decoding it cost about a tenth of a kept lesson page, so
each worker remembers the contents of cookies it has verified, keyed by the whole cookie
(signature included): a cookie that differs by one byte is verified as before. The age
limit is still applied, from the time signed into the cookie. Each request gets its own
copy of the contents, so nothing a request changes leaks into another one.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_KEPT = 10_000  # cookies per worker; a few MB at most


class KeptCookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._kept: dict[str, tuple[dict[str, Any], float]] = {}
        self._keys: tuple | None = None
        self._serializer: URLSafeTimedSerializer | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        # Built once per key set instead of twice per request (open and save); new keys
        # forget every cookie verified with the old ones.
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys != self._keys:
            self._keys, self._kept = keys, {}
            self._serializer = super().get_signing_serializer(app)
        return self._serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = self._kept.get(cookie)
        if kept is None or time.time() - kept[1] > max_age:
            try:
                data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()  # rarely: start over rather than keep every cookie
            kept = self._kept[cookie] = (data, signed_at.timestamp())
        return self.session_class(_copy(kept[0]))

    def signed_at(self, app: Flask, request: Request) -> float | None:
        """When (time.time()) the request's session cookie, verified and kept, was
        signed; None when it is not kept."""
        kept = self._kept.get(request.cookies.get(self.get_cookie_name(app), ""))
        return None if kept is None else kept[1]


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    # Usually only strings and numbers (cheap to copy); flashed messages are a list.
    if all(isinstance(value, str | int | float | None) for value in data.values()):
        return dict(data)
    return copy.deepcopy(data)


def init_app(app: Flask) -> None:
    app.session_interface = KeptCookieSessionInterface()
