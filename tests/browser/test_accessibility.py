"""Every student page passes axe (nothing serious or critical) and fits a 360 px phone:
the quiz page of each quiz (so every question type), and results with every type."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from a11y import PHONE_WIDTH, assert_no_blocking_violations
from harness import LiveServer
from playwright.sync_api import Page, expect
from steps import LESSON, answer_for, answer_with_mouse, expect_saved, join, quiz_questions

pytestmark = pytest.mark.browser

QUIZZES = ("sourcing", "denial-rhetoric", "evidence-evaluation")
ALL_TYPES = "evidence-evaluation"  # the quiz with every question type
TYPES = {"single", "multiple", "match", "order", "evidence", "text"}


def join_page(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/")
    expect(page.get_by_role("button", name="Join")).to_be_visible()


def join_errors(page: Page, server: LiveServer) -> None:
    join_page(page, server)
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("alert")).to_contain_text("Type the class code")
    expect(page.get_by_label("Class code")).to_have_attribute("aria-invalid", "true")


def welcome(page: Page, server: LiveServer) -> None:
    join(page, server.url, server.join_code)


def dashboard(page: Page, server: LiveServer) -> None:
    join(page, server.url, server.join_code)
    page.get_by_role("link", name=re.compile("go to my quizzes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My quizzes")


def lesson(page: Page, server: LiveServer) -> None:
    join(page, server.url, server.join_code)
    page.goto(f"{server.url}/lessons/{LESSON}")
    expect(page.get_by_role("article")).to_be_visible()


def quiz_page(slug: str) -> Callable[[Page, LiveServer], None]:
    """The quiz with every one of its questions' controls, some of them in use (a
    choice and its confidence, a match, an order moved, sentences picked, text), and
    the article to reread open."""

    def setup(page: Page, server: LiveServer) -> None:
        join(page, server.url, server.join_code)
        page.goto(f"{server.url}/quizzes/{slug}")
        questions = quiz_questions(server.app, slug)
        used = [questions[0]] + [q for q in questions if q.type not in {"single", "multiple"}]
        for q in used:
            answer_with_mouse(
                page,
                q,
                answer_for(q, right=q.type != "evidence"),
                confidence=3 if q.confidence else None,
                moves="any",
            )
            expect_saved(page, q)
        page.get_by_text("Reread the article", exact=True).click()
        expect(page.get_by_role("article")).to_be_visible()

    return setup


def quiz_asking_about_blanks(page: Page, server: LiveServer) -> None:
    """The quiz after "Submit answers" with most questions left blank: it asks first."""
    join(page, server.url, server.join_code)
    page.goto(f"{server.url}/quizzes/{QUIZZES[0]}")
    first = quiz_questions(server.app, QUIZZES[0])[0]
    answer_with_mouse(page, first, answer_for(first))
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".confirm-submit")).to_contain_text("Not submitted yet")


def results(page: Page, server: LiveServer) -> None:
    """The results of the quiz with every type, every question answered: right, wrong,
    partly right, and a written answer awaiting grading."""
    join(page, server.url, server.join_code)
    page.goto(f"{server.url}/quizzes/{ALL_TYPES}")
    questions = quiz_questions(server.app, ALL_TYPES)
    assert {q.type for q in questions} == TYPES
    for index, q in enumerate(questions):
        answer = answer_for(q, right=index % 2 == 0)
        if q.type == "evidence":
            answer = sorted([q.correct[0].id, q.wrong[0].id])  # a right and a wrong pick
        answer_with_mouse(page, q, answer, confidence=1 + index % 3 if q.confidence else None)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".score")).to_contain_text("out of")
    expect(page.locator(".tag-picked").filter(has_text="Your pick")).not_to_have_count(0)


PAGES: dict[str, Callable[[Page, LiveServer], None]] = {
    "join": join_page,
    "join-with-errors": join_errors,
    "welcome": welcome,
    "lesson": lesson,
    **{f"quiz-{slug}": quiz_page(slug) for slug in QUIZZES},
    "quiz-asking-about-blanks": quiz_asking_about_blanks,
    "results": results,
    "dashboard": dashboard,
}


def too_wide(page: Page) -> str:
    """What sticks out past the phone's width, if anything."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE_WIDTH + 1:
        return ""
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
              .filter(el => el.getBoundingClientRect().right > limit + 1)
              .slice(0, 5)
              .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                         + (el.className ? '.' + String(el.className).replace(/ +/g, '.') : '')
                         + ' right=' + Math.round(el.getBoundingClientRect().right))""",
        PHONE_WIDTH,
    )
    return f"{width} px wide at {PHONE_WIDTH} px; too wide: {wide}"


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_violations_and_no_scroll_on_a_phone(
    page: Page, live_server: LiveServer, name: str
):
    """axe at desktop width, then the same page on a 360 px wide phone."""
    PAGES[name](page, live_server)
    assert_no_blocking_violations(page, name)

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 780})
    page.wait_for_function(f"window.innerWidth === {PHONE_WIDTH}")
    problem = too_wide(page)
    assert not problem, f"the {name} page is {problem}"


# One word as long as the form allows: a long surname, or a name typed without spaces.
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff" + "x" * 25


@pytest.mark.parametrize("where", ["welcome", "dashboard", "lesson"])
def test_a_long_name_without_spaces_fits_a_phone(page: Page, live_server: LiveServer, where: str):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 780})
    join(page, live_server.url, live_server.join_code, name=LONG_NAME)
    if where == "dashboard":
        page.goto(live_server.url + "/")
    elif where == "lesson":
        page.goto(f"{live_server.url}/lessons/{LESSON}")
    expect(page.get_by_text(LONG_NAME, exact=False).first).to_be_visible()
    problem = too_wide(page)
    assert not problem, f"the {where} page is {problem}"


# The focused element's outline colour and the background it is drawn on: the first
# ancestor (from the parent up) with an opaque background colour.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  let under = el.parentElement;
  while (under && (rgb(getComputedStyle(under).backgroundColor)[3] ?? 1) === 0) {
    under = under.parentElement;
  }
  const back = under ? getComputedStyle(under).backgroundColor : 'rgb(255, 255, 255)';
  return {name: (el.innerText || el.id || el.tagName).trim().slice(0, 40),
          ring: rgb(getComputedStyle(el).outlineColor).slice(0, 3), back: rgb(back).slice(0, 3)};
}"""


def contrast(one: list[float], two: list[float]) -> float:
    """WCAG's contrast ratio of two sRGB colours."""

    def luminance(rgb: list[float]) -> float:
        parts = [c / 255 for c in rgb]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_focus_ring_stands_out_from_what_is_behind_it(page: Page, live_server: LiveServer):
    """Tab through the dashboard, header links included: each ring has 3:1 contrast."""
    join(page, live_server.url, live_server.join_code)
    page.goto(live_server.url + "/")
    faint = []
    for _ in range(30):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if contrast(ring["ring"], ring["back"]) < 3:
            faint.append(f"{ring['name']!r}: {ring['ring']} on {ring['back']}")
    assert not faint, f"focus rings under 3:1 contrast: {sorted(set(faint))}"


def test_a_refused_join_puts_focus_on_what_to_fix(page: Page, live_server: LiveServer):
    """By keyboard: the summary has focus, and the next Tab is its link to the field."""
    page.goto(live_server.url + "/")
    page.get_by_label("Class code").fill("ZZZZZZZZ")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Your name").press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("No open class has this code")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name=re.compile("No open class"))).to_be_focused()
