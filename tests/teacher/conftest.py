"""Teacher fixtures: a school to fill with teachers, classes, students and their work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import FIXTURES, WRITTEN_QUESTION, make_app
from werkzeug.security import generate_password_hash

from classroom import clock, grading
from classroom.db import get_db
from classroom.library import catalogue
from classroom.store import assignments as assignment_store
from classroom.store import attempts as attempt_store
from classroom.store import classes as class_store
from classroom.store import students as student_store

SAMPLE_QUIZ = (FIXTURES / "quizzes" / "sample-quiz.toml").read_text()
PASSWORD = "a long teacher password"
# A quick hash, so that logging a test teacher in costs nothing; the account tests
# that care about the real hash create their teachers through the app instead.
_QUICK = "pbkdf2:sha256:1000"

# The sample quiz's answers: every one right (3 of 3 points), or every one wrong (0).
RIGHT = {"who-says": "nobody", "strong-evidence": ["report", "accused"]}
WRONG = {"who-says": "minister", "strong-evidence": ["minister"]}

WRITTEN_QUIZ = (
    """
format = 1
slug = "written"
title = "Written answers"
lesson = "sample"
skill = "sourcing"
intro = "One choice and one written answer."

[settings]
attempts = 1
feedback = "after_submit"

[[questions]]
id = "who-says"
type = "single"
skill = "sourcing"
prompt = "Who says repairs will cost millions?"
explanation = "Nobody is named."

[[questions.choices]]
id = "minister"
text = "The minister"
correct = false
feedback = "No."

[[questions.choices]]
id = "nobody"
text = "Nobody is named"
correct = true
feedback = "Right."

"""
    + WRITTEN_QUESTION
)


def sample_quiz(slug: str = "sample-quiz", title: str = "Sample quiz", **settings: Any) -> str:
    """The fixture quiz under another slug and title, its [settings] replaced."""
    text = SAMPLE_QUIZ.replace('slug = "sample-quiz"', f'slug = "{slug}"')
    text = text.replace('title = "Sample quiz"', f'title = "{title}"')
    settings = {"attempts": 2, "feedback": "after_submit", **settings}
    lines = "\n".join(
        f"{k} = {v!r}" if isinstance(v, int) else f'{k} = "{v}"' for k, v in settings.items()
    )
    return re.sub(r"\[settings\]\n(?:.+\n)+", f"[settings]\n{lines}\n", text, count=1)


class School:
    """One app's teachers, classes and students, made directly in its database."""

    def __init__(self, app: Flask):
        self.app = app

    # --- the database ---

    def rows(self, sql: str, params: Any = ()) -> list[tuple]:
        with self.app.app_context():
            return get_db().conn.execute(sql, params).fetchall()

    def value(self, sql: str, params: Any = ()) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def execute(self, sql: str, params: Any = ()) -> None:
        with self.app.app_context():
            get_db().execute(sql, params)

    # --- teachers ---

    def teacher(self, username: str = "ms-rivera", password: str = PASSWORD) -> int:
        found = self.value("SELECT id FROM teachers WHERE username = ?", [username])
        if found is not None:
            return found
        with self.app.app_context():
            cursor = get_db().execute(
                "INSERT INTO teachers (username, password_hash, created_at) VALUES (?, ?, ?)",
                [username, generate_password_hash(password, _QUICK), clock.stamp()],
            )
            return cursor.lastrowid

    def login(self, client: FlaskClient, username: str, password: str = PASSWORD, **kwargs):
        return client.post(
            "/teacher/login", data={"username": username, "password": password}, **kwargs
        )

    def client(self, username: str | None = None) -> FlaskClient:
        """A new browser; logged in as this teacher (made if needed) when one is named."""
        client = self.app.test_client()
        if username is not None:
            self.teacher(username)
            response = self.login(client, username)
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    # --- classes and students ---

    def klass(
        self, name: str, teacher_id: int | None, quizzes: tuple[str, ...] = ("sample-quiz",)
    ) -> dict[str, Any]:
        with self.app.app_context():
            return class_store.create_class(get_db(), name, teacher_id, quiz_slugs=quizzes)

    def assign(self, class_id: int, slug: str, **settings: Any) -> None:
        with self.app.app_context():
            assignment_store.assign(get_db(), class_id, slug, **settings)

    def student(self, class_id: int, name: str) -> int:
        with self.app.app_context():
            return student_store.create_student(get_db(), class_id, name)[0]

    def take(
        self,
        student_id: int,
        answers: dict[str, Any],
        slug: str = "sample-quiz",
        confidence: int | None = None,
    ) -> dict[str, Any]:
        """Submit an attempt with these answers: the student's first, or a retake."""
        with self.app.app_context():
            db = get_db()
            quiz = catalogue().quizzes[slug]
            latest = attempt_store.latest_attempt(db, student_id, slug)
            if latest is None:
                attempt = attempt_store.open_or_start(db, student_id, quiz)
            else:
                attempt = attempt_store.start_retake(db, student_id, quiz, latest["number"], 0)
            posted = {qid: (answer, confidence) for qid, answer in answers.items()}
            return attempt_store.submit(
                db,
                attempt["id"],
                student_id,
                posted,
                lambda saved: grading.grade_answers(quiz, saved),
            )

    def save(
        self, student_id: int, answers: dict[str, Any], slug: str = "sample-quiz"
    ) -> dict[str, Any]:
        """Save answers to the student's open attempt (started if need be), not submitting."""
        with self.app.app_context():
            db = get_db()
            attempt = attempt_store.open_or_start(db, student_id, catalogue().quizzes[slug])
            posted = {qid: (answer, None) for qid, answer in answers.items()}
            assert attempt_store.save_answers(db, attempt["id"], student_id, posted)
            return attempt

    def joined(self, join_code: str, name: str = "Ada") -> FlaskClient:
        """A new browser whose student has joined the class with its code."""
        client = self.app.test_client()
        response = client.post("/join", data={"code": join_code, "name": name})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client


@pytest.fixture
def content() -> SimpleNamespace:
    """Quiz files and answers for tests to build their schools from."""
    return SimpleNamespace(
        sample_quiz=sample_quiz,
        SAMPLE_QUIZ=SAMPLE_QUIZ,
        WRITTEN_QUIZ=WRITTEN_QUIZ,
        RIGHT=RIGHT,
        WRONG=WRONG,
    )


@pytest.fixture
def school(app: Flask) -> School:
    return School(app)


@pytest.fixture
def new_school(tmp_path: Path) -> Iterator:
    """Make a school on its own content: quizzes by slug (the lesson is the fixture's)."""
    apps: list[Flask] = []

    def build(quizzes: dict[str, str] | None = None, **config: Any) -> School:
        folder = tmp_path / f"content-{len(apps)}"
        quiz_dir = folder / "quizzes"
        quiz_dir.mkdir(parents=True)
        for slug, text in (quizzes or {"sample-quiz": SAMPLE_QUIZ}).items():
            (quiz_dir / f"{slug}.toml").write_text(text)
        app = make_app(folder, QUIZZES_DIR=str(quiz_dir), **config)
        apps.append(app)
        with app.app_context():
            assert not catalogue().problems, catalogue().problems
        return School(app)

    yield build
    for app in apps:
        app.extensions["classroom.db"].close_all()
