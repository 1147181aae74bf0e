"""Fixtures: an app on a temporary database, its clients, and a student's actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from classroom.db import get_db
from classroom.store import classes

# Before the shared helper modules are imported, so that their failed asserts are
# reported in full.
pytest.register_assert_rewrite("support", "a11y")

from support import REPO, StudentActions, make_app  # noqa: E402


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


@pytest.fixture
def student(client: FlaskClient) -> StudentActions:
    return StudentActions(client)
