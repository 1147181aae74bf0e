"""Reading a quiz's answers out of a posted form: each question's answer and confidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from classroom.answers import read_question
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
