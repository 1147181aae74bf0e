"""Students: join a class, read the lesson, take quizzes, see results."""

from flask import Blueprint

bp = Blueprint("student", __name__)

# The views register themselves on bp when imported.
from classroom.student import account, quizzes  # noqa: E402,F401
