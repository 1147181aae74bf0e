"""`single` and `multiple`: pick one choice, or every choice that applies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
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


@dataclass(frozen=True)
class Choice:
    id: str
    html: Markup
    correct: bool
    feedback_html: Markup
    technique: str | None = None


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(Question):
    choices: tuple[Choice, ...]

    def choice(self, choice_id: str) -> Choice | None:
        return self._by_id.get(choice_id) if isinstance(choice_id, str) else None

    # Worked out once: every answer of every submit is checked and scored with them.
    @cached_property
    def _by_id(self) -> dict[str, Choice]:
        return {c.id: c for c in self.choices}

    @cached_property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.choices if c.correct)

    @property
    def most_answer_values(self) -> int:
        # A multiple-select question sends every box ticked.
        return len(self.choices) if self.type == "multiple" else 1


def parse_choices(raw: Mapping[str, Any], ctx: ParseContext) -> tuple[Choice, ...]:
    choices = []
    seen = []
    for index, entry in enumerate(ctx.tables(raw, "choices", minimum=2)):
        line = ctx.table_line("choices", index)
        ident = ctx.ident(entry, f"choice {index + 1}: ", line)
        where = f'choice "{ident or index + 1}": '
        ctx.unknown_keys(entry, {"id", "text", "correct", "feedback", "technique"}, where, line)
        text = ctx.text(entry, "text", where, line)
        feedback = ctx.text(entry, "feedback", where, line)
        correct = entry.get("correct", False)
        if not isinstance(correct, bool):
            ctx.problem(f"{where}correct must be true or false", line)
            correct = False
        technique = entry.get("technique")
        if technique is not None and not isinstance(technique, str):
            ctx.problem(f"{where}technique must be a string", line)
            technique = None
        seen.append((ident, line))
        choices.append(
            Choice(ident, render_inline(text), correct, render_inline(feedback), technique)
        )
    ctx.unique(seen, "choice")
    return tuple(choices)


@register
class SingleChoice:
    name: ClassVar[str] = "single"
    label: ClassVar[str] = "Single choice"
    auto_scored: ClassVar[bool] = True
    keys: ClassVar[set[str]] = {"choices"}

    def parse(
        self, raw: Mapping[str, Any], common: dict[str, Any], ctx: ParseContext
    ) -> ChoiceQuestion:
        choices = parse_choices(raw, ctx)
        right = sum(c.correct for c in choices)
        if choices and right != 1:
            ctx.problem(f"a single-choice question needs exactly one correct choice, has {right}")
        return ChoiceQuestion(**common, choices=choices)

    def read_form(self, question: ChoiceQuestion, form: Any) -> str | None:
        value = form.get(question.field_name)
        if not value:
            return None
        self.check_answer(question, value)
        return value

    def check_answer(self, question: ChoiceQuestion, answer: Any) -> None:
        if not isinstance(answer, str) or question.choice(answer) is None:
            raise InvalidAnswer(f'"{answer}" is not one of the choices of question "{question.id}"')

    def score(self, question: ChoiceQuestion, answer: Any) -> float:
        chosen = question.choice(answer) if isinstance(answer, str) else None
        return float(question.points) if chosen and chosen.correct else 0.0

    def key(self, question: ChoiceQuestion) -> str:
        return next(c.id for c in question.choices if c.correct)


@register
class MultipleChoice:
    name: ClassVar[str] = "multiple"
    label: ClassVar[str] = "Multiple select"
    auto_scored: ClassVar[bool] = True
    keys: ClassVar[set[str]] = {"choices"}

    def parse(
        self, raw: Mapping[str, Any], common: dict[str, Any], ctx: ParseContext
    ) -> ChoiceQuestion:
        choices = parse_choices(raw, ctx)
        if choices and not any(c.correct for c in choices):
            ctx.problem("a multiple-select question needs at least one correct choice")
        return ChoiceQuestion(**common, choices=choices)

    def read_form(self, question: ChoiceQuestion, form: Any) -> list[str] | None:
        values = form.getlist(question.field_name)
        if not values:
            return None
        answer = sorted(set(values))
        self.check_answer(question, answer)
        return answer

    def check_answer(self, question: ChoiceQuestion, answer: Any) -> None:
        if not isinstance(answer, list):
            raise InvalidAnswer(f'the answer to question "{question.id}" must be a list')
        for value in answer:
            if not isinstance(value, str) or question.choice(value) is None:
                raise InvalidAnswer(
                    f'"{value}" is not one of the choices of question "{question.id}"'
                )

    def score(self, question: ChoiceQuestion, answer: Any) -> float:
        picked = set(answer) if isinstance(answer, list) else set()
        return select_credit(picked, question.correct_ids, float(question.points))

    def key(self, question: ChoiceQuestion) -> list[str]:
        return sorted(question.correct_ids)
