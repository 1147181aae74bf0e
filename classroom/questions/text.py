"""`text`: a short written answer that the teacher grades on a three-level rubric."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from classroom.content.markdown import render_inline
from classroom.questions.base import InvalidAnswer, ParseContext, Question, register

MAX_LENGTH = 4000
LEVELS = (2, 1, 0)


@dataclass(frozen=True)
class RubricLevel:
    level: int
    label: str
    descriptor_html: Markup


@dataclass(frozen=True, kw_only=True)
class TextQuestion(Question):
    rubric: tuple[RubricLevel, ...]  # levels 2, 1, 0 in that order
    model_answer: str = ""  # the explanation's Markdown

    max_length: ClassVar[int] = MAX_LENGTH

    def level(self, level: int) -> RubricLevel | None:
        return next((r for r in self.rubric if r.level == level), None)

    def level_for(self, score: float | None) -> RubricLevel | None:
        """The rubric level a graded score stands for (score = level / 2 × points)."""
        if score is None:
            return None
        return self.level(round(score / self.points * 2))


def rubric_score(question: TextQuestion, level: int) -> float:
    """Points for an answer graded at `level` (2, 1 or 0): level / 2 × points."""
    if isinstance(level, bool) or level not in LEVELS:
        raise InvalidAnswer(f"a rubric level is 2, 1 or 0, not {level!r}")
    return level / 2 * float(question.points)


def _rubric(raw: Mapping[str, Any], ctx: ParseContext) -> tuple[RubricLevel, ...]:
    entries = ctx.tables(raw, "rubric", minimum=0)
    if len(entries) != len(LEVELS) and isinstance(raw.get("rubric", []), list):
        ctx.problem(
            f"rubric needs exactly 3 levels (2, 1 and 0), has {len(entries)}",
            ctx.table_line("rubric", 0),
        )
    found: dict[int, RubricLevel] = {}
    for index, entry in enumerate(entries):
        line = ctx.table_line("rubric", index)
        level = entry.get("level")
        if isinstance(level, bool) or level not in LEVELS:
            ctx.problem(f"rubric {index + 1}: level must be 2, 1 or 0", line)
            continue
        where = f"rubric level {level}: "
        ctx.unknown_keys(entry, {"level", "label", "descriptor"}, where, line)
        label = ctx.text(entry, "label", where, line)
        descriptor = ctx.text(entry, "descriptor", where, line)
        if level in found:
            ctx.problem(f"rubric level {level} appears twice", line)
        found[level] = RubricLevel(level, label.strip(), render_inline(descriptor))
    missing = [str(n) for n in LEVELS if n not in found]
    if len(entries) == len(LEVELS) and missing:
        ctx.problem(f"rubric is missing level {' and '.join(missing)}", ctx.table_line("rubric", 0))
    return tuple(found[n] for n in LEVELS if n in found)


@register
class Text:
    name: ClassVar[str] = "text"
    label: ClassVar[str] = "Written answer"
    auto_scored: ClassVar[bool] = False
    keys: ClassVar[set[str]] = {"rubric"}

    def parse(
        self, raw: Mapping[str, Any], common: dict[str, Any], ctx: ParseContext
    ) -> TextQuestion:
        explanation = raw.get("explanation")
        return TextQuestion(
            **common,
            rubric=_rubric(raw, ctx),
            model_answer=explanation if isinstance(explanation, str) else "",
        )

    def read_form(self, question: TextQuestion, form: Any) -> dict[str, str] | None:
        """The trimmed text; blank is unanswered. Line ends are sent as CR LF and
        counted as one character, as the textarea's maxlength counts them."""
        text = form.get(question.field_name, "").replace("\r\n", "\n").strip()
        if not text:
            return None
        answer = {"text": text}
        self.check_answer(question, answer)
        return answer

    def check_answer(self, question: TextQuestion, answer: Any) -> None:
        if (
            not isinstance(answer, dict)
            or set(answer) != {"text"}
            or not isinstance(answer["text"], str)
            or not answer["text"].strip()
        ):
            raise InvalidAnswer(f'the answer to question "{question.id}" must be some text')
        if len(answer["text"]) > MAX_LENGTH:
            raise InvalidAnswer(
                f'Your answer to question "{question.id}" is '
                f"{len(answer['text'])} characters long; shorten it to "
                f"{MAX_LENGTH} or fewer."
            )

    def score(self, question: TextQuestion, answer: Any) -> None:
        return None  # the teacher grades it: see rubric_score

    def tally(self, question: TextQuestion, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """How many answers were graded at each rubric level, and how many wait."""
        levels = {level.level: 0 for level in question.rubric}
        waiting = 0
        for row in rows:
            if row.get("rubric_level") in levels:
                levels[row["rubric_level"]] += 1
            elif row.get("score") is None:
                waiting += 1
        return {"levels": levels, "waiting": waiting, "students": len(rows)}

    def key(self, question: TextQuestion) -> dict[str, str]:
        return {"text": question.model_answer}
