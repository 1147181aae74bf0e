"""Review: the gradebook, any attempt, quiz reports, mastery, learning gain, exports."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, render_template

from classroom import clock, exports, grading, report_cache, reports
from classroom.auth import teacher_required
from classroom.content import Quiz
from classroom.db import get_db
from classroom.library import catalogue, quiz_at_version, quiz_for_review
from classroom.store import assignments as assignment_store
from classroom.store import attempts as attempt_store
from classroom.store import reports as report_store
from classroom.teacher import bp
from classroom.teacher.common import owned_class


def _class_quizzes(class_id: int) -> tuple[list[Quiz], list[Quiz]]:
    """The quizzes a class was assigned, plus any it has attempts at from before; and
    those of them that are not being served (their file has gone or has mistakes)."""
    db = get_db()
    slugs = set(assignment_store.assignments_for_class(db, class_id))
    slugs |= report_store.submitted_quiz_slugs(db, class_id)
    found = [pair for pair in (quiz_for_review(db, slug) for slug in slugs) if pair]
    quizzes = sorted((quiz for quiz, _ in found), key=lambda q: (q.lesson, q.slug))
    return quizzes, [quiz for quiz, live in found if not live]


@bp.get("/classes/<int:class_id>/gradebook")
@teacher_required
def gradebook(class_id: int):
    klass = owned_class(class_id)
    db = get_db()
    quizzes, not_served = _class_quizzes(class_id)

    def render() -> str:
        students = report_store.students_of(db, class_id)
        book = reports.gradebook(students, quizzes, report_store.submitted_attempts(db, class_id))
        return render_template(
            "teacher/_gradebook_body.html",
            klass=klass,
            quizzes=quizzes,
            students=students,
            book=book,
        )

    key = (
        "gradebook",
        class_id,
        _fingerprint(class_id),
        tuple((q.slug, q.version) for q in quizzes),
    )
    return render_template(
        "teacher/gradebook.html",
        klass=klass,
        body=report_cache.cached(key, render),
        not_served=not_served,
    )


def _fingerprint(class_id: int) -> tuple:
    """What a cached report of this class depends on (the database too: tests run many)."""
    return (current_app.config["DATABASE"], *report_store.class_fingerprint(get_db(), class_id))


@bp.get("/classes/<int:class_id>/attempts/<int:attempt_id>")
@teacher_required
def attempt(class_id: int, attempt_id: int):
    klass = owned_class(class_id)
    db = get_db()
    found = report_store.attempt_in_class(db, attempt_id, class_id)
    if found is None:
        abort(404)
    quiz = quiz_at_version(db, found["quiz_slug"], found["quiz_version"])
    if quiz is None:
        abort(404)
    responses = attempt_store.answers(db, attempt_id)
    live = found["submitted_at"] is None
    return render_template(
        "teacher/attempt.html",
        klass=klass,
        attempt=found,
        quiz=quiz,
        outcomes=grading.outcomes(quiz, responses, live=live),
        responses=responses,
        lesson=catalogue().lessons.get(quiz.lesson),
        whose="Student’s",
        # Every attempt of this student at this quiz, to move between them.
        attempts=attempt_store.attempts_for(db, found["student_id"], found["quiz_slug"]),
    )


@bp.get("/classes/<int:class_id>/quizzes/<slug>/report")
@teacher_required
def quiz_report(class_id: int, slug: str):
    klass = owned_class(class_id)
    found = quiz_for_review(get_db(), slug)
    if found is None:
        abort(404)
    quiz, live = found
    lesson = catalogue().lessons.get(quiz.lesson)

    def render() -> str:
        rows = report_store.first_attempt_responses(get_db(), class_id, slug)
        return render_template(
            "teacher/_quiz_report_body.html",
            klass=klass,
            quiz=quiz,
            lesson=lesson,
            report=reports.quiz_report(quiz, rows),
            confusions=reports.technique_confusions(quiz, rows),
            misleading=reports.misleading_sentences(quiz, lesson, rows),
        )

    key = ("quiz", class_id, slug, quiz.version, id(lesson), _fingerprint(class_id))
    return render_template(
        "teacher/quiz_report.html",
        klass=klass,
        quiz=quiz,
        body=report_cache.cached(key, render),
        not_served=[] if live else [quiz],
    )


@bp.get("/classes/<int:class_id>/mastery")
@teacher_required
def mastery(class_id: int):
    klass = owned_class(class_id)
    db = get_db()

    def render() -> str:
        students = report_store.students_of(db, class_id)
        matrix = reports.mastery_matrix(
            students,
            report_store.latest_responses(db, class_id),
            lambda slug, version: quiz_at_version(db, slug, version),
        )
        return render_template(
            "teacher/_mastery_body.html", klass=klass, students=students, matrix=matrix
        )

    # Mastery reads each attempt against its own stored quiz version, which never changes.
    key = ("mastery", class_id, _fingerprint(class_id))
    return render_template(
        "teacher/mastery.html", klass=klass, body=report_cache.cached(key, render)
    )


@bp.get("/classes/<int:class_id>/gain")
@teacher_required
def gain(class_id: int):
    klass = owned_class(class_id)
    db = get_db()
    cat = catalogue()
    roles: dict[str, dict[str, str]] = {}
    for slug, row in assignment_store.assignments_for_class(db, class_id).items():
        if row["role"] and slug in cat.quizzes:
            roles.setdefault(cat.quizzes[slug].lesson, {})[row["role"]] = slug
    students = report_store.students_of(db, class_id)
    attempts = report_store.submitted_attempts(db, class_id)
    gains = [
        reports.learning_gain(students, attempts, cat.quizzes[r["pre"]], cat.quizzes[r["post"]])
        for r in roles.values()
        if "pre" in r and "post" in r
    ]
    incomplete = [(lesson, r) for lesson, r in roles.items() if len(r) < 2]
    return render_template(
        "teacher/gain.html", klass=klass, gains=gains, incomplete=incomplete, lessons=cat.lessons
    )


def _csv(klass: dict, what: str, header: list[str], rows: list) -> Response:
    name = exports.filename(klass["name"], what, clock.now().date().isoformat())
    return Response(
        # A byte-order mark first: without it, Excel reads the file as the system's
        # legacy encoding and "García" comes out as "GarcÃ­a".
        "\ufeff" + exports.to_csv(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/classes/<int:class_id>/responses.csv")
@teacher_required
def responses_csv(class_id: int):
    klass = owned_class(class_id)
    rows = report_store.all_responses(get_db(), class_id)
    header = [
        "student",
        "student_id",
        "quiz",
        "attempt",
        "quiz_version",
        "question",
        "answer",
        "score",
        "confidence",
        "answered_at",
        "submitted_at",
        "rubric_level",
        "comment",
    ]
    return _csv(
        klass,
        "responses",
        header,
        [
            [
                r["display_name"],
                r["student_id"],
                r["quiz_slug"],
                r["attempt"],
                r["quiz_version"],
                r["question_id"],
                exports.answer_text(json.loads(r["answer"])),
                r["score"],
                r["confidence"],
                r["saved_at"],
                r["submitted_at"],
                r["rubric_level"],
                r["comment"],
            ]
            for r in rows
        ],
    )


@bp.get("/classes/<int:class_id>/gradebook.csv")
@teacher_required
def gradebook_csv(class_id: int):
    klass = owned_class(class_id)
    db = get_db()
    quizzes, _ = _class_quizzes(class_id)
    students = report_store.students_of(db, class_id)
    book = reports.gradebook(students, quizzes, report_store.submitted_attempts(db, class_id))
    header = (
        ["student", "student_id"]
        + [f"{q.slug} ({q.keep})" for q in quizzes]
        + [f"{q.slug} max" for q in quizzes]
        # A score with written answers still to grade counts them as no points yet.
        + [f"{q.slug} to grade" for q in quizzes]
    )
    rows = []
    for student in students:
        kept = [book[student["id"]][q.slug] for q in quizzes]
        rows.append(
            [student["display_name"], student["id"]]
            + [k["score"] if k else None for k in kept]
            # The maximum of the version the counted attempt was taken on.
            + [k["max_score"] if k else q.max_score for k, q in zip(kept, quizzes, strict=True)]
            + [k["ungraded"] if k else None for k in kept]
        )
    return _csv(klass, "gradebook", header, rows)
