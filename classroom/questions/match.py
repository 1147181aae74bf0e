"""`match`: pair each statement with one of a shared list of options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup

from classroom.content.markdown import render_inline
from classroom.questions.base import InvalidAnswer, ParseContext, Question, register


@dataclass(frozen=True)
class MatchOption:
    id: str
    html: Markup
    text: str  # plain text, for the <option> of a select


@dataclass(frozen=True)
class MatchPair:
    id: str
    html: Markup
    answer: str  # id of the right option
    feedback_html: Markup


@dataclass(frozen=True, kw_only=True)
class MatchQuestion(Question):
    options: tuple[MatchOption, ...]
    pairs: tuple[MatchPair, ...]

    def option(self, option_id: str) -> MatchOption | None:
        return next((o for o in self.options if o.id == option_id), None)

    def pair(self, pair_id: str) -> MatchPair | None:
        return next((p for p in self.pairs if p.id == pair_id), None)

    def pair_field(self, pair_id: str) -> str:
        return f"{self.field_name}-{pair_id}"

    @property
    def form_fields(self) -> tuple[str, ...]:
        return tuple(self.pair_field(p.id) for p in self.pairs)


def inline_table_line(ctx: ParseContext, key: str, index: int) -> int:
    """Line of the index-th `{ … }` of an array `key = [ … ]`, or of its own
    `[[questions.<key>]]` header when written as tables; else the key's line."""
    header = ctx.table_line(key, index)
    start = ctx.key_line(key)
    if header != start or start == ctx.start:
        return header
    seen = -1
    for number in range(start, ctx.end + 1):
        content = ctx.lines[number - 1]
        if number > start and content.lstrip().startswith("["):
            break
        seen += content.count("{")
        if seen >= index:
            return number
    return start


def _parse_options(raw: Mapping[str, Any], ctx: ParseContext) -> tuple[MatchOption, ...]:
    value = raw.get("options")
    line = ctx.key_line("options")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        ctx.problem(
            'options must be a list of tables: options = [{ id = "…", text = "…" }, …]', line
        )
        return ()
    if len(value) < 2:
        ctx.problem(f"needs at least 2 options, has {len(value)}", line)
    options = []
    seen = []
    for index, entry in enumerate(value):
        entry_line = inline_table_line(ctx, "options", index)
        ident = ctx.ident(entry, f"option {index + 1}: ", entry_line)
        where = f'option "{ident or index + 1}": '
        ctx.unknown_keys(entry, {"id", "text"}, where, entry_line)
        text = ctx.text(entry, "text", where, entry_line)
        seen.append((ident, entry_line))
        html = render_inline(text)
        options.append(MatchOption(ident, html, html.striptags()))
    ctx.unique(seen, "option")
    return tuple(options)


def _parse_pairs(
    raw: Mapping[str, Any], ctx: ParseContext, options: tuple[MatchOption, ...]
) -> tuple[MatchPair, ...]:
    known = list(dict.fromkeys(o.id for o in options if o.id))
    pairs = []
    seen = []
    for index, entry in enumerate(ctx.tables(raw, "pairs", minimum=2)):
        line = ctx.table_line("pairs", index)
        ident = ctx.ident(entry, f"pair {index + 1}: ", line)
        where = f'pair "{ident or index + 1}": '
        ctx.unknown_keys(entry, {"id", "text", "answer", "feedback"}, where, line)
        text = ctx.text(entry, "text", where, line)
        feedback = ctx.text(entry, "feedback", where, line)
        answer = entry.get("answer")
        if not isinstance(answer, str) or not answer:
            ctx.problem(f"{where}answer must be the id of one of the options", line)
            answer = ""
        elif options and answer not in known and answer not in _written_ids(raw):
            ctx.problem(
                f'{where}answer "{answer}" is not one of the options ({", ".join(known)})', line
            )
        seen.append((ident, line))
        pairs.append(MatchPair(ident, render_inline(text), answer, render_inline(feedback)))
    ctx.unique(seen, "pair")
    return tuple(pairs)


def _written_ids(raw: Mapping[str, Any]) -> set[str]:
    """Option ids as written, valid or not: a pair naming a malformed id is not a
    second problem."""
    value = raw.get("options")
    entries = value if isinstance(value, list) else []
    return {e.get("id") for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}


@register
class Match:
    name: ClassVar[str] = "match"
    label: ClassVar[str] = "Match"
    auto_scored: ClassVar[bool] = True
    keys: ClassVar[set[str]] = {"options", "pairs"}

    def parse(
        self, raw: Mapping[str, Any], common: dict[str, Any], ctx: ParseContext
    ) -> MatchQuestion:
        options = _parse_options(raw, ctx)
        return MatchQuestion(**common, options=options, pairs=_parse_pairs(raw, ctx, options))

    def read_form(self, question: MatchQuestion, form: Any) -> dict[str, str] | None:
        """One select per pair; pairs left on "Choose…" are left out of the answer."""
        answer = {}
        for pair in question.pairs:
            value = form.get(question.pair_field(pair.id), "")
            if value:
                answer[pair.id] = value
        if not answer:
            return None
        self.check_answer(question, answer)
        return answer

    def check_answer(self, question: MatchQuestion, answer: Any) -> None:
        if not isinstance(answer, dict):
            raise InvalidAnswer(
                f'the answer to question "{question.id}" must map each statement to an option'
            )
        for pair_id, option_id in answer.items():
            if question.pair(pair_id) is None:
                raise InvalidAnswer(
                    f'"{pair_id}" is not one of the statements of question "{question.id}"'
                )
            if not isinstance(option_id, str) or question.option(option_id) is None:
                raise InvalidAnswer(
                    f'"{option_id}" is not one of the options of question "{question.id}"'
                )

    def score(self, question: MatchQuestion, answer: Any) -> float:
        if not isinstance(answer, dict) or not question.pairs:
            return 0.0
        right = sum(1 for p in question.pairs if answer.get(p.id) == p.answer)
        return right / len(question.pairs) * float(question.points)

    def tally(self, question: MatchQuestion, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """The confusion table: for each pair, how many students chose each option."""
        table = {
            pair.id: dict.fromkeys((o.id for o in question.options), 0) for pair in question.pairs
        }
        for row in rows:
            answer = row.get("answer")
            if not isinstance(answer, dict):
                continue
            for pair_id, option_id in answer.items():
                if pair_id in table and option_id in table[pair_id]:
                    table[pair_id][option_id] += 1
        return {"table": table, "students": len(rows)}

    def key(self, question: MatchQuestion) -> dict[str, str]:
        return {p.id: p.answer for p in question.pairs}
