"""Classes and their join codes."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlite_utils import Database

from classroom import clock, codes
from classroom.store.rows import one, scalar


def create_class(db: Database, name: str, teacher_id: int | None = None) -> dict[str, Any]:
    """Create a class with a fresh join code; retry on the rare code collision."""
    for _ in range(10):
        code = codes.new_join_code()
        try:
            cursor = db.execute(
                "INSERT INTO classes (teacher_id, name, join_code, created_at) "
                "VALUES (?, ?, ?, ?)",
                [teacher_id, name, code, clock.stamp()],
            )
        except sqlite3.IntegrityError:
            continue
        return get_class(db, cursor.lastrowid)
    raise RuntimeError("could not find a free join code")


def get_class(db: Database, class_id: int) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM classes WHERE id = ?", [class_id])


def class_by_code(db: Database, code: str) -> dict[str, Any] | None:
    """The open (not archived) class with this join code."""
    return one(db, "SELECT * FROM classes WHERE join_code = ? AND archived_at IS NULL",
               [codes.normalise(code)])


def class_by_name(db: Database, name: str) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM classes WHERE name = ? ORDER BY id LIMIT 1", [name])


def count_classes(db: Database) -> int:
    return scalar(db, "SELECT count(*) FROM classes")

