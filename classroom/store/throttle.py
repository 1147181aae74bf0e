"""Counting failures per key (an account, an address) in a sliding window."""

from __future__ import annotations

import time

from sqlite_utils import Database

from classroom.db import immediate
from classroom.store.rows import one

FORGET_AFTER = 24 * 3600  # seconds; longer than any window in use


def is_blocked(db: Database, key: str, limit: int, window: float) -> bool:
    row = one(db, "SELECT window_start, failures FROM throttle WHERE key = ?", [key])
    if row is None or time.time() - row["window_start"] > window:
        return False
    return row["failures"] >= limit


def record_failure(db: Database, key: str, window: float) -> None:
    now = time.time()
    with immediate(db):
        db.conn.execute(
            "INSERT INTO throttle (key, window_start, failures) VALUES (?, ?, 1) "
            "ON CONFLICT (key) DO UPDATE SET "
            "failures = CASE WHEN ? - window_start > ? THEN 1 ELSE failures + 1 END, "
            "window_start = CASE WHEN ? - window_start > ? THEN ? ELSE window_start END",
            [key, now, now, window, now, window, now],
        )
        # Old windows are forgotten, so the table never grows without bound.
        db.conn.execute("DELETE FROM throttle WHERE window_start < ?", [now - FORGET_AFTER])


def clear(db: Database, key: str) -> None:
    db.execute("DELETE FROM throttle WHERE key = ?", [key])
