"""Find the line of a TOML key, so that a problem points where the author wrote it."""

from __future__ import annotations

import re

_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(rf"^\s*({_DOTTED})\s*=")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in re.findall(_PART, dotted))


def key_line(
    lines: list[str],
    key: str,
    table: tuple[str, ...] = (),
    first: int = 1,
    last: int | None = None,
) -> int | None:
    """The 1-based line, between `first` and `last`, that sets `key` in `table`.

    A key is set by `key = …`, by a dotted `key.sub = …`, or by a `[table.key]` or
    `[[table.key]]` header (a table can be written all three ways); a line setting
    a whole inline table that holds the key counts too. The scan starts in the
    top-level table, or in whichever table a header on line `first` opens.
    """
    wanted = (*table, key)
    current: tuple[str, ...] = ()
    for number in range(first, (last if last is not None else len(lines)) + 1):
        content = lines[number - 1]
        header = _HEADER.match(content)
        if header:
            current = _parts(header.group(1))
            if current[: len(wanted)] == wanted:
                return number
            continue
        assignment = _ASSIGNMENT.match(content)
        if assignment:
            path = (*current, *_parts(assignment.group(1)))
            if path[: len(wanted)] == wanted or wanted[: len(path)] == path:
                return number
    return None
