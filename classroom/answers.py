"""Reading a quiz's answers out of a posted form."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from classroom.content import Quiz
from classroom.numbers import whole_number
from classroom.questions import InvalidAnswer, Question, question_type

CONFIDENCE_LEVELS = {1: "Guessing", 2: "Fairly sure", 3: "Very sure"}
# The quiz form's buttons that submit it: "Submit answers", which asks first when a
# question is left blank, and the button that question shows, which submits as it is.
SUBMIT = "submit"
SUBMIT_UNANSWERED = "submit-unanswered"


def read_question(question: Question, form: MultiDict) -> tuple[Any, int | None]:
    """The answer and confidence posted for one question; raises InvalidAnswer."""
    answer = question_type(question.type).read_form(question, form)
    confidence = None
    raw = form.get(f"c-{question.id}")
    if question.confidence and raw:
        confidence = whole_number(raw)
        if confidence not in CONFIDENCE_LEVELS:
            raise InvalidAnswer(f'confidence for question "{question.id}" must be 1, 2 or 3')
    return answer, confidence


def read_quiz(quiz: Quiz, form: MultiDict) -> tuple[dict[str, tuple[Any, int | None]], list[str]]:
    """Every valid question's posted answer (None where blank), and what was wrong with
    the others, each named by its number on the page."""
    posted: dict[str, tuple[Any, int | None]] = {}
    errors: list[str] = []
    for number, question in enumerate(quiz.questions, 1):
        try:
            posted[question.id] = read_question(question, form)
        except InvalidAnswer as error:
            errors.append(by_number(error, question, number))
    return posted, errors


def unanswered(quiz: Quiz, posted: dict[str, tuple[Any, int | None]]) -> list[int]:
    """The numbers of the questions read_quiz found blank (a checked answer, left out of
    the form, is not among them)."""
    return [
        number
        for number, question in enumerate(quiz.questions, 1)
        if question.id in posted and posted[question.id][0] is None
    ]


class QuestionError(str):
    """A message about one question that knows the question (its id, and its number on
    the page), so that the page can link to the question and say it there too."""

    question_id: str
    number: int

    def __new__(cls, message: str, question_id: str, number: int) -> QuestionError:
        error = super().__new__(cls, message)
        error.question_id, error.number = question_id, number
        return error


def by_number(error: InvalidAnswer, question: Question, number: int) -> QuestionError:
    """The error as a student reads it: the question named by the number the page shows,
    never by its id, which the student never sees."""
    message = str(error)
    named = message.replace(f'question "{question.id}"', f"question {number}")
    if named == message:
        named = f"Question {number}: {message}"
    return QuestionError(named[0].upper() + named[1:], question.id, number)


def number_of(quiz: Quiz, question: Question) -> int:
    """The question's number on the quiz page, from 1."""
    return next(n for n, q in enumerate(quiz.questions, 1) if q.id == question.id)


def as_form_values(posted: dict[str, tuple[Any, int | None]]) -> dict[str, dict[str, Any]]:
    """Posted answers in the shape of saved responses, to show them again."""
    return {
        qid: {"answer": answer, "confidence": confidence, "score": None}
        for qid, (answer, confidence) in posted.items()
        if answer is not None
    }
