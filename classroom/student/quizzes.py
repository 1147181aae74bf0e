"""Taking a quiz: the page, autosave, submit once, results and retakes."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import generate_csrf

from classroom import csrf, grading
from classroom.access import QuizAccess, access_from, quiz_access
from classroom.answers import (
    SUBMIT,
    SUBMIT_UNANSWERED,
    as_form_values,
    by_number,
    number_of,
    read_question,
    read_quiz,
    unanswered,
)
from classroom.db import get_db
from classroom.errors import error_page
from classroom.forms import ActionForm
from classroom.fragments import once_per_version, reviewed_question
from classroom.library import catalogue, quiz_at_version
from classroom.numbers import whole_number
from classroom.questions import InvalidAnswer
from classroom.sessions import csrf_ok
from classroom.store import attempts as attempt_store
from classroom.student import bp
from classroom.student.account import broken_content_page
from classroom.student.common import current_student, student_required


def _quiz_or_404(slug: str):
    cat = catalogue()
    quiz = cat.quizzes.get(slug)
    if quiz is None:
        if cat.problems_for("quiz", slug):
            return None, broken_content_page("quiz", cat.problems_for("quiz", slug))
        abort(404)
    return quiz, None


@bp.get("/quizzes/<slug>")
@student_required
def quiz(slug: str):
    current, broken = _quiz_or_404(slug)
    if broken:
        return broken
    db = get_db()
    student = current_student()
    access = quiz_access(db, student, current)
    latest = attempt_store.latest_attempt(db, student["id"], slug)
    if not access.assigned:
        abort(404)
    if latest is not None and latest["submitted_at"] is not None:
        return redirect(url_for("student.results", slug=slug, attempt_id=latest["id"]))
    if not access.open:
        return _not_open(current, access, started=latest is not None)
    attempt = latest or attempt_store.open_or_start(db, student["id"], current)
    note = session.pop("question_note", None)  # set by a check with nothing to check
    note = (note[1], note[2]) if note and note[0] == attempt["id"] else None
    saved_note = session.pop("saved_note", None)  # set by "Save answers"
    saved_note = saved_note[1] if saved_note and saved_note[0] == attempt["id"] else None
    blank = session.pop("unanswered", None)  # set by a submit with questions left blank
    blank = blank[1:] if blank and blank[0] == attempt["id"] else ([], 0)
    return _render_quiz(
        attempt,
        attempt_store.answers(db, attempt["id"]),
        access,
        note=note,
        saved_note=saved_note,
        blank=blank,
    )


def _not_open(quiz: Any, access: QuizAccess, started: bool = True):
    """Why the quiz cannot be taken now; `started`: the student has an attempt at it."""
    page = render_template("student/not_open.html", quiz=quiz, access=access, started=started)
    return page, 403


def _attempt_quiz(slug: str, attempt_id: int):
    """The student's own attempt, the quiz version it was taken on, and the access rules."""
    db = get_db()
    found = attempt_store.attempt_with_assignment(db, attempt_id, current_student()["id"])
    if found is None or found[0]["quiz_slug"] != slug:
        abort(404)
    attempt, assignment = found
    quiz_version = quiz_at_version(db, slug, attempt["quiz_version"])
    if quiz_version is None:
        abort(404)
    access = access_from(assignment, catalogue().quizzes.get(slug) or quiz_version)
    if not access.assigned:
        abort(404)
    return attempt, quiz_version, access


def _render_quiz(
    attempt: dict,
    saved: dict,
    access: QuizAccess,
    status: int = 200,
    errors: list[str] = (),
    note: tuple[str, str] | None = None,
    saved_note: str | None = None,
    blank: tuple[list[int], int] = ([], 0),
):
    """The quiz form; `note` is (question id, what to say under that question), and
    `saved_note` what a save says beside the buttons, where the page opens again; `blank`
    the numbers of the blank questions a submit asks about (the first few), and how many."""
    quiz_version = quiz_at_version(get_db(), attempt["quiz_slug"], attempt["quiz_version"])
    lesson = catalogue().lessons.get(quiz_version.lesson)
    reread = once_per_version("student/_reading.html", lesson, lesson=lesson) if lesson else ""
    checked = {}
    if access.feedback == "after_each":
        # Answers already checked show their feedback in place of their inputs.
        final = {qid: row for qid, row in saved.items() if row.get("checked_at")}
        checked = {
            o.question.id: o for o in grading.outcomes(quiz_version, final, live=True) if o.answered
        }
    # Unanswered questions look the same for everyone; after a refused post the page
    # must show what was posted instead, so nothing is taken from the cache then.
    blank_questions = {
        q.id: once_per_version(
            "student/_question.html",
            q,
            (number, access.feedback),
            q=q,
            number=number,
            mine=None,
            checked={},
            access=access,
        )
        for number, q in enumerate(quiz_version.questions, 1)
        if q.id not in saved
        and q.id not in checked
        and not errors
        and not (note and note[0] == q.id)
    }
    return render_template(
        "student/quiz.html",
        quiz=quiz_version,
        attempt=attempt,
        saved=saved,
        lesson=lesson,
        form=ActionForm(),
        errors=errors,
        access=access,
        checked=checked,
        reread=reread,
        blank_questions=blank_questions,
        note=note,
        saved_note=saved_note,
        unanswered=blank[0],
        unanswered_count=blank[1],
        submit_unanswered=SUBMIT_UNANSWERED,
        question_errors={e.question_id: e for e in errors if hasattr(e, "question_id")},
    ), status


TOKEN_EXPIRED = (
    "Your page was open so long that its security token expired, so nothing was "
    "saved yet. Your answers are still selected below: press “Save answers” or "
    "“Submit answers” again."
)


@bp.post("/quizzes/<slug>/attempts/<int:attempt_id>")
@csrf.exempt  # checked below, so that an expired token does not lose the answers
@student_required
def save_or_submit(slug: str, attempt_id: int):
    attempt, quiz_version, access = _attempt_quiz(slug, attempt_id)
    if attempt["submitted_at"] is not None:
        # A resent or double-clicked submit: the attempt already has its one score.
        return redirect(url_for("student.results", slug=slug, attempt_id=attempt_id))
    if not access.open:
        return _not_open(quiz_version, access)
    db = get_db()
    posted, errors = read_quiz(quiz_version, request.form)
    action = request.form.get("action", "save")
    submitting = action in (SUBMIT, SUBMIT_UNANSWERED)
    # What was saved before is needed to leave checked answers out, to show the page
    # again, or to count a save's answers; a valid submit does without the read.
    token_ok = csrf_ok(request.form.get("csrf_token"))
    one_by_one = access.feedback == "after_each"
    needs_saved = one_by_one or errors or not token_ok or not submitting
    saved = attempt_store.answers(db, attempt_id) if needs_saved else {}
    if one_by_one:
        # An answer whose feedback was shown is final; the others may still change.
        posted = {qid: v for qid, v in posted.items() if not _is_checked(saved.get(qid))}
    if not token_ok:
        shown = {**saved, **as_form_values(posted)}
        return _render_quiz(attempt, shown, access, 400, [*errors, TOKEN_EXPIRED])
    student_id = current_student()["id"]
    blank = unanswered(quiz_version, posted) if submitting and not errors else []
    if blank and action == SUBMIT:
        # A quiz is submitted once, so a question left blank by mistake would cost the
        # attempt: the answers are saved, and the student is asked first.
        attempt_store.save_answers(db, attempt_id, student_id, posted, keep_checked=one_by_one)
        # The first few are named, and the rest counted: the session is a cookie.
        session["unanswered"] = [attempt_id, blank[:NAMED_BLANKS], len(blank)]
        # No #submit here: a browser skips autofocus on a page opened at an anchor, and the
        # notice, focused, is scrolled into view and read out.
        return redirect(url_for("student.quiz", slug=slug))
    if submitting and not errors:
        attempt_store.submit(
            db,
            attempt_id,
            student_id,
            posted,
            lambda answers: grading.grade_answers(quiz_version, answers),
            # Unless checked answers were left out above, the form had them all.
            every_question=len(posted) == len(quiz_version.questions),
        )
        return redirect(url_for("student.results", slug=slug, attempt_id=attempt_id))
    # One answer that needs fixing never costs the student the others.
    if one_by_one and action.startswith("check:"):
        _check(quiz_version, attempt_id, posted, saved, action[6:])
        if not errors:
            return redirect(url_for("student.quiz", slug=slug, _anchor=f"question-{action[6:]}"))
    else:
        attempt_store.save_answers(db, attempt_id, student_id, posted, keep_checked=one_by_one)
    if errors:
        return _fix_and_resend(attempt, access, action, errors)
    kept = saved.keys() - posted.keys()  # answers the form did not carry stay as they were
    answered = len(kept) + sum(1 for answer, _ in posted.values() if answer is not None)
    # Said beside the buttons, where the page opens again: a message at the top of the
    # page would be out of sight.
    saved_note = f"Saved: {answered} of {len(quiz_version.questions)} questions answered."
    session["saved_note"] = [attempt_id, saved_note]
    return redirect(url_for("student.quiz", slug=slug, _anchor="submit"))


NAMED_BLANKS = 20  # questions left blank that the notice links to; the rest it counts


def _is_checked(row: dict | None) -> bool:
    return row is not None and row.get("checked_at") is not None


def _check(quiz_version: Any, attempt_id: int, posted: dict, saved: dict, question_id: str):
    """Save the answers posted, none of them final, then make one final: its feedback
    is shown from now on. Says so when that question has no answer to check."""
    student_id = current_student()["id"]
    if attempt_store.check_answer(get_db(), attempt_id, student_id, posted, question_id):
        return
    question = quiz_version.question(question_id)
    if question is not None and not _is_checked(saved.get(question_id)):
        # Said under the question, where the page opens again: a message at the top of
        # the page would be out of sight, and the button would seem to do nothing.
        session["question_note"] = [attempt_id, question_id, "No answer to check yet."]


def _fix_and_resend(attempt: dict, access: QuizAccess, action: str, errors: list[str]):
    """The page again, with what needs fixing; the valid answers are saved already."""
    which = "the question" if len(errors) == 1 else "the questions"
    if action in (SUBMIT, SUBMIT_UNANSWERED):
        next_step = (
            f"Nothing was submitted yet. Your other answers are saved: fix {which} "
            "named above, then press “Submit answers” again."
        )
    else:
        next_step = f"Your other answers are saved. Fix {which} named above, then save again."
    saved = attempt_store.answers(get_db(), attempt["id"])
    return _render_quiz(attempt, saved, access, 400, [*errors, next_step])


@bp.post("/quizzes/<slug>/attempts/<int:attempt_id>/answers")
@csrf.exempt  # checked below, to answer in JSON with a fresh token
@student_required
def autosave(slug: str, attempt_id: int):
    """Save one question's answer as it is chosen (posted by quiz.js)."""
    if not csrf_ok(request.form.get("csrf_token") or request.headers.get("X-CSRFToken")):
        return jsonify(error="The page's security token expired.", csrf_token=generate_csrf()), 400
    attempt, quiz_version, access = _attempt_quiz(slug, attempt_id)
    if not access.open:
        return jsonify(error="This quiz is closed."), 403
    question = quiz_version.question(request.form.get("question", ""))
    if question is None:
        return jsonify(error="This quiz has no such question."), 400
    one_by_one = access.feedback == "after_each"
    if one_by_one and _is_checked(attempt_store.answers(get_db(), attempt_id).get(question.id)):
        return jsonify(error="You checked this answer, so it is final."), 409
    try:
        posted = {question.id: read_question(question, request.form)}
    except InvalidAnswer as error:
        return jsonify(error=by_number(error, question, number_of(quiz_version, question))), 400
    if not attempt_store.save_answers(
        get_db(), attempt_id, current_student()["id"], posted, keep_checked=one_by_one
    ):
        return jsonify(
            error="This attempt is already submitted, perhaps from another tab: "
            "your results are under “My quizzes”."
        ), 409
    # An incomplete answer (an order with positions missing) saves as no answer yet.
    return jsonify(saved=True, question=question.id, answered=posted[question.id][0] is not None)


@bp.get("/quizzes/<slug>/attempts/<int:attempt_id>/results")
@student_required
def results(slug: str, attempt_id: int):
    attempt, quiz_version, access = _attempt_quiz(slug, attempt_id)
    if attempt["submitted_at"] is None:
        return redirect(url_for("student.quiz", slug=slug))
    db = get_db()
    outcomes = grading.outcomes(quiz_version, attempt_store.answers(db, attempt_id))
    latest = attempt_store.latest_attempt(db, attempt["student_id"], slug)
    left = access.attempts_left(latest["number"])
    can_retake = (
        access.open and slug in catalogue().quizzes and latest["id"] == attempt["id"] and left != 0
    )
    return render_template(
        "student/results.html",
        quiz=quiz_version,
        attempt=attempt,
        reviews=[
            reviewed_question(outcome, number, access.show_key)
            for number, outcome in enumerate(outcomes, 1)
        ],
        lesson=catalogue().lessons.get(quiz_version.lesson),
        form=ActionForm(),
        can_retake=can_retake,
        attempts_left=left,
        show_key=access.show_key,
        access=access,
        history=attempt_store.attempts_for(db, attempt["student_id"], slug),
    )


@bp.post("/quizzes/<slug>/retake")
@student_required
def retake(slug: str):
    current, broken = _quiz_or_404(slug)
    if broken:
        return broken
    access = quiz_access(get_db(), current_student(), current)
    if not access.assigned:
        abort(404)
    if not access.open:
        return _not_open(current, access)
    after = whole_number(request.form.get("after"))
    if after is None:
        return error_page(400, "The retake form is missing which attempt it follows.")
    started = attempt_store.start_retake(
        get_db(), current_student()["id"], current, after, access.attempts_allowed
    )
    if started is None:
        flash("You have used every attempt this quiz allows.", "info")
    return redirect(url_for("student.quiz", slug=slug))
