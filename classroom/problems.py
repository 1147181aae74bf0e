"""A problem in a content file, as `classroom check` prints it, and the lines it counts."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, printed as `path:line: message`."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line or 1}: {self.message}"


def file_lines(text: str) -> list[str]:
    """The lines of a file read as text, numbered as TOML and Markdown number them.

    Only a line feed ends a line (reading the file made every line end one):
    str.splitlines() also breaks at U+2028, NEL and form feeds, which text pasted from
    elsewhere may hold, and every line after one would be named one line too late.
    """
    return text.removesuffix("\n").split("\n") if text else []
