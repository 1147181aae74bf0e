"""The rows behind a quiz report: each student's first submitted attempt, whole."""

from __future__ import annotations

import pytest

from classroom import grading
from classroom.library import catalogue
from classroom.store import attempts as attempt_store
from classroom.store import classes as class_store
from classroom.store import reports as report_store
from classroom.store import students as student_store


@pytest.fixture
def quiz(app):
    with app.app_context():
        return catalogue().quizzes["sample-quiz"]


def _submit(db, quiz, student_id: int, answers: dict) -> int:
    """Submit the student's open attempt (starting one if needed); its id."""
    latest = attempt_store.latest_attempt(db, student_id, quiz.slug)
    if latest is not None and latest["submitted_at"] is not None:
        attempt = attempt_store.start_retake(db, student_id, quiz, latest["number"], 0)
    else:
        attempt = attempt_store.open_or_start(db, student_id, quiz)
    posted = {qid: (answer, None) for qid, answer in answers.items()}
    attempt_store.submit(
        db, attempt["id"], student_id, posted, lambda a: grading.grade_answers(quiz, a)
    )
    return attempt["id"]


def test_a_report_reads_each_students_first_submitted_attempt_and_nothing_else(db, quiz):
    class_id = class_store.create_class(db, "7B")["id"]
    other_class = class_store.create_class(db, "7C")["id"]
    ada, bea, cy = (student_store.create_student(db, class_id, n)[0] for n in ("A", "B", "C"))
    stranger = student_store.create_student(db, other_class, "D")[0]
    ada_first = _submit(db, quiz, ada, {"who-says": "minister"})
    _submit(db, quiz, ada, {"who-says": "nobody", "strong-evidence": ["report", "accused"]})
    bea_blank = _submit(db, quiz, bea, {})
    attempt_store.open_or_start(db, cy, quiz)  # started, never submitted
    _submit(db, quiz, stranger, {"who-says": "nobody"})

    rows = report_store.first_attempt_responses(db, class_id, quiz.slug)

    assert [(r["attempt_id"], r["student_id"], r["question_id"], r["answer"]) for r in rows] == [
        (ada_first, ada, "who-says", "minister"),
        (bea_blank, bea, None, None),
    ]
    assert rows[0]["total"] == 0.0 and rows[0]["score"] == 0.0
    assert rows[0]["max_score"] == quiz.max_score
    assert rows[0]["quiz_version"] == quiz.version
    assert (
        set(rows[0])
        == set(rows[1])
        == {
            "attempt_id",
            "student_id",
            "total",
            "max_score",
            "quiz_version",
            "question_id",
            "answer",
            "score",
            "confidence",
            "rubric_level",
        }
    )
