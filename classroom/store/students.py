"""Students: joining a class, coming back with a resume code."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from classroom import clock, codes
from classroom.store.rows import one


def create_student(db: Database, class_id: int, display_name: str) -> tuple[int, str]:
    """Add a student to a class; return their id and their resume code (shown once)."""
    resume_code = codes.new_resume_code()
    cursor = db.execute(
        "INSERT INTO students (class_id, display_name, resume_hash, created_at) "
        "VALUES (?, ?, ?, ?)",
        [class_id, display_name, codes.hash_code(resume_code), clock.stamp()],
    )
    return cursor.lastrowid, resume_code


def replace_resume_code(db: Database, student_id: int) -> str:
    """A new resume code for a student who lost theirs; the old one stops working, and
    every browser signed in as the student is signed out."""
    resume_code = codes.new_resume_code()
    db.execute(
        "UPDATE students SET resume_hash = ?, session_version = session_version + 1 WHERE id = ?",
        [codes.hash_code(resume_code), student_id],
    )
    return resume_code


def get_student(db: Database, student_id: int) -> dict[str, Any] | None:
    """The student with their class and the slugs of the quizzes it was given, or None
    when removed (an archived class has its archived_at set)."""
    found = one(
        db,
        "SELECT students.*, classes.name AS class_name, classes.archived_at, "
        "(SELECT json_group_array(quiz_slug) FROM assignments "
        " WHERE assignments.class_id = students.class_id) AS assigned_quizzes "
        "FROM students JOIN classes ON classes.id = students.class_id WHERE students.id = ?",
        [student_id],
    )
    if found is not None:
        found["assigned_quizzes"] = json.loads(found["assigned_quizzes"])
    return found


def student_by_resume_code(db: Database, resume_code: str) -> dict[str, Any] | None:
    return one(
        db,
        "SELECT students.* FROM students JOIN classes ON classes.id = students.class_id "
        "WHERE resume_hash = ? AND classes.archived_at IS NULL",
        [codes.hash_code(resume_code)],
    )
