"""What the student views share: who the student is, and the join-code throttle."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from flask import (
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from classroom.auth import address_key
from classroom.db import get_db
from classroom.forms import JoinForm, ResumeForm
from classroom.library import catalogue
from classroom.store import students as student_store
from classroom.store import throttle
from classroom.student import bp

CODE_FAILURES_PER_MINUTE = 10  # wrong join or resume codes from one address
# Joining again would make a new student without the answers: the resume code leads back.
SIGNED_OUT = (
    "You are signed out. In a new tab, come back with your resume code (your teacher can "
    "give you a new one), then choose this answer again."
)


def current_student() -> dict[str, Any] | None:
    if "student" not in g:
        student_id = session.get("student_id")
        found = student_store.get_student(get_db(), student_id) if student_id else None
        if found is not None and not signed_in_now(found, session):
            found = None  # a new resume code was made since: sign in with that one
        if found is not None and found["archived_at"] is not None:
            g.archived_class = found["class_name"]  # to say why they are let go
            found = None
        g.student = found
    return g.student


def signed_in_now(student: dict[str, Any], data: Mapping[str, Any]) -> bool:
    """Whether a session's sign-in still holds: none made before the student's resume
    code was last replaced does (a session from before versions counts as 0)."""
    return data.get("student_version", 0) == student["session_version"]


def archived_message(class_name: str) -> str:
    return (
        f"Your teacher has archived the class “{class_name}”: its quizzes are closed. "
        "If you are in another class now, join it with its code."
    )


def student_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(**kwargs: Any):
        if current_student() is None:
            if request.method == "POST" and request.path.endswith("/answers"):
                archived = g.get("archived_class")
                message = archived_message(archived) if archived else None
                return jsonify(error=message or SIGNED_OUT), 401
            if not g.get("archived_class"):  # the join page says why, for an archived class
                flash("Join your class (or use your resume code) to take quizzes.", "info")
            return redirect(url_for("student.home"))
        return view(**kwargs)

    return wrapped


@bp.app_context_processor
def inject_student() -> dict[str, Any]:
    return {"student": current_student() if "student_id" in session else None}


def code_guessing_blocked(db) -> bool:
    return throttle.is_blocked(db, address_key("codes"), CODE_FAILURES_PER_MINUTE, 60)


def record_code_failure(db) -> None:
    throttle.record_failure(db, address_key("codes"), 60)


def too_many_guesses(form: JoinForm, resume_form: ResumeForm):
    message = (
        "Too many wrong codes from this network in the last minute. Wait a minute, "
        "then check the code with your teacher and try again."
    )
    return render_template(
        "student/join.html",
        form=form,
        resume_form=resume_form,
        catalogue=catalogue(),
        blocked=message,
    ), 429
