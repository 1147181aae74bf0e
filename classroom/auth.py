"""Teacher sessions: log in, log out for real, time out, and throttle guessing.

Guessing is throttled three ways. From a browser the teacher has logged in on before
(it carries a signed device cookie naming her), failures lock only that browser. From
anywhere else, failures lock the account for every unknown browser, and an address
that fails often is locked for every account. So a student who knows a teacher's
username can lock out themselves and other strangers, but not the teacher at her own
computer (OWASP's "device cookies").
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, flash, g, redirect, request, session, url_for
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlite_utils import Database

from classroom.db import get_db
from classroom.store import teachers, throttle

IDLE_SECONDS = 2 * 3600
ABSOLUTE_SECONDS = 12 * 3600
LOGIN_WINDOW = 15 * 60
ACCOUNT_LIMIT = 5  # failures per account per window
ADDRESS_LIMIT = 20  # failures per address per window
DEVICE_LIMIT = 5  # failures per known browser per window
DEVICE_COOKIE = "classroom_device"
DEVICE_SECONDS = 365 * 24 * 3600


def address_key(prefix: str) -> str:
    """A throttle key for the client's address; only a keyed hash of it is stored."""
    address = request.remote_addr or "unknown"
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(), address.encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"{prefix}:address:{digest}"


def account_key(username: str) -> str:
    return f"login:account:{username.casefold()}"


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="classroom-device")


def device_key(username: str) -> str | None:
    """This browser's own throttle key, when it carries a device cookie that the app
    signed at a login to this account; None for any other browser."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return None
    try:
        named, device = _device_serializer().loads(cookie, max_age=DEVICE_SECONDS)
    except (BadData, TypeError, ValueError):
        return None
    if named != username.casefold() or not isinstance(device, str):
        return None
    return f"login:device:{device}"


def remember_device(response: Response, username: str) -> None:
    """Mark this browser as one the teacher logs in on (no secret: only a random id)."""
    value = _device_serializer().dumps([username.casefold(), secrets.token_hex(16)])
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_SECONDS,
        path=url_for("teacher.login"),
        secure=bool(current_app.config.get("HTTPS")),
        httponly=True,
        samesite="Lax",
    )


def login_blocked(db: Database, username: str) -> bool:
    """Checked before the password hash runs: scrypt is too costly to run for a flood."""
    device = device_key(username)
    if device is not None:
        return throttle.is_blocked(db, device, DEVICE_LIMIT, LOGIN_WINDOW)
    return throttle.is_blocked(
        db, account_key(username), ACCOUNT_LIMIT, LOGIN_WINDOW
    ) or throttle.is_blocked(db, address_key("login"), ADDRESS_LIMIT, LOGIN_WINDOW)


def record_login_failure(db: Database, username: str) -> None:
    device = device_key(username)
    if device is not None:
        throttle.record_failure(db, device, LOGIN_WINDOW)
        return
    throttle.record_failure(db, account_key(username), LOGIN_WINDOW)
    throttle.record_failure(db, address_key("login"), LOGIN_WINDOW)


def record_login_success(db: Database, username: str) -> None:
    """This browser's earlier failures stop counting: a known browser's own, or, for a
    new one, the account's (the typos before getting in). A login from a known browser
    leaves the account's lock as it is, or every login of the teacher's would give a
    guesser elsewhere a fresh allowance; the address's failures always stay."""
    device = device_key(username)
    throttle.clear(db, device if device is not None else account_key(username))


def start_session(teacher: dict[str, Any]) -> None:
    """A fresh session at login: nothing from before it survives."""
    session.clear()
    now = time.time()
    session["teacher_id"] = teacher["id"]
    session["teacher_version"] = teacher["session_version"]
    session["login_at"] = now
    session["seen_at"] = now


def end_session(db: Database) -> None:
    teacher = current_teacher()
    if teacher is not None:
        teachers.end_sessions(db, teacher["id"])
    session.clear()


def current_teacher() -> dict[str, Any] | None:
    """The logged-in teacher, or None when not logged in, logged out, or timed out."""
    if "teacher" in g:
        return g.teacher
    g.teacher = None
    teacher_id = session.get("teacher_id")
    if teacher_id is None:
        return None
    now = time.time()
    if (
        now - session.get("seen_at", 0) > IDLE_SECONDS
        or now - session.get("login_at", 0) > ABSOLUTE_SECONDS
    ):
        session.clear()
        g.session_expired = True
        return None
    found = teachers.get_teacher(get_db(), teacher_id)
    if found is None or found["session_version"] != session.get("teacher_version"):
        session.clear()
        return None
    # Refresh the idle clock at most once a minute, so most requests leave the cookie alone.
    if now - session.get("seen_at", 0) > 60:
        session["seen_at"] = now
    g.teacher = found
    return found


def teacher_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(**kwargs: Any):
        if current_teacher() is None:
            if g.get("session_expired"):
                flash("Your session timed out. Log in again.", "info")
            return redirect(url_for("teacher.login", next=request.path))
        return view(**kwargs)

    return wrapped
