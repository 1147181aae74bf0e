"""CSV exports: a spreadsheet opens them safely, numbers stay numbers, names say what they are."""

from __future__ import annotations

import csv
import io

import pytest

from classroom.exports import answer_text, filename, neutralise, to_csv


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\r=1+1", "=", "-"]
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["Ada", "1st place", "O'Brien", "'=already quoted", "a=b", "", " x", "Zoë"]
)
def test_ordinary_text_is_left_alone(cell):
    assert neutralise(cell) == cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (-2, -2), (0.5, 0.5), (-1.25, -1.25), (0, 0), (True, 1), (False, 0), (None, "")],
)
def test_numbers_stay_numbers_and_nothing_is_an_empty_cell(value, expected):
    assert neutralise(value) == expected
    assert type(neutralise(value)) is type(expected)


def test_a_csv_round_trips_through_a_csv_reader():
    rows = [
        ["Ada, the first", 3.0, 'She said "no"'],
        ["line\nbreak", -2, None],
        ["=1+1", 0, "+44 20"],
    ]
    text = to_csv(["name", "score", "note"], rows)
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "score", "note"],
        ["Ada, the first", "3.0", 'She said "no"'],
        ["line\nbreak", "-2", ""],
        ["'=1+1", "0", "'+44 20"],
    ]


def test_numbers_are_written_bare_and_lines_end_in_crlf():
    text = to_csv(["student", "score"], [["Ada", 2.5], ["-2", -2]])
    assert text == "student,score\r\nAda,2.5\r\n'-2,-2\r\n"


def test_a_header_a_spreadsheet_would_run_is_neutralised_too():
    assert to_csv(["=cmd", "ok"], []).startswith("'=cmd,ok")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("7B History", "7b-history"),
        ("  History -- 9/B!  ", "history-9-b"),
        ("Klasse Übung 9B", "klasse-ubung-9b"),
        ("Français: l'année", "francais-l-annee"),
        ('../../etc/passwd"; x=', "etc-passwd-x"),
        ("日本語", "class"),
        ("", "class"),
    ],
)
def test_the_filename_carries_the_class_as_a_safe_slug_and_the_date(name, slug):
    assert filename(name, "responses", "2026-11-28") == f"{slug}-responses-2026-11-28.csv"


@pytest.mark.parametrize(
    ("answer", "cell"),
    [
        (None, ""),
        ("nobody", "nobody"),
        (["report", "accused"], "report|accused"),
        ([], ""),
        ({"text": "Check the report, then the union."}, "Check the report, then the union."),
        (
            {"safe": "assurance", "believed": "passive"},
            '{"believed": "passive", "safe": "assurance"}',
        ),
        ({"text": "Zoë’s answer", "extra": 1}, '{"extra": 1, "text": "Zoë’s answer"}'),
    ],
)
def test_an_answer_becomes_one_readable_cell(answer, cell):
    assert answer_text(answer) == cell


def test_a_written_answer_that_looks_like_a_formula_is_neutralised_once_in_the_csv():
    cell = answer_text({"text": "=IMPORTXML(A1)"})
    assert to_csv(["answer"], [[cell]]) == "answer\r\n'=IMPORTXML(A1)\r\n"
