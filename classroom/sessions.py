"""Signed cookies and CSRF tokens, verified once per process rather than on every request.

A student's browser sends the same session cookie and the same CSRF token with every
autosave. Checking a signature costs several HMACs and decodes, a large share of what
an autosave costs the server, so a value that verified is remembered, with the time it
was signed, and only its age is checked when it comes back. Nothing unverified is ever
remembered, and an expired value is refused exactly as before.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from itsdangerous import BadData, BadSignature, URLSafeTimedSerializer

SCALARS = (str, int, float, bool, type(None))


class Verified:
    """A bounded map of verified values to what they carried and when they were signed."""

    # A school's students, each with a cookie or two and a token per page they post
    # from; about half a kilobyte an entry.
    def __init__(self, size: int = 4096):
        self.size = size
        self._found: dict[tuple[str, str], tuple[Any, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], max_age: float | None) -> Any | None:
        hit = self._found.get(key)
        if hit is None:
            return None
        value, signed_at = hit
        if max_age is not None and time.time() - signed_at > max_age:
            return None
        return value

    def put(self, key: tuple[str, str], value: Any, signed_at: float) -> None:
        with self._lock:
            if len(self._found) >= self.size:
                # The oldest entry goes first: dicts keep insertion order.
                self._found.pop(next(iter(self._found)))
            self._found[key] = (value, signed_at)


class RememberingSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, remembering cookies that verified."""

    def __init__(self) -> None:
        self.verified = Verified()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        data = self.data_of(app, cookie) if cookie else None
        return self.session_class(data or {})  # a copy: the remembered data stays as it was

    def data_of(self, app: Flask, cookie: str) -> dict[str, Any] | None:
        """What a session cookie carries, or None when it does not verify. Read only."""
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (app.secret_key, cookie)
        data = self.verified.get(key, max_age)
        if data is not None:
            return data
        try:
            data, signed = self.get_signing_serializer(app).loads(
                cookie, max_age=max_age, return_timestamp=True
            )
        except BadSignature:
            return None
        # Only flat sessions are remembered: a copy of them cannot share a mutable
        # value (a list of flashed messages) with the remembered one.
        if all(isinstance(value, SCALARS) for value in data.values()):
            self.verified.put(key, data, signed.timestamp())
        return data


def install(app: Flask) -> None:
    app.session_interface = RememberingSessionInterface()
    app.extensions["classroom.csrf_verified"] = Verified()


def csrf_ok(token: str | None) -> bool:
    """Whether a posted CSRF token is valid for this request's session."""
    return csrf_matches(current_app, session, token)


def csrf_matches(app: Flask, data: Mapping[str, Any], token: str | None) -> bool:
    """Flask-WTF's rule for a token, for a session's data: signed with the app's key for
    CSRF, younger than WTF_CSRF_TIME_LIMIT, and carrying the session's own raw token."""
    config = app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return True
    expected = data.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not token or not isinstance(expected, str):
        return False
    time_limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    secret = config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    verified: Verified = app.extensions["classroom.csrf_verified"]
    raw = verified.get((secret, token), time_limit)
    if raw is None:
        serializer = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
        try:
            raw, signed = serializer.loads(token, max_age=time_limit, return_timestamp=True)
        except BadData:
            return False
        if not isinstance(raw, str):
            return False
        verified.put((secret, token), raw, signed.timestamp())
    return hmac.compare_digest(raw, expected)
