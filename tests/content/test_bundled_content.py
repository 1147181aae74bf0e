"""The lessons and quizzes shipped in lessons/ and quizzes/: each loads and makes sense."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from classroom.content import load_catalogue
from classroom.content.model import SKILLS
from classroom.db import get_db
from classroom.library import catalogue as app_catalogue
from classroom.questions.base import ID_PATTERN
from classroom.store import classes

REPO = Path(__file__).resolve().parents[2]
LESSON_FILES = sorted((REPO / "lessons").glob("*.md"))
QUIZ_FILES = sorted((REPO / "quizzes").glob("*.toml"))


@functools.cache
def catalogue():
    return load_catalogue(REPO / "lessons", REPO / "quizzes")


def _items(question) -> list:
    """Whatever a question offers to pick, match or order (its choices, pairs or items)."""
    return [item for name in ("choices", "pairs", "items") for item in getattr(question, name, ())]


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.name)
def test_each_bundled_lesson_loads_without_a_problem(path: Path):
    problems = [str(p) for p in catalogue().problems_for("lesson", path.stem)]
    assert problems == []
    lesson = catalogue().lessons[path.stem]
    assert lesson.paragraphs
    assert lesson.title and lesson.summary and lesson.licence
    ids = [s.id for s in lesson.sentences]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.name)
def test_each_bundled_quiz_loads_without_a_problem(path: Path):
    problems = [str(p) for p in catalogue().problems_for("quiz", path.stem)]
    assert problems == []
    quiz = catalogue().quizzes[path.stem]
    assert quiz.lesson in catalogue().lessons
    assert quiz.skill in SKILLS
    assert quiz.questions


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.name)
def test_each_bundled_question_is_well_made(path: Path):
    quiz = catalogue().quizzes.get(path.stem)
    if quiz is None:
        pytest.fail(f"{path.name} did not load: {catalogue().problems_for('quiz', path.stem)}")
    ids = [q.id for q in quiz.questions]
    assert len(ids) == len(set(ids)), f"question ids repeat in {path.name}"
    lesson = catalogue().lessons[quiz.lesson]
    for question in quiz.questions:
        where = f"{path.name}: question {question.id}"
        assert ID_PATTERN.match(question.id), where
        assert question.skill in SKILLS, f"{where}: skill {question.skill!r}"
        assert question.prompt_html.strip(), f"{where}: no prompt"
        assert question.explanation_html.strip(), f"{where}: no explanation"
        assert question.points > 0, where
        for sentence_id in question.sentences:
            assert lesson.sentence(sentence_id) is not None, f"{where}: {sentence_id}"
        items = _items(question)
        item_ids = [item.id for item in items]
        assert len(item_ids) == len(set(item_ids)), f"{where}: ids repeat"
        for item in items:
            feedback = getattr(item, "feedback_html", None)
            if feedback is not None:
                assert feedback.strip(), f"{where}: {item.id} has no feedback"
        choices = getattr(question, "choices", ())
        if question.type == "single":
            assert sum(c.correct for c in choices) == 1, f"{where}: not exactly one key"
        if question.type == "multiple":
            assert any(c.correct for c in choices), f"{where}: no correct choice"


def test_every_bundled_quiz_belongs_to_a_bundled_lesson():
    lessons = set(catalogue().lessons)
    assert {q.lesson for q in catalogue().quizzes.values()} <= lessons


def test_a_student_can_open_every_bundled_lesson_and_quiz(real_app):
    with real_app.app_context():
        loaded = app_catalogue()
        code = classes.create_class(get_db(), "Class 7B", quiz_slugs=list(loaded.quizzes))[
            "join_code"
        ]
    client = real_app.test_client()
    assert client.post("/join", data={"code": code, "name": "Ada"}).status_code == 302
    for slug in loaded.lessons:
        assert client.get(f"/lessons/{slug}").status_code == 200, slug
    for slug, quiz in loaded.quizzes.items():
        page = client.get(f"/quizzes/{slug}")
        assert page.status_code == 200, slug
        for question in quiz.questions:
            assert f'id="question-{question.id}"' in page.get_data(as_text=True), question.id
