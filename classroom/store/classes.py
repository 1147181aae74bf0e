"""Classes and their join codes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from classroom import clock, codes
from classroom.db import immediate
from classroom.store.rows import many, one, scalar


def create_class(
    db: Database, name: str, teacher_id: int | None = None, quiz_slugs: Iterable[str] = ()
) -> dict[str, Any]:
    """Create a class with a fresh join code, assigned the given quizzes."""
    for _ in range(10):
        code = codes.new_join_code()
        try:
            with immediate(db):
                cursor = db.conn.execute(
                    "INSERT INTO classes (teacher_id, name, join_code, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    [teacher_id, name, code, clock.stamp()],
                )
                for slug in quiz_slugs:
                    db.conn.execute(
                        "INSERT INTO assignments (class_id, quiz_slug, created_at) "
                        "VALUES (?, ?, ?)",
                        [cursor.lastrowid, slug, clock.stamp()],
                    )
        except sqlite3.IntegrityError:
            continue  # the rare join-code collision: draw another
        return get_class(db, cursor.lastrowid)
    raise RuntimeError("could not find a free join code")


def get_class(db: Database, class_id: int) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM classes WHERE id = ?", [class_id])


def class_by_code(db: Database, code: str) -> dict[str, Any] | None:
    """The open (not archived) class with this join code."""
    return one(
        db,
        "SELECT * FROM classes WHERE join_code = ? AND archived_at IS NULL",
        [codes.normalise(code)],
    )


def class_by_name(db: Database, name: str) -> dict[str, Any] | None:
    return one(db, "SELECT * FROM classes WHERE name = ? ORDER BY id LIMIT 1", [name])


def count_classes(db: Database) -> int:
    return scalar(db, "SELECT count(*) FROM classes")


def classes_for_teacher(db: Database, teacher_id: int) -> list[dict[str, Any]]:
    """The teacher's classes, open ones first, with how many students each has."""
    return many(
        db,
        "SELECT classes.*, (SELECT count(*) FROM students WHERE class_id = classes.id) "
        "AS students FROM classes WHERE teacher_id = ? "
        "ORDER BY archived_at IS NOT NULL, name COLLATE NOCASE",
        [teacher_id],
    )


def class_for_teacher(db: Database, class_id: int, teacher_id: int) -> dict[str, Any] | None:
    """The class, only when this teacher owns it."""
    return one(db, "SELECT * FROM classes WHERE id = ? AND teacher_id = ?", [class_id, teacher_id])


def rename_class(db: Database, class_id: int, name: str) -> None:
    db.execute("UPDATE classes SET name = ? WHERE id = ?", [name, class_id])


def set_archived(db: Database, class_id: int, archived: bool) -> None:
    db.execute(
        "UPDATE classes SET archived_at = ? WHERE id = ?",
        [clock.stamp() if archived else None, class_id],
    )


def rotate_join_code(db: Database, class_id: int) -> str:
    """Give the class a new join code; the old one stops working at once."""
    for _ in range(10):
        code = codes.new_join_code()
        try:
            db.execute("UPDATE classes SET join_code = ? WHERE id = ?", [code, class_id])
        except sqlite3.IntegrityError:
            continue
        return code
    raise RuntimeError("could not find a free join code")


def roster(db: Database, class_id: int) -> list[dict[str, Any]]:
    """Students of a class with their progress: quizzes submitted, last activity."""
    return many(
        db,
        "SELECT students.id, students.display_name, students.created_at, "
        "count(DISTINCT CASE WHEN attempts.submitted_at IS NOT NULL "
        "THEN attempts.quiz_slug END) AS quizzes_done, "
        "count(attempts.id) AS attempts, "
        "max(coalesce(attempts.submitted_at, attempts.started_at)) AS last_active, "
        "sum(attempts.ungraded) AS ungraded "
        "FROM students LEFT JOIN attempts ON attempts.student_id = students.id "
        "WHERE students.class_id = ? GROUP BY students.id "
        "ORDER BY students.display_name COLLATE NOCASE, students.id",
        [class_id],
    )
