"""Fixtures: an app on a temporary database, its clients, and a student's actions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from classroom import create_app
from classroom.db import get_db
from classroom.store import classes

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


@pytest.fixture
def app(tmp_path: Path):
    app = make_app(tmp_path)
    yield app
    app.extensions["classroom.db"].close_all()


@pytest.fixture
def real_app(tmp_path: Path):
    """The app with the bundled lessons and quizzes."""
    app = make_app(tmp_path, LESSONS_DIR=str(REPO / "lessons"), QUIZZES_DIR=str(REPO / "quizzes"))
    yield app
    app.extensions["classroom.db"].close_all()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask):
    with app.app_context():
        yield get_db()


@pytest.fixture
def join_code(app: Flask) -> str:
    with app.app_context():
        return classes.create_class(get_db(), "Class 7B", quiz_slugs=["sample-quiz"])["join_code"]


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
        self, attempt_id: int, answers: dict, action: str = "submit", slug: str = "sample-quiz"
    ):
        data = {f"q-{qid}": value for qid, value in answers.items()}
        data["action"] = action
        return self.client.post(f"/quizzes/{slug}/attempts/{attempt_id}", data=data)


@pytest.fixture
def student(client: FlaskClient) -> StudentActions:
    return StudentActions(client)
