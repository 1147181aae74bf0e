"""Which quizzes a class gets, when, how often, and when feedback shows."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from classroom import clock
from classroom.store.rows import many, one

_UPSERT = """
INSERT INTO assignments (class_id, quiz_slug, opens_at, closes_at, attempts_allowed,
                         feedback, role, created_at)
VALUES (:class_id, :quiz_slug, :opens_at, :closes_at, :attempts_allowed, :feedback, :role,
        :created_at)
ON CONFLICT (class_id, quiz_slug) DO UPDATE SET
    opens_at = excluded.opens_at, closes_at = excluded.closes_at,
    attempts_allowed = excluded.attempts_allowed, feedback = excluded.feedback,
    role = excluded.role
"""


def assignments_for_class(db: Database, class_id: int) -> dict[str, dict[str, Any]]:
    rows = many(db, "SELECT * FROM assignments WHERE class_id = ? ORDER BY quiz_slug", [class_id])
    return {row["quiz_slug"]: row for row in rows}


def assignment(db: Database, class_id: int, quiz_slug: str) -> dict[str, Any] | None:
    return one(
        db, "SELECT * FROM assignments WHERE class_id = ? AND quiz_slug = ?", [class_id, quiz_slug]
    )


def assign(
    db: Database,
    class_id: int,
    quiz_slug: str,
    *,
    opens_at: str | None = None,
    closes_at: str | None = None,
    attempts_allowed: int | None = None,
    feedback: str | None = None,
    role: str | None = None,
    lesson_quizzes: Iterable[str] | None = None,
) -> None:
    """Assign a quiz to a class, or change its settings; one row per class and quiz.

    `lesson_quizzes`: the slugs of the quizzes of the same lesson, among which a
    new pre- or post-test replaces the old one; None: every quiz of the class.
    """
    if role:
        # A lesson has one pre-test and one post-test per class: the new one replaces.
        others = (
            None
            if lesson_quizzes is None
            else [slug for slug in lesson_quizzes if slug != quiz_slug]
        )
        if others is None:
            db.execute(
                "UPDATE assignments SET role = NULL WHERE class_id = ? AND role = ? "
                "AND quiz_slug != ?",
                [class_id, role, quiz_slug],
            )
        elif others:
            db.execute(
                "UPDATE assignments SET role = NULL WHERE class_id = ? AND role = ? "
                "AND quiz_slug IN (SELECT value FROM json_each(?))",
                [class_id, role, json.dumps(others)],
            )
    db.execute(
        _UPSERT,
        {
            "class_id": class_id,
            "quiz_slug": quiz_slug,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "attempts_allowed": attempts_allowed,
            "feedback": feedback,
            "role": role,
            "created_at": clock.stamp(),
        },
    )


def unassign(db: Database, class_id: int, quiz_slug: str) -> None:
    """Stop offering a quiz; attempts already made stay in the reports."""
    db.execute(
        "DELETE FROM assignments WHERE class_id = ? AND quiz_slug = ?", [class_id, quiz_slug]
    )


def is_open(row: dict[str, Any], now: str | None = None) -> bool:
    now = now or clock.stamp()
    return (row["opens_at"] is None or row["opens_at"] <= now) and (
        row["closes_at"] is None or now < row["closes_at"]
    )


def is_closed(row: dict[str, Any], now: str | None = None) -> bool:
    return row["closes_at"] is not None and (now or clock.stamp()) >= row["closes_at"]
