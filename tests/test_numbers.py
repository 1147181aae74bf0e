"""Whole numbers from forms and addresses: ASCII digits only, and small enough for SQLite."""

from __future__ import annotations

import pytest

from classroom.numbers import SQLITE_MAX, whole_number


@pytest.mark.parametrize(
    ("text", "number"), [("0", 0), ("7", 7), ("0012", 12), (str(SQLITE_MAX), SQLITE_MAX)]
)
def test_plain_digits_are_read(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        " 7",
        "7 ",
        "-7",
        "+7",
        "7.0",
        "1e3",
        "²",  # a digit to str.isdigit(), not to int()
        "١٢",  # Arabic-Indic digits: int() reads them, the app does not
        str(SQLITE_MAX + 1),
        "9" * 5000,  # beyond what int() reads at once
    ],
)
def test_anything_else_is_no_number(text):
    assert whole_number(text) is None


def test_a_maximum_can_be_set():
    assert whole_number("4", maximum=4) == 4
    assert whole_number("5", maximum=4) is None
