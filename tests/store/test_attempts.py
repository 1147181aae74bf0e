"""Attempts as the database keeps them: autosave, submit once, versions, retakes."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from support import FIXTURES, make_app

from classroom import clock, grading
from classroom.db import connect, get_db
from classroom.library import catalogue, quiz_at_version
from classroom.store import attempts as attempt_store
from classroom.store import classes as class_store
from classroom.store import students as student_store


def _new_student(db, name: str = "Ada") -> int:
    class_id = class_store.create_class(db, "Class 7B")["id"]
    student_id, _ = student_store.create_student(db, class_id, name)
    return student_id


def _rows(db, attempt_id: int) -> list[dict]:
    cursor = db.conn.execute(
        "SELECT question_id, answer FROM responses WHERE attempt_id = ?", [attempt_id]
    )
    return [{"question_id": q, "answer": a} for q, a in cursor.fetchall()]


@pytest.fixture
def quiz(app):
    with app.app_context():
        return catalogue().quizzes["sample-quiz"]


def _grader(quiz):
    return lambda answers: grading.grade_answers(quiz, answers)


def test_a_second_autosave_replaces_the_first_answer_in_one_row(db, quiz):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)

    assert attempt_store.save_answers(
        db, attempt["id"], student_id, {"who-says": ("minister", None)}
    )
    assert attempt_store.save_answers(db, attempt["id"], student_id, {"who-says": ("nobody", None)})

    assert _rows(db, attempt["id"]) == [{"question_id": "who-says", "answer": '"nobody"'}]
    assert attempt_store.answers(db, attempt["id"])["who-says"]["answer"] == "nobody"


def test_clearing_an_answer_removes_it(db, quiz):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)
    attempt_store.save_answers(db, attempt["id"], student_id, {"who-says": ("nobody", None)})

    attempt_store.save_answers(db, attempt["id"], student_id, {"who-says": (None, None)})

    assert _rows(db, attempt["id"]) == []


def test_opening_the_quiz_again_resumes_the_same_attempt(db, quiz):
    student_id = _new_student(db)
    first = attempt_store.open_or_start(db, student_id, quiz)
    again = attempt_store.open_or_start(db, student_id, quiz)
    assert again["id"] == first["id"]
    assert again["number"] == 1


def test_a_submitted_attempt_cannot_be_changed_by_a_late_save(db, quiz):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)
    attempt_store.submit(
        db, attempt["id"], student_id, {"who-says": ("nobody", None)}, _grader(quiz)
    )

    saved = attempt_store.save_answers(
        db,
        attempt["id"],
        student_id,
        {"who-says": ("minister", None), "strong-evidence": (["report"], None)},
    )

    assert saved is False
    assert _rows(db, attempt["id"]) == [{"question_id": "who-says", "answer": '"nobody"'}]


def test_a_student_cannot_save_into_another_students_attempt(db, quiz):
    victim = _new_student(db, "Victim")
    intruder = _new_student(db, "Intruder")
    attempt = attempt_store.open_or_start(db, victim, quiz)
    attempt_store.save_answers(db, attempt["id"], victim, {"who-says": ("nobody", None)})

    saved = attempt_store.save_answers(
        db, attempt["id"], intruder, {"who-says": ("minister", None)}
    )

    assert saved is False
    assert _rows(db, attempt["id"]) == [{"question_id": "who-says", "answer": '"nobody"'}]
    assert attempt_store.get_attempt(db, attempt["id"], intruder) is None
    assert attempt_store.submit(db, attempt["id"], intruder, {}, _grader(quiz)) is None
    assert attempt_store.get_attempt(db, attempt["id"], victim)["submitted_at"] is None


def test_submitting_twice_scores_the_attempt_once(db, quiz):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)
    calls = []

    def grade(answers):
        calls.append(answers)
        return grading.grade_answers(quiz, answers)

    first = attempt_store.submit(
        db, attempt["id"], student_id, {"who-says": ("nobody", None)}, grade
    )
    second = attempt_store.submit(
        db, attempt["id"], student_id, {"who-says": ("minister", None)}, grade
    )

    assert len(calls) == 1
    assert first["score"] == second["score"] == 1.0
    assert first["submitted_at"] == second["submitted_at"]
    assert attempt_store.answers(db, attempt["id"])["who-says"]["answer"] == "nobody"


def test_two_submits_racing_in_two_threads_make_one_score(app, db, quiz):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)
    path = app.config["DATABASE"]
    barrier = threading.Barrier(2)
    lock = threading.Lock()
    gradings: list[dict] = []
    results: list[dict] = []
    errors: list[BaseException] = []

    def grade(answers):
        with lock:
            gradings.append(answers)
        return grading.grade_answers(quiz, answers)

    def submit(answer: str) -> None:
        conn = connect(path)
        try:
            barrier.wait(timeout=10)
            found = attempt_store.submit(
                conn, attempt["id"], student_id, {"who-says": (answer, None)}, grade
            )
            with lock:
                results.append(found)
        except BaseException as error:  # reported below, in the test's thread
            with lock:
                errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=submit, args=(answer,)) for answer in ("nobody", "minister")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(gradings) == 1
    assert len(results) == 2
    assert results[0]["submitted_at"] == results[1]["submitted_at"] is not None
    assert results[0]["score"] == results[1]["score"]
    stamps = db.conn.execute(
        "SELECT count(*), count(submitted_at) FROM attempts WHERE student_id = ?", [student_id]
    ).fetchone()
    assert stamps == (1, 1)


def test_submit_keeps_each_questions_score_and_the_total(db, quiz):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)

    done = attempt_store.submit(
        db,
        attempt["id"],
        student_id,
        {"who-says": ("nobody", None), "strong-evidence": (["report"], None)},
        _grader(quiz),
    )

    saved = attempt_store.answers(db, attempt["id"])
    assert saved["who-says"]["score"] == 1.0
    assert saved["strong-evidence"]["score"] == 1.0
    assert done["score"] == 2.0
    assert done["max_score"] == quiz.max_score == 3.0
    assert done["ungraded"] == 0


def _whole_form(quiz, answers: dict) -> dict:
    """What a submitted quiz form carries: every question, None where left blank."""
    return {q.id: (None, None) for q in quiz.questions} | answers


@pytest.mark.parametrize("every_question", [True, False], ids=["whole form", "read first"])
def test_a_submitted_form_replaces_and_clears_what_was_autosaved(db, quiz, every_question):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)
    attempt_store.save_answers(
        db,
        attempt["id"],
        student_id,
        {"who-says": ("minister", None), "strong-evidence": (["report"], None)},
    )

    # The student changed one answer and then cleared the other before submitting.
    done = attempt_store.submit(
        db,
        attempt["id"],
        student_id,
        _whole_form(quiz, {"who-says": ("nobody", None)}),
        _grader(quiz),
        every_question=every_question,
    )

    assert _rows(db, attempt["id"]) == [{"question_id": "who-says", "answer": '"nobody"'}]
    assert attempt_store.answers(db, attempt["id"])["who-says"]["score"] == 1.0
    assert (done["score"], done["ungraded"]) == (1.0, 0)
    assert done == attempt_store.get_attempt(db, attempt["id"], student_id)


@pytest.mark.parametrize("every_question", [True, False], ids=["whole form", "read first"])
def test_a_submit_keeps_the_time_each_unchanged_answer_was_given(
    db, quiz, monkeypatch, every_question
):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)
    monkeypatch.setattr(clock, "stamp", lambda moment=None: "2026-11-28T09:00:00+00:00")
    attempt_store.save_answers(
        db,
        attempt["id"],
        student_id,
        {"who-says": ("minister", 2), "strong-evidence": (["report"], None)},
    )

    monkeypatch.setattr(clock, "stamp", lambda moment=None: "2026-11-28T09:20:00+00:00")
    posted = {"who-says": ("minister", 2), "strong-evidence": (["report", "accused"], None)}
    attempt_store.submit(
        db,
        attempt["id"],
        student_id,
        _whole_form(quiz, posted),
        _grader(quiz),
        every_question=every_question,
    )

    saved = attempt_store.answers(db, attempt["id"])
    assert saved["who-says"]["saved_at"] == "2026-11-28T09:00:00+00:00"  # the same answer
    assert saved["strong-evidence"]["saved_at"] == "2026-11-28T09:20:00+00:00"  # changed


def test_a_submitted_form_changes_nothing_in_another_students_or_a_submitted_attempt(db, quiz):
    victim = _new_student(db, "Victim")
    intruder = _new_student(db, "Intruder")
    attempt = attempt_store.open_or_start(db, victim, quiz)
    attempt_store.save_answers(db, attempt["id"], victim, {"who-says": ("nobody", None)})
    form = _whole_form(quiz, {"who-says": ("minister", None)})

    assert (
        attempt_store.submit(db, attempt["id"], intruder, form, _grader(quiz), every_question=True)
        is None
    )
    assert attempt_store.get_attempt(db, attempt["id"], victim)["submitted_at"] is None

    first = attempt_store.submit(
        db, attempt["id"], victim, _whole_form(quiz, {}), _grader(quiz), every_question=True
    )
    again = attempt_store.submit(
        db, attempt["id"], victim, form, _grader(quiz), every_question=True
    )

    assert again == first
    assert first["score"] == 0.0
    assert _rows(db, attempt["id"]) == []


def test_an_attempt_is_marked_against_the_quiz_it_was_taken_on(tmp_path: Path):
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    shutil.copy(FIXTURES / "quizzes" / "sample-quiz.toml", quizzes)
    app = make_app(tmp_path, QUIZZES_DIR=str(quizzes))
    try:
        with app.app_context():
            db = get_db()
            before = catalogue().quizzes["sample-quiz"]
            student_id = _new_student(db)
            attempt = attempt_store.open_or_start(db, student_id, before)
            assert attempt["quiz_version"] == before.version

            # The author now makes "The minister" the right answer, and rewords a choice.
            path = quizzes / "sample-quiz.toml"
            text = path.read_text(encoding="utf-8")
            text = text.replace(
                'text = "The minister"\ncorrect = false',
                'text = "The minister, who was there"\ncorrect = true',
                1,
            )
            text = text.replace(
                'text = "Nobody is named"\ncorrect = true',
                'text = "Nobody is named"\ncorrect = false',
                1,
            )
            path.write_text(text, encoding="utf-8")

            after = catalogue().quizzes["sample-quiz"]
            assert after.version != before.version

            seen = quiz_at_version(db, "sample-quiz", attempt["quiz_version"])
            assert seen is not None
            assert seen.version == before.version
            assert seen.question("who-says").correct_ids == {"nobody"}

            done = attempt_store.submit(
                db, attempt["id"], student_id, {"who-says": ("nobody", None)}, _grader(seen)
            )
            assert done["score"] == 1.0
            assert done["max_score"] == before.max_score

            # A new attempt after the edit gets the new version.
            other = _new_student(db, "Grace")
            fresh = attempt_store.open_or_start(db, other, after)
            assert fresh["quiz_version"] == after.version
    finally:
        app.extensions["classroom.db"].close_all()


def test_a_retake_form_sent_twice_starts_one_new_attempt(db, quiz):
    student_id = _new_student(db)
    first = attempt_store.open_or_start(db, student_id, quiz)
    attempt_store.submit(db, first["id"], student_id, {}, _grader(quiz))

    once = attempt_store.start_retake(db, student_id, quiz, after=1, allowed=2)
    twice = attempt_store.start_retake(db, student_id, quiz, after=1, allowed=2)

    assert once["id"] == twice["id"]
    assert once["number"] == 2
    assert [a["number"] for a in attempt_store.attempts_for(db, student_id, "sample-quiz")] == [
        1,
        2,
    ]


def test_no_retake_starts_while_an_attempt_is_still_open(db, quiz):
    student_id = _new_student(db)
    first = attempt_store.open_or_start(db, student_id, quiz)

    found = attempt_store.start_retake(db, student_id, quiz, after=1, allowed=0)

    assert found["id"] == first["id"]
    assert len(attempt_store.attempts_for(db, student_id, "sample-quiz")) == 1


def test_retakes_stop_at_the_number_of_attempts_allowed(db, quiz):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)
    attempt_store.submit(db, attempt["id"], student_id, {}, _grader(quiz))
    second = attempt_store.start_retake(db, student_id, quiz, after=1, allowed=2)
    attempt_store.submit(db, second["id"], student_id, {}, _grader(quiz))

    assert attempt_store.start_retake(db, student_id, quiz, after=2, allowed=2) is None
    assert len(attempt_store.attempts_for(db, student_id, "sample-quiz")) == 2


def test_unlimited_attempts_keep_allowing_retakes(db, quiz):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)
    for number in range(1, 5):
        attempt_store.submit(db, attempt["id"], student_id, {}, _grader(quiz))
        attempt = attempt_store.start_retake(db, student_id, quiz, after=number, allowed=0)
        assert attempt["number"] == number + 1


def test_best_scores_count_attempts_and_keep_the_best(db, quiz):
    student_id = _new_student(db)
    first = attempt_store.open_or_start(db, student_id, quiz)
    attempt_store.submit(db, first["id"], student_id, {"who-says": ("nobody", None)}, _grader(quiz))
    second = attempt_store.start_retake(db, student_id, quiz, after=1, allowed=2)
    attempt_store.submit(
        db, second["id"], student_id, {"who-says": ("minister", None)}, _grader(quiz)
    )

    best = attempt_store.best_scores(db, student_id)["sample-quiz"]
    assert (best["attempts"], best["submitted"], best["best"], best["max_score"]) == (
        2,
        2,
        1.0,
        3.0,
    )


def test_submit_scores_answers_saved_earlier_and_drops_the_ones_cleared(db, quiz):
    student_id = _new_student(db)
    attempt = attempt_store.open_or_start(db, student_id, quiz)
    attempt_store.save_answers(db, attempt["id"], student_id, {"who-says": ("nobody", None)})
    attempt_store.save_answers(
        db, attempt["id"], student_id, {"strong-evidence": (["report"], None)}
    )

    done = attempt_store.submit(
        db, attempt["id"], student_id, {"strong-evidence": (None, None)}, _grader(quiz)
    )

    saved = attempt_store.answers(db, attempt["id"])
    assert set(saved) == {"who-says"}
    assert saved["who-says"]["score"] == 1.0
    assert done["score"] == 1.0
    assert done == attempt_store.get_attempt(db, attempt["id"], student_id)
