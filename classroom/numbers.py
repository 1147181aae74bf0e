"""Whole numbers from forms and addresses: plain ASCII digits that SQLite can hold.

`str.isdigit()` is not enough: it accepts "²" and other digits `int()` refuses, and
Python refuses to read more than 4,300 digits at once, so either would end in an error
page of ours (a 500) instead of a message about the field.
"""

from __future__ import annotations

SQLITE_MAX = 2**63 - 1


def whole_number(text: str | None, maximum: int = SQLITE_MAX) -> int | None:
    """The number `text` spells in ASCII digits (no sign or spaces), or None."""
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= maximum else None
