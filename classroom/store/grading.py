"""Written answers waiting for a teacher, and recording the teacher's grade."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from classroom import clock
from classroom.db import durable
from classroom.store.rows import one, scalar

# The queue's order is the order answers were submitted in. After a given place (an
# answer just graded or skipped) the queue goes on from there, then round to its start.
_NEXT_WAITING = """
SELECT responses.attempt_id, responses.question_id, responses.answer, responses.score,
       responses.saved_at,
       attempts.quiz_slug, attempts.quiz_version, attempts.number, attempts.submitted_at,
       students.display_name, students.id AS student_id,
       (attempts.submitted_at, responses.attempt_id, responses.question_id)
           <= (:submitted_at, :attempt_id, :question_id) AS wrapped
FROM responses JOIN attempts ON attempts.id = responses.attempt_id
JOIN students ON students.id = attempts.student_id
WHERE students.class_id = :class_id AND attempts.submitted_at IS NOT NULL
  AND responses.score IS NULL
ORDER BY wrapped, attempts.submitted_at, responses.attempt_id, responses.question_id
LIMIT 1
"""

# A place in the queue: (submitted_at, attempt_id, question_id).
Place = tuple[str, int, str]


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


def next_waiting(
    db: Database, class_id: int, after: Place | None = None
) -> tuple[dict[str, Any] | None, bool]:
    """The oldest submitted written answer in the class that nobody has graded, or the
    next one after `after`; and whether the queue went round to its start to find it."""
    submitted_at, attempt_id, question_id = after or ("", 0, "")
    row = one(
        db,
        _NEXT_WAITING,
        {
            "class_id": class_id,
            "submitted_at": submitted_at,
            "attempt_id": attempt_id,
            "question_id": question_id,
        },
    )
    if row is None:
        return None, False
    row["answer"] = json.loads(row["answer"])
    return row, bool(row.pop("wrapped"))


def place(row: dict[str, Any]) -> Place:
    """Where an answer stands in the queue."""
    return (row["submitted_at"], row["attempt_id"], row["question_id"])


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
