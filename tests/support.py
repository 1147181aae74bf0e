"""Helpers the tests share: an app on a temporary database, a student's actions,
editing quiz and lesson text, and threads started together.

A plain module, so that any test file can import it by name (`from support import
make_app`): pytest puts this folder on sys.path, and conftest.py cannot be imported
by name.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from classroom import create_app
from classroom.answers import SUBMIT_UNANSWERED

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def make_app(tmp_path: Path, **config) -> Flask:
    settings = {
        "TESTING": True,
        "DATABASE": str(tmp_path / "classroom.sqlite"),
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "LESSONS_DIR": str(FIXTURES / "lessons"),
        "QUIZZES_DIR": str(FIXTURES / "quizzes"),
        "CONTENT_RELOAD_SECONDS": 0,
    }
    settings.update(config)
    return create_app(settings)


class StudentActions:
    """What a student does, step by step, through the test client."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def join(self, code: str, name: str = "Ada"):
        return self.client.post("/join", data={"code": code, "name": name})

    def resume_code(self) -> str:
        page = self.client.get("/welcome").get_data(as_text=True)
        return re.search(r'id="resume-code">([A-Z0-9-]+)<', page).group(1)

    def open_quiz(self, slug: str = "sample-quiz") -> int:
        """Open the quiz page; return the attempt id its form posts to."""
        page = self.client.get(f"/quizzes/{slug}").get_data(as_text=True)
        return int(re.search(rf"/quizzes/{slug}/attempts/(\d+)\"", page).group(1))

    def autosave(self, attempt_id: int, question: str, value, slug: str = "sample-quiz"):
        data = {"question": question, f"q-{question}": value}
        return self.client.post(
            f"/quizzes/{slug}/attempts/{attempt_id}/answers",
            data=data,
            headers={"Accept": "application/json"},
        )

    def send(
        self,
        attempt_id: int,
        answers: dict,
        action: str = SUBMIT_UNANSWERED,
        slug: str = "sample-quiz",
    ):
        """Post the quiz form with these answers; by default submit it as it is, blanks
        and all, as a student does once told which questions have no answer."""
        data = {f"q-{qid}": value for qid, value in answers.items()}
        data["action"] = action
        return self.client.post(f"/quizzes/{slug}/attempts/{attempt_id}", data=data)


def edit(text: str, *changes: tuple[str, str]) -> str:
    """The text with each (old, new) replaced; every old must appear exactly once."""
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} must appear exactly once"
        text = text.replace(old, new)
    return text


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle`."""
    found = [n for n, content in enumerate(text.splitlines(), start=1) if needle in content]
    return found[occurrence - 1]


# A written question graded on the three-level rubric, shared by the tests that need one.
WRITTEN_QUESTION = """\
[[questions]]
id = "plan"
type = "text"
skill = "sourcing"
points = 2
prompt = "Name one claim you would check elsewhere, and say where."
explanation = "The leaked report: ask the *engineers' union* whether it is genuine."

[[questions.rubric]]
level = 2
label = "Proficient"
descriptor = "Names a specific claim and an independent source."

[[questions.rubric]]
level = 1
label = "Emergent"
descriptor = "A claim without a source, or a source without a claim."

[[questions.rubric]]
level = 0
label = "Basic"
descriptor = "No claim to check."
"""


def at_once(count: int, task: Callable[[], None], timeout: float = 10) -> None:
    """Run `task` in `count` threads released together; return when all are done."""
    start = threading.Barrier(count)

    def run() -> None:
        start.wait(timeout)
        task()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
