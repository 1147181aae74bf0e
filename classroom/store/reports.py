"""The queries behind the teacher's reports: each one pass over indexed rows."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from classroom.store.rows import many

# A student's first submitted attempt at a quiz: item statistics describe what the
# class understood before feedback and retakes taught them the key. SQLite takes the
# bare columns of a min() query from the row holding the minimum; the partial index
# attempts_submitted covers every column read here.
_FIRST_ATTEMPTS = """
SELECT attempts.id AS attempt_id, attempts.student_id, min(attempts.number) AS number,
       attempts.score AS total, attempts.max_score, attempts.quiz_version
FROM students JOIN attempts ON attempts.student_id = students.id
WHERE students.class_id = :class_id AND attempts.quiz_slug = :quiz
  AND attempts.submitted_at IS NOT NULL
GROUP BY students.id
ORDER BY students.id
"""
# The responses of those attempts, read apart so that each attempt's own columns are
# read once rather than once per response.
_RESPONSES_OF_ATTEMPTS = """
SELECT attempt_id, question_id, answer, score, confidence, rubric_level
FROM responses WHERE attempt_id IN (SELECT value FROM json_each(:attempt_ids))
"""
_NO_RESPONSE = dict.fromkeys(["question_id", "answer", "score", "confidence", "rubric_level"])


def first_attempt_responses(db: Database, class_id: int, quiz_slug: str) -> list[dict]:
    """One row per (first attempt, question answered), with the attempt's total; an
    attempt submitted with no answer at all has one row with no question."""
    attempts = many(db, _FIRST_ATTEMPTS, {"class_id": class_id, "quiz": quiz_slug})
    found: dict[int, list[dict[str, Any]]] = {attempt["attempt_id"]: [] for attempt in attempts}
    ids = json.dumps(list(found))
    for response in many(db, _RESPONSES_OF_ATTEMPTS, {"attempt_ids": ids}):
        response["answer"] = json.loads(response["answer"])
        found[response["attempt_id"]].append(response)
    rows = []
    for attempt in attempts:
        del attempt["number"]
        for response in found[attempt["attempt_id"]] or [_NO_RESPONSE]:
            rows.append({**attempt, **response})
    return rows


def submitted_quiz_slugs(db: Database, class_id: int) -> set[str]:
    """The quizzes the class has submitted attempts at (from the covering index alone)."""
    rows = db.conn.execute(
        "SELECT DISTINCT attempts.quiz_slug FROM students "
        "JOIN attempts ON attempts.student_id = students.id "
        "WHERE students.class_id = ? AND attempts.submitted_at IS NOT NULL",
        [class_id],
    ).fetchall()
    return {slug for (slug,) in rows}


def submitted_attempts(db: Database, class_id: int) -> list[dict[str, Any]]:
    """Every submitted attempt in the class, for the gradebook."""
    return many(
        db,
        """
        SELECT attempts.id, attempts.student_id, attempts.quiz_slug, attempts.number,
               attempts.score, attempts.max_score, attempts.submitted_at, attempts.ungraded
        FROM attempts JOIN students ON students.id = attempts.student_id
        WHERE students.class_id = ? AND attempts.submitted_at IS NOT NULL
        ORDER BY attempts.student_id, attempts.quiz_slug, attempts.number""",
        [class_id],
    )


def in_progress(db: Database, class_id: int) -> list[dict[str, Any]]:
    return many(
        db,
        """
        SELECT attempts.student_id, attempts.quiz_slug, attempts.id,
               (SELECT count(*) FROM responses WHERE attempt_id = attempts.id) AS answered
        FROM attempts JOIN students ON students.id = attempts.student_id
        WHERE students.class_id = ? AND attempts.submitted_at IS NULL""",
        [class_id],
    )


def students_of(db: Database, class_id: int) -> list[dict[str, Any]]:
    return many(
        db,
        "SELECT id, display_name FROM students WHERE class_id = ? "
        "ORDER BY display_name COLLATE NOCASE, id",
        [class_id],
    )


def attempt_in_class(db: Database, attempt_id: int, class_id: int) -> dict[str, Any] | None:
    found = many(
        db,
        """
        SELECT attempts.*, students.display_name
        FROM attempts JOIN students ON students.id = attempts.student_id
        WHERE attempts.id = ? AND students.class_id = ?""",
        [attempt_id, class_id],
    )
    return found[0] if found else None


def latest_responses(db: Database, class_id: int) -> list[dict[str, Any]]:
    """Each student's latest submitted attempt per quiz, with its responses (one row with
    no question for an attempt with none): for mastery, where a question left blank
    counts as no points of its own."""
    rows = many(
        db,
        """
        SELECT attempts.student_id, attempts.quiz_slug, attempts.quiz_version,
               responses.question_id, responses.score
        FROM attempts JOIN students ON students.id = attempts.student_id
        LEFT JOIN responses ON responses.attempt_id = attempts.id
        WHERE students.class_id = ? AND attempts.submitted_at IS NOT NULL
          AND attempts.number = (
              SELECT max(number) FROM attempts AS later
              WHERE later.student_id = attempts.student_id
                AND later.quiz_slug = attempts.quiz_slug AND later.submitted_at IS NOT NULL)
        """,
        [class_id],
    )
    return rows


def latest_responses_of_student(db: Database, student_id: int) -> list[dict[str, Any]]:
    """The same rows as latest_responses, for one student: their own skills page."""
    return many(
        db,
        """
        SELECT attempts.student_id, attempts.quiz_slug, attempts.quiz_version,
               responses.question_id, responses.score
        FROM attempts LEFT JOIN responses ON responses.attempt_id = attempts.id
        WHERE attempts.student_id = ? AND attempts.submitted_at IS NOT NULL
          AND attempts.number = (
              SELECT max(number) FROM attempts AS later
              WHERE later.student_id = attempts.student_id
                AND later.quiz_slug = attempts.quiz_slug AND later.submitted_at IS NOT NULL)
        """,
        [student_id],
    )


def all_responses(db: Database, class_id: int) -> list[dict[str, Any]]:
    """Every answer of every submitted attempt in the class, for the CSV export."""
    return many(
        db,
        """
        SELECT students.display_name, students.id AS student_id, attempts.quiz_slug,
               attempts.number AS attempt, attempts.quiz_version, attempts.submitted_at,
               responses.question_id, responses.answer, responses.score,
               responses.confidence, responses.saved_at, responses.rubric_level,
               responses.comment
        FROM attempts JOIN students ON students.id = attempts.student_id
        JOIN responses ON responses.attempt_id = attempts.id
        WHERE students.class_id = ? AND attempts.submitted_at IS NOT NULL
        ORDER BY students.display_name COLLATE NOCASE, students.id, attempts.quiz_slug,
                 attempts.number, responses.question_id""",
        [class_id],
    )


def class_fingerprint(db: Database, class_id: int) -> tuple:
    """Changes whenever the class's results do: a submit, a grade, a student removed.

    A grade changes its attempt's score; weighting each score by its attempt id makes
    even two regrades that cancel out in the total change the fingerprint.
    """
    row = many(
        db,
        """
        SELECT count(*) AS attempts, max(attempts.submitted_at) AS latest,
               total(attempts.score * attempts.id) AS points,
               total(attempts.ungraded * attempts.id) AS ungraded,
               (SELECT count(*) FROM students WHERE class_id = :class_id) AS students
        FROM attempts JOIN students ON students.id = attempts.student_id
        WHERE students.class_id = :class_id AND attempts.submitted_at IS NOT NULL""",
        {"class_id": class_id},
    )[0]
    return tuple(row.values())
