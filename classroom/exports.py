"""CSV exports that a spreadsheet opens safely."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Numbers stay numbers; text that a spreadsheet would run gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def filename(class_name: str, what: str, date: str) -> str:
    """`7b-history-responses-2026-11-28.csv`: the class and the date in the name."""
    # Accents are folded rather than dropped: "Übung" is "ubung", not "bung".
    folded = unicodedata.normalize("NFKD", class_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "class"
    return f"{slug}-{what}-{date}.csv"


def answer_text(answer: Any) -> str:
    """An answer as a cell: a choice id, ids joined by |, or the JSON of a structure."""
    if answer is None:
        return ""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, list) and all(isinstance(a, str) for a in answer):
        return "|".join(answer)
    if isinstance(answer, dict) and set(answer) == {"text"}:
        return str(answer["text"])
    return json.dumps(answer, ensure_ascii=False, sort_keys=True)
