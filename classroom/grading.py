"""Scoring an attempt, question by question, with each type's own rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from classroom.content import Quiz
from classroom.questions import InvalidAnswer, Question, question_type


def score_question(question: Question, answer: Any) -> float | None:
    """Points for one answer; None when a person must grade it.

    A stored answer that no longer fits (say, a choice since removed from a new
    version) scores nothing rather than failing the whole attempt.
    """
    kind = question_type(question.type)
    try:
        kind.check_answer(question, answer)
    except InvalidAnswer:
        return 0.0
    score = kind.score(question, answer)
    if score is None:
        return None
    return min(round(max(score, 0.0), 6), question.points)


def grade_answers(quiz: Quiz, answers: dict[str, Any]) -> dict[str, float | None]:
    """Score every answered question of the quiz; unanswered ones are left out."""
    return {q.id: score_question(q, answers[q.id]) for q in quiz.questions if q.id in answers}


@dataclass(frozen=True)
class Outcome:
    """How one question went, for a results page."""

    question: Question
    answer: Any
    score: float | None
    answered: bool
    rubric_level: int | None = None  # a written answer's grade, and the teacher's comment
    comment: str | None = None
    confidence: int | None = None  # how sure the student said they were (1 to 3)

    @property
    def correct(self) -> bool:
        return self.score is not None and self.score >= self.question.points

    @property
    def awaiting_grading(self) -> bool:
        return self.answered and self.score is None

    @property
    def key(self) -> Any:
        return question_type(self.question.type).key(self.question)


def outcomes(quiz: Quiz, responses: dict[str, dict[str, Any]], live: bool = False) -> list[Outcome]:
    """Each question with the student's answer and score.

    Scores come from the submitted attempt; `live` scores answers not yet submitted.
    """
    found = []
    for question in quiz.questions:
        row = responses.get(question.id)
        answer = row["answer"] if row else None
        if row is None:
            score = 0.0
        elif live:
            score = score_question(question, answer)
        else:
            score = row["score"]
        found.append(
            Outcome(
                question,
                answer,
                score,
                row is not None,
                row.get("rubric_level") if row else None,
                row.get("comment") if row else None,
                row.get("confidence") if row else None,
            )
        )
    return found
