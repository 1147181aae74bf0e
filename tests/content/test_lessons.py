"""Lesson files: front matter, three sections, and a problem named for each mistake."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from support import edit, line_of

from classroom.content import load_catalogue

# Line numbers matter below: 11 closing +++, 13 ## Article, 19 ## Teaching notes,
# 23 ## Glossary, 25 first glossary term.
LESSON = """\
+++
format = 1
title = "A bridge, a minister and a leaked report"
headline = "Minister Says Bridge Is Safe"
byline = "1 March 2021 By A. Reporter"
source = "The Sample Times"
author = "A. Reporter"
date = 2021-03-01
licence = "Written for the tests."
summary = "A short article."
+++

## Article

The minister said the bridge is safe. Engineers were accused of hiding cracks.

It is believed that repairs will cost millions. A leaked report lists 40 cracks.

## Teaching notes

Ask **who** is speaking.

## Glossary

Agentless passive
: A sentence that hides who did something.

Euphemism
: A mild word that hides what a thing is.
"""


@pytest.fixture
def author(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write a lesson file and load the folder; paths as the author sees them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lessons").mkdir()

    def write(text: str, name: str = "bridge"):
        (tmp_path / "lessons" / f"{name}.md").write_text(text, encoding="utf-8")
        return load_catalogue(Path("lessons"), Path("no-quizzes"))

    return write


def test_a_well_formed_lesson_loads_its_article_notes_and_glossary(author):
    catalogue = author(LESSON)
    assert catalogue.problems == []
    lesson = catalogue.lessons["bridge"]
    assert lesson.slug == "bridge"
    assert lesson.title == "A bridge, a minister and a leaked report"
    assert lesson.date == datetime.date(2021, 3, 1)
    assert lesson.url == ""
    assert [s.id for s in lesson.sentences] == ["p1s1", "p1s2", "p2s1", "p2s2"]
    assert lesson.sentence("p2s1").text == "It is believed that repairs will cost millions."
    assert "<strong>who</strong>" in lesson.notes_html
    assert [e.term for e in lesson.glossary] == ["Agentless passive", "Euphemism"]
    assert lesson.glossary[0].anchor == "term-agentless-passive"
    assert "hides who did something" in lesson.glossary[0].definition_html


def test_the_glossary_is_optional(author):
    catalogue = author(LESSON.split("## Glossary")[0])
    assert catalogue.problems == []
    assert catalogue.lessons["bridge"].glossary == ()


def test_a_lesson_without_front_matter_is_named_at_line_one(author):
    text = LESSON.split("+++\n", 2)[2]
    assert [str(p) for p in author(text).problems] == [
        "lessons/bridge.md:1: a lesson starts with front matter between +++ lines"
    ]


def test_front_matter_that_is_never_closed_is_one_problem_not_one_per_line(author):
    text = edit(LESSON, ('summary = "A short article."\n+++\n', 'summary = "A short article."\n'))
    assert [str(p) for p in author(text).problems] == [
        "lessons/bridge.md:1: the front matter has no closing +++ line",
        "lessons/bridge.md:1: text before the first ## section",
    ]


def test_a_missing_section_is_named(author):
    text = edit(LESSON, ("## Teaching notes\n\nAsk **who** is speaking.\n\n", ""))
    assert [str(p) for p in author(text).problems] == [
        'lessons/bridge.md:11: missing section "## Teaching notes"'
    ]


def test_an_unknown_section_is_named_at_its_heading(author):
    text = edit(LESSON, ("## Teaching notes", "## Notes"))
    assert [str(p) for p in author(text).problems] == [
        'lessons/bridge.md:19: unknown section "Notes"; expected one of: Article, '
        "Teaching notes, Glossary",
        'lessons/bridge.md:11: missing section "## Teaching notes"',
    ]


def test_a_glossary_term_without_a_definition_is_named_at_its_line(author):
    text = edit(LESSON, (": A sentence that hides who did something.\n", ""))
    assert [str(p) for p in author(text).problems] == [
        'lessons/bridge.md:25: glossary term "Agentless passive" has no ": definition" line '
        "after it"
    ]


def test_a_glossary_term_defined_twice_is_named_at_its_second_line(author):
    # Both would be linked as #term-euphemism: the page's ids must differ.
    text = LESSON + "\neuphemism\n: Said again, in other words.\n"
    assert [str(p) for p in author(text).problems] == [
        'lessons/bridge.md:31: glossary term "euphemism" is already defined at line 28 '
        '("Euphemism"): define each term once'
    ]


def test_a_url_that_is_not_text_is_named_without_asking_for_one(author):
    text = edit(
        LESSON, ('summary = "A short article."\n', 'summary = "A short article."\nurl = 5\n')
    )
    assert [str(p) for p in author(text).problems] == [
        'lessons/bridge.md:11: url must be a string in the front matter ("" for none)'
    ]


def test_a_line_separator_in_the_article_leaves_the_later_lines_where_they_are(author):
    # U+2028 and NEL are not line breaks to an editor: the lines after one keep their number.
    for separator in ("\u2028", "\x85"):
        text = edit(
            LESSON,
            ("repairs will cost millions", f"repairs will{separator}cost millions"),
            (": A sentence that hides who did something.\n", ""),
        )
        assert [str(p) for p in author(text).problems] == [
            'lessons/bridge.md:25: glossary term "Agentless passive" has no ": definition" '
            "line after it"
        ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            [('title = "A bridge, a minister and a leaked report"', 'title = ""')],
            "lessons/bridge.md:3: title must be a non-empty string in the front matter",
            id="empty-title",
        ),
        pytest.param(
            [("date = 2021-03-01", 'date = "1 March 2021"')],
            "lessons/bridge.md:8: date must be a TOML date such as 2020-07-20",
            id="date-as-text",
        ),
        pytest.param(
            [("format = 1", "format = 2")],
            "lessons/bridge.md:2: format must be 1",
            id="unknown-format",
        ),
        pytest.param(
            [('source = "The Sample Times"', 'source = "The Sample Times')],
            "lessons/bridge.md:6: front matter is not valid TOML: ",
            id="bad-toml",
        ),
    ],
)
def test_a_mistake_in_the_front_matter_is_named_at_its_line(author, changes, expected):
    problems = [str(p) for p in author(edit(LESSON, *changes)).problems]
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_a_broken_lesson_leaves_the_others_loaded(author):
    author(LESSON)
    catalogue = author(LESSON.split("+++\n", 2)[2], name="broken")
    assert list(catalogue.lessons) == ["bridge"]
    assert [str(p) for p in catalogue.problems_for("lesson", "broken")] == [
        "lessons/broken.md:1: a lesson starts with front matter between +++ lines"
    ]


def test_a_lesson_saved_with_a_byte_order_mark_loads(author, tmp_path: Path):
    # Windows Notepad saves UTF-8 with a byte-order mark before the first +++.
    (tmp_path / "lessons" / "bridge.md").write_text(LESSON, encoding="utf-8-sig")
    catalogue = load_catalogue(Path("lessons"), Path("no-quizzes"))
    assert catalogue.problems == []
    assert catalogue.lessons["bridge"].title == "A bridge, a minister and a leaked report"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            [
                (
                    'summary = "A short article."\n',
                    'summary = "A short article."\nur1 = "http://x"\n',
                )
            ],
            'lessons/bridge.md:11: unknown key "ur1" in the front matter',
            id="a-misspelt-key",
        ),
        pytest.param(
            [('summary = "A short article."\n', 'summary = "A short article."\n[extra]\nx = 1\n')],
            'lessons/bridge.md:11: unknown key "extra" in the front matter',
            id="a-table",
        ),
        pytest.param(
            [("date = 2021-03-01", "date = 2021-03-01T10:00:00")],
            "lessons/bridge.md:8: date must be a day without a time, such as 2020-07-20",
            id="a-date-with-a-time",
        ),
    ],
)
def test_front_matter_that_the_lesson_would_silently_ignore_is_named(author, changes, expected):
    assert [str(p) for p in author(edit(LESSON, *changes)).problems] == [expected]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "www.example.org/bridge", "/lessons/other", "ftp://example.org/"]
)
def test_a_url_the_lesson_page_could_not_link_to_is_named_at_its_line(author, url):
    text = edit(
        LESSON, ('summary = "A short article."\n', f'summary = "A short article."\nurl = "{url}"\n')
    )
    assert [str(p) for p in author(text).problems] == [
        "lessons/bridge.md:11: url must be a web address starting with https:// or http://, "
        'or "" for none'
    ]


@pytest.mark.parametrize("url", ["", "https://example.org/bridge", "HTTP://example.org/"])
def test_a_web_address_or_no_url_is_accepted(author, url):
    text = edit(
        LESSON, ('summary = "A short article."\n', f'summary = "A short article."\nurl = "{url}"\n')
    )
    assert author(text).problems == []


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("River Study", "river-study.md"),
        ("River_Study", "river-study.md"),
        ("river.study", "river-study.md"),
    ],
)
def test_a_file_name_that_cannot_be_a_slug_is_named_with_one_that_can(author, name, suggestion):
    catalogue = author(LESSON, name=name)
    assert [str(p) for p in catalogue.problems] == [
        f'lessons/{name}.md:1: the file name gives the slug "{name}", but a slug is '
        f"lower-case letters, digits and - only: rename the file, e.g. to {suggestion}"
    ]


@pytest.mark.parametrize(
    ("block", "kind"),
    [
        ("### The report", "a heading"),
        ("> It is safe, he said.", "a quotation block (>)"),
        ("- Forty cracks.\n- One report.", "a list"),
        ("1. Forty cracks.", "a numbered list"),
        ("* * *", "a rule"),
    ],
)
def test_a_heading_list_or_quotation_block_in_the_article_is_named_at_its_line(author, block, kind):
    # The Article is numbered sentence by sentence: a block there would sit inside a
    # sentence on the page.
    lesson = edit(LESSON, ("\nIt is believed that", f"\n{block}\n\nIt is believed that"))
    assert [str(p) for p in author(lesson).problems] == [
        f"lessons/bridge.md:17: the Article takes plain paragraphs, which are numbered "
        f"sentence by sentence, not {kind}: write it as a paragraph"
    ]


def test_raw_html_a_lesson_would_drop_is_named_at_its_line(author):
    lesson = edit(
        LESSON,
        ("Ask **who** is speaking.", 'Ask **who** is speaking. <img src="x" onerror="alert(1)">'),
    )
    catalogue = author(lesson)
    assert [str(p) for p in catalogue.problems] == [
        f"lessons/bridge.md:{line_of(lesson, '<img')}: <img> is not allowed in Markdown here "
        "and would be dropped"
    ]
    assert "bridge" not in catalogue.lessons
