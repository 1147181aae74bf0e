"""Splitting an article into the sentences students pick and reports count."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import classroom.content.sentences as splitter
from classroom.content.sentences import split_sentences


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        pytest.param(
            "The minister spoke. Engineers disagreed.",
            ["The minister spoke.", "Engineers disagreed."],
            id="full-stops",
        ),
        pytest.param(
            "Is it true? Yes! It is.",
            ["Is it true?", "Yes!", "It is."],
            id="question-and-exclamation-marks",
        ),
        pytest.param(
            "He said “It is safe.” Then he left.",
            ["He said “It is safe.”", "Then he left."],
            id="closing-curly-quote",
        ),
        pytest.param(
            'He said "It is safe." Then he left.',
            ['He said "It is safe."', "Then he left."],
            id="closing-straight-quote",
        ),
        pytest.param(
            "He asked: ‘Why?’ Nobody knew.",
            ["He asked: ‘Why?’", "Nobody knew."],
            id="closing-single-quote",
        ),
        pytest.param(
            "The report was leaked. “It is false,” he said.",
            ["The report was leaked.", "“It is false,” he said."],
            id="next-sentence-opens-with-a-quote",
        ),
        pytest.param(
            "It rose (by 3%). Then it fell.",
            ["It rose (by 3%).", "Then it fell."],
            id="closing-bracket",
        ),
        pytest.param(
            "The ambassador to the U.K., speaking on Sunday, denied it. Nobody agreed.",
            ["The ambassador to the U.K., speaking on Sunday, denied it.", "Nobody agreed."],
            id="U.K.-before-a-comma",
        ),
        pytest.param(
            "Abuses prompted the U.S. to level sanctions. China objected.",
            ["Abuses prompted the U.S. to level sanctions.", "China objected."],
            id="U.S.-before-a-lower-case-word",
        ),
        pytest.param(
            "Goods were sold in the U.S. and Brazil. Prices rose.",
            ["Goods were sold in the U.S. and Brazil.", "Prices rose."],
            id="U.S.-before-and",
        ),
        pytest.param(
            "A U.N. report said so. It was long.",
            ["A U.N. report said so.", "It was long."],
            id="U.N.-mid-sentence",
        ),
        pytest.param(
            "Sanctions came from the U.S. The council disagreed.",
            ["Sanctions came from the U.S.", "The council disagreed."],
            id="U.S.-ending-a-sentence-before-The",
        ),
        pytest.param(
            "He wanted plan B. Then he left.",
            ["He wanted plan B.", "Then he left."],
            id="a-capital-letter-ending-a-sentence-before-Then",
        ),
        pytest.param(
            "The U.S. Senate voted. It passed.",
            ["The U.S. Senate voted.", "It passed."],
            id="U.S.-before-a-name",
        ),
        pytest.param(
            "It reached the U.K. “It is false,” he said.",
            ["It reached the U.K.", "“It is false,” he said."],
            id="U.K.-before-a-quote-opening-with-It",
        ),
        pytest.param(
            "A report by J. A. Smith appeared. It was long.",
            ["A report by J. A. Smith appeared.", "It was long."],
            id="two-initials-the-second-one-A",
        ),
        pytest.param(
            "Mr. Smith met Dr. Jones. They talked.",
            ["Mr. Smith met Dr. Jones.", "They talked."],
            id="titles",
        ),
        pytest.param(
            "A report by J. Smith appeared. It was long.",
            ["A report by J. Smith appeared.", "It was long."],
            id="an-initial",
        ),
        pytest.param(
            "It was viewed 4.3 million times. Nobody paid.",
            ["It was viewed 4.3 million times.", "Nobody paid."],
            id="decimal-number",
        ),
        pytest.param(
            "The ambassador said no. Then he smiled.",
            ["The ambassador said no.", "Then he smiled."],
            id="a-sentence-ending-in-no",
        ),
        pytest.param(
            "Pens, paper, etc. The list went on.",
            ["Pens, paper, etc.", "The list went on."],
            id="a-sentence-ending-in-etc",
        ),
        pytest.param(
            "one line\n  wrapped   across\nthree. Next one.",
            ["one line wrapped across three.", "Next one."],
            id="whitespace-folded",
        ),
        pytest.param("No full stop at the end", ["No full stop at the end"], id="no-full-stop"),
        pytest.param("", [], id="empty"),
    ],
)
def test_a_paragraph_splits_into_the_sentences_a_reader_sees(paragraph, sentences):
    assert split_sentences(paragraph) == sentences


def test_splitting_keeps_every_character_of_the_text_in_order():
    paragraph = (
        "“There is no such concentration camp in Xinjiang,” he said. The U.K. and the "
        "U.S. disagree. Is it true? It is believed that more than one million are held."
    )
    assert " ".join(split_sentences(paragraph)) == paragraph


def test_the_authoring_guide_lists_every_word_that_opens_a_sentence_after_an_abbreviation():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "content-format.md").read_text()
    listed = re.search(r"opens sentences: (.+?)\. So", " ".join(guide.split())).group(1)
    assert set(listed.split(", ")) == splitter._OPENERS
