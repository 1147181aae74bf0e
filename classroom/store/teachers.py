"""Teacher accounts, their session versions, and one-time setup and invitation links."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import sqlite3
from typing import Any

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from classroom import clock
from classroom.db import immediate
from classroom.store.rows import many, one, scalar

INVITE_DAYS = 7
# Checked against when the username is unknown, so both answers take as long.
# Made on first use: scrypt at import would slow every start.
_dummy_hash: list[str] = []


def _dummy() -> str:
    if not _dummy_hash:
        _dummy_hash.append(generate_password_hash("not a real password"))
    return _dummy_hash[0]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def count_teachers(db: Database) -> int:
    return scalar(db, "SELECT count(*) FROM teachers")


def usernames(db: Database) -> list[str]:
    """Every teacher's username, in alphabetical order."""
    return [row["username"] for row in many(db, "SELECT username FROM teachers ORDER BY username")]


def get_teacher(db: Database, teacher_id: int) -> dict[str, Any] | None:
    return one(
        db,
        "SELECT id, username, session_version, created_at FROM teachers WHERE id = ?",
        [teacher_id],
    )


def teacher_by_username(db: Database, username: str) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM teachers WHERE username = ?", [username])


def username_taken(db: Database, username: str) -> bool:
    return teacher_by_username(db, username) is not None


def create_teacher(db: Database, username: str, password: str) -> int | None:
    """Create a teacher; None when the username is taken.

    The first teacher adopts the classes made from the command line before them,
    as the first teacher made through the setup link does.
    """
    password_hash = generate_password_hash(password)
    with immediate(db):
        first = count_teachers(db) == 0
        try:
            cursor = db.conn.execute(
                "INSERT INTO teachers (username, password_hash, created_at) VALUES (?, ?, ?)",
                [username, password_hash, clock.stamp()],
            )
        except sqlite3.IntegrityError:
            return None
        if first:
            db.conn.execute(
                "UPDATE classes SET teacher_id = ? WHERE teacher_id IS NULL", [cursor.lastrowid]
            )
    return cursor.lastrowid


def verify_password(db: Database, username: str, password: str) -> dict[str, Any] | None:
    """The teacher when the password is right; None for a wrong password or unknown user."""
    found = teacher_by_username(db, username)
    if found is None:
        check_password_hash(_dummy(), password)
        return None
    return found if check_password_hash(found["password_hash"], password) else None


def end_sessions(db: Database, teacher_id: int) -> None:
    """Invalidate every cookie issued to this teacher so far (logout)."""
    db.execute(
        "UPDATE teachers SET session_version = session_version + 1 WHERE id = ?", [teacher_id]
    )


def new_setup_token(db: Database) -> str:
    """A one-time link to create the first teacher; earlier unused links stop working."""
    token = secrets.token_urlsafe(24)
    with immediate(db):
        db.conn.execute("DELETE FROM teacher_tokens WHERE kind = 'setup' AND used_at IS NULL")
        db.conn.execute(
            "INSERT INTO teacher_tokens (token_hash, kind, created_at) VALUES (?, 'setup', ?)",
            [_token_hash(token), clock.stamp()],
        )
    return token


def new_invitation(db: Database, teacher_id: int) -> str:
    token = secrets.token_urlsafe(24)
    expires = clock.stamp(clock.now() + datetime.timedelta(days=INVITE_DAYS))
    db.execute(
        "INSERT INTO teacher_tokens (token_hash, kind, created_by, created_at, "
        "expires_at) VALUES (?, 'invite', ?, ?, ?)",
        [_token_hash(token), teacher_id, clock.stamp(), expires],
    )
    return token


def usable_token(db: Database, token: str, kind: str) -> dict[str, Any] | None:
    found = one(
        db,
        "SELECT * FROM teacher_tokens WHERE token_hash = ? AND kind = ? AND used_at IS NULL",
        [_token_hash(token), kind],
    )
    if found is None:
        return None
    if kind == "setup" and count_teachers(db) > 0:
        return None
    if found["expires_at"] and found["expires_at"] < clock.stamp():
        return None
    return found


def redeem_token(db: Database, token: str, kind: str, username: str, password: str) -> int | None:
    """Create the teacher a link invites, once; None if the link or the name is taken.

    The first teacher adopts the classes made from the command line before them.
    """
    with immediate(db):
        if usable_token(db, token, kind) is None or username_taken(db, username):
            return None
        cursor = db.conn.execute(
            "INSERT INTO teachers (username, password_hash, created_at) VALUES (?, ?, ?)",
            [username, generate_password_hash(password), clock.stamp()],
        )
        teacher_id = cursor.lastrowid
        db.conn.execute(
            "UPDATE teacher_tokens SET used_at = ? WHERE token_hash = ?",
            [clock.stamp(), _token_hash(token)],
        )
        if kind == "setup":
            db.conn.execute(
                "UPDATE classes SET teacher_id = ? WHERE teacher_id IS NULL", [teacher_id]
            )
    return teacher_id


def invitations(db: Database, teacher_id: int) -> list[dict[str, Any]]:
    return many(
        db,
        "SELECT created_at, expires_at, used_at FROM teacher_tokens "
        "WHERE kind = 'invite' AND created_by = ? ORDER BY created_at DESC",
        [teacher_id],
    )
