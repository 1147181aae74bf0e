"""The grading queue: written answers one at a time, the rubric beside them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from classroom.auth import current_teacher, teacher_required
from classroom.db import get_db
from classroom.errors import error_page
from classroom.forms import ActionForm
from classroom.library import quiz_at_version
from classroom.numbers import whole_number
from classroom.store import grading as grading_store
from classroom.teacher import bp
from classroom.teacher.common import owned_class


@bp.get("/classes/<int:class_id>/grading")
@teacher_required
def grading(class_id: int):
    """The next answer waiting: the oldest, or the next after the one just graded or
    skipped (?after_attempt=…&after_question=…), going round to the start at the end."""
    klass = owned_class(class_id)
    db = get_db()
    attempt, question = request.args.get("after_attempt"), request.args.get("after_question")
    after = None
    if attempt is not None or question is not None:
        attempt_id = whole_number(attempt)
        if attempt_id is None or not question:
            return error_page(
                400, "after_attempt must be an attempt's number and after_question a question."
            )
        found = grading_store.response_in_class(db, class_id, attempt_id, question)
        if found is None or found["submitted_at"] is None:
            abort(404)
        after = grading_store.place(found)
    waiting, wrapped = grading_store.next_waiting(db, class_id, after)
    if waiting is None:
        return render_template("teacher/grading.html", klass=klass, response=None, left=0)
    return _grading_page(
        klass, waiting, grading_store.count_waiting(db, class_id), went_round=wrapped
    )


@bp.get("/classes/<int:class_id>/grading/<int:attempt_id>/<question_id>")
@teacher_required
def grade_one(class_id: int, attempt_id: int, question_id: str):
    """Grade (or regrade) one particular answer."""
    klass = owned_class(class_id)
    found = grading_store.response_in_class(get_db(), class_id, attempt_id, question_id)
    if found is None or found["submitted_at"] is None:
        abort(404)
    return _grading_page(klass, found, grading_store.count_waiting(get_db(), class_id))


def _grading_page(
    klass: dict,
    response: dict,
    left: int,
    status: int = 200,
    error: str | None = None,
    went_round: bool = False,
):
    quiz = quiz_at_version(get_db(), response["quiz_slug"], response["quiz_version"])
    question = quiz.question(response["question_id"]) if quiz else None
    if question is None or not hasattr(question, "rubric"):
        abort(404)
    return render_template(
        "teacher/grading.html",
        klass=klass,
        response=response,
        quiz=quiz,
        question=question,
        left=left,
        form=ActionForm(),
        error=error,
        went_round=went_round,
    ), status


@bp.post("/classes/<int:class_id>/grading/<int:attempt_id>/<question_id>")
@teacher_required
def save_grade(class_id: int, attempt_id: int, question_id: str):
    klass = owned_class(class_id)
    db = get_db()
    found = grading_store.response_in_class(db, class_id, attempt_id, question_id)
    if found is None or found["submitted_at"] is None:
        abort(404)
    quiz = quiz_at_version(db, found["quiz_slug"], found["quiz_version"])
    question = quiz.question(question_id) if quiz else None
    if question is None or not hasattr(question, "rubric"):
        abort(404)
    level = request.form.get("level", "")
    levels = {str(level_.level) for level_ in question.rubric}
    comment = request.form.get("comment", "").strip()
    if level not in levels or len(comment) > 2000:
        error = (
            "Choose one of the rubric levels."
            if level not in levels
            else "Keep the comment under 2,000 characters."
        )
        return _grading_page(klass, found, grading_store.count_waiting(db, class_id), 400, error)
    from classroom.questions.text import rubric_score

    grading_store.record_grade(
        db,
        attempt_id,
        question_id,
        int(level),
        rubric_score(question, int(level)),
        comment,
        current_teacher()["id"],
    )
    flash(f"Graded {found['display_name']}’s answer.", "success")
    # On to the next one after it: answers skipped earlier come round again at the end.
    return redirect(
        url_for(
            "teacher.grading",
            class_id=class_id,
            after_attempt=attempt_id,
            after_question=question_id,
        )
    )
