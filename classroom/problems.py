"""A problem in a content file, as `classroom check` prints it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, printed as `path:line: message`."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line or 1}: {self.message}"
