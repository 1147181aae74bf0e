"""What a student sees of right and wrong under each feedback setting, in a real browser:
after each answer (checked one by one), after submitting, and after the quiz closes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from harness import LiveServer
from playwright.sync_api import Browser, Locator, Page, expect
from steps import (
    QUIZ,
    Question,
    answer_with_mouse,
    expect_saved,
    join,
    key,
    quiz_questions,
    review_region,
    wrong_answer,
)

from classroom import clock
from classroom.db import get_db
from classroom.store import assignments as assignment_store

pytestmark = pytest.mark.browser

GREEN = "rgb(29, 107, 58)"  # --good
RED = "rgb(155, 34, 38)"  # --bad


def assign(server: LiveServer, **settings) -> None:
    """Change the class's settings for the quiz, as its teacher would."""
    with server.app.app_context():
        db = get_db()
        class_id = db.conn.execute("SELECT id FROM classes").fetchone()[0]
        assignment_store.assign(db, class_id, QUIZ, **settings)


def in_a_day(days: int) -> str:
    return clock.stamp(clock.now() + datetime.timedelta(days=days))


@contextmanager
def student(browser: Browser, server: LiveServer, scripted: bool = True) -> Iterator[Page]:
    """A student of the class, in a browser with or without JavaScript."""
    context = browser.new_context(
        java_script_enabled=scripted, viewport={"width": 1100, "height": 900}
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        join(page, server.url, server.join_code, "Grace")
        yield page
    finally:
        context.close()


def border(target: Locator) -> str:
    return target.evaluate("el => getComputedStyle(el).borderTopColor")


def picked_choice(page: Page, q: Question) -> Locator:
    """The choice the student picked, on the review of a single-choice question."""
    return review_region(page, q).locator(".review-choice").filter(has_text="Your answer")


def submit_one_right_one_wrong(page: Page, server: LiveServer) -> tuple[Question, Question]:
    page.goto(f"{server.url}/quizzes/{QUIZ}")
    singles = [q for q in quiz_questions(server.app) if q.type == "single"]
    right, wrong = singles[0], singles[1]
    answer_with_mouse(page, right, key(right))
    answer_with_mouse(page, wrong, wrong_answer(wrong))
    expect_saved(page, right)
    expect_saved(page, wrong)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".score")).to_contain_text("out of")
    return right, wrong


def test_after_submitting_a_right_pick_is_green_and_a_wrong_one_red(
    browser: Browser, live_server: LiveServer
):
    assign(live_server, feedback="after_submit")
    with student(browser, live_server) as page:
        right, wrong = submit_one_right_one_wrong(page, live_server)
        expect(review_region(page, right).locator(".result")).to_have_text("1 / 1")
        assert border(picked_choice(page, right)) == GREEN
        expect(review_region(page, wrong).locator(".result")).to_have_text("0 / 1")
        assert border(picked_choice(page, wrong)) == RED
        # The right answer the student missed is shown green, as the key.
        missed_key = next(c for c in wrong.choices if c.correct)
        key_line = (
            review_region(page, wrong).locator(".review-choice").filter(has_text=missed_key.name)
        )
        assert border(key_line) == GREEN


def test_before_the_quiz_closes_the_results_say_nothing_of_right_or_wrong(
    browser: Browser, live_server: LiveServer
):
    assign(live_server, feedback="after_close", closes_at=in_a_day(1))
    with student(browser, live_server) as page:
        right, wrong = submit_one_right_one_wrong(page, live_server)
        expect(page.get_by_text(re.compile("after the quiz closes"))).to_be_visible()
        for q in (right, wrong):
            region = review_region(page, q)
            expect(region.locator(".result")).to_have_text("answer received")
            assert border(picked_choice(page, q)) not in {GREEN, RED}
            expect(region.get_by_text("Correct answer")).to_have_count(0)
        expect(page.locator(".result.right, .result.wrong, .result.partial")).to_have_count(0)
        blank = next(q for q in quiz_questions(live_server.app) if q not in (right, wrong))
        expect(review_region(page, blank).locator(".result")).to_have_text("not answered")

        assign(live_server, feedback="after_close", closes_at=in_a_day(-1))
        page.reload()
        expect(review_region(page, right).locator(".result")).to_have_text("1 / 1")
        assert border(picked_choice(page, right)) == GREEN
        expect(review_region(page, wrong).locator(".result")).to_have_text("0 / 1")
        assert border(picked_choice(page, wrong)) == RED
