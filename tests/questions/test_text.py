"""`text`: the rubric's schema, problems by line, form reading, teacher scoring, the pages."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template_string
from support import WRITTEN_QUESTION, edit, line_of
from werkzeug.datastructures import MultiDict

from classroom import grading
from classroom.content import load_catalogue
from classroom.db import get_db
from classroom.questions import InvalidAnswer, question_type
from classroom.questions.text import MAX_LENGTH, rubric_score

HEADER = """\
format = 1
slug = "q"
title = "Writing"
lesson = "sample"
skill = "sourcing"

"""
TEXT = WRITTEN_QUESTION


def load(author, body: str = TEXT):
    assert author(HEADER + body) == []
    return load_catalogue(Path("lessons"), Path("quizzes")).quizzes["q"].questions[0]


KIND = question_type("text")


def problem(text: str, needle: str, message: str, occurrence: int = 1) -> str:
    full = HEADER + text
    return f'quizzes/q.toml:{line_of(full, needle, occurrence)}: question "plan": {message}'


def test_a_text_question_keeps_its_rubric_from_level_2_down(author):
    question = load(author)
    assert [(r.level, r.label) for r in question.rubric] == [
        (2, "Proficient"),
        (1, "Emergent"),
        (0, "Basic"),
    ]
    assert question.rubric[0].descriptor_html == "Names a specific claim and an independent source."
    assert KIND.auto_scored is False
    assert KIND.key(question) == {
        "text": "The leaked report: ask the *engineers' union* whether it is genuine."
    }


def test_the_rubric_may_be_written_in_any_order(author):
    body = TEXT.split("[[questions.rubric]]")
    reordered = (
        body[0]
        + "[[questions.rubric]]"
        + body[3]
        + "[[questions.rubric]]"
        + body[1]
        + "[[questions.rubric]]"
        + body[2]
    )
    assert [r.level for r in load(author, reordered.replace('"\n[[', '"\n\n[[')).rubric] == [
        2,
        1,
        0,
    ]


@pytest.mark.parametrize(
    "change, needle, occurrence, message",
    [
        (
            ("level = 1", "level = 3"),
            "[[questions.rubric]]",
            2,
            "rubric 2: level must be 2, 1 or 0",
        ),
        (
            ("level = 1", "level = true"),
            "[[questions.rubric]]",
            2,
            "rubric 2: level must be 2, 1 or 0",
        ),
        (
            ('label = "Emergent"\n', ""),
            "[[questions.rubric]]",
            2,
            "rubric level 1: label must be a non-empty string",
        ),
        (
            ('descriptor = "No claim to check."', 'descriptor = " "'),
            "[[questions.rubric]]",
            3,
            "rubric level 0: descriptor must be a non-empty string",
        ),
        (
            (
                "explanation = \"The leaked report: ask the *engineers' union* whether it is "
                'genuine."\n',
                "",
            ),
            "[[questions]]",
            1,
            "explanation must be a non-empty string",
        ),
    ],
)
def test_each_problem_names_its_line(author, change, needle, occurrence, message):
    text = edit(TEXT, change)
    found = author(HEADER + text)
    assert found[0] == problem(text, needle, message, occurrence)
    if "level must be" in message:  # and the level it should have been is missing
        assert found[1:] == [problem(text, "[[questions.rubric]]", "rubric is missing level 1")]
    else:
        assert len(found) == 1


def test_levels_must_be_2_1_and_0_once_each(author):
    twice = edit(TEXT, ("level = 1", "level = 2"))
    assert author(HEADER + twice) == [
        problem(twice, "[[questions.rubric]]", "rubric level 2 appears twice", 2),
        problem(twice, "[[questions.rubric]]", "rubric is missing level 1"),
    ]

    two_levels = TEXT.split("[[questions.rubric]]\nlevel = 0")[0]
    assert author(HEADER + two_levels) == [
        problem(
            two_levels, "[[questions.rubric]]", "rubric needs exactly 3 levels (2, 1 and 0), has 2"
        )
    ]

    none = TEXT.split("[[questions.rubric]]")[0]
    assert author(HEADER + none) == [
        problem(none, "[[questions]]", "rubric needs exactly 3 levels (2, 1 and 0), has 0")
    ]

    not_tables = none + 'rubric = "2, 1, 0"\n'
    assert author(HEADER + not_tables) == [
        problem(not_tables, "rubric =", "rubric must be a list of tables ([[questions.rubric]])")
    ]


# Scoring: a person grades it


@pytest.fixture
def question(author):
    return load(author)


def test_a_written_answer_awaits_the_teacher(question):
    assert KIND.score(question, {"text": "Check the report."}) is None
    assert grading.score_question(question, {"text": "Check the report."}) is None


@pytest.mark.parametrize("level, expected", [(2, 2.0), (1, 1.0), (0, 0.0)])
def test_a_rubric_level_scores_level_over_2_times_the_points(question, level, expected):
    assert rubric_score(question, level) == expected
    assert question.level_for(expected).level == level


@pytest.mark.parametrize("level", [3, -1, True, "2", None])
def test_only_levels_2_1_and_0_can_be_given(question, level):
    with pytest.raises(InvalidAnswer):
        rubric_score(question, level)


@pytest.mark.parametrize(
    "answer",
    [
        {"text": ""},
        {"text": "  "},
        {"text": 4},
        "words",
        {"text": "a", "extra": 1},
        {"text": "x" * (MAX_LENGTH + 1)},
    ],
)
def test_an_answer_that_does_not_fit_scores_nothing(question, answer):
    with pytest.raises(InvalidAnswer):
        KIND.check_answer(question, answer)
    assert grading.score_question(question, answer) == 0.0


def test_the_form_gives_the_trimmed_text(question):
    form = MultiDict({"q-plan": "  The report.\r\nAsk the union.  \r\n"})
    assert KIND.read_form(question, form) == {"text": "The report.\nAsk the union."}
    assert KIND.read_form(question, MultiDict({"q-plan": " \r\n "})) is None
    assert KIND.read_form(question, MultiDict()) is None


def test_the_limit_counts_a_line_end_once_as_the_browser_does(question):
    at_limit = "x\r\n" * (MAX_LENGTH // 2)  # 4000 characters in the box, 6000 posted
    assert (
        len(KIND.read_form(question, MultiDict({"q-plan": at_limit}))["text"]) == MAX_LENGTH - 1
    )  # the last line end is trimmed
    with pytest.raises(InvalidAnswer, match=f"4001 characters long; shorten it to {MAX_LENGTH}"):
        KIND.read_form(question, MultiDict({"q-plan": "y" * (MAX_LENGTH + 1)}))


# In the app, without JavaScript


@pytest.fixture
def app_and_student(quiz_taker):
    return quiz_taker(HEADER + TEXT)


def test_the_answer_box_is_labelled_and_limited(app_and_student):
    _, student = app_and_student
    page = student.client.get("/quizzes/q").get_data(as_text=True)
    assert '<label class="text-answer-label" for="q-plan">Your answer</label>' in page
    assert re.search(
        r'<textarea class="text-answer-input" id="q-plan" name="q-plan" rows="6" '
        r'maxlength="4000" aria-describedby="q-plan-limit"[^>]*></textarea>',
        page,
    )
    assert "How your teacher will grade it" in page and "Proficient" in page


def test_a_written_answer_is_stored_awaits_grading_and_then_shows_its_level(app_and_student):
    app, student = app_and_student
    attempt = student.open_quiz("q")
    student.client.post(
        f"/quizzes/q/attempts/{attempt}",
        data={"q-plan": "Check the report <b>with</b> the union.", "action": "save"},
    )
    page = student.client.get("/quizzes/q").get_data(as_text=True)
    assert ">Check the report &lt;b&gt;with&lt;/b&gt; the union.</textarea>" in page

    sent = student.client.post(
        f"/quizzes/q/attempts/{attempt}",
        data={"q-plan": "Check the report <b>with</b> the union.", "action": "submit"},
    )
    results = student.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert (
        '<div class="text-review">Check the report &lt;b&gt;with&lt;/b&gt; the union.</div>'
        in results
    )
    assert "Awaiting grading by your teacher." in results
    assert "A model answer" not in results
    assert "No claim to check." in results  # the criteria are shown

    with app.app_context():
        question = next(
            q for q in app.extensions["classroom.library"].current().quizzes["q"].questions
        )
        get_db().conn.execute(
            "UPDATE responses SET score = ? WHERE question_id = 'plan'", [rubric_score(question, 1)]
        )
        get_db().conn.commit()
    graded = student.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Graded: 1 of 2, <strong>Emergent</strong>." in graded
    assert "A model answer" in graded
    assert "<em>engineers’ union</em>" in graded


def test_an_answer_over_the_limit_is_refused_and_kept_on_the_page(app_and_student):
    _, student = app_and_student
    attempt = student.open_quiz("q")
    response = student.client.post(
        f"/quizzes/q/attempts/{attempt}", data={"q-plan": "z" * (MAX_LENGTH + 10), "action": "save"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "4010 characters long" in page
    assert f"{'z' * (MAX_LENGTH + 10)}</textarea>" in page


def test_a_graded_review_shows_the_level_and_comment_when_the_outcome_carries_them(
    app_and_student,
):
    app, _ = app_and_student
    with app.test_request_context():
        question = app.extensions["classroom.library"].current().quizzes["q"].questions[0]
        outcome = SimpleNamespace(
            question=question,
            answer={"text": "Mine."},
            score=2.0,
            rubric_level=2,
            comment="Well <done>.",
        )
        page = render_template_string(
            '{% import "questions/text.html" as qt with context %}{{ qt.review(o, true) }}',
            o=outcome,
        )
    assert "Graded: 2 of 2, <strong>Proficient</strong>." in page
    assert "Your teacher’s comment" in page and "Well &lt;done&gt;." in page
