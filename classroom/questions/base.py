"""What every question type provides, and the registry the loader consults."""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from markupsafe import Markup

from classroom.problems import Problem
from classroom.questions.lines import key_line

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from classroom.content.model import Lesson

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class InvalidAnswer(ValueError):
    """An answer that does not fit its question: a choice it does not have, say."""


@dataclass(frozen=True, kw_only=True)
class Question:
    id: str
    type: str
    skill: str
    prompt_html: Markup
    points: float
    explanation_html: Markup
    sentences: tuple[str, ...] = ()  # ids of the article sentences it is about
    confidence: bool = False
    line: int = 0

    @property
    def field_name(self) -> str:
        return f"q-{self.id}"

    @property
    def form_fields(self) -> tuple[str, ...]:
        """The names of the form fields that carry the answer."""
        return (self.field_name,)

    @property
    def most_answer_values(self) -> int:
        """The most values its answer can send in a form: one per field here; a question
        of boxes to tick sends one per box ticked."""
        return len(self.form_fields)

    @property
    def most_form_values(self) -> int:
        """The most values its answer and its confidence can send in a form."""
        return self.most_answer_values + (1 if self.confidence else 0)


class QuestionType(Protocol):
    name: ClassVar[str]
    label: ClassVar[str]
    auto_scored: ClassVar[bool]
    keys: ClassVar[set[str]]  # the keys a question of this type may have beyond the common ones

    def parse(self, raw: Mapping[str, Any], common: dict[str, Any], ctx: ParseContext) -> Question:
        """Build the question from its TOML table; report problems to ctx."""

    def read_form(self, question: Any, form: MultiDict) -> Any:
        """Return the answer posted in the form (JSON-shaped), or None when blank."""

    def check_answer(self, question: Any, answer: Any) -> None:
        """Raise InvalidAnswer when a stored or posted answer does not fit."""

    def score(self, question: Any, answer: Any) -> float | None:
        """Points earned, from 0 to question.points; None when a person must grade."""

    def key(self, question: Any) -> Any:
        """The right answer, in the same shape as a student's answer."""


_TYPES: dict[str, QuestionType] = {}


def register(cls: type) -> type:
    """Class decorator: make a question type available to quiz files."""
    _TYPES[cls.name] = cls()
    return cls


def question_type(name: str) -> QuestionType:
    return _TYPES[name]


def registered_types() -> dict[str, QuestionType]:
    return dict(_TYPES)


@dataclass
class ParseContext:
    """Where a question sits in its file, so problems name the right line."""

    path: str
    lines: list[str]
    start: int  # line of the question's [[questions]] header
    end: int  # last line of the question's block
    question_id: str
    lesson: Lesson | None
    problems: list[Problem] = field(default_factory=list)
    strict: bool = True  # False for a version students took: rebuilt as it was

    def problem(self, message: str, line: int | None = None) -> None:
        prefix = f'question "{self.question_id}": ' if self.question_id else ""
        self.problems.append(Problem(self.path, line or self.start, prefix + message))

    def table_line(self, name: str, index: int) -> int:
        """Line of the index-th `[[questions.<name>]]` header inside this question."""
        pattern = re.compile(rf"^\s*\[\[\s*questions\.{re.escape(name)}\s*\]\]")
        seen = -1
        for number in range(self.start, self.end + 1):
            if pattern.match(self.lines[number - 1]):
                seen += 1
                if seen == index:
                    return number
        return self.key_line(name)

    def key_line(self, key: str) -> int:
        """Line where `key` is set inside this question, else the header line."""
        if not self.lines:
            return self.start
        found = key_line(self.lines, key, ("questions",), self.start, self.end)
        return found or self.start

    def text(
        self,
        raw: Mapping[str, Any],
        key: str,
        where: str = "",
        line: int | None = None,
        required: bool = True,
    ) -> str:
        """A non-empty string field, or a problem and an empty string."""
        value = raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{where}{key} must be a non-empty string", line or self.key_line(key))
            return ""
        return value

    def ident(self, raw: Mapping[str, Any], where: str, line: int) -> str:
        value = raw.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(f"{where}id must be lower-case letters, digits and -", line)
            return ""
        return value

    def tables(self, raw: Mapping[str, Any], key: str, minimum: int) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(
                f"{key} must be a list of tables ([[questions.{key}]])", self.key_line(key)
            )
            return []
        if len(value) < minimum:
            self.problem(f"needs at least {minimum} {key}, has {len(value)}")
        return value

    def unknown_keys(
        self, entry: Mapping[str, Any], allowed: set[str], where: str, line: int
    ) -> None:
        """Name each key of a choice, pair or other entry that would be ignored (a
        misspelt `feedback`, a `corect`), so that the author's text is not lost."""
        if self.strict:
            for key in sorted(set(entry) - allowed):
                self.problem(f'{where}unknown key "{key}"', line)

    def unique(self, ids: list[tuple[str, int]], what: str) -> None:
        seen: set[str] = set()
        for ident, line in ids:
            if ident and ident in seen:
                self.problem(f'duplicate {what} id "{ident}"', line)
            seen.add(ident)

    def resolve_quote(self, quote: Any, line: int) -> str | None:
        """Find the one article sentence that contains `quote`; report none or several.

        A quote is looked for in the sentences as written in the lesson file, then, if
        it is in none, as the student reads them: a quote that resolved before keeps
        resolving to the same sentence, so stored versions rebuild as they were.
        """
        if not isinstance(quote, str) or not quote.strip():
            self.problem("a sentence quote must be a non-empty string", line)
            return None
        if self.lesson is None:  # the quiz's lesson problem is reported once, not per quote
            return None
        matches = [s.id for s in self.lesson.sentences if quote in s.text]
        if not matches:  # copied from the page: "believed", not "*believed*"
            matches = [s.id for s in self.lesson.sentences if quote in s.plain]
        if not matches:
            self.problem(
                f'quote "{quote}" matches no sentence of lesson "{self.lesson.slug}"', line
            )
            return None
        if len(matches) > 1:
            self.problem(
                f'quote "{quote}" matches {len(matches)} sentences '
                f"({', '.join(matches)}); quote more of the one you mean",
                line,
            )
            return None
        return matches[0]


def select_credit(picked: AbstractSet[str], correct: AbstractSet[str], points: float) -> float:
    """+1/c per right pick, -1/c per wrong pick, never below zero (c = number right)."""
    if not correct:
        return 0.0
    share = (len(picked & correct) - len(picked - correct)) / len(correct)
    return max(0.0, share) * points
