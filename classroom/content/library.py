"""Every lesson and quiz on disk, reloaded when a file changes."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import classroom.questions  # noqa: F401  (registers the question types)
from classroom.content.lessons import LessonError, parse_lesson
from classroom.content.model import Lesson, Problem, Quiz
from classroom.content.quizzes import QuizError, parse_quiz


@dataclass(frozen=True)
class Catalogue:
    """One consistent view of the content: what loaded, and what did not."""

    lessons: dict[str, Lesson] = field(default_factory=dict)
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    broken: dict[str, list[Problem]] = field(default_factory=dict)  # "quiz:slug" -> problems

    @property
    def problems(self) -> list[Problem]:
        return [p for found in self.broken.values() for p in found]

    def quizzes_for(self, lesson_slug: str) -> list[Quiz]:
        return sorted(
            (q for q in self.quizzes.values() if q.lesson == lesson_slug), key=lambda q: q.slug
        )

    def problems_for(self, kind: str, slug: str) -> list[Problem]:
        return self.broken.get(f"{kind}:{slug}", [])


def _label(path: Path) -> str:
    """The path as an author would type it: relative to where they stand, if inside."""
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else str(path)


def load_catalogue(lessons_dir: Path, quizzes_dir: Path) -> Catalogue:
    """Load every lesson, then every quiz against those lessons."""
    catalogue = Catalogue()
    broken_lessons: dict[str, str] = {}  # slug -> file, so a quiz can point at it
    for path in sorted(Path(lessons_dir).glob("*.md")):
        try:
            catalogue.lessons[path.stem] = parse_lesson(path, _label(path))
        except LessonError as error:
            catalogue.broken[f"lesson:{path.stem}"] = error.problems
        except Exception as error:  # a loader bug must not take every other lesson down
            catalogue.broken[f"lesson:{path.stem}"] = [_crash(path, error)]
        if path.stem not in catalogue.lessons:
            broken_lessons[path.stem] = _label(path)
    for path in sorted(Path(quizzes_dir).glob("*.toml")):
        try:
            catalogue.quizzes[path.stem] = parse_quiz(
                path, catalogue.lessons, _label(path), _label(Path(lessons_dir)), broken_lessons
            )
        except QuizError as error:
            catalogue.broken[f"quiz:{path.stem}"] = error.problems
        except Exception as error:  # a loader bug must not take every other quiz down
            catalogue.broken[f"quiz:{path.stem}"] = [_crash(path, error)]
    return catalogue


def _crash(path: Path, error: Exception) -> Problem:
    return Problem(
        _label(path), 1, f"the file could not be loaded ({type(error).__name__}: {error})"
    )


def _fingerprint(folders: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    entries = []
    for folder in folders:
        try:
            with os.scandir(folder) as found:
                for entry in found:
                    if entry.name.endswith((".md", ".toml")):
                        stat = entry.stat()
                        entries.append((entry.path, stat.st_mtime_ns, stat.st_size))
        except FileNotFoundError:
            continue
    return tuple(sorted(entries))


class Library:
    """Holds the current catalogue; re-reads the folders at most every `interval` seconds."""

    def __init__(self, lessons_dir: Path, quizzes_dir: Path, interval: float = 2.0):
        self.folders = (Path(lessons_dir), Path(quizzes_dir))
        self.interval = interval
        self._lock = threading.Lock()
        self._checked = 0.0
        self._fingerprint = _fingerprint(self.folders)
        self._catalogue = load_catalogue(*self.folders)

    def current(self) -> Catalogue:
        now = time.monotonic()
        if now - self._checked < self.interval:
            return self._catalogue
        with self._lock:
            if now - self._checked >= self.interval:
                fingerprint = _fingerprint(self.folders)
                if fingerprint != self._fingerprint:
                    self._catalogue = load_catalogue(*self.folders)
                    self._fingerprint = fingerprint
                self._checked = time.monotonic()
        return self._catalogue
