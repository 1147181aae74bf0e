"""`evidence`: quotes resolved to sentences, problems by line, form, scoring, the pages."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from support import edit, line_of
from werkzeug.datastructures import MultiDict

from classroom import grading
from classroom.content import load_catalogue
from classroom.content.quizzes import quiz_from_snapshot
from classroom.questions import InvalidAnswer, question_type

HEADER = """\
format = 1
slug = "q"
title = "Evidence"
lesson = "sample"
skill = "sourcing"

"""
EVIDENCE = """\
[[questions]]
id = "unsourced"
type = "evidence"
skill = "sourcing"
points = 2
prompt = "Pick every sentence that makes a claim without saying who makes it."
explanation = "A passive voice can hide the speaker."
answers = [
  "have been accused of",
  "It is believed",
]
right_feedback = "Right: nobody is named."
wrong_feedback = "This sentence names its source."

[[questions.sentence_feedback]]
quote = "A leaked report"
feedback = "The report is the source, even if we do not know who leaked it."
"""
SENTENCES = ["p1s1", "p1s2", "p2s1", "p2s2"]


def load(author, body: str = EVIDENCE):
    assert author(HEADER + body) == []
    return load_catalogue(Path("lessons"), Path("quizzes")).quizzes["q"]


KIND = question_type("evidence")


def problem(text: str, needle: str, message: str, occurrence: int = 1) -> str:
    full = HEADER + text
    return f'quizzes/q.toml:{line_of(full, needle, occurrence)}: question "unsourced": {message}'


def test_quotes_become_sentence_ids_and_the_question_keeps_the_article(author):
    question = load(author).questions[0]
    assert question.answers == ("p1s2", "p2s1")
    assert KIND.key(question) == ["p1s2", "p2s1"]
    assert [s.id for s in question.article] == SENTENCES
    assert question.article[0].text == "The minister said the bridge is safe."
    assert [(n, [s.id for s in found]) for n, found in question.paragraphs] == [
        (1, ["p1s1", "p1s2"]),
        (2, ["p2s1", "p2s2"]),
    ]
    assert question.feedback_for("p2s1") == "Right: nobody is named."
    assert question.feedback_for("p1s1") == "This sentence names its source."
    assert question.feedback_for("p2s2").startswith("The report is the source")


def test_the_stored_version_rebuilds_the_same_question_without_the_lesson_file(author):
    quiz = load(author)
    again = quiz_from_snapshot(quiz.snapshot, "quizzes/q.toml (stored version)")
    original = quiz.questions[0]
    assert replace(again.questions[0], line=original.line) == original  # no file lines
    # Sentence ids sort as text in the snapshot (p10 before p2): the article keeps reading order.
    snapshot = json.loads(quiz.snapshot)
    snapshot["sentences"] = {f"p{n}s1": f"Sentence {n}." for n in (1, 2, 10)}
    snapshot["quiz"]["questions"][0]["answers"] = ["Sentence 10."]
    del snapshot["quiz"]["questions"][0]["sentence_feedback"]
    rebuilt = quiz_from_snapshot(json.dumps(snapshot, sort_keys=True), "stored")
    assert [s.id for s in rebuilt.questions[0].article] == ["p1s1", "p2s1", "p10s1"]


@pytest.mark.parametrize(
    "change, needle, message",
    [
        (
            ('"It is believed",', '"The bridge is unsafe",'),
            '"The bridge is unsafe"',
            'quote "The bridge is unsafe" matches no sentence of lesson "sample"',
        ),
        (
            ('"It is believed",', '"cracks",'),
            '"cracks"',
            'quote "cracks" matches 2 sentences (p1s2, p2s2); quote more of the one you mean',
        ),
        (
            ('"It is believed",', '"believed that repairs",'),
            '"believed that repairs"',
            "answers quote sentence p2s1 more than once",
        ),
        (
            ('quote = "A leaked report"', 'quote = "A secret report"'),
            "[[questions.sentence_feedback]]",
            'quote "A secret report" matches no sentence of lesson "sample"',
        ),
        (
            ('quote = "A leaked report"', 'quote = "cracks"'),
            "[[questions.sentence_feedback]]",
            'quote "cracks" matches 2 sentences (p1s2, p2s2); quote more of the one you mean',
        ),
        (
            ('quote = "A leaked report"\n', ""),
            "[[questions.sentence_feedback]]",
            "a sentence quote must be a non-empty string",
        ),
        (
            ('feedback = "The report is the source, even if we do not know who leaked it."', ""),
            "[[questions.sentence_feedback]]",
            "sentence_feedback 1: feedback must be a non-empty string",
        ),
        (
            ('wrong_feedback = "This sentence names its source."\n', ""),
            "[[questions]]",
            "wrong_feedback must be a non-empty string",
        ),
        (
            ('right_feedback = "Right: nobody is named."', "right_feedback = 1"),
            "right_feedback",
            "right_feedback must be a non-empty string",
        ),
    ],
)
def test_each_problem_names_its_line(author, change, needle, message):
    text = edit(EVIDENCE, change)
    if "more than once" in message:
        text = edit(text, ('"have been accused of"', '"It is believed"'))
    assert author(HEADER + text) == [problem(text, needle, message)]


def test_answers_must_be_a_list_of_quotes(author):
    for value in ('"It is believed"', "[]"):
        text = re.sub(r"answers = \[.*?\n\]", f"answers = {value}", EVIDENCE, flags=re.S)
        assert author(HEADER + text) == [
            problem(
                text,
                "answers = ",
                "answers must be a list of one or more quotes, each from one "
                "sentence of the article",
            )
        ]


def test_a_sentence_given_feedback_twice_is_a_problem(author):
    text = (
        EVIDENCE
        + """
[[questions.sentence_feedback]]
quote = "lists 40 cracks"
feedback = "Again."
"""
    )
    assert author(HEADER + text) == [
        problem(
            text,
            "[[questions.sentence_feedback]]",
            "sentence_feedback 2: sentence p2s2 already has its feedback",
            occurrence=2,
        )
    ]


def test_a_quiz_whose_lesson_is_missing_says_so_once_not_once_per_quote(author):
    text = HEADER.replace('lesson = "sample"', 'lesson = "gone"') + EVIDENCE
    assert author(text) == [
        'quizzes/q.toml:4: no lesson with slug "gone": there is no lessons/gone.md'
    ]


# Scoring: as multiple select, the right sentences being the correct choices


@pytest.fixture
def question(author):
    return load(author).questions[0]


@pytest.mark.parametrize(
    "answer, expected",
    [
        (["p1s2", "p2s1"], 2.0),
        (["p2s1"], 1.0),
        (["p1s2", "p2s1", "p2s2"], 1.0),  # one wrong pick cancels one right one
        (["p1s1", "p2s1", "p2s2"], 0.0),  # never below zero
        (SENTENCES, 0.0),  # ticking everything earns nothing
        ([], 0.0),
    ],
)
def test_right_picks_earn_and_wrong_picks_cost(question, answer, expected):
    assert KIND.score(question, answer) == pytest.approx(expected)
    assert grading.score_question(question, answer) == pytest.approx(expected)


@pytest.mark.parametrize("answer", [["p3s1"], "p2s1", [1], {"p2s1": True}])
def test_an_answer_naming_no_sentence_of_the_article_scores_nothing(question, answer):
    with pytest.raises(InvalidAnswer):
        KIND.check_answer(question, answer)
    assert grading.score_question(question, answer) == 0.0


def test_the_form_gives_the_sorted_sentence_ids(question):
    form = MultiDict([("q-unsourced", "p2s1"), ("q-unsourced", "p1s2"), ("q-unsourced", "p2s1")])
    assert KIND.read_form(question, form) == ["p1s2", "p2s1"]
    assert KIND.read_form(question, MultiDict()) is None
    with pytest.raises(InvalidAnswer, match='"p9s9" is not a sentence of the article'):
        KIND.read_form(question, MultiDict({"q-unsourced": "p9s9"}))


# In the app, without JavaScript


@pytest.fixture
def taking(quiz_taker):
    _, student = quiz_taker(HEADER + EVIDENCE)
    return student


def test_every_sentence_is_a_checkbox_labelled_by_its_text(taking):
    page = taking.client.get("/quizzes/q").get_data(as_text=True)
    for n, (sentence_id, text) in enumerate(
        [
            ("p1s1", "The minister said the bridge is safe."),
            ("p2s2", "A leaked report lists 40 cracks."),
        ]
    ):
        assert re.search(
            rf'<label class="evidence-sentence" for="q-unsourced-{sentence_id}">\s*'
            rf'<input type="checkbox" id="q-unsourced-{sentence_id}" name="q-unsourced" '
            rf'value="{sentence_id}">\s*<span class="evidence-text">{re.escape(text)}</span>',
            page,
        ), n
    assert '<div class="evidence-para" role="group" aria-label="Paragraph 2">' in page


def test_the_no_script_form_stores_the_picks_and_the_results_mark_them(taking):
    attempt = taking.open_quiz("q")
    data = MultiDict([("q-unsourced", "p2s1"), ("q-unsourced", "p2s2"), ("action", "save")])
    assert taking.client.post(f"/quizzes/q/attempts/{attempt}", data=data).status_code == 302
    page = taking.client.get("/quizzes/q").get_data(as_text=True)
    assert 'value="p2s1" checked>' in page and 'value="p2s2" checked>' in page
    assert 'value="p1s2">' in page

    data.setlist("action", ["submit"])
    sent = taking.client.post(f"/quizzes/q/attempts/{attempt}", data=data)
    results = taking.client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "0 / 2" in results  # one right, one wrong
    assert results.count('<span class="tag tag-picked">Your pick</span>') == 2
    assert results.count('<span class="tag tag-key">Evidence</span>') == 2
    assert "Right: nobody is named." in results
    assert "The report is the source" in results
    assert "This sentence names its source." not in results  # no plain wrong pick
    assert 'class="evidence-line picked key"' in results
    assert 'class="evidence-line picked missed"' in results
    assert 'class="evidence-line key"' in results  # the right sentence not picked


def test_a_quote_copied_from_the_page_matches_a_sentence_written_with_markdown(
    author, tmp_path: Path
):
    # The student (and the author checking the page) reads "believed", not "*believed*".
    lesson = tmp_path / "lessons" / "sample.md"
    lesson.write_text(
        edit(
            lesson.read_text(encoding="utf-8"),
            ("It is believed that", "It is *believed* that"),
            ("A leaked report lists", "A [leaked report](https://example.org/r) lists"),
            ("hiding cracks", "hiding cracks &amp; rust"),
        ),
        encoding="utf-8",
    )
    text = edit(
        EVIDENCE,
        ('"have been accused of"', '"accused of hiding cracks & rust"'),
        ('"It is believed"', '"It is believed that repairs"'),
        ('quote = "A leaked report"', 'quote = "A leaked report lists"'),
    )
    question = load(author, text).questions[0]
    assert question.answers == ("p1s2", "p2s1")
    assert question.feedback_for("p2s2").startswith("The report is the source")

    again = quiz_from_snapshot(load(author, text).snapshot, "quizzes/q.toml (stored version)")
    assert again.questions[0].answers == ("p1s2", "p2s1")


def test_a_quote_matching_no_sentence_either_way_is_still_named(author):
    text = edit(EVIDENCE, ('"It is believed"', '"It is *said*"'))
    assert author(HEADER + text) == [
        problem(text, "It is *said*", 'quote "It is *said*" matches no sentence of lesson "sample"')
    ]
