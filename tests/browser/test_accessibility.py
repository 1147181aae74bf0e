"""Every student page passes axe (nothing serious or critical) and fits a 360 px phone."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from harness import LiveServer
from playwright.sync_api import Page, expect
from steps import LESSON, QUIZ, answer_by_clicking, join, quiz_questions, save_status

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
BLOCKING = {"serious", "critical"}


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


def quiz(page: Page, server: LiveServer) -> None:
    join(page, server.url, server.join_code)
    page.goto(f"{server.url}/quizzes/{QUIZ}")
    questions = quiz_questions(server.app)
    for q in questions[:2]:
        answer_by_clicking(page, q)
        expect(save_status(page, q)).to_have_text("Saved")
    # The article to reread is part of the page: check it open.
    page.get_by_text("Reread the article", exact=True).click()
    expect(page.get_by_role("article")).to_be_visible()


def results(page: Page, server: LiveServer) -> None:
    join(page, server.url, server.join_code)
    page.goto(f"{server.url}/quizzes/{QUIZ}")
    for index, q in enumerate(quiz_questions(server.app)):
        if index % 4 != 3:  # a mix: right, wrong, and unanswered
            answer_by_clicking(page, q, right=index % 2 == 0)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".score")).to_contain_text("out of")


PAGES: dict[str, Callable[[Page, LiveServer], None]] = {
    "join": join_page,
    "join-with-errors": join_errors,
    "welcome": welcome,
    "lesson": lesson,
    "quiz": quiz,
    "results": results,
    "dashboard": dashboard,
}


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:8]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(page: Page, live_server: LiveServer, name: str):
    PAGES[name](page, live_server)
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe on the {name} page ({page.url}):\n{describe(blocking)}"


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll_on_a_phone(page: Page, live_server: LiveServer, name: str):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 780})
    PAGES[name](page, live_server)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
              .filter(el => el.getBoundingClientRect().right > limit + 1)
              .slice(0, 5)
              .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                         + (el.className ? '.' + String(el.className).replace(/ +/g, '.') : '')
                         + ' right=' + Math.round(el.getBoundingClientRect().right))""",
        PHONE_WIDTH,
    )
    assert width <= PHONE_WIDTH + 1, (
        f"the {name} page is {width} px wide at {PHONE_WIDTH} px; too wide: {wide}"
    )
