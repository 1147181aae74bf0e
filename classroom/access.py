"""What a student may do with a quiz: the class's assignment over the quiz's defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from classroom import clock
from classroom.content import Quiz
from classroom.store import assignments


@dataclass(frozen=True)
class QuizAccess:
    assigned: bool
    opens_at: str | None
    closes_at: str | None
    attempts_allowed: int  # 0: unlimited
    feedback: str  # after_each | after_submit | after_close
    role: str | None

    @property
    def not_yet_open(self) -> bool:
        return self.opens_at is not None and clock.stamp() < self.opens_at

    @property
    def closed(self) -> bool:
        return self.closes_at is not None and clock.stamp() >= self.closes_at

    @property
    def open(self) -> bool:
        return self.assigned and not self.not_yet_open and not self.closed

    @property
    def show_key(self) -> bool:
        """Whether results may show the right answers and every choice's feedback."""
        return self.feedback != "after_close" or self.closed

    def attempts_left(self, used: int) -> int | None:
        """None: unlimited."""
        return None if self.attempts_allowed == 0 else max(0, self.attempts_allowed - used)


def quiz_access(db: Database, student: dict[str, Any], quiz: Quiz) -> QuizAccess:
    return access_from(assignments.assignment(db, student["class_id"], quiz.slug), quiz)


def access_from(row: dict[str, Any] | None, quiz: Quiz) -> QuizAccess:
    """The rules from a class's assignment of the quiz (None: not assigned)."""
    if row is None:
        return QuizAccess(False, None, None, quiz.attempts, quiz.feedback, None)
    allowed = row["attempts_allowed"]
    return QuizAccess(
        assigned=True,
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        attempts_allowed=quiz.attempts if allowed is None else allowed,
        feedback=row["feedback"] or quiz.feedback,
        role=row["role"],
    )
