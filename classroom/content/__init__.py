"""Lessons and quizzes: files in, frozen dataclasses out. No Flask here."""

from classroom.content.library import Catalogue, Library, load_catalogue
from classroom.content.model import (
    GlossaryEntry,
    Lesson,
    Paragraph,
    Problem,
    Quiz,
    Sentence,
)

__all__ = [
    "Catalogue",
    "GlossaryEntry",
    "Lesson",
    "Library",
    "Paragraph",
    "Problem",
    "Quiz",
    "Sentence",
    "load_catalogue",
]
