"""What a student sees of right and wrong under each feedback setting, in a real browser:
after each answer (checked one by one), after submitting, and after the quiz closes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from a11y import assert_no_blocking_violations
from harness import LiveServer
from playwright.sync_api import Browser, Locator, Page, expect
from steps import (
    QUIZ,
    Question,
    answer_with_mouse,
    choice_input,
    expect_saved,
    join,
    key,
    question_group,
    quiz_questions,
    review_region,
    stored_answers,
    submit_as_it_is,
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
    submit_as_it_is(page)
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
        assert_no_blocking_violations(page, "results-before-the-close")
        blank = next(q for q in quiz_questions(live_server.app) if q not in (right, wrong))
        expect(review_region(page, blank).locator(".result")).to_have_text("not answered")

        assign(live_server, feedback="after_close", closes_at=in_a_day(-1))
        page.reload()
        expect(review_region(page, right).locator(".result")).to_have_text("1 / 1")
        assert border(picked_choice(page, right)) == GREEN
        expect(review_region(page, wrong).locator(".result")).to_have_text("0 / 1")
        assert border(picked_choice(page, wrong)) == RED


# After each answer: a checked answer is final, the others are saved and may change.


def check_button(page: Page, q: Question) -> Locator:
    return question_group(page, q).get_by_role("button", name="Check answer")


def expect_checked(page: Page, q: Question) -> None:
    """The question shows its feedback in place of its inputs."""
    group = question_group(page, q)
    expect(group).to_contain_text("Checked: ")
    expect(group.get_by_role("radio")).to_have_count(0)
    expect(check_button(page, q)).to_have_count(0)


def test_after_each_answer_every_answer_is_autosaved_and_checking_one_keeps_the_others(
    browser: Browser, live_server: LiveServer
):
    assign(live_server, feedback="after_each")
    with student(browser, live_server) as page:
        addresses: list[str] = []
        page.on("request", lambda request: addresses.append(request.url))
        page.goto(f"{live_server.url}/quizzes/{QUIZ}")
        questions = quiz_questions(live_server.app)
        first, second, third = [q for q in questions if q.type == "single"][:3]
        answer_with_mouse(page, second, key(second))
        expect_saved(page, second)
        answer_with_mouse(page, first, wrong_answer(first))
        expect_saved(page, first)
        assert not [url for url in addresses if "/null" in url]

        check_button(page, first).click()
        expect_checked(page, first)
        expect(question_group(page, first)).to_contain_text(f"Checked: 0 / {first.points:g}")
        # The other answer is kept, and is not final: it can still change and be checked.
        expect(choice_input(page, second, second.choice(key(second)))).to_be_checked()
        expect(check_button(page, second)).to_be_visible()
        stored = stored_answers(live_server.app, "Grace")
        assert stored[second.id]["answer"] == key(second)
        assert stored[second.id]["checked_at"] is None and stored[first.id]["checked_at"]
        assert_no_blocking_violations(page, "quiz-after-each-answer")

        progress = page.locator("#progress")
        expect(progress).to_have_text(f"2 of {len(questions)} questions answered.")
        answer_with_mouse(page, third, key(third))
        expect(progress).to_have_text(f"3 of {len(questions)} questions answered.")
        expect_saved(page, third)
        answer_with_mouse(page, second, wrong_answer(second))
        expect_saved(page, second)
        assert stored_answers(live_server.app, "Grace")[second.id]["answer"] == wrong_answer(second)


def test_a_quiz_form_without_an_autosave_address_sends_no_autosave(
    browser: Browser, live_server: LiveServer
):
    def without_autosave(route) -> None:
        response = route.fetch()
        body = re.sub(r'\sdata-autosave="[^"]*"', "", response.text())
        route.fulfill(response=response, body=body)

    with student(browser, live_server) as page:
        page.route(re.compile(rf"/quizzes/{QUIZ}$"), without_autosave)
        posts: list[str] = []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        page.goto(f"{live_server.url}/quizzes/{QUIZ}")
        q = quiz_questions(live_server.app)[0]
        answer_with_mouse(page, q, key(q))
        expect(page.locator("#progress")).to_contain_text("1 of ")
        page.wait_for_timeout(300)  # time enough for a save, if the page sent one
        assert posts == []
        expect(question_group(page, q).get_by_role("status")).not_to_contain_text("Not saved")


def test_after_each_answer_without_javascript_saving_makes_nothing_final(
    browser: Browser, live_server: LiveServer
):
    assign(live_server, feedback="after_each")
    with student(browser, live_server, scripted=False) as page:
        page.goto(f"{live_server.url}/quizzes/{QUIZ}")
        expect(page.get_by_text("you can change it until you check it")).to_be_visible()
        first, second = [q for q in quiz_questions(live_server.app) if q.type == "single"][:2]
        answer_with_mouse(page, first, key(first))
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_role("status").filter(has_text="Saved:")).to_contain_text("1 of ")
        expect(check_button(page, first)).to_be_visible()  # saved, not final
        answer_with_mouse(page, first, wrong_answer(first))

        answer_with_mouse(page, second, key(second))
        check_button(page, second).click()
        expect_checked(page, second)
        # Checking the second kept the first, as changed, and still open to change.
        expect(choice_input(page, first, first.choice(wrong_answer(first)))).to_be_checked()
        expect(check_button(page, first)).to_be_visible()
        stored = stored_answers(live_server.app, "Grace")
        assert {qid: row["answer"] for qid, row in stored.items()} == {
            first.id: wrong_answer(first),
            second.id: key(second),
        }


@pytest.mark.parametrize("scripted", [True, False], ids=["javascript", "no-javascript"])
def test_enter_on_a_choice_never_checks_another_question(
    browser: Browser, live_server: LiveServer, scripted: bool
):
    """Enter in a form presses its first submit button, which was the first question's
    "Check answer": pressing it on the second question's choice made the first final."""
    assign(live_server, feedback="after_each")
    with student(browser, live_server, scripted=scripted) as page:
        page.goto(f"{live_server.url}/quizzes/{QUIZ}")
        first, second = [q for q in quiz_questions(live_server.app) if q.type == "single"][:2]
        answer_with_mouse(page, first, key(first))
        if scripted:
            expect_saved(page, first)
        box = choice_input(page, second, second.choice(key(second)))
        box.focus()
        page.keyboard.press("Space")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        if scripted:  # the answer saves itself: the student stays where they are
            expect(box).to_be_focused()
            expect(page).to_have_url(re.compile(rf"/quizzes/{QUIZ}$"))
        expect(check_button(page, first)).to_be_visible()  # not final
        expect(question_group(page, first)).not_to_contain_text("Checked: ")
        stored = stored_answers(live_server.app, "Grace")
        assert stored[first.id]["checked_at"] is None
