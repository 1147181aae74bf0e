"""Scoring: each question type's rule, partial credit, and answers that no longer fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from classroom.content import load_catalogue
from classroom.grading import grade_answers, outcomes, score_question
from classroom.questions.base import select_credit

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def quiz():
    catalogue = load_catalogue(FIXTURES / "lessons", FIXTURES / "quizzes")
    assert catalogue.problems == []
    return catalogue.quizzes["sample-quiz"]


def test_a_single_choice_scores_full_points_only_for_the_right_choice(quiz):
    question = quiz.question("who-says")
    assert score_question(question, "nobody") == 1.0
    assert score_question(question, "minister") == 0.0


@pytest.mark.parametrize(
    ("picked", "points"),
    [
        (["accused", "report"], 2.0),  # both right choices
        (["report"], 1.0),  # one of the two right choices
        (["minister", "report"], 0.0),  # one right and one wrong cancel out
        (["minister"], 0.0),  # only a wrong choice: never below zero
        (["accused", "minister", "report"], 1.0),  # ticking everything costs a wrong pick
        ([], 0.0),
    ],
    ids=["both-right", "one-right", "one-right-one-wrong", "only-wrong", "all-three", "none"],
)
def test_multiple_select_gives_partial_credit(quiz, picked, points):
    # "strong-evidence" is worth 2 points and has 2 correct choices out of 3.
    question = quiz.question("strong-evidence")
    assert question.points == 2.0
    assert question.correct_ids == {"report", "accused"}
    assert score_question(question, picked) == points


def test_partial_credit_is_plus_one_over_c_per_right_pick_minus_one_over_c_per_wrong():
    correct = {"a", "b", "c"}
    assert select_credit({"a"}, correct, 3.0) == pytest.approx(1.0)
    assert select_credit({"a", "b"}, correct, 3.0) == pytest.approx(2.0)
    assert select_credit({"a", "b", "x"}, correct, 3.0) == pytest.approx(1.0)
    assert select_credit({"a", "x", "y"}, correct, 3.0) == 0.0
    assert select_credit(set(), set(), 3.0) == 0.0


def test_an_answer_that_no_longer_fits_its_question_scores_nothing_instead_of_failing(quiz):
    # A choice removed in a later version of the quiz, or a tampered stored answer.
    assert score_question(quiz.question("who-says"), "removed-choice") == 0.0
    assert score_question(quiz.question("who-says"), ["nobody"]) == 0.0
    assert score_question(quiz.question("strong-evidence"), ["report", "gone"]) == 0.0
    assert score_question(quiz.question("strong-evidence"), "report") == 0.0


def test_grading_a_quiz_scores_only_the_answered_questions(quiz):
    assert grade_answers(quiz, {"who-says": "nobody"}) == {"who-says": 1.0}
    assert grade_answers(quiz, {"who-says": "minister", "strong-evidence": ["report"]}) == {
        "who-says": 0.0,
        "strong-evidence": 1.0,
    }
    assert grade_answers(quiz, {}) == {}


def test_results_list_every_question_with_unanswered_ones_at_zero(quiz):
    saved = {"strong-evidence": {"answer": ["report"], "score": 1.0}}

    found = outcomes(quiz, saved)

    assert [o.question.id for o in found] == ["who-says", "strong-evidence"]
    unanswered, partial = found
    assert (unanswered.answered, unanswered.score, unanswered.correct) == (False, 0.0, False)
    assert (partial.answered, partial.score, partial.correct) == (True, 1.0, False)
    assert partial.key == ["accused", "report"]
    assert unanswered.key == "nobody"
    assert not partial.awaiting_grading
