"""The content model: what a lesson and a quiz are once loaded."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from classroom.problems import Problem  # noqa: F401  (re-exported for content users)

if TYPE_CHECKING:
    from classroom.questions.base import Question

# A lesson's or quiz's slug is its file name and part of its web address.
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# As many attempts as a teacher may allow in a class's assignment of the quiz.
MAX_ATTEMPTS = 50
SKILLS = {
    "sourcing": "Sourcing",
    "denial-rhetoric": "Denial rhetoric",
    "evidence-evaluation": "Evidence evaluation",
}
KEEP_RULES = {"best": "best attempt", "latest": "latest attempt"}
FEEDBACK_MODES = {
    "after_each": "after each answer",
    "after_submit": "after submitting",
    "after_close": "after the quiz closes",
}


def slug_problem(path: Path) -> str:
    """Why a file's name cannot be a slug, with a name that could be."""
    better = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:64]
    example = f", e.g. to {better}{path.suffix}" if better else ""
    return (
        f'the file name gives the slug "{path.stem}", but a slug is lower-case letters, '
        f"digits and - only: rename the file{example}"
    )


@dataclass(frozen=True)
class Sentence:
    id: str  # "p4s2": paragraph 4, sentence 2
    paragraph: int
    number: int
    text: str  # as written in the lesson file: Markdown
    html: Markup
    # As the student reads it: Markdown, links and entities gone, quotes curled.
    plain: str = ""


@dataclass(frozen=True)
class Paragraph:
    number: int
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition_html: Markup

    @property
    def anchor(self) -> str:
        return "term-" + "-".join(self.term.lower().split())


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    headline: str
    byline: str
    source: str
    author: str
    date: datetime.date
    url: str
    licence: str
    summary: str
    paragraphs: tuple[Paragraph, ...]
    notes_html: Markup
    glossary: tuple[GlossaryEntry, ...]
    path: str

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for p in self.paragraphs for s in p.sentences)

    def sentence(self, sentence_id: str) -> Sentence | None:
        return next((s for s in self.sentences if s.id == sentence_id), None)


@dataclass(frozen=True)
class Quiz:
    slug: str
    title: str
    lesson: str
    skill: str
    intro_html: Markup
    attempts: int  # 0: unlimited
    feedback: str
    keep: str  # which attempt's score counts: "best" or "latest"
    questions: tuple[Question, ...]
    version: str
    path: str
    # What the version hashes: the parsed file and the sentences it points at.
    snapshot: str = field(repr=False, compare=False)

    @property
    def max_score(self) -> float:
        return float(sum(q.points for q in self.questions))

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)
