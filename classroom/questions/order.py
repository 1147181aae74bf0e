"""`order`: put items in order; credit for every pair placed the right way round."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any, ClassVar

from markupsafe import Markup

from classroom.content.markdown import render_inline
from classroom.numbers import whole_number
from classroom.questions.base import InvalidAnswer, ParseContext, Question, register


@dataclass(frozen=True)
class OrderItem:
    id: str
    html: Markup
    text: str  # plain text, for messages
    feedback_html: Markup


@dataclass(frozen=True, kw_only=True)
class OrderQuestion(Question):
    items: tuple[OrderItem, ...]  # in the right order

    def item(self, item_id: str) -> OrderItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def item_field(self, item_id: str) -> str:
        return f"{self.field_name}-{item_id}"

    @property
    def form_fields(self) -> tuple[str, ...]:
        return tuple(self.item_field(i.id) for i in self.items)

    def position(self, item_id: str) -> int:
        """The item's right position, from 1."""
        return next(n for n, i in enumerate(self.items, start=1) if i.id == item_id)

    @property
    def shuffled(self) -> tuple[OrderItem, ...]:
        """The items in the order a blank question shows them: the same on every page
        load, and never the right order, which the file lists."""
        seed = int.from_bytes(hashlib.sha256(self.id.encode()).digest()[:8], "big")
        items = list(self.items)
        random.Random(seed).shuffle(items)
        if len(items) > 1 and items == list(self.items):
            items = items[1:] + items[:1]
        return tuple(items)

    def is_complete(self, answer: Any) -> bool:
        """True when the answer lists every item once, as a stored answer does."""
        return (
            isinstance(answer, list)
            and all(isinstance(a, str) for a in answer)
            and sorted(answer) == sorted(i.id for i in self.items)
        )

    def shown(self, answer: Any) -> tuple[OrderItem, ...]:
        """The items in the student's saved order, else shuffled."""
        if self.is_complete(answer):
            return tuple(self.item(item_id) for item_id in answer)
        return self.shuffled


def concordant_share(answer: list[str], key: list[str]) -> float:
    """Share of the pairs of items that the answer puts the same way round as the key."""
    if len(key) < 2:
        return 1.0 if answer == key else 0.0
    place = {item_id: n for n, item_id in enumerate(answer)}
    pairs = list(combinations(key, 2))  # each (a, b) with a before b in the key
    right = sum(1 for a, b in pairs if place[a] < place[b])
    return right / len(pairs)


@register
class Order:
    name: ClassVar[str] = "order"
    label: ClassVar[str] = "Order"
    auto_scored: ClassVar[bool] = True
    keys: ClassVar[set[str]] = {"items"}

    def parse(
        self, raw: Mapping[str, Any], common: dict[str, Any], ctx: ParseContext
    ) -> OrderQuestion:
        items = []
        seen = []
        for index, entry in enumerate(ctx.tables(raw, "items", minimum=2)):
            line = ctx.table_line("items", index)
            ident = ctx.ident(entry, f"item {index + 1}: ", line)
            where = f'item "{ident or index + 1}": '
            ctx.unknown_keys(entry, {"id", "text", "feedback"}, where, line)
            html = render_inline(ctx.text(entry, "text", where, line))
            feedback = ctx.text(entry, "feedback", where, line)
            seen.append((ident, line))
            items.append(OrderItem(ident, html, html.striptags(), render_inline(feedback)))
        ctx.unique(seen, "item")
        return OrderQuestion(**common, items=tuple(items))

    def read_form(self, question: OrderQuestion, form: Any) -> list[str] | None:
        """One select of positions per item. Two items in one position is an error;
        an order with a position still blank is not an answer yet (None)."""
        count = len(question.items)
        positions: dict[str, int] = {}
        for item in question.items:
            value = form.get(question.item_field(item.id), "").strip()
            if not value:
                continue
            position = whole_number(value, maximum=count)
            if position is None or position < 1:
                raise InvalidAnswer(
                    f'In question "{question.id}", the position of '
                    f"“{item.text}” must be a number from 1 to {count}."
                )
            positions[item.id] = position
        taken: dict[int, list[OrderItem]] = {}
        for item in question.items:
            if item.id in positions:
                taken.setdefault(positions[item.id], []).append(item)
        for position, items in sorted(taken.items()):
            if len(items) > 1:
                names = [f"“{i.text}”" for i in items]
                both = "both" if len(items) == 2 else "all"
                raise InvalidAnswer(
                    f'In question "{question.id}", {", ".join(names[:-1])} '
                    f"and {names[-1]} are {both} in position {position}: "
                    f"give each item a different position."
                )
        if len(positions) < count:
            return None
        return sorted(positions, key=positions.__getitem__)

    def check_answer(self, question: OrderQuestion, answer: Any) -> None:
        if not question.is_complete(answer):
            raise InvalidAnswer(
                f'the answer to question "{question.id}" must list each of its items once'
            )

    def score(self, question: OrderQuestion, answer: Any) -> float:
        try:
            self.check_answer(question, answer)
        except InvalidAnswer:
            return 0.0
        return concordant_share(answer, [i.id for i in question.items]) * float(question.points)

    def tally(self, question: OrderQuestion, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """For each item, how many students put it in each position."""
        positions = {item.id: [0] * len(question.items) for item in question.items}
        for row in rows:
            answer = row.get("answer")
            if isinstance(answer, list) and sorted(answer) == sorted(positions):
                for place, item_id in enumerate(answer):
                    positions[item_id][place] += 1
        return {"positions": positions, "students": len(rows)}

    def key(self, question: OrderQuestion) -> list[str]:
        return [i.id for i in question.items]
