"""The one registry of where a student's data lives: export it all, delete it all.

Every table that holds a student's rows is listed here with the statements that
select and delete them. A test fails when a table that refers to a student is
added to the schema without being registered.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from classroom.db import immediate
from classroom.store.rows import many

# table -> (select the student's rows, delete them); deletes run in this order.
STUDENT_DATA: dict[str, tuple[str, str]] = {
    "responses": (
        "SELECT responses.* FROM responses JOIN attempts ON attempts.id = responses.attempt_id "
        "WHERE attempts.student_id = ? ORDER BY attempt_id, question_id",
        "DELETE FROM responses WHERE attempt_id IN (SELECT id FROM attempts WHERE student_id = ?)",
    ),
    "attempts": (
        "SELECT * FROM attempts WHERE student_id = ? ORDER BY quiz_slug, number",
        "DELETE FROM attempts WHERE student_id = ?",
    ),
    "students": (
        "SELECT id, class_id, display_name, created_at FROM students WHERE id = ?",
        "DELETE FROM students WHERE id = ?",
    ),
}


def export_student(db: Database, student_id: int) -> dict[str, Any]:
    """Every row of this student's, from every registered table."""
    return {
        table: many(db, select, [student_id])
        for table, (select, _) in reversed(STUDENT_DATA.items())
    }


def student_row_counts(db: Database, student_id: int) -> dict[str, int]:
    return {table: len(rows) for table, rows in export_student(db, student_id).items()}


def delete_student(db: Database, student_id: int) -> None:
    """Remove the student and everything of theirs, then checkpoint so no copy lingers.

    secure_delete (set on every connection) overwrites the freed pages with zeros.
    """
    with immediate(db):
        for _, delete in STUDENT_DATA.values():
            db.conn.execute(delete, [student_id])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
