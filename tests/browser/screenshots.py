"""Take the README's screenshots: a student joins, reads, answers half a quiz, submits.

    python -m tests.browser.screenshots docs/screenshots

Runs the same live server as the browser tests, on a throwaway database, in
Debian's Chromium (/usr/bin/chromium); writes lesson.png, quiz.png, results.png
and quiz-phone.png, then has a teacher open the sourcing quiz's report once six
students have submitted it (quiz-report.png).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from .harness import CHROMIUM, LiveServer, launch, start_server
from .steps import (
    LESSON,
    QUIZ,
    answer_by_clicking,
    join,
    quiz_questions,
    save_status,
    submit_as_it_is,
)
from .teacher_steps import PASSWORD, add_students, log_in, submit_quiz

# On top of the tests' Chromium: no scrollbars or hinting to vary between pictures.
PICTURE_ARGS = ("--hide-scrollbars", "--font-render-hinting=none")
DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 360, "height": 780}
MAX_HEIGHT = 1600


def answer_half(page: Page, server: LiveServer) -> None:
    """Open the sourcing quiz and answer its first half (the first one wrongly)."""
    page.goto(f"{server.url}/quizzes/{QUIZ}")
    questions = quiz_questions(server.app)
    for index, q in enumerate(questions[: len(questions) // 2]):
        answer_by_clicking(page, q, right=index != 0)
        expect(save_status(page, q)).to_have_text("Saved")
    page.mouse.move(0, 0)  # no hover highlight in the picture


def scroll_to(page: Page, selector: str, margin: int = 16) -> None:
    page.evaluate(
        "([s, m]) => window.scrollTo(0, document.querySelector(s)"
        ".getBoundingClientRect().top + window.scrollY - m)",
        [selector, margin],
    )


def take(out: Path, server: LiveServer, browser) -> list[Path]:
    saved = []

    def shoot_region(page: Page, name: str, top: float, bottom: float) -> None:
        """The full width of the page from top to bottom (at most MAX_HEIGHT)."""
        path = out / name
        height = min(round(bottom - top), MAX_HEIGHT)
        clip = {"x": 0, "y": round(top), "width": DESKTOP["width"], "height": height}
        page.screenshot(
            path=str(path), animations="disabled", caret="hide", full_page=True, clip=clip
        )
        saved.append(path)

    def shoot(page: Page, name: str, down_to: str | None = None) -> None:
        """The viewport, or the page from the top down to the end of down_to."""
        path = out / name
        options = {"full_page": False}
        if down_to:
            box = page.locator(down_to).bounding_box()
            height = min(round(box["y"] + box["height"]) + 24, MAX_HEIGHT)
            options = {
                "full_page": True,
                "clip": {"x": 0, "y": 0, "width": DESKTOP["width"], "height": height},
            }
        page.screenshot(path=str(path), animations="disabled", caret="hide", **options)
        saved.append(path)

    desktop = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = desktop.new_page()
    join(page, server.url, server.join_code, "Ada")
    page.get_by_role("link", name=re.compile("go to my quizzes")).click()
    page.get_by_role("link", name="Read the lesson").click()
    expect(page).to_have_url(re.compile(rf"/lessons/{LESSON}$"))
    shoot(page, "lesson.png")

    answer_half(page, server)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "quiz.png")

    questions = quiz_questions(server.app)
    for q in questions[len(questions) // 2 :]:
        answer_by_clicking(page, q)
    submit_as_it_is(page)
    page.mouse.move(0, 0)
    # The score, then the whole of the first question's feedback, right answer included.
    shoot(page, "results.png", down_to=".review-list > li:first-child")
    desktop.close()

    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    join(page, server.url, server.join_code, "Grace")
    answer_half(page, server)
    scroll_to(page, "#quiz-form")
    shoot(page, "quiz-phone.png")
    phone.close()

    # The teacher's view: the class (Ada and Grace above, and five more who submitted).
    fill_the_class(server)
    desktop = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = desktop.new_page()
    log_in(page, server.url, TEACHER)
    page.goto(f"{server.url}/teacher/classes/{class_id(server)}/quizzes/{QUIZ}/report")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    page.mouse.move(0, 0)
    # "Question by question": the first question's statistics, its chart and its table.
    top, bottom = page.evaluate(
        """() => [document.querySelector('#items').getBoundingClientRect().top + scrollY - 16,
                  document.querySelector('.item-report').getBoundingClientRect().bottom
                  + scrollY + 16]"""
    )
    shoot_region(page, "quiz-report.png", top, bottom)
    desktop.close()
    return saved


TEACHER = "ms-rivera"
MORE_STUDENTS = ["Alan", "Barbara", "Edsger", "Frances", "Ken"]


def class_id(server: LiveServer) -> int:
    from classroom.db import get_db
    from classroom.store import classes

    with server.app.app_context():
        return classes.class_by_code(get_db(), server.join_code)["id"]


def fill_the_class(server: LiveServer) -> None:
    """The first teacher (who adopts the class), and five more students who submitted."""
    from classroom.db import get_db
    from classroom.store import teachers

    with server.app.app_context():
        teachers.create_teacher(get_db(), TEACHER, PASSWORD)
    submit_quiz(server.app, add_students(server.app, class_id(server), MORE_STUDENTS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out",
        nargs="?",
        default="docs/screenshots",
        type=Path,
        help="where to write the PNGs (default: docs/screenshots)",
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: install Debian's chromium package", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(Path(data_dir))
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright, *PICTURE_ARGS)
                try:
                    saved = take(args.out, server, browser)
                finally:
                    browser.close()
        finally:
            server.stop()
    for path in saved:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
