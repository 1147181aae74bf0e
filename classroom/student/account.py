"""Joining a class, coming back with a resume code, leaving, and the lesson."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    session,
    url_for,
)

from classroom import reports
from classroom.access import access_from
from classroom.db import get_db
from classroom.forms import ActionForm, JoinForm, ResumeForm
from classroom.fragments import once_per_version, page_around_nav
from classroom.library import catalogue, quiz_at_version
from classroom.store import assignments as assignment_store
from classroom.store import attempts as attempt_store
from classroom.store import classes as class_store
from classroom.store import reports as report_store
from classroom.store import students as student_store
from classroom.student import bp
from classroom.student.common import (
    archived_message,
    code_guessing_blocked,
    current_student,
    record_code_failure,
    student_required,
    too_many_guesses,
)


@bp.get("/")
def home():
    student = current_student()
    if student is None:
        archived = g.get("archived_class")
        return render_template(
            "student/join.html",
            form=JoinForm(),
            resume_form=ResumeForm(),
            catalogue=catalogue(),
            archived=archived_message(archived) if archived else None,
        )
    return _dashboard(student)


def _dashboard(student: dict[str, Any]):
    """The student's lessons with the quizzes their class was given, and their scores."""
    cat = catalogue()
    db = get_db()
    best = attempt_store.best_scores(db, student["id"])
    given = assignment_store.assignments_for_class(db, student["class_id"])
    lessons = []
    for lesson in cat.lessons.values():
        quizzes = [
            (quiz, access_from(given[quiz.slug], quiz))
            for quiz in cat.quizzes_for(lesson.slug)
            if quiz.slug in given
        ]
        # In the order they are taken: the pre-test first, the post-test last.
        quizzes.sort(key=lambda pair: {"pre": 0, "post": 2}.get(pair[1].role or "", 1))
        if quizzes:
            lessons.append((lesson, quizzes))
    # Given to the class but not served (a file gone or with mistakes): the teacher must
    # hear of it, rather than the student being told there is no quiz.
    unavailable = sum(
        1
        for slug in given
        if slug not in cat.quizzes or cat.quizzes[slug].lesson not in cat.lessons
    )
    skills = reports.mastery_matrix(
        [student],
        report_store.latest_responses_of_student(db, student["id"]),
        lambda slug, version: quiz_at_version(db, slug, version),
    )[student["id"]]
    return render_template(
        "student/dashboard.html",
        lessons=lessons,
        unavailable=unavailable,
        best=best,
        skills=skills,
        leave_form=ActionForm(),
    )


@bp.post("/join")
def join():
    form = JoinForm()
    resume_form = ResumeForm(formdata=None)
    if not form.validate():
        return render_template(
            "student/join.html", form=form, resume_form=resume_form, catalogue=catalogue()
        ), 400
    db = get_db()
    if code_guessing_blocked(db):
        return too_many_guesses(form, resume_form)
    found = class_store.class_by_code(db, form.code.data)
    if found is None:
        record_code_failure(db)
        form.code.errors.append("No open class has this code. Check it with your teacher.")
        return render_template(
            "student/join.html", form=form, resume_form=resume_form, catalogue=catalogue()
        ), 400
    student_id, resume_code = student_store.create_student(db, found["id"], form.name.data.strip())
    session.clear()
    session["student_id"] = student_id
    session["student_version"] = 0
    session["new_resume_code"] = resume_code
    return redirect(url_for("student.welcome"))


@bp.get("/welcome")
@student_required
def welcome():
    resume_code = session.pop("new_resume_code", None)
    if resume_code is None:
        return redirect(url_for("student.home"))
    return render_template("student/welcome.html", resume_code=resume_code)


@bp.post("/resume")
def resume():
    form = ResumeForm()
    join_form = JoinForm(formdata=None)
    found = None
    if form.validate():
        if code_guessing_blocked(get_db()):
            return too_many_guesses(join_form, form)
        found = student_store.student_by_resume_code(get_db(), form.resume_code.data)
        if found is None:
            record_code_failure(get_db())
            form.resume_code.errors.append(
                "This resume code does not match anyone in an open class. Check each character."
            )
    if found is None:
        return render_template(
            "student/join.html", form=join_form, resume_form=form, catalogue=catalogue()
        ), 400
    session.clear()
    session["student_id"] = found["id"]
    session["student_version"] = found["session_version"]
    flash(f"Welcome back, {found['display_name']}.", "success")
    return redirect(url_for("student.home"))


@bp.post("/leave")
def leave():
    form = ActionForm()
    if form.validate():
        session.clear()
        flash("You have left this computer. Use your resume code to come back.", "success")
    return redirect(url_for("student.home"))


@bp.get("/lessons/<slug>")
def lesson(slug: str):
    cat = catalogue()
    found = cat.lessons.get(slug)
    if found is None:
        problems = cat.problems_for("lesson", slug)
        if problems:
            return broken_content_page("lesson", problems)
        abort(404)
    student = current_student()
    quizzes = cat.quizzes_for(slug)
    if student is not None:
        # A student is offered only the quizzes their class was given.
        quizzes = [q for q in quizzes if q.slug in student["assigned_quizzes"]]
    body = once_per_version("student/_lesson_body.html", found, lesson=found)
    linked = student is not None
    return page_around_nav(
        "student/lesson.html",
        cat,
        (slug, linked, *(quiz.slug for quiz in quizzes)),
        ("student", student["display_name"], student["class_name"]) if linked else ("visitor",),
        lesson=found,
        quizzes=quizzes,
        linked=linked,
        body=body,
    )


def broken_content_page(kind: str, problems: list) -> Any:
    """A lesson or quiz whose file has mistakes: say so, and what to fix; the rest serves."""
    return render_template("broken.html", kind=kind, problems=problems), 503
