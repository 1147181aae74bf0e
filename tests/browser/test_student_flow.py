"""A student in a real browser: join, read, answer every question type (autosaved), reload,
submit, see feedback; by mouse, by keyboard alone, and without JavaScript."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from harness import LiveServer
from playwright.sync_api import Browser, Page, expect
from steps import (
    LESSON,
    QUIZ,
    SUBMIT_UNANSWERED,
    Question,
    answer_by_clicking,
    answer_for,
    answer_with_keyboard,
    answer_with_mouse,
    assert_answer_shown,
    choice_input,
    confidence_input,
    expect_saved,
    join,
    key,
    of_type,
    points_for,
    position_select,
    press_until_focused,
    question_group,
    quiz_questions,
    review_region,
    save_status,
    stored_answers,
    submit_as_it_is,
    written_answer,
)

from classroom.db import get_db
from classroom.library import catalogue
from classroom.views import format_points

pytestmark = pytest.mark.browser

RESULTS_URL = re.compile(rf"/quizzes/{QUIZ}/attempts/\d+/results$")
Answers = dict[str, Any]


def quiz_title(server: LiveServer) -> str:
    with server.app.app_context():
        return catalogue().quizzes[QUIZ].title


def first_half(questions: list[Question]) -> list[Question]:
    """Half the quiz, every type beyond single and multiple among it (so a reload
    must bring back an evidence pick, an order and a written answer too)."""
    half = len(questions) // 2
    others = [q for q in questions if q.type not in {"single", "multiple"}]
    choices = [q for q in questions if q.type in {"single", "multiple"}]
    picked = {q.id for q in others + choices[: max(0, half - len(others))]}
    return [q for q in questions if q.id in picked]


def confidence_for(questions: list[Question]) -> dict[str, int]:
    """A level for every question that asks "How sure are you?"."""
    return {q.id: 1 + index % 3 for index, q in enumerate(q for q in questions if q.confidence)}


def wait_until_stored(server: LiveServer, student: str, answers: Answers, sure: dict) -> None:
    """The server holds exactly these answers (and confidence levels) for the student."""
    deadline = time.monotonic() + 10
    while True:
        rows = stored_answers(server.app, student)
        found = {qid: row["answer"] for qid, row in rows.items()}
        levels = {qid: row["confidence"] for qid, row in rows.items() if row["confidence"]}
        wanted = {qid: level for qid, level in sure.items() if qid in answers}
        if found == answers and levels == wanted:
            return
        if time.monotonic() > deadline:
            assert found == answers and levels == wanted
        time.sleep(0.1)


def assert_shown(
    page: Page, questions: list[Question], answers: Answers, sure: dict, loaded: bool = True
) -> None:
    """Every question shows its answer (or is blank); `loaded`: as saved, after a load."""
    for q in questions:
        level = sure.get(q.id) if q.id in answers else None
        assert_answer_shown(page, q, answers.get(q.id), level, loaded)


def assert_results(page: Page, questions: list[Question], answers: Answers) -> None:
    """The score, and each type's review: keys, picks in the article, the order, and a
    written answer awaiting grading."""
    expect(page).to_have_url(RESULTS_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Results: "))
    score = sum(points_for(q, answers[q.id]) or 0 for q in questions if q.id in answers)
    maximum = sum(q.points for q in questions)
    expect(page.locator(".score")).to_have_text(
        f"{format_points(score)} out of {format_points(maximum)}"
    )
    choice_questions = [q for q in questions if q.type in {"single", "multiple"}]
    keys = page.locator(".tag-key").filter(has_text="Correct answer")
    expect(keys).to_have_count(sum(len(q.correct) for q in choice_questions))
    first = questions[0]
    review = review_region(page, first)
    expect(review.get_by_role("heading", name="Why")).to_be_visible()
    expect(review).to_contain_text(first.explanation[:60])

    for q in questions:
        review = review_region(page, q)
        answer = answers.get(q.id)
        if q.type == "evidence":
            for sentence in q.choices:
                line = review.locator(".evidence-line").filter(has_text=sentence.name)
                picked = answer is not None and sentence.id in answer
                expect(line.locator(".tag-picked")).to_have_count(1 if picked else 0)
                expect(line.locator(".tag-key")).to_have_count(1 if sentence.correct else 0)
        elif q.type == "order" and answer == key(q):
            expect(review.locator(".tag-key")).to_have_text(["Right place"] * len(q.items))
        elif q.type == "match" and answer == key(q):
            expect(review.locator(".tag-key")).to_have_text(["Right"] * len(q.pairs))
        elif q.type == "text" and answer:
            expect(review.locator(".result")).to_have_text("awaiting grading")
            expect(review).to_contain_text("Awaiting grading by your teacher.")
            expect(review.locator(".text-review")).to_have_text(answer["text"])
    written = sum(1 for q in questions if q.type == "text" and answers.get(q.id))
    if written:
        expect(page.locator(".score-card")).to_contain_text(
            f"{written} written answer{'s' if written != 1 else ''} awaiting grading"
        )


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
    assert {q.type for q in questions} >= {"single", "multiple", "evidence", "order", "text"}
    sure = confidence_for(questions)
    half = first_half(questions)
    # The first question wrongly (a single choice, rated "How sure are you?"), the rest right.
    answers = {q.id: answer_for(q, right=q is not questions[0]) for q in half}
    for q in half:
        answer_with_mouse(page, q, answers[q.id], sure.get(q.id))
        expect_saved(page, q)
    progress = page.locator("#progress")
    expect(progress).to_have_text(f"{len(half)} of {len(questions)} questions answered.")
    wait_until_stored(live_server, "Ada", answers, sure)

    page.reload()
    assert_shown(page, questions, answers, sure)
    expect(progress).to_have_text(f"{len(half)} of {len(questions)} questions answered.")
    for q in questions:
        expect(save_status(page, q)).to_have_text("Saved" if q.id in answers else "")
    # A fresh tab shows what the server kept, not what the browser restored.
    fresh = page.context.new_page()
    fresh.goto(page.url)
    assert_shown(fresh, questions, answers, sure)
    fresh.close()

    for q in questions:
        if q.id not in answers:
            answers[q.id] = answer_by_clicking(page, q)
    expect(progress).to_have_text(f"{len(questions)} of {len(questions)} questions answered.")
    page.get_by_role("button", name="Submit answers").click()
    assert_results(page, questions, answers)
    first = review_region(page, questions[0])
    expect(first.locator(".tag-picked")).to_have_text("Your answer")
    expect(first.locator(".result")).to_have_text(f"0 / {format_points(questions[0].points)}")


def test_quiz_with_the_keyboard_alone(page: Page, live_server: LiveServer):
    """Tab, Shift+Tab, arrows, Space, Enter and typing only: no clicks, no .check(),
    no .select_option()."""
    page.goto(live_server.url + "/")
    press_until_focused(page, "Tab", page.get_by_label("Class code"))
    page.keyboard.type(live_server.join_code)
    page.keyboard.press("Tab")
    page.keyboard.type("Grace")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your resume code")).to_be_visible()
    press_until_focused(page, "Tab", page.get_by_role("link", name=re.compile("go to my quizzes")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My quizzes")
    press_until_focused(page, "Tab", page.get_by_role("link", name=quiz_title(live_server)))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/quizzes/{QUIZ}$"))
    questions = quiz_questions(live_server.app)
    sure = confidence_for(questions)
    answers = {q.id: key(q) for q in questions}

    for index, q in enumerate(questions):
        answer_with_keyboard(page, q, answers[q.id], sure.get(q.id))
        if index == 1 and questions[0].type == "single":
            # Shift+Tab back into a radio group lands on its selected choice.
            first = questions[0]
            press_until_focused(
                page, "Shift+Tab", choice_input(page, first, first.correct[0]), limit=12
            )
    assert_shown(page, questions, answers, sure, loaded=False)
    text = of_type(questions, "text")
    expect_saved(page, text)  # typed, then saved a moment later without leaving the box
    wait_until_stored(live_server, "Grace", answers, sure)

    press_until_focused(page, "Tab", "submit-button", limit=12)
    page.keyboard.press("Enter")
    assert_results(page, questions, answers)


def test_double_clicked_submit_makes_one_attempt(page: Page, live_server: LiveServer):
    join(page, live_server.url, live_server.join_code, "Alan")
    page.goto(f"{live_server.url}/quizzes/{QUIZ}")
    questions = quiz_questions(live_server.app)
    for q in questions[:3]:
        answer_by_clicking(page, q)
    # Asked about the questions left blank, the student submits with a double click.
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("button", name=SUBMIT_UNANSWERED).dblclick()
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
        sure = confidence_for(questions)
        half = first_half(questions)
        answers = {q.id: key(q) for q in half}
        for q in half:
            answer_with_mouse(page, q, answers[q.id], sure.get(q.id))
        # No Move buttons without the script: the position selects are the control.
        assert (
            question_group(page, of_type(questions, "order"))
            .get_by_role("button", name=re.compile("^Move"))
            .count()
            == 0
        )
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_role("status").filter(has_text="Saved:")).to_have_text(
            f"Saved: {len(half)} of {len(questions)} questions answered."
        )
        wait_until_stored(live_server, "Katherine", answers, sure)
        page.reload()
        assert_shown(page, questions, answers, sure)
        page.goto(quiz_url)  # a fresh load: what the server kept
        assert_shown(page, questions, answers, sure)
        for q in questions:
            expect(question_group(page, q).get_by_role("status")).to_have_text(
                "Saved" if q.id in answers else ""
            )

        for q in questions:
            if q.id not in answers:
                answers[q.id] = answer_by_clicking(page, q)
        page.get_by_role("button", name="Submit answers").click()
        assert_results(page, questions, answers)
        assert {
            qid: row["answer"] for qid, row in stored_answers(live_server.app, "Katherine").items()
        } == answers
    finally:
        context.close()


def test_a_slow_autosave_never_overwrites_a_newer_answer(page: Page, live_server: LiveServer):
    """Two quick ticks on one question: the older save must not land after the newer one."""
    join(page, live_server.url, live_server.join_code, "Edsger")
    page.goto(f"{live_server.url}/quizzes/{QUIZ}")
    q = of_type(quiz_questions(live_server.app), "multiple")
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


@contextmanager
def student_on_quiz(
    browser: Browser, server: LiveServer, name: str, scripts: bool = True
) -> Iterator[Page]:
    """A student's own browser, with or without JavaScript, joined and on the quiz."""
    context = browser.new_context(java_script_enabled=scripts)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        join(page, server.url, server.join_code, name)
        page.goto(f"{server.url}/quizzes/{QUIZ}")
        yield page
    finally:
        context.close()


def test_without_javascript_an_order_to_fix_costs_none_of_the_other_answers(
    browser: Browser, live_server: LiveServer
):
    with student_on_quiz(browser, live_server, "Barbara", scripts=False) as page:
        questions = quiz_questions(live_server.app)
        order = of_type(questions, "order")
        first = questions[0]
        answer_with_mouse(page, first, key(first))
        for item in order.items:  # every item at position 1
            position_select(page, order, item).select_option(label="1")

        page.get_by_role("button", name="Save answers").click()
        problem = page.get_by_role("alert")
        expect(problem).to_contain_text(f"In question {order.number}, ")
        expect(problem).not_to_contain_text(order.id)
        expect(problem).to_contain_text("Your other answers are saved.")
        assert {
            qid: row["answer"] for qid, row in stored_answers(live_server.app, "Barbara").items()
        } == {first.id: key(first)}
        # What was chosen is still on the page, to be fixed.
        expect(position_select(page, order, order.items[-1])).to_have_value("1")

        page.get_by_role("button", name="Submit answers").click()
        expect(problem).to_contain_text(f"In question {order.number}, ")
        expect(problem).to_contain_text("Nothing was submitted yet. Your other answers are saved")
        with live_server.app.app_context():
            submitted = (
                get_db()
                .conn.execute("SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL")
                .fetchone()[0]
            )
        assert submitted == 0

        answer_with_mouse(page, order, key(order))
        submit_as_it_is(page)
        expect(page).to_have_url(RESULTS_URL)
        assert stored_answers(live_server.app, "Barbara")[order.id]["answer"] == key(order)


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_a_refused_submit_leads_to_the_question_to_fix(
    browser: Browser, live_server: LiveServer, scripts: bool
):
    """The summary has focus and links to the question, which says what is wrong."""
    with student_on_quiz(browser, live_server, "Chidi", scripts=scripts) as page:
        order = of_type(quiz_questions(live_server.app), "order")
        for item in order.items:  # every item at position 1
            position_select(page, order, item).select_option(label="1")
        page.get_by_role("button", name="Submit answers").click()

        problem = page.get_by_role("alert")
        expect(problem).to_be_focused()
        page.keyboard.press("Tab")
        link = problem.get_by_role("link", name=re.compile(rf"^In question {order.number}, "))
        expect(link).to_be_focused()
        expect(save_status(page, order)).to_contain_text("give each item a different position")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(rf"#number-{order.number}$"))
        page.keyboard.press("Tab")  # on into the question, from where the link led
        expect(position_select(page, order, order.items[0])).to_be_focused()


@pytest.mark.parametrize("leave", ["link", "reload"])
def test_words_typed_just_before_leaving_the_page_are_kept(
    page: Page, live_server: LiveServer, leave: str
):
    """Leaving at once, before the pause that saves a written answer: nothing is lost."""
    join(page, live_server.url, live_server.join_code, "Dara")
    page.goto(f"{live_server.url}/quizzes/{QUIZ}")
    written = of_type(quiz_questions(live_server.app), "text")
    written_answer(page, written).click()
    page.keyboard.type("Who counted the million?")
    if leave == "link":
        page.get_by_role("link", name="My quizzes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My quizzes")
    else:
        page.reload()
    # A fresh tab shows what the server kept, not what the browser restored.
    fresh = page.context.new_page()
    fresh.goto(f"{live_server.url}/quizzes/{QUIZ}")
    expect(written_answer(fresh, written)).to_have_value("Who counted the million?")


def test_how_sure_before_an_answer_is_not_called_saved(page: Page, live_server: LiveServer):
    """A confidence is kept with an answer, never alone: the page says so, rather than
    "Saved" for a choice that a reload would not show."""
    join(page, live_server.url, live_server.join_code, "Esi")
    page.goto(f"{live_server.url}/quizzes/{QUIZ}")
    q = next(q for q in quiz_questions(live_server.app) if q.confidence)
    confidence_input(page, q, 3).click()
    expect(save_status(page, q)).to_have_text(
        "Not saved yet: choose an answer too, and how sure you are is saved with it."
    )
    answer_with_mouse(page, q, key(q))
    expect_saved(page, q)
    page.reload()
    expect(confidence_input(page, q, 3)).to_be_checked()


def test_an_order_with_positions_missing_is_not_called_saved(page: Page, live_server: LiveServer):
    """An order is stored once every item has its own position: until then the page says
    so, rather than "Saved" for positions that a reload would not show."""
    join(page, live_server.url, live_server.join_code, "Femi")
    page.goto(f"{live_server.url}/quizzes/{QUIZ}")
    order = of_type(quiz_questions(live_server.app), "order")
    position_select(page, order, order.items[0]).select_option(label="1")
    expect(save_status(page, order)).to_have_text(
        "Not saved yet: give every item its own position, and the order is saved."
    )
    answer_with_mouse(page, order, key(order))
    expect_saved(page, order)


def test_without_javascript_saving_says_saved_where_the_page_opens(
    browser: Browser, live_server: LiveServer
):
    """The page opens again at the buttons: the confirmation is there, not at the top."""
    with student_on_quiz(browser, live_server, "Gita", scripts=False) as page:
        questions = quiz_questions(live_server.app)
        answer_with_mouse(page, questions[0], key(questions[0]))
        page.get_by_role("button", name="Save answers").click()
        saved = page.get_by_role("status").filter(has_text="Saved:")
        expect(saved).to_have_text(f"Saved: 1 of {len(questions)} questions answered.")
        expect(saved).to_be_in_viewport()


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_a_submit_with_questions_left_blank_asks_first(
    browser: Browser, live_server: LiveServer, scripts: bool
):
    """A quiz is submitted once: a question skipped by mistake must not cost the attempt."""
    with student_on_quiz(browser, live_server, f"Hana {scripts}", scripts=scripts) as page:
        questions = quiz_questions(live_server.app)
        first, second = questions[0], questions[1]
        answer_with_mouse(page, first, key(first))
        page.get_by_role("button", name="Submit answers").click()
        asked = page.locator(".confirm-submit")
        expect(asked).to_be_in_viewport()
        expect(asked).to_be_focused()  # read out where the page opens
        expect(asked).to_contain_text("Not submitted yet:")
        blank = len(questions) - 1
        confirm = page.get_by_role("button", name=f"Submit with {blank} unanswered")
        expect(confirm).to_be_visible()
        # The notice links to each blank question.
        asked.get_by_role("link", name="Question 2", exact=True).click()
        expect(page.locator("#number-2")).to_be_in_viewport()
        if scripts:  # answering one more makes the count stale: the page asks again
            answer_with_mouse(page, second, key(second))
            expect(asked).to_be_hidden()
            page.get_by_role("button", name="Submit answers").click()
            confirm = page.get_by_role("button", name=f"Submit with {blank - 1} unanswered")
        confirm.click()
        expect(page).to_have_url(RESULTS_URL)
        expect(page.locator(".score")).to_contain_text("out of")
