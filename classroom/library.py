"""The app's view of the content: the current catalogue and quizzes by version."""

from __future__ import annotations

import functools

from flask import Flask, current_app
from sqlite_utils import Database

from classroom.content import Catalogue, Library, Quiz
from classroom.content.quizzes import QuizError, quiz_from_snapshot
from classroom.store import attempts as attempt_store


def init_app(app: Flask) -> None:
    app.extensions["classroom.library"] = Library(
        app.config["LESSONS_DIR"],
        app.config["QUIZZES_DIR"],
        interval=app.config["CONTENT_RELOAD_SECONDS"],
    )


def catalogue() -> Catalogue:
    return current_app.extensions["classroom.library"].current()


def quiz_at_version(db: Database, slug: str, version: str) -> Quiz | None:
    """The quiz exactly as an attempt saw it: today's file, or the stored snapshot."""
    current = catalogue().quizzes.get(slug)
    if current is not None and current.version == version:
        return current
    snapshot = attempt_store.version_snapshot(db, slug, version)
    if snapshot is None:
        return None
    return _from_snapshot(snapshot, slug)


def quiz_for_review(db: Database, slug: str) -> tuple[Quiz, bool] | None:
    """The quiz to report on, and whether it is the one being served.

    When its file has gone or has mistakes, its results are still the teacher's to see:
    they are shown with the version students last took.
    """
    current = catalogue().quizzes.get(slug)
    if current is not None:
        return current, True
    snapshot = attempt_store.latest_snapshot(db, slug)
    found = _from_snapshot(snapshot, slug) if snapshot is not None else None
    return (found, False) if found is not None else None


@functools.lru_cache(maxsize=64)
def _from_snapshot(snapshot: str, slug: str) -> Quiz | None:
    try:
        return quiz_from_snapshot(snapshot, f"quizzes/{slug}.toml (stored version)")
    except QuizError:
        return None
