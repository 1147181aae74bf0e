"""What the teacher views share: the owned-class guard and the teacher's context."""

from __future__ import annotations

from typing import Any

from flask import abort

from classroom.auth import current_teacher
from classroom.db import get_db
from classroom.store import classes as class_store
from classroom.store import students as student_store


def owned_class(class_id: int) -> dict[str, Any]:
    """The class if the logged-in teacher owns it; a 404 otherwise (never a hint it exists)."""
    found = class_store.class_for_teacher(get_db(), class_id, current_teacher()["id"])
    if found is None:
        abort(404)
    return found


def owned_student(class_id: int, student_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    klass = owned_class(class_id)
    student = student_store.get_student(get_db(), student_id)
    if student is None or student["class_id"] != klass["id"]:
        abort(404)
    return klass, student
