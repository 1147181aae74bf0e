"""Teacher sessions: log in, log out for real, time out, and throttle guessing."""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, flash, g, redirect, request, session, url_for
from sqlite_utils import Database

from classroom.db import get_db
from classroom.store import teachers, throttle

IDLE_SECONDS = 2 * 3600
ABSOLUTE_SECONDS = 12 * 3600
LOGIN_WINDOW = 15 * 60
ACCOUNT_LIMIT = 5  # failures per account per window
ADDRESS_LIMIT = 20  # failures per address per window


def address_key(prefix: str) -> str:
    """A throttle key for the client's address; only a keyed hash of it is stored."""
    address = request.remote_addr or "unknown"
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(), address.encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"{prefix}:address:{digest}"


def account_key(username: str) -> str:
    return f"login:account:{username.casefold()}"


def login_blocked(db: Database, username: str) -> bool:
    """Checked before the password hash runs: scrypt is too costly to run for a flood."""
    return throttle.is_blocked(
        db, account_key(username), ACCOUNT_LIMIT, LOGIN_WINDOW
    ) or throttle.is_blocked(db, address_key("login"), ADDRESS_LIMIT, LOGIN_WINDOW)


def record_login_failure(db: Database, username: str) -> None:
    throttle.record_failure(db, account_key(username), LOGIN_WINDOW)
    throttle.record_failure(db, address_key("login"), LOGIN_WINDOW)


def record_login_success(db: Database, username: str) -> None:
    """The account's earlier failures stop counting; the address's do not, so that one
    known password cannot reset a guesser's allowance."""
    throttle.clear(db, account_key(username))


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
