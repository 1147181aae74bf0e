"""Attempts and their answers: start, autosave, submit once."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlite_utils import Database

from classroom import clock
from classroom.content import Quiz
from classroom.db import autocommit, durable, immediate, thread_lock_of
from classroom.store.rows import many, one

# (answer, confidence); an answer of None clears the question.
Posted = Mapping[str, tuple[Any, int | None]]
Grader = Callable[[dict[str, Any]], dict[str, float | None]]

_SAVE = """
INSERT INTO responses (attempt_id, question_id, answer, confidence, saved_at)
SELECT ?, ?, ?, ?, ? WHERE EXISTS (
    SELECT 1 FROM attempts WHERE id = ? AND student_id = ? AND submitted_at IS NULL)
ON CONFLICT (attempt_id, question_id) DO UPDATE SET
    answer = excluded.answer, confidence = excluded.confidence, saved_at = excluded.saved_at
"""
# The assignment's columns come last, in _ASSIGNMENT_COLUMNS' order.
_ATTEMPT_WITH_ASSIGNMENT = """
SELECT attempts.*, students.session_version AS student_session_version,
       assignments.id, assignments.opens_at, assignments.closes_at,
       assignments.attempts_allowed, assignments.feedback, assignments.role
FROM attempts
JOIN students ON students.id = attempts.student_id
JOIN classes ON classes.id = students.class_id AND classes.archived_at IS NULL
LEFT JOIN assignments ON assignments.class_id = students.class_id
    AND assignments.quiz_slug = attempts.quiz_slug
WHERE attempts.id = ? AND attempts.student_id = ?
"""
_ASSIGNMENT_COLUMNS = ("id", "opens_at", "closes_at", "attempts_allowed", "feedback", "role")
_SUBMIT_ANSWER = """
INSERT INTO responses (attempt_id, question_id, answer, confidence, saved_at, score)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (attempt_id, question_id) DO UPDATE SET
    answer = excluded.answer, confidence = excluded.confidence, score = excluded.score,
    -- An answer the submit only repeats keeps the time it was given.
    saved_at = CASE WHEN answer = excluded.answer AND confidence IS excluded.confidence
                    THEN saved_at ELSE excluded.saved_at END
"""
# Claims the attempt: only an open attempt of this student's is marked submitted.
_MARK_SUBMITTED = """
UPDATE attempts SET submitted_at = :now, score = :score, ungraded = :ungraded
WHERE id = :attempt_id AND student_id = :student_id AND submitted_at IS NULL
RETURNING *
"""
_CLEAR = """
DELETE FROM responses WHERE attempt_id = ? AND question_id = ? AND EXISTS (
    SELECT 1 FROM attempts WHERE id = ? AND student_id = ? AND submitted_at IS NULL)
"""


def record_version(db: Database, quiz: Quiz) -> None:
    """Keep the quiz as it is now, so attempts taken on it can always be shown."""
    db.execute(
        "INSERT OR IGNORE INTO quiz_versions (quiz_slug, version, snapshot, created_at) "
        "VALUES (?, ?, ?, ?)",
        [quiz.slug, quiz.version, quiz.snapshot, clock.stamp()],
    )


def version_snapshot(db: Database, quiz_slug: str, version: str) -> str | None:
    row = one(
        db,
        "SELECT snapshot FROM quiz_versions WHERE quiz_slug = ? AND version = ?",
        [quiz_slug, version],
    )
    return row["snapshot"] if row else None


def latest_snapshot(db: Database, quiz_slug: str) -> str | None:
    """The quiz as it was last served to a student, whatever its file holds now."""
    row = one(
        db,
        "SELECT snapshot FROM quiz_versions WHERE quiz_slug = ? "
        "ORDER BY created_at DESC, version DESC LIMIT 1",
        [quiz_slug],
    )
    return row["snapshot"] if row else None


def get_attempt(db: Database, attempt_id: int, student_id: int) -> dict[str, Any] | None:
    """The attempt, only if it belongs to this student."""
    return one(
        db, "SELECT * FROM attempts WHERE id = ? AND student_id = ?", [attempt_id, student_id]
    )


def attempt_with_assignment(
    db: Database, attempt_id: int, student_id: int
) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """The student's attempt, and their class's assignment of its quiz (None when the
    quiz is not assigned); None when the attempt is not theirs or their class is archived.
    """
    cursor = db.conn.execute(_ATTEMPT_WITH_ASSIGNMENT, [attempt_id, student_id])
    row = cursor.fetchone()
    if row is None:
        return None
    split = len(row) - len(_ASSIGNMENT_COLUMNS)
    attempt = dict(zip([d[0] for d in cursor.description[:split]], row[:split], strict=True))
    if row[split] is None:
        return attempt, None
    return attempt, dict(zip(_ASSIGNMENT_COLUMNS, row[split:], strict=True))


def latest_attempt(db: Database, student_id: int, quiz_slug: str) -> dict[str, Any] | None:
    return one(
        db,
        "SELECT * FROM attempts WHERE student_id = ? AND quiz_slug = ? "
        "ORDER BY number DESC LIMIT 1",
        [student_id, quiz_slug],
    )


def attempts_for(db: Database, student_id: int, quiz_slug: str) -> list[dict[str, Any]]:
    return many(
        db,
        "SELECT * FROM attempts WHERE student_id = ? AND quiz_slug = ? ORDER BY number",
        [student_id, quiz_slug],
    )


def open_or_start(db: Database, student_id: int, quiz: Quiz) -> dict[str, Any]:
    """The student's latest attempt at the quiz, starting the first one if none exists."""
    with immediate(db):
        latest = latest_attempt(db, student_id, quiz.slug)
        if latest is not None:
            return latest
        return _start(db, student_id, quiz, number=1)


def start_retake(
    db: Database, student_id: int, quiz: Quiz, after: int, allowed: int
) -> dict[str, Any] | None:
    """Start attempt after+1 once; a resent form finds it already started.

    Returns None when no attempt is left (`allowed` 0 means unlimited).
    """
    with immediate(db):
        latest = latest_attempt(db, student_id, quiz.slug)
        if latest is None or latest["number"] > after or latest["submitted_at"] is None:
            return latest
        if allowed and latest["number"] >= allowed:
            return None
        return _start(db, student_id, quiz, number=latest["number"] + 1)


def _start(db: Database, student_id: int, quiz: Quiz, number: int) -> dict[str, Any]:
    record_version(db, quiz)
    cursor = db.conn.execute(
        "INSERT INTO attempts (student_id, quiz_slug, quiz_version, number, started_at, "
        "max_score) VALUES (?, ?, ?, ?, ?, ?)",
        [student_id, quiz.slug, quiz.version, number, clock.stamp(), quiz.max_score],
    )
    return one(db, "SELECT * FROM attempts WHERE id = ?", [cursor.lastrowid])


def answers(db: Database, attempt_id: int) -> dict[str, dict[str, Any]]:
    """Saved responses of an attempt by question id, answers decoded from JSON."""
    found = many(db, "SELECT * FROM responses WHERE attempt_id = ?", [attempt_id])
    for row in found:
        row["answer"] = json.loads(row["answer"])
    return {row["question_id"]: row for row in found}


# With feedback after each answer, an answer whose feedback was shown (checked) is
# final: these leave it as it is, even when a save races the check.
_SAVE_UNCHECKED = _SAVE.rstrip() + "\nWHERE responses.checked_at IS NULL\n"
_CLEAR_UNCHECKED = _CLEAR.rstrip() + " AND checked_at IS NULL\n"
_CHECK = (
    "UPDATE responses SET checked_at = ? "
    "WHERE attempt_id = ? AND question_id = ? AND checked_at IS NULL"
)


def _write(
    db: Database, attempt_id: int, student_id: int, posted: Posted, keep_checked: bool = False
) -> int:
    saved = 0
    now = clock.stamp()
    clear, save = (_CLEAR_UNCHECKED, _SAVE_UNCHECKED) if keep_checked else (_CLEAR, _SAVE)
    for question_id, (answer, confidence) in posted.items():
        if answer is None:
            cursor = db.conn.execute(clear, [attempt_id, question_id, attempt_id, student_id])
        else:
            cursor = db.conn.execute(
                save,
                [
                    attempt_id,
                    question_id,
                    json.dumps(answer),
                    confidence,
                    now,
                    attempt_id,
                    student_id,
                ],
            )
        saved += cursor.rowcount
    return saved


def save_answers(
    db: Database, attempt_id: int, student_id: int, posted: Posted, *, keep_checked: bool = False
) -> bool:
    """Save answers to an open attempt of this student's; False when it is not theirs
    or already submitted (nothing is written then).

    keep_checked: checked answers are final (feedback after each answer), so they are
    left as they are; a single answer that is checked is not saved (False).
    """
    if len(posted) == 1 and next(iter(posted.values()))[0] is not None:
        # The autosave of one answer: the statement checks owner and openness itself,
        # so it needs no read first, no transaction around it, and holds the write lock
        # for the shortest time.
        with thread_lock_of(db), autocommit(db):
            return _write(db, attempt_id, student_id, posted, keep_checked) == 1
    with immediate(db):
        if not _is_open(db, attempt_id, student_id):
            return False
        _write(db, attempt_id, student_id, posted, keep_checked)
    return True


def check_answer(
    db: Database, attempt_id: int, student_id: int, posted: Posted, question_id: str
) -> bool:
    """Save the unchecked answers posted and make one question's answer final (its
    feedback is shown from now on); False when that question has no answer saved."""
    with immediate(db):
        if not _is_open(db, attempt_id, student_id):
            return False
        _write(db, attempt_id, student_id, posted, keep_checked=True)
        cursor = db.conn.execute(_CHECK, [clock.stamp(), attempt_id, question_id])
        return cursor.rowcount == 1


def submit(
    db: Database,
    attempt_id: int,
    student_id: int,
    posted: Posted,
    grade: Grader,
    *,
    every_question: bool = False,
) -> dict[str, Any] | None:
    """Save the last answers and score the attempt, once.

    A second submit (a double click, a resent form, a race with another thread)
    finds the attempt submitted and changes nothing. The commit is synced to disk.

    every_question: `posted` holds every question of the quiz, as a submitted form
    does, so the answers saved before cannot change the outcome: they are not read,
    and the answers are scored before the write lock is taken.
    """
    scores = grade(_final(posted, {})) if every_question else None
    with durable(db):
        if scores is None:
            attempt = get_attempt(db, attempt_id, student_id)
            if attempt is None or attempt["submitted_at"] is not None:
                return attempt
            saved = answers(db, attempt_id)
            scores = grade(_final(posted, {qid: row["answer"] for qid, row in saved.items()}))
            kept = saved.keys() - posted.keys()  # saved earlier and not in this form
        else:
            kept = set()
        now = clock.stamp()
        ungraded = sum(1 for score in scores.values() if score is None)
        total = sum(score for score in scores.values() if score is not None)
        cursor = db.conn.execute(
            _MARK_SUBMITTED,
            {
                "now": now,
                "score": total,
                "ungraded": ungraded,
                "attempt_id": attempt_id,
                "student_id": student_id,
            },
        )
        row = cursor.fetchone()
        if row is None:  # not theirs, or submitted already: nothing is written
            return get_attempt(db, attempt_id, student_id)
        attempt = dict(zip([d[0] for d in cursor.description], row, strict=True))
        cursor.fetchall()  # lets the statement finish before the next one
        _write_submitted(db, attempt_id, posted, scores, kept, now)
        return attempt


def _final(posted: Posted, saved: dict[str, Any]) -> dict[str, Any]:
    """The attempt's answers once the posted ones replace (or clear) the saved ones."""
    final = dict(saved)
    for question_id, (answer, _) in posted.items():
        if answer is None:
            final.pop(question_id, None)
        else:
            final[question_id] = answer
    return final


def _write_submitted(
    db: Database,
    attempt_id: int,
    posted: Posted,
    scores: dict[str, float | None],
    kept: set[str],
    now: str,
) -> None:
    """The posted answers with their scores, and the scores of answers kept from before;
    the attempt is this student's and the write lock is held."""
    rows = [
        (attempt_id, qid, json.dumps(answer), confidence, now, scores.get(qid))
        for qid, (answer, confidence) in posted.items()
        if answer is not None
    ]
    if rows:
        db.conn.executemany(_SUBMIT_ANSWER, rows)
    cleared = [(attempt_id, qid) for qid, (answer, _) in posted.items() if answer is None]
    if cleared:
        db.conn.executemany(
            "DELETE FROM responses WHERE attempt_id = ? AND question_id = ?", cleared
        )
    if kept:
        db.conn.executemany(
            "UPDATE responses SET score = ? WHERE attempt_id = ? AND question_id = ?",
            [(scores.get(qid), attempt_id, qid) for qid in kept],
        )


def _is_open(db: Database, attempt_id: int, student_id: int) -> bool:
    attempt = get_attempt(db, attempt_id, student_id)
    return attempt is not None and attempt["submitted_at"] is None


def best_scores(db: Database, student_id: int) -> dict[str, dict[str, Any]]:
    """Per quiz: attempts made, the best submitted score and its maximum."""
    rows = many(
        db,
        "SELECT quiz_slug, count(*) AS attempts, count(submitted_at) AS submitted, "
        "max(score) AS best, max(max_score) AS max_score, max(number) AS latest "
        "FROM attempts WHERE student_id = ? GROUP BY quiz_slug",
        [student_id],
    )
    return {row["quiz_slug"]: row for row in rows}
