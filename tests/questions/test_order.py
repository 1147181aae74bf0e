"""`order`: the file schema, its problems by line, form reading, scoring, the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import WRITTEN_QUESTION, edit, line_of
from werkzeug.datastructures import MultiDict

from classroom import grading
from classroom.content import load_catalogue
from classroom.questions import InvalidAnswer, question_type
from classroom.questions.order import concordant_share

HEADER = """\
format = 1
slug = "q"
title = "Ordering"
lesson = "sample"
skill = "evidence-evaluation"

"""
ORDER = """\
[[questions]]
id = "strength"
type = "order"
skill = "evidence-evaluation"
points = 2
prompt = "Order from the strongest evidence of cracks to the weakest."
explanation = "Records first, assurances last."

[[questions.items]]
id = "report"
text = "The leaked report"
feedback = "A record that can be checked."

[[questions.items]]
id = "accusation"
text = "The accusation"
feedback = "Made by someone unnamed."

[[questions.items]]
id = "belief"
text = "What “is believed”"
feedback = "Believed by nobody named."

[[questions.items]]
id = "assurance"
text = "The minister's *assurance*"
feedback = "From an interested party."
"""
RIGHT = ["report", "accusation", "belief", "assurance"]


def load(author, body: str = ORDER):
    assert author(HEADER + body) == []
    return load_catalogue(Path("lessons"), Path("quizzes")).quizzes["q"].questions[0]


KIND = question_type("order")


def problem(text: str, needle: str, message: str, occurrence: int = 1) -> str:
    full = HEADER + text
    return f'quizzes/q.toml:{line_of(full, needle, occurrence)}: question "strength": {message}'


def test_an_order_question_keeps_its_items_in_the_right_order(author):
    question = load(author)
    assert [i.id for i in question.items] == RIGHT
    assert question.items[3].html == "The minister’s <em>assurance</em>"
    assert question.items[3].text == "The minister’s assurance"
    assert KIND.key(question) == RIGHT


def test_a_blank_question_never_shows_the_items_in_the_right_order(author):
    question = load(author)
    shown = [i.id for i in question.shuffled]
    assert sorted(shown) == sorted(RIGHT) and shown != RIGHT
    assert [i.id for i in question.shuffled] == shown  # the same on every load
    assert [i.id for i in question.shown(list(reversed(RIGHT)))] == list(reversed(RIGHT))


@pytest.mark.parametrize(
    "change, needle, occurrence, message",
    [
        (
            ('id = "belief"', 'id = "report"'),
            "[[questions.items]]",
            3,
            'duplicate item id "report"',
        ),
        (
            ('id = "belief"', 'id = "Belief"'),
            "[[questions.items]]",
            3,
            "item 3: id must be lower-case letters, digits and -",
        ),
        (
            ('text = "The accusation"\n', ""),
            "[[questions.items]]",
            2,
            'item "accusation": text must be a non-empty string',
        ),
        (
            ('feedback = "Made by someone unnamed."', 'feedback = ""'),
            "[[questions.items]]",
            2,
            'item "accusation": feedback must be a non-empty string',
        ),
        (
            ("points = 2\n", "points = 2\nchoices = []\n"),
            "choices = []",
            1,
            'unknown key "choices" for an order question',
        ),
    ],
)
def test_each_problem_names_its_line(author, change, needle, occurrence, message):
    text = edit(ORDER, change)
    assert author(HEADER + text) == [problem(text, needle, message, occurrence)]


def test_an_order_needs_two_items(author):
    text = ORDER.split('[[questions.items]]\nid = "accusation"')[0]
    assert author(HEADER + text) == [
        problem(text, "[[questions]]", "needs at least 2 items, has 1")
    ]
    text = re.sub(
        r"\[\[questions\.items\]\].*", 'items = ["report", "accusation"]\n', ORDER, flags=re.S
    )
    assert author(HEADER + text) == [
        problem(text, "items = [", "items must be a list of tables ([[questions.items]])")
    ]


# Scoring


@pytest.fixture
def question(author):
    return load(author)


@pytest.mark.parametrize(
    "answer, expected",
    [
        (RIGHT, 2.0),
        (list(reversed(RIGHT)), 0.0),
        (["accusation", "report", "belief", "assurance"], 2 * 5 / 6),  # one neighbour swap
        (["assurance", "report", "accusation", "belief"], 2 * 3 / 6),  # the last put first
        (["report", "assurance", "belief", "accusation"], 2 * 3 / 6),
    ],
)
def test_the_score_is_the_share_of_pairs_in_the_right_relative_order(question, answer, expected):
    assert KIND.score(question, answer) == pytest.approx(expected)
    assert grading.score_question(question, answer) == pytest.approx(expected)


@pytest.mark.parametrize(
    "answer",
    [
        ["report", "accusation", "belief"],  # one missing
        ["report", "accusation", "belief", "belief"],
        ["report", "accusation", "belief", "assurance", "extra"],
        {"report": 1},
        "report",
    ],
)
def test_an_answer_that_is_not_a_complete_order_scores_nothing(question, answer):
    with pytest.raises(InvalidAnswer):
        KIND.check_answer(question, answer)
    assert grading.score_question(question, answer) == 0.0
    assert KIND.score(question, answer) == 0.0


def test_two_items_score_all_or_nothing():
    assert concordant_share(["a", "b"], ["a", "b"]) == 1.0
    assert concordant_share(["b", "a"], ["a", "b"]) == 0.0


# Reading the form


def positions(**chosen: str) -> MultiDict:
    return MultiDict({f"q-strength-{item}": value for item, value in chosen.items()})


def test_the_form_gives_the_items_in_the_order_of_their_positions(question):
    form = positions(report="2", accusation="4", belief="1", assurance="3")
    assert KIND.read_form(question, form) == ["belief", "report", "assurance", "accusation"]


def test_a_blank_order_is_unanswered(question):
    assert (
        KIND.read_form(question, positions(report="", accusation="", belief="", assurance=""))
        is None
    )
    assert KIND.read_form(question, MultiDict()) is None


def test_an_order_with_a_position_still_blank_is_not_an_answer_yet(question):
    # Autosave posts the question as the student goes: half-way is no error.
    assert KIND.read_form(question, positions(report="1", accusation="2")) is None


def test_two_items_in_one_position_are_refused_with_both_named(question):
    form = positions(report="1", accusation="2", belief="2", assurance="")
    with pytest.raises(InvalidAnswer) as error:
        KIND.read_form(question, form)
    assert str(error.value) == (
        'In question "strength", “The accusation” and '
        "“What “is believed”” are both in position 2: give each "
        "item a different position."
    )


def test_a_position_out_of_range_is_refused(question):
    with pytest.raises(InvalidAnswer, match="must be a number from 1 to 4"):
        KIND.read_form(question, positions(report="5", accusation="1", belief="2", assurance="3"))
    with pytest.raises(InvalidAnswer, match="must be a number from 1 to 4"):
        KIND.read_form(question, positions(report="first"))


@pytest.mark.parametrize("value", ["²", "١", "0", "-1", "9" * 5000])
def test_a_position_in_other_digits_or_too_long_is_refused_not_a_crash(question, value):
    with pytest.raises(InvalidAnswer, match="must be a number from 1 to 4"):
        KIND.read_form(question, positions(report=value, accusation="1", belief="2"))


# In the app, without JavaScript


@pytest.fixture
def taking(quiz_taker):
    _, student = quiz_taker(HEADER + ORDER)
    return student


def order_on_page(page: str) -> list[str]:
    return re.findall(r'<li class="order-item" data-item="([a-z-]+)">', page)


def selected(page: str, item: str) -> str | None:
    block = re.search(
        rf'<select class="order-select" id="q-strength-{item}".*?</select>', page, re.S
    ).group(0)
    found = re.search(r'<option value="(\d+)" selected>', block)
    return found.group(1) if found else None


def test_each_item_has_a_labelled_position_select(taking):
    page = taking.client.get("/quizzes/q").get_data(as_text=True)
    assert (
        '<label class="order-label" for="q-strength-report"><span class="order-label-prefix">'
        'Position of:</span> <span class="order-text">The leaked report</span></label>' in page
    )
    assert '<select class="order-select" id="q-strength-report" name="q-strength-report">' in page
    assert sorted(order_on_page(page)) == sorted(RIGHT) and order_on_page(page) != RIGHT
    assert all(selected(page, item) is None for item in RIGHT)
    assert "Give each item a different position, from 1 to 4." in page


def test_the_no_script_form_stores_the_order_and_the_results_show_it(taking):
    attempt = taking.open_quiz("q")
    form = {
        "q-strength-report": "1",
        "q-strength-accusation": "3",
        "q-strength-belief": "2",
        "q-strength-assurance": "4",
    }
    assert (
        taking.client.post(
            f"/quizzes/q/attempts/{attempt}", data={**form, "action": "save"}
        ).status_code
        == 302
    )
    page = taking.client.get("/quizzes/q").get_data(as_text=True)
    assert order_on_page(page) == ["report", "belief", "accusation", "assurance"]
    assert [selected(page, item) for item in order_on_page(page)] == ["1", "2", "3", "4"]

    sent = taking.client.post(f"/quizzes/q/attempts/{attempt}", data={**form, "action": "submit"})
    results = taking.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "1.67 / 2" in results  # 5 of 6 pairs the right way round
    assert "Your order" in results and "The right order" in results
    assert results.count("Right place") == 2
    assert "Belongs at 3" in results and "Belongs at 2" in results
    assert "Made by someone unnamed." in results


def test_two_items_in_one_position_are_shown_again_with_the_problem(taking):
    attempt = taking.open_quiz("q")
    form = {
        "q-strength-report": "1",
        "q-strength-accusation": "2",
        "q-strength-belief": "2",
        "q-strength-assurance": "4",
        "action": "submit",
    }
    response = taking.client.post(f"/quizzes/q/attempts/{attempt}", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "are both in position 2: give each item a different position." in page
    assert selected(page, "belief") == "2" and selected(page, "report") == "1"
    assert page.count('aria-invalid="true"') == 2


def test_autosave_keeps_a_complete_order_and_ignores_a_half_one(taking):
    attempt = taking.open_quiz("q")
    url = f"/quizzes/q/attempts/{attempt}/answers"
    half = taking.client.post(url, data={"question": "strength", "q-strength-report": "1"})
    assert half.status_code == 200
    assert order_on_page(taking.client.get("/quizzes/q").get_data(as_text=True)) != RIGHT

    full = taking.client.post(
        url,
        data={
            "question": "strength",
            "q-strength-report": "1",
            "q-strength-accusation": "2",
            "q-strength-belief": "3",
            "q-strength-assurance": "4",
        },
    )
    assert full.get_json() == {"saved": True, "question": "strength", "answered": True}
    assert order_on_page(taking.client.get("/quizzes/q").get_data(as_text=True)) == RIGHT

    clash = taking.client.post(
        url, data={"question": "strength", "q-strength-report": "1", "q-strength-accusation": "1"}
    )
    assert clash.status_code == 400
    assert "are both in position 1" in clash.get_json()["error"]
    assert order_on_page(taking.client.get("/quizzes/q").get_data(as_text=True)) == RIGHT


def test_a_question_whose_answer_is_sent_under_an_items_name_is_named(author):
    # Item "report" of question "strength" is sent as q-strength-report, as the answer
    # to a question "strength-report" is: neither question could be submitted.
    written = edit(WRITTEN_QUESTION, ('id = "plan"', 'id = "strength-report"'))
    quiz = HEADER + ORDER + "\n" + written
    assert author(quiz) == [
        f'quizzes/q.toml:{line_of(quiz, "[[questions]]", 2)}: question "strength-report": its '
        'answer and question "strength"\'s are both sent as "q-strength-report", so neither '
        "could be submitted; rename one of the ids"
    ]
    assert author(HEADER + ORDER + "\n" + WRITTEN_QUESTION) == []
