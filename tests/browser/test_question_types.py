"""The question types beyond single and multiple choice, in a real browser: each by
keyboard alone, the evidence picker on the article by mouse, and the no-JavaScript
fallbacks storing exactly what the scripted page stores."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from harness import LiveServer
from playwright.sync_api import Browser, Page, expect
from steps import (
    Question,
    answer_with_keyboard,
    answer_with_mouse,
    assert_answer_shown,
    choice_input,
    expect_saved,
    items_on_screen,
    join,
    key,
    of_type,
    question_group,
    quiz_questions,
    review_region,
    sentence_text,
    stored_answers,
    submit_as_it_is,
)

from classroom.views import format_points

pytestmark = pytest.mark.browser

DENIAL = "denial-rhetoric"
EVIDENCE = "evidence-evaluation"


@contextmanager
def student(
    browser: Browser, server: LiveServer, name: str, scripted: bool = True
) -> Iterator[Page]:
    """A student of their own, in a browser context with or without JavaScript."""
    context = browser.new_context(
        java_script_enabled=scripted, viewport={"width": 1100, "height": 900}
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        join(page, server.url, server.join_code, name)
        yield page
    finally:
        context.close()


def quiz_url(server: LiveServer, slug: str, anchor: str = "") -> str:
    return f"{server.url}/quizzes/{slug}" + (f"#{anchor}" if anchor else "")


def rows(server: LiveServer, name: str, slug: str, questions: list[Question]) -> dict:
    """What the responses table holds for these questions: answer, confidence, score."""
    found = stored_answers(server.app, name, slug)
    return {
        q.id: {k: found[q.id][k] for k in ("answer", "confidence", "score")}
        for q in questions
        if q.id in found
    }


# -- answers a student might give: not the key, so that every part of the shape shows --


def mixed(q: Question) -> Any:
    """A partly right answer in the stored shape."""
    if q.type == "match":
        answer = key(q)
        last = q.pairs[-1]
        answer[last.id] = next(o.id for o in q.options if o.id != last.answer)
        return answer
    if q.type == "order":
        right = key(q)
        return right[1:] + right[:1]  # the first item last
    if q.type == "evidence":
        return sorted([q.correct[0].id, q.wrong[0].id])
    if q.type == "text":
        return {"text": "The clip is not the interview.\nI would find the full broadcast."}
    return key(q)


# -- each type by keyboard alone ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "slug"),
    [("match", DENIAL), ("order", EVIDENCE), ("evidence", EVIDENCE), ("text", DENIAL)],
)
def test_each_type_by_keyboard_alone(page: Page, live_server: LiveServer, kind: str, slug: str):
    """Arrows in match selects, Enter on Move buttons, Space on sentences, typing."""
    join(page, live_server.url, live_server.join_code, "Grace")
    q = of_type(quiz_questions(live_server.app, slug), kind)
    answer = mixed(q)
    # Following a link to the question: Tab goes on from there, as for any reader.
    page.goto(quiz_url(live_server, slug, f"question-{q.id}"))
    answer_with_keyboard(page, q, answer, moves=True)
    if kind == "order":
        expect(page.locator(f"#order-announce-{q.id}")).to_contain_text("moved to position")
    assert_answer_shown(page, q, answer)
    expect_saved(page, q)
    assert rows(live_server, "Grace", slug, [q])[q.id]["answer"] == answer

    page.reload()
    assert_answer_shown(page, q, answer, loaded=True)
    expect(question_group(page, q).get_by_role("status")).to_have_text("Saved")


# -- the evidence picker on the article, by mouse --------------------------------------------


def test_evidence_picked_by_clicking_the_article(page: Page, live_server: LiveServer):
    join(page, live_server.url, live_server.join_code, "Ida")
    page.goto(quiz_url(live_server, EVIDENCE))
    q = of_type(quiz_questions(live_server.app, EVIDENCE), "evidence")
    right, wrong = q.correct[0], q.wrong[0]

    # Clicking a sentence's words toggles its checkbox, and marks the sentence.
    box = choice_input(page, q, right)
    line = (
        question_group(page, q)
        .locator(".evidence-sentence")
        .filter(has=page.get_by_role("checkbox", name=right.name, exact=True))
    )
    for checked in (True, False, True):
        sentence_text(page, q, right).click()
        expect(box).to_be_checked(checked=checked)
        if checked:
            expect(line).to_have_class(re.compile(r"\bis-picked\b"))
        else:
            expect(line).not_to_have_class(re.compile(r"\bis-picked\b"))
    sentence_text(page, q, wrong).click()
    expect(choice_input(page, q, wrong)).to_be_checked()
    expect_saved(page, q)
    picks = sorted([right.id, wrong.id])
    assert rows(live_server, "Ida", EVIDENCE, [q])[q.id]["answer"] == picks

    submit_as_it_is(page)
    review = review_region(page, q)
    right_picks = sum(1 for p in picks if q.choice(p).correct)
    share = max(0, right_picks - (len(picks) - right_picks)) / len(q.correct)
    expect(review.locator(".result")).to_have_text(
        f"{format_points(share * q.points)} / {format_points(q.points)}"
    )
    # In place in the article: each sentence carries its tags on its own line.
    lines = review.locator(".evidence-line")
    expect(lines).to_have_count(len(q.choices))
    for sentence in q.choices:
        found = lines.filter(has_text=sentence.name)
        tags = []
        if sentence.id in picks:
            tags.append("Your pick")
        if sentence.correct:
            tags.append("Evidence")
        expect(found.locator(".tag")).to_have_text(tags)
    expect(lines.filter(has_text=right.name)).to_have_class(re.compile(r"\bpicked\b.*\bkey\b"))
    wrong_line = lines.filter(has_text=wrong.name)
    expect(wrong_line).to_have_class(re.compile(r"\bmissed\b"))
    expect(wrong_line.locator(".choice-feedback")).not_to_be_empty()
    expect(review.locator(".evidence-line.picked")).to_have_count(len(picks))
    expect(review.locator(".evidence-line.key")).to_have_count(len(q.correct))


# -- without JavaScript: the same stored answers ------------------------------------------


def test_no_javascript_fallbacks_store_what_the_scripted_page_stores(
    browser: Browser, live_server: LiveServer
):
    """match, order, evidence and text (and a confidence rating), answered the same way
    by two students, one with the script (autosaved) and one without (Save answers)."""
    questions = quiz_questions(live_server.app, EVIDENCE)
    chosen = [questions[0]] + [of_type(questions, t) for t in ("match", "order", "evidence")]
    chosen.append(of_type(questions, "text"))
    assert questions[0].confidence
    answers = {q.id: mixed(q) for q in chosen}
    # Spaces around and a line end inside: stored trimmed, with "\n", either way.
    text = of_type(questions, "text")
    typed = {text.id: {"text": "  " + answers[text.id]["text"] + "\n  "}}

    with student(browser, live_server, "Scripted") as page:
        page.goto(quiz_url(live_server, EVIDENCE))
        for q in chosen:
            answer_with_mouse(page, q, typed.get(q.id, answers[q.id]), 2 if q.confidence else None)
            expect_saved(page, q)
    with student(browser, live_server, "Plain", scripted=False) as page:
        page.goto(quiz_url(live_server, EVIDENCE))
        for q in chosen:
            answer_with_mouse(page, q, typed.get(q.id, answers[q.id]), 2 if q.confidence else None)
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_role("status").filter(has_text="Saved:")).to_contain_text(
            f"Saved: {len(chosen)} of {len(questions)}"
        )

    scripted = rows(live_server, "Scripted", EVIDENCE, questions)
    plain = rows(live_server, "Plain", EVIDENCE, questions)
    assert {qid: row["answer"] for qid, row in scripted.items()} == answers
    assert plain == scripted
    assert scripted[questions[0].id]["confidence"] == 2


def test_move_buttons_store_the_same_order_as_the_selects(
    browser: Browser, live_server: LiveServer
):
    """Move up, or Move down, with the script; the position selects without it."""
    q = of_type(quiz_questions(live_server.app, EVIDENCE), "order")
    target = mixed(q)
    for name, scripted, moves in (
        ("Up", True, "up"),
        ("Down", True, "down"),
        ("Selects", False, ""),
    ):
        with student(browser, live_server, name, scripted) as page:
            page.goto(quiz_url(live_server, EVIDENCE))
            answer_with_mouse(page, q, target, moves=moves)
            if scripted:
                assert items_on_screen(page, q) == target  # the list is in the new order
                expect_saved(page, q)
            else:
                page.get_by_role("button", name="Save answers").click()
            assert_answer_shown(page, q, target)
    stored = [
        rows(live_server, name, EVIDENCE, [q])[q.id]["answer"] for name in ("Up", "Down", "Selects")
    ]
    assert stored == [target] * 3
