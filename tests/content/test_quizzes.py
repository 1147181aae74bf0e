"""Quiz files: a good one loads; each mistake is named as `path:line: message`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import edit, line_of

from classroom import limits
from classroom.content import Library, load_catalogue
from classroom.content.quizzes import quiz_from_snapshot
from classroom.questions import registered_types

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

Ask who is speaking.
"""

# Line numbers matter below: 3 title, 4 lesson, 5 skill, 12 and 32 [[questions]],
# 18 sentences, 20 and 40 [[questions.choices]], 33 second id, 34 second type.
QUIZ = """\
format = 1
slug = "bridge"
title = "Who says the bridge is safe?"
lesson = "bridge"
skill = "sourcing"
intro = "Two questions."

[settings]
attempts = 2
feedback = "after_submit"

[[questions]]
id = "who-says"
type = "single"
skill = "sourcing"
prompt = "Who says repairs will cost millions?"
explanation = "Nobody is named."
sentences = ["It is believed"]

[[questions.choices]]
id = "minister"
text = "The minister"
correct = false
feedback = "No: the minister talks about safety."

[[questions.choices]]
id = "nobody"
text = "Nobody is named"
correct = true
feedback = "Right: “It is believed” hides the source."

[[questions]]
id = "evidence"
type = "multiple"
skill = "evidence-evaluation"
points = 2
prompt = "Which are evidence about the cracks?"
explanation = "Documents beat assurances."

[[questions.choices]]
id = "report"
text = "The leaked report"
correct = true
feedback = "Yes, if it is authentic."

[[questions.choices]]
id = "assurance"
text = "The minister's assurance"
correct = false
feedback = "An interested party's assurance is not evidence."
"""
SKILL_LIST = "sourcing, denial-rhetoric, evidence-evaluation"


@pytest.fixture
def author(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An author's folder: one lesson, and a quiz file they write; paths as they see them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lessons").mkdir()
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "lessons" / "bridge.md").write_text(LESSON, encoding="utf-8")

    def write(text: str, name: str = "bridge") -> list[str]:
        (tmp_path / "quizzes" / f"{name}.toml").write_text(text, encoding="utf-8")
        catalogue = load_catalogue(Path("lessons"), Path("quizzes"))
        return [str(problem) for problem in catalogue.problems]

    return write


def test_a_well_formed_quiz_loads_with_its_questions_and_settings(author):
    assert author(QUIZ) == []
    catalogue = load_catalogue(Path("lessons"), Path("quizzes"))
    quiz = catalogue.quizzes["bridge"]
    assert (quiz.slug, quiz.lesson, quiz.skill, quiz.attempts, quiz.feedback) == (
        "bridge",
        "bridge",
        "sourcing",
        2,
        "after_submit",
    )
    assert [q.id for q in quiz.questions] == ["who-says", "evidence"]
    assert quiz.max_score == 3.0
    # The quote names the sentence the question is about.
    assert quiz.question("who-says").sentences == ("p2s1",)
    assert catalogue.quizzes_for("bridge") == [quiz]


def test_a_quiz_keeps_its_version_until_its_file_changes(author):
    author(QUIZ)
    first = load_catalogue(Path("lessons"), Path("quizzes")).quizzes["bridge"]
    author(QUIZ)
    same = load_catalogue(Path("lessons"), Path("quizzes")).quizzes["bridge"]
    author(edit(QUIZ, ('text = "The minister"', 'text = "The minister himself"')))
    changed = load_catalogue(Path("lessons"), Path("quizzes")).quizzes["bridge"]
    assert first.version == same.version != changed.version


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            [('id = "evidence"', 'id = "who-says"')],
            ['quizzes/bridge.toml:33: question "who-says": duplicate question id "who-says"'],
            id="duplicate-question-id",
        ),
        pytest.param(
            [('correct = true\nfeedback = "Right', 'correct = false\nfeedback = "Right')],
            [
                'quizzes/bridge.toml:12: question "who-says": a single-choice question needs '
                "exactly one correct choice, has 0"
            ],
            id="single-without-a-correct-choice",
        ),
        pytest.param(
            [('correct = false\nfeedback = "No', 'correct = true\nfeedback = "No')],
            [
                'quizzes/bridge.toml:12: question "who-says": a single-choice question needs '
                "exactly one correct choice, has 2"
            ],
            id="single-with-two-correct-choices",
        ),
        pytest.param(
            [('correct = true\nfeedback = "Yes', 'correct = false\nfeedback = "Yes')],
            [
                'quizzes/bridge.toml:32: question "evidence": a multiple-select question needs '
                "at least one correct choice"
            ],
            id="multiple-without-a-correct-choice",
        ),
        pytest.param(
            [('feedback = "Yes, if it is authentic."\n', "")],
            [
                'quizzes/bridge.toml:40: question "evidence": choice "report": feedback must be '
                "a non-empty string"
            ],
            id="choice-without-feedback",
        ),
        pytest.param(
            [('explanation = "Nobody is named."', 'explanation = "Nobody is named."\nhint = "x"')],
            [
                'quizzes/bridge.toml:18: question "who-says": unknown key "hint" for a single '
                "question"
            ],
            id="unknown-question-key",
        ),
        pytest.param(
            [('skill = "sourcing"\nintro', 'skil = "sourcing"\nskill = "sourcing"\nintro')],
            ['quizzes/bridge.toml:5: unknown key "skil"'],
            id="unknown-quiz-key",
        ),
        pytest.param(
            [('sentences = ["It is believed"]', 'sentences = ["The mayor resigned"]')],
            [
                'quizzes/bridge.toml:18: question "who-says": quote "The mayor resigned" matches '
                'no sentence of lesson "bridge"'
            ],
            id="quote-matching-no-sentence",
        ),
        pytest.param(
            [('sentences = ["It is believed"]', 'sentences = ["cracks"]')],
            [
                'quizzes/bridge.toml:18: question "who-says": quote "cracks" matches 2 sentences '
                "(p1s2, p2s2); quote more of the one you mean"
            ],
            id="quote-matching-two-sentences",
        ),
        pytest.param(
            [('slug = "bridge"', 'slug = "bridges"')],
            ['quizzes/bridge.toml:2: slug must be "bridge", the file name without .toml'],
            id="slug-not-the-file-name",
        ),
        pytest.param(
            [('lesson = "bridge"', 'lesson = "tunnel"')],
            ['quizzes/bridge.toml:4: no lesson with slug "tunnel": there is no lessons/tunnel.md'],
            id="unknown-lesson",
        ),
        pytest.param(
            [('skill = "sourcing"\nintro', 'skill = ["sourcing"]\nintro')],
            [f"quizzes/bridge.toml:5: skill must be one of: {SKILL_LIST}"],
            id="skill-given-as-a-list",
        ),
        pytest.param(
            [('skill = "evidence-evaluation"', 'skill = "evidence"')],
            [f'quizzes/bridge.toml:35: question "evidence": skill must be one of: {SKILL_LIST}'],
            id="question-skill-not-one-of-the-three",
        ),
        pytest.param(
            [('feedback = "after_submit"', 'feedback = ["after_submit"]')],
            [
                "quizzes/bridge.toml:10: settings.feedback must be one of: after_each, "
                "after_submit, after_close"
            ],
            id="feedback-mode-given-as-a-list",
        ),
        pytest.param(
            [('id = "report"', 'id = "Report!"')],
            [
                'quizzes/bridge.toml:40: question "evidence": choice 1: id must be lower-case '
                "letters, digits and -"
            ],
            id="choice-id-with-capitals",
        ),
        pytest.param(
            [('intro = "Two questions."', "intro = 2")],
            ["quizzes/bridge.toml:6: intro must be a string of Markdown"],
            id="intro-that-is-not-text",
        ),
        pytest.param(
            [('id = "report"', 'id = "report"\ntechnque = "documents"')],
            [
                'quizzes/bridge.toml:40: question "evidence": choice "report": unknown key '
                '"technque"'
            ],
            id="misspelt-key-of-a-choice",
        ),
    ],
)
def test_a_mistake_in_a_quiz_is_named_with_its_file_and_line(author, changes, expected):
    assert author(edit(QUIZ, *changes)) == expected


def test_an_unknown_question_type_lists_the_types_there_are(author):
    types = ", ".join(registered_types())
    assert author(edit(QUIZ, ('type = "multiple"', 'type = "essay"'))) == [
        f'quizzes/bridge.toml:34: question "evidence": unknown type "essay"; '
        f"expected one of: {types}"
    ]
    assert author(edit(QUIZ, ('type = "multiple"', 'type = ["multiple"]'))) == [
        f'quizzes/bridge.toml:34: question "evidence": unknown type "[\'multiple\']"; '
        f"expected one of: {types}"
    ]


def test_a_toml_syntax_error_gives_the_line_the_parser_found(author):
    unterminated = author(
        edit(
            QUIZ,
            ('title = "Who says the bridge is safe?"', 'title = "Who says the bridge is safe?'),
        )
    )
    assert len(unterminated) == 1
    assert unterminated[0].startswith("quizzes/bridge.toml:3: not valid TOML: ")

    bad_value = author(
        edit(QUIZ, ('correct = false\nfeedback = "No', 'correct = maybe\nfeedback = "No'))
    )
    assert len(bad_value) == 1
    assert bad_value[0].startswith("quizzes/bridge.toml:23: not valid TOML: ")


def test_every_mistake_in_a_file_is_reported_at_once(author):
    problems = author(
        edit(
            QUIZ,
            ('slug = "bridge"', 'slug = "bridges"'),
            ('feedback = "Yes, if it is authentic."\n', ""),
            ('id = "evidence"', 'id = "who-says"'),
        )
    )
    assert problems == [
        'quizzes/bridge.toml:2: slug must be "bridge", the file name without .toml',
        'quizzes/bridge.toml:33: question "who-says": duplicate question id "who-says"',
        'quizzes/bridge.toml:40: question "who-says": choice "report": feedback must be a '
        "non-empty string",
    ]


def test_questions_that_are_not_tables_are_a_problem_not_a_crash(author):
    text = (
        'format = 1\nslug = "bridge"\ntitle = "T"\nlesson = "bridge"\nskill = "sourcing"\n'
        "questions = [1, 2]\n"
    )
    assert author(text) == [
        "quizzes/bridge.toml:1: question #1 must be a [[questions]] table",
        "quizzes/bridge.toml:1: question #2 must be a [[questions]] table",
    ]


def test_a_quiz_without_questions_is_a_problem(author):
    text = 'format = 1\nslug = "bridge"\ntitle = "T"\nlesson = "bridge"\nskill = "sourcing"\n'
    assert author(text) == ["quizzes/bridge.toml:1: a quiz needs at least one [[questions]] table"]


def test_one_broken_quiz_leaves_the_others_loaded(author, tmp_path: Path):
    author(QUIZ)
    problems = author(
        edit(QUIZ, ('slug = "bridge"', 'slug = "broken"'), ('id = "evidence"', 'id = "who-says"')),
        name="broken",
    )
    catalogue = load_catalogue(Path("lessons"), Path("quizzes"))
    assert list(catalogue.quizzes) == ["bridge"]
    assert catalogue.problems_for("quiz", "broken") == catalogue.problems
    assert problems == [
        'quizzes/broken.toml:33: question "who-says": duplicate question id "who-says"'
    ]


def test_the_library_serves_a_fixed_quiz_once_its_file_changes(author, tmp_path: Path):
    author(edit(QUIZ, ('id = "evidence"', 'id = "who-says"')))
    library = Library(Path("lessons"), Path("quizzes"), interval=0)
    assert "bridge" not in library.current().quizzes
    assert library.current().problems_for("quiz", "bridge")

    (tmp_path / "quizzes" / "bridge.toml").write_text(QUIZ, encoding="utf-8")

    assert "bridge" in library.current().quizzes
    assert library.current().problems == []


@pytest.mark.parametrize(
    "points",
    ["nan", "inf", "-inf", "+nan", "0", "-2", "0.0", "true", '"2"', "101", "1e308"],
)
def test_points_that_are_not_a_sensible_positive_number_are_named_at_their_line(author, points):
    # nan once reached the database as a NULL maximum score, and inf showed as "inf out of inf".
    problems = author(edit(QUIZ, ("points = 2", f"points = {points}")))
    assert problems == [
        'quizzes/bridge.toml:36: question "evidence": points must be a positive number '
        "no greater than 100"
    ]


@pytest.mark.parametrize("points", ["0.5", "100", "3"])
def test_points_may_be_any_positive_number_up_to_a_hundred(author, points):
    assert author(edit(QUIZ, ("points = 2", f"points = {points}"))) == []


def test_a_quiz_saved_with_a_byte_order_mark_loads(author, tmp_path: Path):
    # Windows Notepad saves UTF-8 with a byte-order mark before `format = 1`.
    (tmp_path / "lessons" / "bridge.md").write_text(LESSON, encoding="utf-8-sig")
    (tmp_path / "quizzes" / "bridge.toml").write_text(QUIZ, encoding="utf-8-sig")
    catalogue = load_catalogue(Path("lessons"), Path("quizzes"))
    assert catalogue.problems == []
    assert [q.id for q in catalogue.quizzes["bridge"].questions] == ["who-says", "evidence"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            [
                (
                    'feedback = "after_submit"\n',
                    'feedback = "after_submit"\n[settings.extra]\nx = 1\n',
                )
            ],
            'quizzes/bridge.toml:11: unknown key "extra" in [settings]',
            id="a-table-inside-settings",
        ),
        pytest.param(
            [('intro = "Two questions."\n', 'intro = "Two questions."\n[x]\ny = 1\n')],
            'quizzes/bridge.toml:7: unknown key "x"',
            id="a-top-level-table",
        ),
        pytest.param(
            [("attempts = 2\n", 'attempts = 2\nextra.note = "x"\n')],
            'quizzes/bridge.toml:10: unknown key "extra" in [settings]',
            id="a-dotted-key-in-settings",
        ),
        pytest.param(
            [
                (
                    'sentences = ["It is believed"]\n',
                    'sentences = ["It is believed"]\n[questions.hint]\nx = 1\n',
                )
            ],
            'quizzes/bridge.toml:19: question "who-says": unknown key "hint" for a single question',
            id="a-table-inside-a-question",
        ),
    ],
)
def test_an_unknown_table_is_named_at_its_header(author, changes, expected):
    assert author(edit(QUIZ, *changes)) == [expected]


def test_an_empty_quiz_file_says_what_is_missing(author):
    assert author("") == [
        "quizzes/bridge.toml:1: format must be 1",
        'quizzes/bridge.toml:1: slug must be "bridge", the file name without .toml',
        "quizzes/bridge.toml:1: title must be a non-empty string",
        "quizzes/bridge.toml:1: lesson is missing: give the slug of the lesson this quiz "
        "belongs to",
        f"quizzes/bridge.toml:1: skill must be one of: {SKILL_LIST}",
        "quizzes/bridge.toml:1: a quiz needs at least one [[questions]] table",
    ]


def test_a_lesson_given_as_a_list_is_named_as_the_wrong_type(author):
    assert author(edit(QUIZ, ('lesson = "bridge"', 'lesson = ["bridge"]'))) == [
        "quizzes/bridge.toml:4: lesson must be the slug of a lesson, as text: its file name "
        "without .md"
    ]


def test_a_quiz_on_a_broken_lesson_says_so_once_and_points_at_the_lesson(author, tmp_path: Path):
    (tmp_path / "lessons" / "bridge.md").write_text(
        edit(LESSON, ("date = 2021-03-01", "date = 2021")), encoding="utf-8"
    )
    assert author(QUIZ) == [
        "lessons/bridge.md:8: date must be a TOML date such as 2020-07-20",
        'quizzes/bridge.toml:4: lesson "bridge" has mistakes (see lessons/bridge.md); '
        "fix them first",
    ]


def test_a_missing_lesson_is_looked_for_in_the_folder_the_author_named(author, tmp_path: Path):
    (tmp_path / "quizzes" / "bridge.toml").write_text(QUIZ, encoding="utf-8")
    (tmp_path / "units").mkdir()
    catalogue = load_catalogue(Path("units"), Path("quizzes"))
    assert [str(p) for p in catalogue.problems] == [
        'quizzes/bridge.toml:4: no lesson with slug "bridge": there is no units/bridge.md'
    ]


def test_a_version_students_took_before_a_limit_existed_still_rebuilds(author):
    # Quizzes with 500 points passed the check before points had a limit; attempts
    # taken on them keep their version, which must rebuild as it was.
    author(QUIZ)
    quiz = load_catalogue(Path("lessons"), Path("quizzes")).quizzes["bridge"]
    snapshot = json.loads(quiz.snapshot)
    snapshot["quiz"]["questions"][1]["points"] = 500
    snapshot["quiz"]["settings"]["attempts"] = 99

    stored = quiz_from_snapshot(json.dumps(snapshot), "quizzes/bridge.toml (stored version)")

    assert stored.question("evidence").points == 500.0
    assert stored.attempts == 99
    assert author(edit(QUIZ, ("points = 2", "points = 500"))) == [
        'quizzes/bridge.toml:36: question "evidence": points must be a positive number '
        "no greater than 100"
    ]


def test_a_version_students_took_with_a_key_now_named_as_unknown_still_rebuilds(author):
    # Unknown keys of a choice were ignored before they were named: a version taken
    # then keeps rebuilding as it was.
    author(QUIZ)
    quiz = load_catalogue(Path("lessons"), Path("quizzes")).quizzes["bridge"]
    snapshot = json.loads(quiz.snapshot)
    snapshot["quiz"]["questions"][0]["choices"][0]["feedbak"] = "No."

    stored = quiz_from_snapshot(json.dumps(snapshot), "quizzes/bridge.toml (stored version)")

    assert (
        stored.question("who-says").choice("minister").feedback_html
        == "No: the minister talks about safety."
    )


@pytest.mark.parametrize("attempts", ["99999999999999999999", "51", "-1", "1.5", "true"])
def test_attempts_beyond_what_a_teacher_could_allow_are_refused(author, attempts):
    # 50 is the most a teacher may allow when assigning the quiz to a class.
    assert author(edit(QUIZ, ("attempts = 2", f"attempts = {attempts}"))) == [
        "quizzes/bridge.toml:9: settings.attempts must be a whole number from 0 to 50, "
        "0 for unlimited"
    ]


@pytest.mark.parametrize("attempts", ["0", "1", "50"])
def test_attempts_from_none_to_fifty_are_accepted(author, attempts):
    assert author(edit(QUIZ, ("attempts = 2", f"attempts = {attempts}"))) == []


def test_a_quiz_file_name_that_cannot_be_a_slug_is_named_with_one_that_can(author):
    problems = author(edit(QUIZ, ('slug = "bridge"', 'slug = "River_Quiz"')), name="River_Quiz")
    assert problems == [
        'quizzes/River_Quiz.toml:2: the file name gives the slug "River_Quiz", but a slug is '
        "lower-case letters, digits and - only: rename the file, e.g. to river-quiz.toml"
    ]


def test_a_script_or_a_javascript_link_in_a_quiz_is_named_under_its_question(author):
    with_markup = edit(
        QUIZ,
        (
            'prompt = "Who says repairs will cost millions?"',
            'prompt = "Who says <script>alert(1)</script> repairs will cost millions?"',
        ),
        ('explanation = "Nobody is named."', 'explanation = "[Nobody](javascript:alert(1))."'),
    )
    prompt_line = line_of(with_markup, "<script>")
    explanation_line = line_of(with_markup, "javascript:")

    assert author(with_markup) == [
        f'quizzes/bridge.toml:{prompt_line}: question "who-says": <script> is not allowed '
        "in Markdown here and would be dropped",
        f'quizzes/bridge.toml:{explanation_line}: question "who-says": a javascript: link '
        "would be dropped; links are http, https or mailto",
    ]


def test_markup_shown_as_code_is_not_taken_for_markup(author):
    quoted = edit(QUIZ, ('explanation = "Nobody is named."', 'explanation = "`<script>` is code."'))
    assert author(quoted) == []


def test_a_line_separator_pasted_into_a_text_leaves_the_later_lines_where_they_are(author):
    # U+2028 and NEL are text to TOML, not line breaks: the lines after one keep their number.
    for separator in ("\u2028", "\x85"):
        quiz = edit(
            QUIZ,
            ('prompt = "Who says repairs', f'prompt = "Who says{separator}repairs'),
            ('id = "nobody"', 'id = "Nobody"'),
        )
        assert author(quiz) == [
            'quizzes/bridge.toml:26: question "who-says": choice 2: id must be lower-case '
            "letters, digits and -"
        ]


TICK_BOXES = """
[[questions]]
id = "m{n}"
type = "multiple"
skill = "sourcing"
prompt = "Which are sources?"
explanation = "Named ones."
confidence = true

[[questions.choices]]
id = "named"
text = "A named engineer"
correct = true
feedback = "Named, so checkable."

[[questions.choices]]
id = "unnamed"
text = "Someone unnamed"
correct = false
feedback = "Nobody can check them."
"""


def test_a_quiz_whose_form_could_carry_more_than_a_form_may_is_named_where_it_overflows(
    author,
):
    # Besides its token and button, the form sends who-says's answer, two boxes of
    # "evidence", and then two boxes and a confidence per question added.
    added = (limits.MAX_FORM_PARTS - 5) // 3 + 1
    quiz = QUIZ + "".join(TICK_BOXES.format(n=n) for n in range(1, added + 1))
    line = line_of(quiz, "[[questions]]", 2 + added)
    assert author(quiz) == [
        f'quizzes/bridge.toml:{line}: question "m{added}": with it the quiz\'s form could '
        f"send more than the {limits.MAX_FORM_PARTS} values a form may carry (one per answer, "
        f"box ticked or confidence; {5 + 3 * added} in all), so no student could submit it: "
        "split the quiz in two"
    ]
    fits = QUIZ + "".join(TICK_BOXES.format(n=n) for n in range(1, added))
    assert author(fits) == []
