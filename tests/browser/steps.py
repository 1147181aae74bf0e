"""What a student does in the browser, step by step, by accessible names.

Every question type is answered from the quiz as the app's catalogue has it: by
mouse (clicks, picking a select's option by its label, filling a textarea) or by
keyboard alone (Tab and Shift+Tab, arrows, Space, typing). An answer is written in
the shape the app stores (docs/content-format.md, "Stored answers"), so a test
can say what it chose, set it on the page, find it again after a reload, and
compare it with the `responses` table.

Shared by the browser tests and the screenshot script.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

QUIZ = "sourcing"
LESSON = "xinjiang-denial"
CHOICE_TYPES = {"single", "multiple"}
# What a student writes for a `text` question: two lines, to show line ends survive.
WRITTEN = (
    "I would check “It is believed that more than one million” people are detained.\n"
    "It names no one, so I would look for the researchers behind the estimate."
)
WRITTEN_WRONG = "It is all true."
CONFIDENCE = {1: "Guessing", 2: "Fairly sure", 3: "Very sure"}


@dataclass(frozen=True)
class Choice:
    """Something a student picks: a choice, a match option, an order item, a sentence."""

    id: str
    name: str  # the accessible name: the label's text
    correct: bool = False


@dataclass(frozen=True)
class Pair:
    """A match statement and the id of the option it goes with."""

    id: str
    name: str
    answer: str


@dataclass(frozen=True)
class Question:
    number: int  # 1-based, as the page shows it
    id: str
    type: str  # single, multiple, match, order, evidence, text
    points: float
    explanation: str
    confidence: bool = False
    # single and multiple: the choices; evidence: the article's sentences
    # (correct = one of the key's).
    choices: tuple[Choice, ...] = ()
    options: tuple[Choice, ...] = ()  # match: the options every statement offers
    pairs: tuple[Pair, ...] = ()  # match
    items: tuple[Choice, ...] = ()  # order: in the right order
    shown: tuple[str, ...] = ()  # order: item ids as a blank question lists them

    @property
    def kind(self) -> str:
        """The input type of a choice question: "radio" or "checkbox"."""
        return "radio" if self.type == "single" else "checkbox"

    @property
    def auto_scored(self) -> bool:
        return self.type != "text"

    @property
    def correct(self) -> list[Choice]:
        return [c for c in self.choices if c.correct]

    @property
    def wrong(self) -> list[Choice]:
        return [c for c in self.choices if not c.correct]

    def choice(self, choice_id: str) -> Choice:
        return next(c for c in self.choices if c.id == choice_id)

    def item(self, item_id: str) -> Choice:
        return next(i for i in self.items if i.id == item_id)

    def option(self, option_id: str) -> Choice:
        return next(o for o in self.options if o.id == option_id)

    def input_id(self, choice: Choice) -> str:
        return f"q-{self.id}-{choice.id}"


def _text(markup: str) -> str:
    """The text a screen reader announces for a bit of HTML."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", str(markup))).split())


def quiz_questions(app: Flask, slug: str = QUIZ) -> list[Question]:
    """The quiz's questions, every type, as the page shows them."""
    from classroom.library import catalogue

    with app.app_context():
        quiz = catalogue().quizzes[slug]
    found = []
    for number, q in enumerate(quiz.questions, start=1):
        common = dict(
            number=number,
            id=q.id,
            type=q.type,
            points=float(q.points),
            explanation=_text(q.explanation_html),
            confidence=q.confidence,
        )
        if q.type in CHOICE_TYPES:
            choices = tuple(Choice(c.id, _text(c.html), c.correct) for c in q.choices)
            found.append(Question(**common, choices=choices))
        elif q.type == "evidence":
            sentences = tuple(Choice(s.id, _text(s.html), s.id in q.answers) for s in q.article)
            found.append(Question(**common, choices=sentences))
        elif q.type == "match":
            options = tuple(Choice(o.id, o.text) for o in q.options)
            pairs = tuple(Pair(p.id, _text(p.html), p.answer) for p in q.pairs)
            found.append(Question(**common, options=options, pairs=pairs))
        elif q.type == "order":
            items = tuple(Choice(i.id, _text(i.html), True) for i in q.items)
            shown = tuple(i.id for i in q.shuffled)
            found.append(Question(**common, items=items, shown=shown))
        else:
            found.append(Question(**common))
    return found


def of_type(questions: list[Question], kind: str) -> Question:
    """The quiz's first question of a type."""
    return next(q for q in questions if q.type == kind)


# -- answers, in the shape the app stores them ------------------------------------


def key(q: Question) -> Any:
    """The right answer (for `text`, a sound written answer)."""
    if q.type == "single":
        return q.correct[0].id
    if q.type in {"multiple", "evidence"}:
        return sorted(c.id for c in q.correct)
    if q.type == "match":
        return {p.id: p.answer for p in q.pairs}
    if q.type == "order":
        return [i.id for i in q.items]
    return {"text": WRITTEN}


def wrong_answer(q: Question) -> Any:
    """A plausible answer that earns nothing (for `text`, a weak written answer)."""
    if q.type == "single":
        return q.wrong[0].id
    if q.type in {"multiple", "evidence"}:
        return [q.wrong[0].id]
    if q.type == "match":
        return {p.id: next(o.id for o in q.options if o.id != p.answer) for p in q.pairs}
    if q.type == "order":
        return [i.id for i in reversed(q.items)]
    return {"text": WRITTEN_WRONG}


def answer_for(q: Question, right: bool = True) -> Any:
    return key(q) if right else wrong_answer(q)


def points_for(q: Question, answer: Any) -> float | None:
    """The score the app gives `answer`: full marks for the key, 0 for wrong_answer."""
    if not q.auto_scored:
        return None
    return q.points if answer == key(q) else 0.0


def _picked(q: Question, answer: Any) -> set[str]:
    """The ids a choice or evidence answer ticks."""
    if answer is None:
        return set()
    return {answer} if q.type == "single" else set(answer)


# -- where things are ---------------------------------------------------------------


def join(page: Page, url: str, join_code: str, name: str = "Ada") -> str:
    """Join the class from the home page; return the resume code shown once."""
    page.goto(url + "/")
    page.get_by_label("Class code").fill(join_code)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    code = page.locator("#resume-code")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)+$"))
    return code.inner_text()


def question_group(page: Page, question: Question) -> Locator:
    """The question's fieldset, by its legend ("Question 3 (1 point)")."""
    return page.get_by_role("group", name=re.compile(rf"^Question {question.number}\b"))


def review_region(page: Page, question: Question) -> Locator:
    """The question's section of the results page."""
    return page.get_by_role("region", name=re.compile(rf"^Question {question.number}\b"))


def choice_input(page: Page, question: Question, choice: Choice) -> Locator:
    """A choice's radio or checkbox; for `evidence`, a sentence's checkbox."""
    role = "radio" if question.type == "single" else "checkbox"
    return question_group(page, question).get_by_role(role, name=choice.name, exact=True)


def sentence_text(page: Page, question: Question, sentence: Choice) -> Locator:
    """The text of an article sentence in an evidence question, as a student sees it."""
    box = page.get_by_role("checkbox", name=sentence.name, exact=True)
    return question_group(page, question).locator("label").filter(has=box).locator(".evidence-text")


def pair_select(page: Page, question: Question, pair: Pair) -> Locator:
    """A match statement's select, labelled by the statement."""
    return question_group(page, question).get_by_role("combobox", name=pair.name, exact=True)


def position_select(page: Page, question: Question, item: Choice) -> Locator:
    """An order item's select, labelled "Position of: <item>"."""
    return question_group(page, question).get_by_role(
        "combobox", name=f"Position of: {item.name}", exact=True
    )


def move_button(page: Page, question: Question, item: Choice, direction: str) -> Locator:
    """An order item's "Move up" or "Move down" button (present with JavaScript)."""
    name = f"Move {direction}: {item.name}"
    return question_group(page, question).get_by_role("button", name=name, exact=True)


def written_answer(page: Page, question: Question) -> Locator:
    return question_group(page, question).get_by_role("textbox", name="Your answer")


def confidence_input(page: Page, question: Question, level: int) -> Locator:
    group = question_group(page, question).get_by_role("group", name="How sure are you?")
    return group.get_by_role("radio", name=CONFIDENCE[level], exact=True)


def save_status(page: Page, question: Question) -> Locator:
    return question_group(page, question).get_by_role("status")


def expect_saved(page: Page, question: Question) -> None:
    """The autosave of the question came back."""
    expect(save_status(page, question)).to_have_text("Saved")


# -- by mouse -------------------------------------------------------------------------


def answer_with_mouse(
    page: Page, q: Question, answer: Any, confidence: int | None = None, moves: str = ""
) -> None:
    """Set the question to `answer` by clicking, choosing options and filling the box.

    Starts from whatever the page shows. An order is set with the position selects,
    or, with `moves` ("up", "down" or "any"), with the Move up / Move down buttons
    (JavaScript only).
    """
    if q.type in CHOICE_TYPES or q.type == "evidence":
        wanted = _picked(q, answer)
        for choice in q.choices:
            box = choice_input(page, q, choice)
            if (choice.id in wanted) != box.is_checked():
                if q.type == "evidence":
                    sentence_text(page, q, choice).click()  # the sentence itself
                else:
                    box.click()
    elif q.type == "match":
        for pair in q.pairs:
            option = q.option(answer[pair.id]).name if pair.id in answer else "Choose…"
            pair_select(page, q, pair).select_option(label=option)
    elif q.type == "order" and moves:
        _order_by_moving(
            page,
            q,
            answer,
            lambda item, way: move_button(page, q, item, way).click(),
            "" if moves == "any" else moves,
        )
    elif q.type == "order":
        for position, item_id in enumerate(answer, start=1):
            position_select(page, q, q.item(item_id)).select_option(label=str(position))
    else:
        written_answer(page, q).fill(answer["text"] if answer else "")
    if confidence is not None:
        confidence_input(page, q, confidence).click()


def answer_by_clicking(page: Page, question: Question, right: bool = True) -> Any:
    """Answer by mouse, right or wrongly; return the answer as the app stores it."""
    answer = answer_for(question, right)
    answer_with_mouse(page, question, answer)
    return answer


def items_on_screen(page: Page, q: Question) -> list[str]:
    """The order question's item ids as the page lists them now."""
    return (
        question_group(page, q)
        .locator(".order-item")
        .evaluate_all("items => items.map(item => item.dataset.item)")
    )


def _order_by_moving(page: Page, q: Question, answer: list[str], press, way: str = "") -> None:
    """Reach `answer` with Move buttons only: with `way` "up", Move up from the top; with
    "down", Move down from the bottom; by default "up" when the first item is out of
    place, else "down"."""
    if items_on_screen(page, q) == answer:
        # The selects may still be blank: one move down and back sets them all.
        first = q.item(answer[0])
        press(first, "down")
        press(first, "up")
        return
    up = way == "up" or (not way and items_on_screen(page, q)[0] != answer[0])
    targets = range(len(answer)) if up else range(len(answer) - 1, -1, -1)
    for target in targets:
        item = q.item(answer[target])
        steps = items_on_screen(page, q).index(item.id) - target
        for _ in range(abs(steps)):
            press(item, "up" if steps > 0 else "down")
    assert items_on_screen(page, q) == answer


# -- by keyboard ----------------------------------------------------------------------


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def _has_focus(target: Locator) -> bool:
    try:
        return target.evaluate_all("els => els.includes(document.activeElement)")
    except PlaywrightError:  # the page is still loading after Enter on a link
        target.first.wait_for(state="attached")
        return target.evaluate_all("els => els.includes(document.activeElement)")


def press_until_focused(page: Page, key: str, target: str | Locator, limit: int = 40) -> None:
    """Press key (Tab or Shift+Tab) until target (an element id, or a locator of one or
    more elements: any of them) has focus."""

    def there() -> bool:
        if isinstance(target, str):
            return focused_id(page) == target
        return _has_focus(target)

    for _ in range(limit):
        if there():
            return
        page.keyboard.press(key)
    assert there(), f"{key} never reached {target}"


def tab_to(page: Page, target: Locator, limit: int = 150) -> None:
    """Move focus to target (any of its elements) with Tab, or Shift+Tab when it comes
    before the focused element in the page."""
    backwards = target.first.evaluate(
        """el => {
            const now = document.activeElement;
            if (!now || now === document.body || now === el) return false;
            return !!(now.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
        }"""
    )
    press_until_focused(page, "Shift+Tab" if backwards else "Tab", target, limit)


def _radio_by_keyboard(page: Page, radios: Locator, index: int) -> None:
    """Tab into a radio group and select radios.nth(index) with arrows (or Space)."""
    tab_to(page, radios)
    now = radios.evaluate_all("els => els.indexOf(document.activeElement)")
    if now == index and not radios.nth(index).is_checked():
        page.keyboard.press("Space")
    for _ in range(abs(index - now)):
        page.keyboard.press("ArrowDown" if index > now else "ArrowUp")  # moves and selects
    expect(radios.nth(index)).to_be_focused()
    expect(radios.nth(index)).to_be_checked()


def _select_by_keyboard(page: Page, select: Locator, index: int) -> None:
    """Tab to a select and move to its index-th option with the arrow keys."""
    tab_to(page, select)
    now = select.evaluate("el => el.selectedIndex")
    for _ in range(abs(index - now)):
        page.keyboard.press("ArrowDown" if index > now else "ArrowUp")
    assert select.evaluate("el => el.selectedIndex") == index


def answer_with_keyboard(
    page: Page, q: Question, answer: Any, confidence: int | None = None, moves: bool = False
) -> None:
    """Set the question to `answer` with the keyboard alone: Tab and Shift+Tab to each
    control, arrows in radio groups and selects, Space on checkboxes, typed digits in
    position selects (or Enter on Move buttons when `moves`), typed text."""
    group = question_group(page, q)
    if q.type == "single":
        radios = group.locator(f"input[type=radio][name='q-{q.id}']")  # not the confidence
        _radio_by_keyboard(page, radios, [c.id for c in q.choices].index(answer))
    elif q.type in {"multiple", "evidence"}:
        wanted = set(answer or ())
        for choice in q.choices:
            box = choice_input(page, q, choice)
            if (choice.id in wanted) != box.is_checked():
                tab_to(page, box)
                page.keyboard.press("Space")
    elif q.type == "match":
        for pair in q.pairs:
            index = 1 + [o.id for o in q.options].index(answer[pair.id]) if pair.id in answer else 0
            _select_by_keyboard(page, pair_select(page, q, pair), index)
    elif q.type == "order" and moves:

        def press(item: Choice, way: str) -> None:
            button = move_button(page, q, item, way)
            tab_to(page, button)
            page.keyboard.press("Enter")

        _order_by_moving(page, q, answer, press)
    elif q.type == "order":
        for position, item_id in enumerate(answer, start=1):
            select = position_select(page, q, q.item(item_id))
            tab_to(page, select)
            page.keyboard.type(str(position))  # a select jumps to the option typed
            expect(select).to_have_value(str(position))
    else:
        box = written_answer(page, q)
        tab_to(page, box)
        page.keyboard.press("Control+A")
        if answer:
            page.keyboard.type(answer["text"])  # "\n" presses Enter: a new line
        else:
            page.keyboard.press("Delete")
    if confidence is not None:
        radios = group.locator(f"input[type=radio][name='c-{q.id}']")
        _radio_by_keyboard(page, radios, sorted(CONFIDENCE).index(confidence))


# -- what the page shows ----------------------------------------------------------------


def assert_answer_shown(
    page: Page, q: Question, answer: Any, confidence: int | None = None, loaded: bool = False
) -> None:
    """The quiz page shows `answer` (None: the question is blank) and the confidence.

    `loaded`: the page was loaded with the answer saved, so an order lists its items in
    the student's order (setting the selects alone does not move them).
    """
    group = question_group(page, q)
    if q.type in CHOICE_TYPES:
        wanted = _picked(q, answer)
        for choice in q.choices:
            box = choice_input(page, q, choice)
            if choice.id in wanted:
                expect(box).to_be_checked()
            else:
                expect(box).not_to_be_checked()
    elif q.type == "evidence":
        ticked = group.locator("input[type=checkbox]:checked")
        expect(ticked).to_have_count(len(_picked(q, answer)))
        for sentence_id in sorted(_picked(q, answer)):
            expect(choice_input(page, q, q.choice(sentence_id))).to_be_checked()
    elif q.type == "match":
        for pair in q.pairs:
            expect(pair_select(page, q, pair)).to_have_value((answer or {}).get(pair.id, ""))
    elif q.type == "order":
        if answer and loaded:
            expect(group.locator(".order-item")).to_have_count(len(q.items))
            assert items_on_screen(page, q) == answer  # listed in the student's order
        for item in q.items:
            position = str(answer.index(item.id) + 1) if answer else ""
            expect(position_select(page, q, item)).to_have_value(position)
    else:
        expect(written_answer(page, q)).to_have_value(answer["text"] if answer else "")
    if q.confidence:
        for level in CONFIDENCE:
            radio = confidence_input(page, q, level)
            if level == confidence:
                expect(radio).to_be_checked()
            else:
                expect(radio).not_to_be_checked()


# -- what the app stored ----------------------------------------------------------------


def stored_answers(app: Flask, student_name: str, slug: str = QUIZ) -> dict[str, dict]:
    """The responses rows of the student's latest attempt at the quiz, by question id
    (answers decoded from JSON)."""
    from classroom.db import get_db
    from classroom.store import attempts

    with app.app_context():
        db = get_db()
        rows = list(
            db.query(
                "SELECT attempts.id FROM attempts JOIN students ON students.id = student_id "
                "WHERE display_name = ? AND quiz_slug = ? ORDER BY number DESC LIMIT 1",
                [student_name, slug],
            )
        )
        assert rows, f"{student_name} has no attempt at {slug}"
        return attempts.answers(db, rows[0]["id"])


SUBMIT_UNANSWERED = re.compile(r"^Submit with \d+ unanswered$")


def submit_as_it_is(page: Page) -> None:
    """Press "Submit answers" and, when asked about questions left blank, submit anyway;
    ends on the results."""
    page.get_by_role("button", name="Submit answers").click()
    confirm = page.get_by_role("button", name=SUBMIT_UNANSWERED)
    score = page.locator(".score")
    expect(score.or_(confirm)).to_be_visible()
    if confirm.is_visible():
        confirm.click()
    expect(score).to_contain_text("out of")
