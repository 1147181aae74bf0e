"""What a student does in the browser, step by step, by accessible names.

Shared by the browser tests and the screenshot script.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from flask import Flask
from playwright.sync_api import Locator, Page, expect

QUIZ = "sourcing"
LESSON = "xinjiang-denial"


@dataclass(frozen=True)
class Choice:
    id: str
    name: str  # the accessible name: the label's text
    correct: bool


@dataclass(frozen=True)
class Question:
    number: int  # 1-based, as the page shows it
    id: str
    kind: str  # "radio" or "checkbox"
    points: float
    choices: tuple[Choice, ...]
    explanation: str

    @property
    def correct(self) -> list[Choice]:
        return [c for c in self.choices if c.correct]

    @property
    def wrong(self) -> list[Choice]:
        return [c for c in self.choices if not c.correct]

    def input_id(self, choice: Choice) -> str:
        return f"q-{self.id}-{choice.id}"


def _text(markup: str) -> str:
    """The text a screen reader announces for a bit of HTML."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", str(markup))).split())


def quiz_questions(app: Flask, slug: str = QUIZ) -> list[Question]:
    """The quiz's questions as the page shows them (choice questions only)."""
    from classroom.library import catalogue

    with app.app_context():
        quiz = catalogue().quizzes[slug]
    found = []
    for number, q in enumerate(quiz.questions, start=1):
        if q.type not in {"single", "multiple"}:
            continue
        kind = "radio" if q.type == "single" else "checkbox"
        choices = tuple(Choice(c.id, _text(c.html), c.correct) for c in q.choices)
        found.append(
            Question(number, q.id, kind, float(q.points), choices, _text(q.explanation_html))
        )
    return found


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


def choice_input(page: Page, question: Question, choice: Choice) -> Locator:
    return question_group(page, question).get_by_role(question.kind, name=choice.name, exact=True)


def picks(question: Question, right: bool = True) -> list[Choice]:
    """The choices a student ticks: the key, or a plausible wrong answer."""
    return question.correct if right else question.wrong[:1]


def answer_by_clicking(page: Page, question: Question, right: bool = True) -> list[Choice]:
    chosen = picks(question, right)
    for choice in chosen:
        choice_input(page, question, choice).click()
    return chosen


def save_status(page: Page, question: Question) -> Locator:
    return question_group(page, question).get_by_role("status")
