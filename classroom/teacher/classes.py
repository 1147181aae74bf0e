"""Classes: create, rename, archive, the join code, the roster, assignments, students."""

from __future__ import annotations

import datetime
import json

from flask import Response, abort, flash, redirect, render_template, request, session, url_for

from classroom import clock
from classroom.auth import current_teacher, teacher_required
from classroom.content import Quiz
from classroom.db import get_db
from classroom.forms import ActionForm, AssignmentForm, ClassForm
from classroom.library import catalogue
from classroom.store import assignments as assignment_store
from classroom.store import classes as class_store
from classroom.store import privacy
from classroom.store import students as student_store
from classroom.teacher import bp
from classroom.teacher.common import owned_class, owned_student


@bp.post("/classes")
@teacher_required
def create_class():
    form = ClassForm()
    db = get_db()
    if not form.validate():
        return render_template(
            "teacher/dashboard.html",
            form=form,
            action_form=ActionForm(),
            classes=class_store.classes_for_teacher(db, current_teacher()["id"]),
        ), 400
    created = class_store.create_class(db, form.name.data.strip(), current_teacher()["id"])
    flash(f"Class “{created['name']}” created. Choose its quizzes below.", "success")
    return redirect(url_for("teacher.assignments", class_id=created["id"]))


@bp.get("/classes/<int:class_id>")
@teacher_required
def class_page(class_id: int):
    klass = owned_class(class_id)
    db = get_db()
    cat = catalogue()
    assigned = assignment_store.assignments_for_class(db, class_id)
    return render_template(
        "teacher/class.html",
        klass=klass,
        roster=class_store.roster(db, class_id),
        assigned=[(cat.quizzes.get(slug), row) for slug, row in assigned.items()],
        rename_form=ClassForm(formdata=None, name=klass["name"]),
        action_form=ActionForm(),
        now=clock.stamp(),
    )


@bp.post("/classes/<int:class_id>/rename")
@teacher_required
def rename_class(class_id: int):
    klass = owned_class(class_id)
    form = ClassForm()
    if not form.validate():
        flash("; ".join(form.name.errors), "error")
        return redirect(url_for("teacher.class_page", class_id=klass["id"])), 303
    class_store.rename_class(get_db(), class_id, form.name.data.strip())
    flash("Class renamed.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/archive")
@teacher_required
def archive_class(class_id: int):
    klass = owned_class(class_id)
    if not ActionForm().validate():
        abort(400)
    archive = klass["archived_at"] is None
    class_store.set_archived(get_db(), class_id, archive)
    flash(
        "Class archived: students can no longer join or take its quizzes; its results stay."
        if archive
        else "Class reopened.",
        "success",
    )
    return redirect(url_for("teacher.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/rotate-code")
@teacher_required
def rotate_code(class_id: int):
    owned_class(class_id)
    if not ActionForm().validate():
        abort(400)
    class_store.rotate_join_code(get_db(), class_id)
    flash(
        "New join code made; the old one no longer works. Students already in the class "
        "are not affected.",
        "success",
    )
    return redirect(url_for("teacher.class_page", class_id=class_id))


@bp.get("/classes/<int:class_id>/code")
@teacher_required
def projector(class_id: int):
    klass = owned_class(class_id)
    return render_template(
        "teacher/projector.html", klass=klass, join_url=url_for("student.home", _external=True)
    )


@bp.route("/classes/<int:class_id>/assignments", methods=["GET", "POST"])
@teacher_required
def assignments(class_id: int):
    klass = owned_class(class_id)
    db = get_db()
    quizzes = sorted(catalogue().quizzes.values(), key=lambda q: (q.lesson, q.slug))
    current = assignment_store.assignments_for_class(db, class_id)
    forms = {
        q.slug: AssignmentForm(prefix=q.slug, formdata=None, data=_form_data(current.get(q.slug)))
        for q in quizzes
    }
    status = 200
    if request.method == "POST":
        slug = request.form.get("quiz", "")
        if slug not in forms:
            abort(400, "Choose one of the quizzes on this page.")
        form = forms[slug] = AssignmentForm(prefix=slug)
        if form.validate():
            _save_assignment(db, class_id, slug, form)
            # Said beside the quiz's form, where the page opens again, not at its top.
            message = _saved_message(catalogue().quizzes[slug], form, was_given=slug in current)
            session["assignment_saved"] = [slug, message]
            return redirect(
                url_for("teacher.assignments", class_id=class_id, _anchor=f"quiz-{slug}")
            )
        status = 400
    saved = session.pop("assignment_saved", None) if request.method == "GET" else None
    return render_template(
        "teacher/assignments.html",
        klass=klass,
        quizzes=quizzes,
        forms=forms,
        current=current,
        lessons=catalogue().lessons,
        saved=saved,
        # Given to the class, but its file has gone or has mistakes: no form until fixed.
        not_served=sorted(set(current) - set(forms)),
    ), status


def _form_data(row: dict | None) -> dict:
    if row is None:
        return {"assigned": False}

    def local(value: str | None) -> datetime.datetime | None:
        parsed = clock.parse(value)
        return parsed.replace(tzinfo=None) if parsed else None

    return {
        "assigned": True,
        "opens_at": local(row["opens_at"]),
        "closes_at": local(row["closes_at"]),
        "attempts": row["attempts_allowed"],
        "feedback": row["feedback"] or "",
        "role": row["role"] or "",
    }


def _saved_message(quiz: Quiz, form: AssignmentForm, was_given: bool) -> str:
    """What the save did, in words: a settings change without the tick gives nothing."""
    title = quiz.title
    if form.assigned.data:
        feedback = form.feedback.data or quiz.feedback
        attempts = quiz.attempts if form.attempts.data is None else form.attempts.data
        if feedback == "after_close" and attempts != 1:
            # The total shows before the close: with a retake, one changed answer at a
            # time tells a student which were right.
            return (
                f"Saved. “{title}” is given to the class. With more than one attempt, "
                "students can work out the answers from their totals before it closes: "
                "allow one attempt if it is a test."
            )
        return f"Saved. “{title}” is given to the class."
    if was_given:
        return f"Saved. “{title}” is no longer given to the class; its results stay."
    settings = (form.opens_at, form.closes_at, form.attempts, form.feedback, form.role)
    if any(field.data not in (None, "") for field in settings):
        return (
            f"Saved. “{title}” is not given to the class, so its settings were not kept: "
            "tick “Assigned to this class” to give it."
        )
    return f"Saved. “{title}” is not given to the class."


def _save_assignment(db, class_id: int, slug: str, form: AssignmentForm) -> None:
    if not form.assigned.data:
        assignment_store.unassign(db, class_id, slug)
        return

    def stamp(value: datetime.datetime | None) -> str | None:
        return clock.stamp(value.replace(tzinfo=datetime.UTC)) if value else None

    lesson = catalogue().quizzes[slug].lesson
    assignment_store.assign(
        db,
        class_id,
        slug,
        opens_at=stamp(form.opens_at.data),
        closes_at=stamp(form.closes_at.data),
        attempts_allowed=form.attempts.data,
        feedback=form.feedback.data or None,
        role=form.role.data or None,
        lesson_quizzes=[q.slug for q in catalogue().quizzes_for(lesson)],
    )


@bp.route("/classes/<int:class_id>/students/<int:student_id>/remove", methods=["GET", "POST"])
@teacher_required
def remove_student(class_id: int, student_id: int):
    klass, student = owned_student(class_id, student_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        privacy.delete_student(get_db(), student_id)
        flash(f"{student['display_name']} and all of their answers were removed.", "success")
        return redirect(url_for("teacher.class_page", class_id=class_id))
    counts = privacy.student_row_counts(get_db(), student_id)
    return render_template(
        "teacher/remove_student.html", klass=klass, student=student, form=form, counts=counts
    )


@bp.route("/classes/<int:class_id>/students/<int:student_id>/resume-code", methods=["GET", "POST"])
@teacher_required
def new_resume_code(class_id: int, student_id: int):
    """A student who lost their resume code gets a new one from their teacher."""
    klass, student = owned_student(class_id, student_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        code = student_store.replace_resume_code(get_db(), student_id)
        # Shown once, on the page the redirect leads to: a reload does not make another.
        session["shown_resume_code"] = [student_id, code]
        return redirect(
            url_for("teacher.new_resume_code", class_id=class_id, student_id=student_id)
        )
    shown = session.pop("shown_resume_code", None)
    code = shown[1] if shown and shown[0] == student_id else None
    return render_template(
        "teacher/resume_code.html", klass=klass, student=student, form=form, code=code
    )


@bp.get("/classes/<int:class_id>/students/<int:student_id>/export.json")
@teacher_required
def export_student(class_id: int, student_id: int):
    klass, student = owned_student(class_id, student_id)
    data = privacy.export_student(get_db(), student_id)
    name = f"student-{student_id}-{clock.now().date().isoformat()}.json"
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
