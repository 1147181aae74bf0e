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
from typing import Any

from flask import Flask, current_app, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from flask_wtf.csrf import validate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms.validators import ValidationError

SCALARS = (str, int, float, bool, type(None))


class Verified:
    """A bounded map of verified values to what they carried and when they were signed."""

    def __init__(self, size: int = 20_000):
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
        if not cookie:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (app.secret_key, cookie)
        data = self.verified.get(key, max_age)
        if data is not None:
            return self.session_class(data)
        serializer = self.get_signing_serializer(app)
        try:
            data, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        # Only flat sessions are remembered: a copy of them cannot share a mutable
        # value (a list of flashed messages) with the remembered one.
        if all(isinstance(value, SCALARS) for value in data.values()):
            self.verified.put(key, dict(data), signed.timestamp())
        return self.session_class(data)


def install(app: Flask) -> None:
    app.session_interface = RememberingSessionInterface()
    app.extensions["classroom.csrf_verified"] = Verified()


def csrf_ok(token: str | None) -> bool:
    """Whether a posted CSRF token is valid for this session (Flask-WTF's rules)."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return True
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    expected = session.get(field)
    if not token or not isinstance(expected, str):
        return False
    time_limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    verified: Verified = current_app.extensions["classroom.csrf_verified"]
    remembered = verified.get((secret, token), time_limit)
    if remembered is not None:
        return hmac.compare_digest(remembered, expected)
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    # Valid: the token's own timestamp bounds how long it may be remembered.
    serializer = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
    raw, signed = serializer.loads(token, return_timestamp=True)
    verified.put((secret, token), raw, signed.timestamp())
    return True
