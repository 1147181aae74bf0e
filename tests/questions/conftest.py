"""Question-type fixtures: an author writing quizzes/q.toml, and a student taking it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from support import FIXTURES, StudentActions, make_app

from classroom.content import load_catalogue
from classroom.db import get_db
from classroom.store import classes


@pytest.fixture
def author(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write quizzes/q.toml against the sample lesson; return the problems as printed."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "lessons", tmp_path / "lessons")
    (tmp_path / "quizzes").mkdir()

    def write(text: str) -> list[str]:
        (tmp_path / "quizzes" / "q.toml").write_text(text, encoding="utf-8")
        return [str(p) for p in load_catalogue(Path("lessons"), Path("quizzes")).problems]

    return write


@pytest.fixture
def quiz_taker(tmp_path: Path) -> Iterator[Callable[[str], tuple[Flask, StudentActions]]]:
    """Serve the fixture content plus quizzes/q.toml with this text, to a class that has
    quiz "q"; return the app and a student who joined it. Once per test."""
    apps: list[Flask] = []

    def take(text: str) -> tuple[Flask, StudentActions]:
        shutil.copytree(FIXTURES / "lessons", tmp_path / "lessons")
        shutil.copytree(FIXTURES / "quizzes", tmp_path / "quizzes")
        (tmp_path / "quizzes" / "q.toml").write_text(text, encoding="utf-8")
        app = make_app(
            tmp_path, LESSONS_DIR=str(tmp_path / "lessons"), QUIZZES_DIR=str(tmp_path / "quizzes")
        )
        apps.append(app)
        with app.app_context():
            code = classes.create_class(get_db(), "Class 7B", quiz_slugs=["q"])["join_code"]
        student = StudentActions(app.test_client())
        student.join(code)
        return app, student

    yield take
    for app in apps:
        app.extensions["classroom.db"].close_all()
