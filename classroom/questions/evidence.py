"""`evidence`: pick the sentence or sentences of the article that answer the prompt."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from classroom.content.markdown import render_inline
from classroom.questions.base import (
    InvalidAnswer,
    ParseContext,
    Question,
    register,
    select_credit,
)

_SENTENCE_ID = re.compile(r"^p(\d+)s(\d+)$")


@dataclass(frozen=True)
class ArticleSentence:
    id: str  # "p2s1"
    text: str
    html: Markup

    @property
    def paragraph(self) -> int:
        return _place(self.id)[0]


def _place(sentence_id: str) -> tuple[int, int]:
    found = _SENTENCE_ID.match(sentence_id)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


@dataclass(frozen=True, kw_only=True)
class EvidenceQuestion(Question):
    answers: tuple[str, ...]  # ids of the right sentences
    right_feedback_html: Markup
    wrong_feedback_html: Markup
    sentence_feedback: tuple[tuple[str, Markup], ...] = ()  # (sentence id, feedback)
    # Every sentence of the lesson's article as it was parsed, so that the question
    # shows the article it was written against, even from a stored version.
    article: tuple[ArticleSentence, ...] = ()

    @property
    def paragraphs(self) -> list[tuple[int, list[ArticleSentence]]]:
        grouped: dict[int, list[ArticleSentence]] = {}
        for sentence in self.article:
            grouped.setdefault(sentence.paragraph, []).append(sentence)
        return sorted(grouped.items())

    @property
    def most_answer_values(self) -> int:
        # Every sentence of the article is a box to tick.
        return len(self.article)

    def sentence(self, sentence_id: str) -> ArticleSentence | None:
        return next((s for s in self.article if s.id == sentence_id), None)

    def feedback_for(self, sentence_id: str) -> Markup:
        """What a student who picked this sentence reads about it."""
        for found, feedback in self.sentence_feedback:
            if found == sentence_id:
                return feedback
        return self.right_feedback_html if sentence_id in self.answers else self.wrong_feedback_html


def quote_line(ctx: ParseContext, key: str, quote: Any) -> int:
    """Line of a quote inside `key = [ … ]`, else the key's own line."""
    start = ctx.key_line(key)
    if isinstance(quote, str) and quote and start != ctx.start:
        for number in range(start, ctx.end + 1):
            content = ctx.lines[number - 1]
            if number > start and content.lstrip().startswith("["):
                break
            if quote in content or quote.replace('"', '\\"') in content:
                return number
    return start


def _article(ctx: ParseContext) -> tuple[ArticleSentence, ...]:
    if ctx.lesson is None:
        return ()
    sentences = sorted(ctx.lesson.sentences, key=lambda s: _place(s.id))
    return tuple(ArticleSentence(s.id, s.text, render_inline(s.text)) for s in sentences)


def _answers(raw: Mapping[str, Any], ctx: ParseContext) -> tuple[str, ...]:
    quotes = raw.get("answers")
    line = ctx.key_line("answers")
    if not isinstance(quotes, list) or not quotes:
        ctx.problem(
            "answers must be a list of one or more quotes, each from one sentence of the article",
            line,
        )
        return ()
    found: list[str] = []
    for quote in quotes:
        where = quote_line(ctx, "answers", quote)
        sentence_id = ctx.resolve_quote(quote, where)
        if sentence_id in found:
            ctx.problem(f"answers quote sentence {sentence_id} more than once", where)
        elif sentence_id:
            found.append(sentence_id)
    return tuple(sorted(found))


def _sentence_feedback(raw: Mapping[str, Any], ctx: ParseContext) -> tuple[tuple[str, Markup], ...]:
    if "sentence_feedback" not in raw:
        return ()
    notes: list[tuple[str, Markup]] = []
    for index, entry in enumerate(ctx.tables(raw, "sentence_feedback", minimum=1)):
        line = ctx.table_line("sentence_feedback", index)
        sentence_id = ctx.resolve_quote(entry.get("quote"), line)
        where = f"sentence_feedback {index + 1}: "
        ctx.unknown_keys(entry, {"quote", "feedback"}, where, line)
        feedback = ctx.text(entry, "feedback", where, line)
        if sentence_id and any(sentence_id == seen for seen, _ in notes):
            ctx.problem(
                f"sentence_feedback {index + 1}: sentence {sentence_id} already has its feedback",
                line,
            )
        elif sentence_id:
            notes.append((sentence_id, render_inline(feedback)))
    return tuple(notes)


@register
class Evidence:
    name: ClassVar[str] = "evidence"
    label: ClassVar[str] = "Evidence in the article"
    auto_scored: ClassVar[bool] = True
    keys: ClassVar[set[str]] = {"answers", "right_feedback", "wrong_feedback", "sentence_feedback"}

    def parse(
        self, raw: Mapping[str, Any], common: dict[str, Any], ctx: ParseContext
    ) -> EvidenceQuestion:
        return EvidenceQuestion(
            **common,
            answers=_answers(raw, ctx),
            right_feedback_html=render_inline(ctx.text(raw, "right_feedback")),
            wrong_feedback_html=render_inline(ctx.text(raw, "wrong_feedback")),
            sentence_feedback=_sentence_feedback(raw, ctx),
            article=_article(ctx),
        )

    def read_form(self, question: EvidenceQuestion, form: Any) -> list[str] | None:
        values = form.getlist(question.field_name)
        if not values:
            return None
        answer = sorted(set(values))
        self.check_answer(question, answer)
        return answer

    def check_answer(self, question: EvidenceQuestion, answer: Any) -> None:
        if not isinstance(answer, list):
            raise InvalidAnswer(
                f'the answer to question "{question.id}" must be a list of sentences'
            )
        for value in answer:
            if not isinstance(value, str) or question.sentence(value) is None:
                raise InvalidAnswer(
                    f'"{value}" is not a sentence of the article in question "{question.id}"'
                )

    def score(self, question: EvidenceQuestion, answer: Any) -> float:
        picked = {a for a in answer if isinstance(a, str)} if isinstance(answer, list) else set()
        return select_credit(picked, set(question.answers), float(question.points))

    def tally(self, question: EvidenceQuestion, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """How many students picked each sentence: the heat map drawn on the article."""
        picks = dict.fromkeys((s.id for s in question.article), 0)
        for row in rows:
            answer = row.get("answer")
            for sentence_id in answer if isinstance(answer, list) else []:
                if sentence_id in picks:
                    picks[sentence_id] += 1
        students = len(rows)
        heat = {
            sid: min(5, round(5 * count / students)) if students else 0
            for sid, count in picks.items()
        }
        return {"picks": picks, "heat": heat, "students": students}

    def key(self, question: EvidenceQuestion) -> list[str]:
        return sorted(question.answers)
