"""A teacher in a real browser: set up the account, make a class, give it a quiz, read the
results of two students, grade a written answer, export, remove a student, log out."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from harness import LiveServer
from playwright.sync_api import Browser, Page, expect
from teacher_steps import (
    QUIZ,
    WRITTEN,
    add_students,
    assign,
    create_class,
    log_out,
    quiz_of,
    read_join_code,
    setup_token,
    sign_up,
    student_page,
    submit_quiz,
    take_quiz,
)

pytestmark = pytest.mark.browser

CLASS = "Class 8C"


def download_responses(page: Page, url: str, class_id: int) -> list[dict[str, str]]:
    """Download every answer from the gradebook page; the CSV's rows as dicts."""
    page.goto(f"{url}/teacher/classes/{class_id}/gradebook")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download every answer (CSV)").click()
    download = info.value
    assert re.fullmatch(r"class-8c-responses-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def gradebook_rows(page: Page):
    return page.get_by_role("table", name="Scores by student and quiz").locator("tbody tr")


def test_teacher_sets_up_a_class_and_reviews_two_students(
    browser: Browser, page: Page, live_server: LiveServer
):
    url, app = live_server.url, live_server.app
    quiz = quiz_of(app)
    written_id = next(q.id for q in quiz.questions if q.type == "text")

    # The first teacher, through the one-time setup link; the link then stops working.
    token = setup_token(app)
    sign_up(page, url, token, "ms-rivera")
    expect(page.get_by_role("button", name="Log out ms-rivera")).to_be_visible()

    class_id = create_class(page, url, CLASS)
    assign(page, url, class_id, quiz.title)
    code = read_join_code(page, url, class_id)
    expect(page.get_by_role("table", name="Assigned quizzes and their reports")).to_contain_text(
        quiz.title
    )

    # Two students, each in a browser of their own; only Ada writes the written answer.
    ada = student_page(browser)
    grace = student_page(browser)
    try:
        took_ada = take_quiz(ada, url, app, code, "Ada", written=WRITTEN)
        expect(ada.locator(".score-card")).to_contain_text("awaiting grading")
        took_grace = take_quiz(grace, url, app, code, "Grace")
        grace.context.close()

        # The gradebook has both, each with a score that opens the attempt.
        page.get_by_role("link", name="Gradebook").click()
        rows = gradebook_rows(page)
        expect(rows).to_have_count(2)
        expect(rows.nth(0).get_by_role("rowheader")).to_have_text("Ada")
        expect(rows.nth(1).get_by_role("rowheader")).to_have_text("Grace")
        expect(rows.nth(0)).to_contain_text("to grade")
        page.get_by_role("link", name=re.compile(r"out of .*, Grace, ")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Grace: {quiz.title}")
        expect(page.locator(".review").first).to_contain_text("Answered")
        page.go_back()

        # The quiz report: charts with titles, and the tables beside them.
        page.get_by_role("columnheader").get_by_role("link", name=quiz.title).click()
        expect(page).to_have_url(re.compile(rf"/classes/{class_id}/quizzes/{QUIZ}/report$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Report: {quiz.title}")
        expect(page.locator(".stat-grid").first).to_contain_text("Students (N)2")
        charts = page.locator("svg[role=img]")
        expect(charts.first).to_be_visible()
        assert charts.count() > len(quiz.questions) // 2
        title = charts.first.locator("title")
        assert "2 students" in title.text_content()
        expect(page.get_by_role("img", name=re.compile("Scores of 2 students"))).to_be_visible()
        bands = page.get_by_role("table", name="Students per score band")
        expect(bands).to_be_visible()
        assert sum(int(c) for c in bands.locator("tbody td.num").all_inner_texts()) == 2
        expect(page.get_by_role("heading", name="Question by question")).to_be_visible()

        # Every answer as CSV: one row per student and answered question.
        rows_before = download_responses(page, url, class_id)
        pairs = [(r["student"], r["question"]) for r in rows_before]
        expected = {("Ada", q) for q in took_ada.answered} | {
            ("Grace", q) for q in took_grace.answered
        }
        assert sorted(pairs) == sorted(expected), "one row per student × answered question"
        assert {r["quiz"] for r in rows_before} == {QUIZ}
        written = [r for r in rows_before if r["question"] == written_id]
        assert [(r["student"], r["score"]) for r in written] == [("Ada", "")]
        assert all(r["score"] != "" for r in rows_before if r["question"] != written_id)

        # The written answer waits in the grading queue; "2" picks the top level.
        page.get_by_role("link", name="Grading").click()
        expect(page.get_by_role("heading", name="Ada’s answer")).to_be_visible()
        expect(page.locator(".student-text")).to_have_text(WRITTEN)
        # The keys work once grading.js has run, which shows their hint.
        expect(page.locator("#level-keys")).to_be_visible()
        page.keyboard.press("2")
        expect(page.locator("#level-2")).to_be_checked()
        expect(page.locator("#level-2")).to_be_focused()
        page.get_by_role("button", name="Save grade").click()
        expect(page.get_by_role("status")).to_contain_text("Graded Ada’s answer.")
        expect(page.get_by_text("Nothing to grade")).to_be_visible()

        # Ada sees the grade on her results.
        ada.reload()
        expect(ada.locator(".score-card")).not_to_contain_text("awaiting grading")
        written_review = ada.locator(f"#review-{written_id}")
        expect(written_review).to_contain_text(f"Graded: {quiz.question(written_id).points:g} of")
    finally:
        ada.context.close()

    # Remove Grace, through the confirmation page.
    page.goto(f"{url}/teacher/classes/{class_id}")
    page.get_by_role("link", name="Remove Grace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Remove Grace from {CLASS}?")
    expect(page.locator(".danger-zone")).to_contain_text(f"{len(took_grace.answered)} answers")
    page.get_by_role("button", name="Remove Grace and their data").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Grace and all of their answers were removed"
    )
    roster = page.get_by_role("table", name="Roster with progress")
    expect(roster.locator("tbody tr")).to_have_count(1)
    expect(roster).not_to_contain_text("Grace")

    page.get_by_role("link", name="Gradebook").click()
    expect(gradebook_rows(page)).to_have_count(1)
    expect(page.get_by_role("table", name="Scores by student and quiz")).not_to_contain_text(
        "Grace"
    )
    rows_after = download_responses(page, url, class_id)
    assert rows_after, "Ada's answers stay"
    assert {r["student"] for r in rows_after} == {"Ada"}
    assert len(rows_after) == len(took_ada.answered)

    # Log out: the back button and the dashboard's address both lead to the login page.
    gradebook_url = page.url
    log_out(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/teacher/login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Teacher log in")
    assert page.url != gradebook_url
    page.goto(f"{url}/teacher/")
    expect(page).to_have_url(re.compile(r"/teacher/login\?next=(/|%2F)teacher(/|%2F)$"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()

    # The setup link was used once: it now refuses.
    page.goto(f"{url}/teacher/setup/{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")


def test_teacher_skips_a_hard_answer_and_grades_it_after_the_others(
    page: Page, live_server: LiveServer
):
    url, app = live_server.url, live_server.app
    sign_up(page, url, setup_token(app), "ms-rivera")
    class_id = create_class(page, url, CLASS)
    ids = add_students(app, class_id, ["Ada", "Bo", "Cy"])
    submit_quiz(app, ids, grade_written=False)

    page.goto(f"{url}/teacher/classes/{class_id}/grading")
    expect(page.get_by_role("heading", name="Ada’s answer")).to_be_visible()
    expect(page.get_by_text("3 written answers waiting")).to_be_visible()

    # Ada's answer needs a second look: skipped, by keyboard.
    page.get_by_role("link", name="Skip for now").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Bo’s answer")).to_be_visible()
    expect(page.get_by_text("3 written answers waiting")).to_be_visible()

    # Graded by keyboard alone: a level's number, then Enter in the level list.
    expect(page.locator("#level-keys")).to_be_visible()
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Graded Bo’s answer.")
    expect(page.get_by_role("heading", name="Cy’s answer")).to_be_visible()
    expect(page.locator("#level-keys")).to_be_visible()
    page.keyboard.press("2")
    page.keyboard.press("Enter")

    # The end of the queue: round to the answer that was skipped, the last one left.
    expect(page.get_by_role("heading", name="Ada’s answer")).to_be_visible()
    expect(page.get_by_text("these are the answers you skipped")).to_be_visible()
    expect(page.get_by_role("link", name="Skip for now")).to_have_count(0)
    expect(page.locator("#level-keys")).to_be_visible()
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Nothing to grade")).to_be_visible()
