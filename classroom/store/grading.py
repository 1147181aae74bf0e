"""Written answers waiting for a teacher, and recording the teacher's grade."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from classroom import clock
from classroom.db import durable
from classroom.store.rows import one, scalar

_WAITING = """
SELECT responses.attempt_id, responses.question_id, responses.answer, responses.saved_at,
       attempts.quiz_slug, attempts.quiz_version, attempts.number, students.display_name,
       students.id AS student_id
FROM responses JOIN attempts ON attempts.id = responses.attempt_id
JOIN students ON students.id = attempts.student_id
WHERE students.class_id = ? AND attempts.submitted_at IS NOT NULL AND responses.score IS NULL
ORDER BY attempts.submitted_at, responses.attempt_id, responses.question_id
LIMIT 1
"""


def count_waiting(db: Database, class_id: int) -> int:
    return scalar(
        db,
        """
        SELECT count(*) FROM responses JOIN attempts ON attempts.id = responses.attempt_id
        JOIN students ON students.id = attempts.student_id
        WHERE students.class_id = ? AND attempts.submitted_at IS NOT NULL
          AND responses.score IS NULL""",
        [class_id],
    )


def next_waiting(db: Database, class_id: int) -> dict[str, Any] | None:
    """The oldest submitted written answer in the class that nobody has graded."""
    row = one(db, _WAITING, [class_id])
    if row:
        row["answer"] = json.loads(row["answer"])
    return row


def response_in_class(
    db: Database, class_id: int, attempt_id: int, question_id: str
) -> dict[str, Any] | None:
    row = one(
        db,
        """
        SELECT responses.*, attempts.quiz_slug, attempts.quiz_version, attempts.number,
               attempts.submitted_at, students.display_name, students.id AS student_id
        FROM responses JOIN attempts ON attempts.id = responses.attempt_id
        JOIN students ON students.id = attempts.student_id
        WHERE students.class_id = ? AND responses.attempt_id = ? AND responses.question_id = ?
        """,
        [class_id, attempt_id, question_id],
    )
    if row:
        row["answer"] = json.loads(row["answer"])
    return row


def record_grade(
    db: Database,
    attempt_id: int,
    question_id: str,
    level: int,
    score: float,
    comment: str,
    teacher_id: int,
) -> None:
    """Store the rubric level and comment, and bring the attempt's total up to date."""
    with durable(db):
        db.conn.execute(
            "UPDATE responses SET rubric_level = ?, score = ?, comment = ?, graded_by = ?, "
            "graded_at = ? WHERE attempt_id = ? AND question_id = ?",
            [level, score, comment or None, teacher_id, clock.stamp(), attempt_id, question_id],
        )
        db.conn.execute(
            "UPDATE attempts SET "
            "score = (SELECT coalesce(sum(score), 0) FROM responses WHERE attempt_id = :id), "
            "ungraded = (SELECT count(*) FROM responses WHERE attempt_id = :id "
            "AND score IS NULL) WHERE id = :id",
            {"id": attempt_id},
        )
