"""Teachers: accounts, classes, assignments and the review of results."""

from flask import Blueprint

bp = Blueprint("teacher", __name__, url_prefix="/teacher")

# The views register themselves on bp when imported.
from classroom.teacher import account, classes, grading, review  # noqa: E402,F401
