"""Question types: each one's file schema, form reading and scoring in one module."""

from classroom.questions.base import (
    InvalidAnswer,
    ParseContext,
    Question,
    QuestionType,
    question_type,
    registered_types,
)

__all__ = [
    "InvalidAnswer",
    "ParseContext",
    "Question",
    "QuestionType",
    "question_type",
    "registered_types",
]

# Importing the type modules registers them.
from classroom.questions import (
    choice,  # noqa: E402,F401
    evidence,  # noqa: E402,F401
    match,  # noqa: E402,F401
    order,  # noqa: E402,F401
    text,  # noqa: E402,F401
)
