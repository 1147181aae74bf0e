"""Reading a quiz's answers out of a posted form: each question's answer and confidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from classroom.answers import by_number, read_question, read_quiz
from classroom.content import load_catalogue
from classroom.questions import InvalidAnswer

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def question():
    """A bundled question that asks how sure the student is."""
    quiz = load_catalogue(REPO / "lessons", REPO / "quizzes").quizzes["denial-rhetoric"]
    return next(q for q in quiz.questions if q.confidence and q.type == "single")


def _form(question, confidence: str) -> MultiDict:
    choice = question.choices[0].id
    return MultiDict({question.field_name: choice, f"c-{question.id}": confidence})


@pytest.mark.parametrize(("posted", "kept"), [("1", 1), ("2", 2), ("3", 3), ("", None)])
def test_how_sure_the_student_is_comes_with_the_answer(question, posted, kept):
    answer, confidence = read_question(question, _form(question, posted))
    assert answer == question.choices[0].id
    assert confidence == kept


@pytest.mark.parametrize("posted", ["4", "0", "-1", "sure", "²", "١", "3" * 5000])
def test_a_confidence_that_is_not_1_2_or_3_is_refused_with_the_question_named(question, posted):
    with pytest.raises(InvalidAnswer, match=f'confidence for question "{question.id}" must be'):
        read_question(question, _form(question, posted))


def test_a_form_error_names_the_question_by_its_number_on_the_page_not_its_id():
    quiz = load_catalogue(REPO / "lessons", REPO / "quizzes").quizzes["denial-rhetoric"]
    number, question = next(
        (n, q) for n, q in enumerate(quiz.questions, 1) if q.confidence and q.type == "single"
    )
    posted, errors = read_quiz(quiz, _form(question, "4"))
    assert errors == [f"Confidence for question {number} must be 1, 2 or 3"]
    assert question.id not in posted


def test_an_error_that_does_not_name_its_question_is_prefixed_with_the_number(question):
    error = InvalidAnswer("a rubric level is 2, 1 or 0, not 7")
    assert by_number(error, question, 4) == "Question 4: a rubric level is 2, 1 or 0, not 7"
