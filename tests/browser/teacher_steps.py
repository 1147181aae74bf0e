"""What a teacher does in the browser, by accessible names, and classes filled through the store.

Shared by the teacher browser tests and the screenshot script. The student
actions here are the few a teacher test needs (join, answer the choice
questions and the written one, submit); tests/browser/steps.py has the rest.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from playwright.sync_api import Browser, Page, expect

# Imported by the tests from their folder, and by the screenshots inside the package.
if __package__:
    from .steps import submit_as_it_is
else:
    from steps import submit_as_it_is

QUIZ = "sourcing"
PASSWORD = "a long enough passphrase"
WRITTEN = (
    "The article says “It is believed” that a million people are held, but names nobody. "
    "I would search for who made the estimate and how they counted."
)
CLASS_URL = re.compile(r"/teacher/classes/(\d+)(/|$)")


# --- a teacher in the browser ---


def setup_token(app: Flask) -> str:
    """A fresh one-time setup link's token, as `classroom serve` prints it."""
    from classroom.db import get_db
    from classroom.store import teachers

    with app.app_context():
        return teachers.new_setup_token(get_db())


def sign_up(page: Page, url: str, token: str, username: str, password: str = PASSWORD) -> None:
    """Create the first teacher account through the setup link; lands on the dashboard."""
    page.goto(f"{url}/teacher/setup/{token}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My classes")


def log_in(page: Page, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/teacher/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My classes")


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^Log out")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teacher log in")


def create_class(page: Page, url: str, name: str) -> int:
    """Create a class from the dashboard; the app then shows its quizzes page. Its id."""
    page.goto(f"{url}/teacher/")
    page.get_by_label("Class name").fill(name)
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Quizzes for {name}")
    return class_id_of(page)


def class_id_of(page: Page) -> int:
    found = CLASS_URL.search(page.url)
    assert found, f"not a class page: {page.url}"
    return int(found.group(1))


def assignment_section(page: Page, title: str):
    return page.get_by_role("region", name=title, exact=True)


def assign(page: Page, url: str, class_id: int, title: str) -> None:
    """Tick "Assigned to this class" for one quiz and save that quiz's form."""
    page.goto(f"{url}/teacher/classes/{class_id}/assignments")
    section = assignment_section(page, title)
    section.get_by_label("Assigned to this class").check()
    section.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(assignment_section(page, title).get_by_label("Assigned to this class")).to_be_checked()


def read_join_code(page: Page, url: str, class_id: int) -> str:
    """The join code as the class page shows it, large."""
    page.goto(f"{url}/teacher/classes/{class_id}")
    code = page.locator(".join-code")
    expect(code).to_have_text(re.compile(r"^\s*[A-Z0-9-]{4,}\s*$"))
    return code.inner_text().strip()


# --- a student, in a browser context of their own ---


@dataclass
class Taken:
    name: str
    answered: set[str]  # ids of the questions answered


def quiz_of(app: Flask, slug: str = QUIZ):
    from classroom.library import catalogue

    with app.app_context():
        return catalogue().quizzes[slug]


def student_page(browser: Browser) -> Page:
    """A page in a new browser context: another person on another computer."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def take_quiz(
    page: Page,
    url: str,
    app: Flask,
    join_code: str,
    name: str,
    *,
    written: str | None = None,
    slug: str = QUIZ,
) -> Taken:
    """Join the class, tick the key of every choice question, write the written answer if
    given (other questions stay blank), and submit; ends on the results page."""
    quiz = quiz_of(app, slug)
    page.goto(url + "/")
    page.get_by_label("Class code").fill(join_code)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#resume-code")).to_be_visible()
    page.goto(f"{url}/quizzes/{slug}")
    answered = set()
    for number, q in enumerate(quiz.questions, start=1):
        group = page.get_by_role("group", name=re.compile(rf"^Question {number}\b"))
        if q.type in {"single", "multiple"}:
            for choice in q.choices:
                if choice.correct:
                    group.locator(f"#{q.field_name}-{choice.id}").check()
            answered.add(q.id)
        elif q.type == "text" and written:
            group.get_by_label("Your answer").fill(written)
            answered.add(q.id)
    submit_as_it_is(page)
    return Taken(name, answered)


# --- classes filled through the store (fast: no browser) ---


def _answer(q: Any, right: bool, rng: random.Random) -> Any:
    """A right answer, or a plausible wrong one, in the stored shape of q's type."""
    from classroom.questions import question_type

    key = question_type(q.type).key(q)
    if q.type == "text":
        return {"text": WRITTEN}
    if right:
        return key
    if q.type == "single":
        return rng.choice([c.id for c in q.choices if not c.correct])
    if q.type == "multiple":
        wrong = [c.id for c in q.choices if not c.correct]
        return sorted(set(key[:-1]) | {rng.choice(wrong)})
    if q.type == "evidence":
        others = [s.id for s in q.article if s.id not in key]
        return sorted(set(key[:-1]) | ({rng.choice(others)} if others else set()))
    if q.type == "order":
        return list(reversed(key))
    if q.type == "match":
        first = q.options[0].id
        return {pair: first for pair in key}
    return key


def add_students(app: Flask, class_id: int, names: list[str]) -> list[int]:
    """Students who joined the class (as the join form makes them); their ids."""
    from classroom.db import get_db
    from classroom.store import students as student_store

    with app.app_context():
        return [student_store.create_student(get_db(), class_id, name)[0] for name in names]


def submit_quiz(
    app: Flask,
    student_ids: list[int],
    *,
    slug: str = QUIZ,
    grade_written: bool = True,
    seed: int = 7,
) -> list[int]:
    """Each student submits the quiz once, answering every question; the attempts' ids.

    The students are taken as weak to strong: later ones get more right. Written
    answers are graded (the top level for the stronger half) unless grade_written
    is False, when they wait in the grading queue.
    """
    from classroom import grading
    from classroom.db import get_db
    from classroom.questions.text import rubric_score
    from classroom.store import attempts as attempt_store
    from classroom.store import grading as grading_store

    rng = random.Random(seed)
    quiz = quiz_of(app, slug)
    attempt_ids = []
    with app.app_context():
        db = get_db()
        for index, student_id in enumerate(student_ids):
            ability = 0.25 + 0.7 * index / max(1, len(student_ids) - 1)
            attempt = attempt_store.open_or_start(db, student_id, quiz)
            posted = {}
            for q in quiz.questions:
                confidence = rng.randint(1, 3) if q.confidence else None
                posted[q.id] = (_answer(q, rng.random() < ability, rng), confidence)
            attempt_store.submit(
                db,
                attempt["id"],
                student_id,
                posted,
                lambda saved: grading.grade_answers(quiz, saved),
            )
            if grade_written:
                for q in quiz.questions:
                    if q.type == "text":
                        level = 2 if ability > 0.6 else 1
                        grading_store.record_grade(
                            db, attempt["id"], q.id, level, rubric_score(q, level), "", None
                        )
            attempt_ids.append(attempt["id"])
    return attempt_ids
