"""`match`: the file schema, its problems by line, form reading, scoring, the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import edit, line_of
from werkzeug.datastructures import MultiDict

from classroom import grading
from classroom.content import load_catalogue
from classroom.questions import InvalidAnswer, question_type

HEADER = """\
format = 1
slug = "q"
title = "Matching"
lesson = "sample"
skill = "denial-rhetoric"

"""
MATCH = """\
[[questions]]
id = "moves"
type = "match"
skill = "denial-rhetoric"
points = 3
prompt = "Match each sentence to the move it makes."
explanation = "Each sentence does one thing."
options = [
  { id = "assurance", text = "An *assurance*" },
  { id = "passive", text = "An agentless passive" },
  { id = "document", text = "A document" },
]

[[questions.pairs]]
id = "safe"
text = "“The bridge is safe”"
answer = "assurance"
feedback = "A flat assurance from an interested party."

[[questions.pairs]]
id = "believed"
text = "“It is believed that…”"
answer = "passive"
feedback = "Believed by whom?"

[[questions.pairs]]
id = "report"
text = "“A leaked report lists 40 cracks”"
answer = "document"
feedback = "A record that can be checked."
"""


def load(author, body: str = MATCH):
    assert author(HEADER + body) == []
    return load_catalogue(Path("lessons"), Path("quizzes")).quizzes["q"].questions[0]


KIND = question_type("match")


def test_a_match_question_loads_its_options_and_pairs(author):
    question = load(author)
    assert [o.id for o in question.options] == ["assurance", "passive", "document"]
    assert question.options[0].html == "An <em>assurance</em>"
    assert question.options[0].text == "An assurance"
    assert [(p.id, p.answer) for p in question.pairs] == [
        ("safe", "assurance"),
        ("believed", "passive"),
        ("report", "document"),
    ]
    assert question.points == 3.0
    assert KIND.key(question) == {"safe": "assurance", "believed": "passive", "report": "document"}


def test_options_written_as_tables_load_too(author):
    body = edit(
        MATCH,
        (
            """options = [
  { id = "assurance", text = "An *assurance*" },
  { id = "passive", text = "An agentless passive" },
  { id = "document", text = "A document" },
]
""",
            """
[[questions.options]]
id = "assurance"
text = "An assurance"

[[questions.options]]
id = "passive"
text = "An agentless passive"

[[questions.options]]
id = "document"
text = "A document"
""",
        ),
    )
    assert [o.id for o in load(author, body).options] == ["assurance", "passive", "document"]


def problem(text: str, needle: str, message: str, occurrence: int = 1) -> str:
    full = HEADER + text
    return f'quizzes/q.toml:{line_of(full, needle, occurrence)}: question "moves": {message}'


@pytest.mark.parametrize(
    "change, needle, occurrence, message",
    [
        (
            ('answer = "document"', 'answer = "documents"'),
            "[[questions.pairs]]",
            3,
            'pair "report": answer "documents" is not one of the options '
            "(assurance, passive, document)",
        ),
        (
            ('answer = "passive"\n', ""),
            "[[questions.pairs]]",
            2,
            'pair "believed": answer must be the id of one of the options',
        ),
        (
            ('answer = "passive"', "answer = 2"),
            "[[questions.pairs]]",
            2,
            'pair "believed": answer must be the id of one of the options',
        ),
        (
            ('{ id = "document", text = "A document" }', '{ id = "passive", text = "A document" }'),
            '{ id = "passive", text = "A document" }',
            1,
            'duplicate option id "passive"',
        ),
        (
            ('{ id = "passive", text = "An agentless passive" }', '{ id = "passive" }'),
            '{ id = "passive" }',
            1,
            'option "passive": text must be a non-empty string',
        ),
        (
            ('{ id = "passive", text', '{ id = "Passive", text'),
            '"Passive"',
            1,
            "option 2: id must be lower-case letters, digits and -",
        ),
        (('id = "report"', 'id = "safe"'), "[[questions.pairs]]", 3, 'duplicate pair id "safe"'),
        (
            ('feedback = "Believed by whom?"\n', ""),
            "[[questions.pairs]]",
            2,
            'pair "believed": feedback must be a non-empty string',
        ),
    ],
)
def test_each_problem_names_its_line(author, change, needle, occurrence, message):
    text = edit(MATCH, change)
    if "duplicate option" in message:  # keep the pairs' answers valid
        text = edit(text, ('answer = "document"', 'answer = "passive"'))
    if "option 2: id" in message:  # a pair naming the malformed id is not a second problem
        text = edit(text, ('answer = "passive"', 'answer = "Passive"'))
    assert author(HEADER + text) == [problem(text, needle, message, occurrence)]


def test_a_match_needs_two_options_and_two_pairs(author):
    one_option = edit(
        MATCH,
        (
            """  { id = "passive", text = "An agentless passive" },
  { id = "document", text = "A document" },
""",
            "",
        ),
        ('answer = "passive"', 'answer = "assurance"'),
        ('answer = "document"', 'answer = "assurance"'),
    )
    assert author(HEADER + one_option) == [
        problem(one_option, "options = [", "needs at least 2 options, has 1")
    ]

    first_pair_only = MATCH.split('[[questions.pairs]]\nid = "believed"')[0]
    assert author(HEADER + first_pair_only) == [
        problem(first_pair_only, "[[questions]]", "needs at least 2 pairs, has 1")
    ]


def test_options_must_be_tables(author):
    text = re.sub(
        r"options = \[.*?\n\]\n", 'options = ["assurance", "passive"]\n', MATCH, flags=re.S
    )
    found = author(HEADER + text)
    assert found[0] == problem(
        text,
        "options = [",
        'options must be a list of tables: options = [{ id = "…", text = "…" }, …]',
    )


def test_unknown_keys_are_reported_for_a_match(author):
    text = edit(MATCH, ("points = 3\n", "points = 3\nchoices = []\n"))
    assert author(HEADER + text) == [
        problem(text, "choices = []", 'unknown key "choices" for a match question')
    ]


# Scoring


@pytest.fixture
def question(author):
    return load(author)


@pytest.mark.parametrize(
    "answer, expected",
    [
        ({"safe": "assurance", "believed": "passive", "report": "document"}, 3.0),
        ({"safe": "assurance", "believed": "passive", "report": "passive"}, 2.0),
        ({"safe": "assurance"}, 1.0),  # pairs left blank earn nothing
        ({"safe": "passive", "believed": "assurance", "report": "assurance"}, 0.0),
        ({}, 0.0),
    ],
)
def test_the_score_is_the_share_of_pairs_matched_right(question, answer, expected):
    assert KIND.score(question, answer) == pytest.approx(expected)
    assert grading.score_question(question, answer) == pytest.approx(expected)


@pytest.mark.parametrize(
    "answer",
    [
        {"bridge": "assurance"},  # no such pair
        {"safe": "denial"},  # no such option
        {"safe": 1},
        ["safe", "assurance"],
        "assurance",
    ],
)
def test_an_answer_that_does_not_fit_scores_nothing(question, answer):
    with pytest.raises(InvalidAnswer):
        KIND.check_answer(question, answer)
    assert grading.score_question(question, answer) == 0.0


# Reading the form


def test_the_form_gives_each_chosen_pair_and_leaves_blank_ones_out(question):
    form = MultiDict(
        {"q-moves-safe": "assurance", "q-moves-believed": "", "q-moves-report": "document"}
    )
    assert KIND.read_form(question, form) == {"safe": "assurance", "report": "document"}


def test_a_form_with_no_pair_chosen_is_unanswered(question):
    assert KIND.read_form(question, MultiDict({"q-moves-safe": ""})) is None
    assert KIND.read_form(question, MultiDict()) is None


def test_an_option_the_question_does_not_have_is_refused(question):
    with pytest.raises(InvalidAnswer, match='"denial" is not one of the options'):
        KIND.read_form(question, MultiDict({"q-moves-safe": "denial"}))


# In the app, without JavaScript


@pytest.fixture
def taking(quiz_taker):
    """A student who joined a class that has the matching quiz; the app's test client."""
    _, student = quiz_taker(HEADER + MATCH)
    return student


def test_the_form_is_a_labelled_select_per_pair_and_the_results_show_the_matches(taking):
    page = taking.client.get("/quizzes/q").get_data(as_text=True)
    assert '<label class="match-label" for="q-moves-safe">“The bridge is safe”</label>' in page
    assert '<select class="match-select" id="q-moves-safe" name="q-moves-safe">' in page
    assert '<option value="">Choose…</option>' in page
    assert '<option value="document">A document</option>' in page

    attempt = taking.open_quiz("q")
    saved = taking.client.post(
        f"/quizzes/q/attempts/{attempt}",
        data={"q-moves-safe": "assurance", "q-moves-believed": "document", "action": "save"},
    )
    assert saved.status_code == 302
    again = taking.client.get("/quizzes/q").get_data(as_text=True)
    assert '<option value="assurance" selected>An assurance</option>' in again

    sent = taking.client.post(
        f"/quizzes/q/attempts/{attempt}",
        data={
            "q-moves-safe": "assurance",
            "q-moves-believed": "document",
            "q-moves-report": "document",
            "action": "submit",
        },
    )
    results = taking.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "2 / 3" in results
    assert "Right match:</span> An agentless passive" in results
    assert "Believed by whom?" in results
    assert results.count('class="tag tag-key">Right</span>') == 2
    assert results.count('class="tag tag-wrong">Not right</span>') == 1


def test_an_autosave_of_one_pair_keeps_it(taking):
    attempt = taking.open_quiz("q")
    response = taking.client.post(
        f"/quizzes/q/attempts/{attempt}/answers",
        data={"question": "moves", "q-moves-safe": "assurance", "q-moves-believed": ""},
    )
    assert response.get_json() == {"saved": True, "question": "moves", "answered": True}
    page = taking.client.get("/quizzes/q").get_data(as_text=True)
    assert '<option value="assurance" selected>An assurance</option>' in page
