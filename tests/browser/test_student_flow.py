"""A student in a real browser: join, read, answer (autosaved), reload, submit, see feedback."""

from __future__ import annotations

import re

import pytest
from harness import LiveServer
from playwright.sync_api import Browser, Locator, Page, expect
from steps import (
    LESSON,
    QUIZ,
    Question,
    answer_by_clicking,
    choice_input,
    join,
    question_group,
    quiz_questions,
    save_status,
)

from classroom.db import get_db
from classroom.library import catalogue
from classroom.views import format_points

pytestmark = pytest.mark.browser

RESULTS_URL = re.compile(rf"/quizzes/{QUIZ}/attempts/\d+/results$")


def quiz_title(server: LiveServer) -> str:
    with server.app.app_context():
        return catalogue().quizzes[QUIZ].title


def expected_score(questions: list[Question], wrong: set[str]) -> str:
    return format_points(sum(q.points for q in questions if q.id not in wrong))


def assert_selected(page: Page, questions: list[Question], answered: dict[str, list]) -> None:
    for q in questions:
        chosen = {c.id for c in answered.get(q.id, [])}
        for choice in q.choices:
            box = choice_input(page, q, choice)
            if choice.id in chosen:
                expect(box).to_be_checked()
            else:
                expect(box).not_to_be_checked()


def assert_results(page: Page, questions: list[Question], score: str) -> None:
    expect(page).to_have_url(RESULTS_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Results: "))
    maximum = format_points(sum(q.points for q in questions))
    expect(page.locator(".score")).to_have_text(f"{score} out of {maximum}")
    keys = page.locator(".tag-key").filter(has_text="Correct answer")
    expect(keys).to_have_count(sum(len(q.correct) for q in questions))
    first = questions[0]
    review = page.get_by_role("region", name=re.compile(rf"^Question {first.number}\b"))
    expect(review.get_by_role("heading", name="Why")).to_be_visible()
    expect(review).to_contain_text(first.explanation[:60])


def test_join_read_autosave_reload_and_submit(page: Page, live_server: LiveServer):
    resume_code = join(page, live_server.url, live_server.join_code, "Ada")
    expect(page.get_by_role("heading", name="Your resume code")).to_be_visible()
    assert len(resume_code) >= 8

    page.get_by_role("link", name=re.compile("go to my quizzes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My quizzes")
    page.get_by_role("link", name="Read the lesson").click()
    expect(page).to_have_url(re.compile(rf"/lessons/{LESSON}$"))

    with live_server.app.app_context():
        lesson = catalogue().lessons[LESSON]
    article = page.get_by_role("article")
    expect(article.get_by_role("heading", name=lesson.headline)).to_be_visible()
    numbers = article.locator(".para-number")
    expect(numbers).to_have_count(len(lesson.paragraphs))
    expect(numbers.first).to_have_text("Paragraph 1")
    expect(article.locator("#p1")).to_be_visible()
    expect(article.locator("#p1")).to_contain_text(lesson.paragraphs[0].sentences[0].text[:40])
    attribution = page.locator(".attribution")
    expect(attribution).to_contain_text("VICE News")
    expect(attribution).to_contain_text("Heather Chen")

    page.get_by_role("link", name=quiz_title(live_server)).click()
    expect(page).to_have_url(re.compile(rf"/quizzes/{QUIZ}$"))
    questions = quiz_questions(live_server.app)
    half = len(questions) // 2
    wrong = {questions[0].id} if questions[0].kind == "radio" else set()
    answered = {}
    for q in questions[:half]:
        for choice in q.correct if q.id not in wrong else q.wrong[:1]:
            # Wait for each autosave to come back before the next click.
            with page.expect_response(lambda r: r.url.endswith("/answers")) as saved:
                choice_input(page, q, choice).click()
            assert saved.value.ok, saved.value.text()
            answered.setdefault(q.id, []).append(choice)
        expect(save_status(page, q)).to_have_text("Saved")
    progress = page.locator("#progress")
    expect(progress).to_have_text(f"{half} of {len(questions)} questions answered.")

    page.reload()
    assert_selected(page, questions, answered)
    expect(progress).to_have_text(f"{half} of {len(questions)} questions answered.")
    for q in questions[:half]:
        expect(save_status(page, q)).to_have_text("Saved")
    # A fresh tab shows what the server kept, not what the browser restored.
    fresh = page.context.new_page()
    fresh.goto(page.url)
    assert_selected(fresh, questions, answered)
    fresh.close()

    for q in questions[half:]:
        answered[q.id] = answer_by_clicking(page, q)
    page.get_by_role("button", name="Submit answers").click()
    assert_results(page, questions, expected_score(questions, wrong))
    first = page.get_by_role("region", name=re.compile(rf"^Question {questions[0].number}\b"))
    if wrong:
        expect(first.locator(".tag-picked")).to_have_text("Your answer")
        expect(first.locator(".result")).to_have_text(f"0 / {format_points(questions[0].points)}")


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def press_until_focused(page: Page, key: str, target: str | Locator, limit: int = 40) -> None:
    """Press key (Tab or Shift+Tab) until target (an element id, or a locator) has focus."""

    def there() -> bool:
        if isinstance(target, str):
            return focused_id(page) == target
        return target.evaluate("el => el === document.activeElement")

    for _ in range(limit):
        if there():
            return
        page.keyboard.press(key)
    assert there(), f"{key} never reached {target}"


def answer_with_keyboard(page: Page, q: Question) -> None:
    """Focus is on the question's first control: pick the key with arrows or Space."""
    first = q.input_id(q.choices[0])
    assert focused_id(page) == first
    if q.kind == "radio":
        target = q.choices.index(q.correct[0])
        if target == 0:
            page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")  # moves to, and selects, the next choice
        assert focused_id(page) == q.input_id(q.correct[0])
        return
    for index, choice in enumerate(q.choices):
        assert focused_id(page) == q.input_id(choice)
        if choice.correct:
            page.keyboard.press("Space")
        if index < len(q.choices) - 1:
            page.keyboard.press("Tab")


def test_quiz_with_the_keyboard_alone(page: Page, live_server: LiveServer):
    page.goto(live_server.url + "/")
    press_until_focused(page, "Tab", page.get_by_label("Class code"))
    page.keyboard.type(live_server.join_code)
    page.keyboard.press("Tab")
    page.keyboard.type("Grace")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your resume code")).to_be_visible()
    press_until_focused(page, "Tab", page.get_by_role("link", name=re.compile("go to my quizzes")))
    page.keyboard.press("Enter")
    press_until_focused(page, "Tab", page.get_by_role("link", name=quiz_title(live_server)))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/quizzes/{QUIZ}$"))
    questions = quiz_questions(live_server.app)

    for index, q in enumerate(questions):
        limit = 40 if index == 0 else 12  # the first passes the header and "Reread"
        press_until_focused(page, "Tab", q.input_id(q.choices[0]), limit=limit)
        answer_with_keyboard(page, q)
        if index == 1 and questions[0].kind == "radio":
            # Shift+Tab back into a radio group lands on its selected choice.
            first = questions[0]
            press_until_focused(page, "Shift+Tab", first.input_id(first.correct[0]), limit=8)
    assert_selected(page, questions, {q.id: q.correct for q in questions})

    press_until_focused(page, "Tab", "submit-button", limit=6)
    page.keyboard.press("Enter")
    assert_results(page, questions, expected_score(questions, set()))


def test_double_clicked_submit_makes_one_attempt(page: Page, live_server: LiveServer):
    join(page, live_server.url, live_server.join_code, "Alan")
    page.goto(f"{live_server.url}/quizzes/{QUIZ}")
    questions = quiz_questions(live_server.app)
    for q in questions[:3]:
        answer_by_clicking(page, q)
    page.get_by_role("button", name="Submit answers").dblclick()
    expect(page).to_have_url(RESULTS_URL)
    expect(page.locator(".score-card .meta")).to_contain_text("Attempt 1,")
    page.wait_for_load_state("networkidle")
    with live_server.app.app_context():
        rows = list(get_db().query("SELECT number, submitted_at FROM attempts"))
    assert len(rows) == 1, rows
    assert rows[0]["number"] == 1 and rows[0]["submitted_at"] is not None


def test_quiz_works_without_javascript(browser: Browser, live_server: LiveServer):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        join(page, live_server.url, live_server.join_code, "Katherine")
        quiz_url = f"{live_server.url}/quizzes/{QUIZ}"
        page.goto(quiz_url)
        questions = quiz_questions(live_server.app)
        answered = {q.id: answer_by_clicking(page, q) for q in questions[:3]}
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_role("status").filter(has_text="Saved:")).to_have_text(
            f"Saved: 3 of {len(questions)} questions answered."
        )
        page.reload()
        assert_selected(page, questions, answered)
        page.goto(quiz_url)  # a fresh load: what the server kept
        assert_selected(page, questions, answered)
        for q in questions[:3]:
            expect(question_group(page, q).get_by_role("status")).to_have_text("Saved")

        for q in questions[3:]:
            answered[q.id] = answer_by_clicking(page, q)
        page.get_by_role("button", name="Submit answers").click()
        assert_results(page, questions, expected_score(questions, set()))
    finally:
        context.close()


def test_a_slow_autosave_never_overwrites_a_newer_answer(page: Page, live_server: LiveServer):
    """Two quick ticks on one question: the older save must not land after the newer one."""
    join(page, live_server.url, live_server.join_code, "Edsger")
    page.goto(f"{live_server.url}/quizzes/{QUIZ}")
    q = next(q for q in quiz_questions(live_server.app) if q.kind == "checkbox")
    first, second = q.choices[0], q.choices[1]

    held, holding = [], [True]
    page.route("**/answers", lambda route: held.append(route) if holding else route.continue_())
    choice_input(page, q, first).click()
    choice_input(page, q, second).click()
    page.wait_for_timeout(300)  # time enough for a second request, if the page sends one
    holding.clear()
    # The network delivers them in the worst order: newest first.
    for route in reversed(held):
        route.continue_()
    expect(save_status(page, q)).to_have_text("Saved")
    page.wait_for_load_state("networkidle")

    page.goto(page.url)
    expect(choice_input(page, q, first)).to_be_checked()
    expect(choice_input(page, q, second)).to_be_checked()
