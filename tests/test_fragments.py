"""Pages rendered once and kept: the same bytes as a fresh render, each visitor's own
navigation, and a new rendering once the content changes."""

from __future__ import annotations

import html
import re
import shutil

from flask import render_template
from markupsafe import Markup
from support import FIXTURES, StudentActions, make_app

from classroom import fragments
from classroom.db import get_db
from classroom.store import assignments, teachers
from classroom.store import classes as class_store

LESSON = "/lessons/sample"


def _app(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES, content)
    app = make_app(
        tmp_path,
        LESSONS_DIR=str(content / "lessons"),
        QUIZZES_DIR=str(content / "quizzes"),
    )
    with app.app_context():
        code = class_store.create_class(get_db(), "Class 7B", quiz_slugs=["sample-quiz"])[
            "join_code"
        ]
    return app, code, content


def _student(app, code, name):
    student = StudentActions(app.test_client())
    assert student.join(code, name).status_code == 302
    return student.client


def test_a_kept_lesson_page_is_byte_for_byte_a_fresh_rendering(tmp_path, monkeypatch):
    app, code, _ = _app(tmp_path)
    ada = _student(app, code, "Ada")
    ada.get(LESSON)
    kept = ada.get(LESSON).get_data()

    def render_whole(template, owner, key, nav_key, **context):
        return render_template(template, **context).encode()

    monkeypatch.setattr("classroom.student.account.page_around_nav", render_whole)
    assert ada.get(LESSON).get_data() == kept


def test_each_visitor_sees_their_own_name_on_a_kept_page(tmp_path):
    app, code, _ = _app(tmp_path)
    ada, bea = _student(app, code, "Ada <Lovelace>"), _student(app, code, "Bea")
    stranger = app.test_client()

    pages = [html.unescape(c.get(LESSON).get_data(as_text=True)) for c in (ada, bea, stranger)]

    assert "Ada <Lovelace> · Class 7B" in pages[0]
    assert "Bea · Class 7B" in pages[1] and "Ada" not in pages[1]
    assert "Teachers</a>" in pages[2] and "Class 7B" not in pages[2]
    assert "&lt;Lovelace&gt;" in ada.get(LESSON).get_data(as_text=True)


def test_a_flashed_message_shows_once_on_the_page_and_is_not_kept(tmp_path):
    app, code, _ = _app(tmp_path)
    ada = _student(app, code, "Ada")
    ada.get(LESSON)
    with ada.session_transaction() as session:
        session["_flashes"] = [("success", "Saved: 2 of 2 questions answered.")]

    first = ada.get(LESSON).get_data(as_text=True)
    second = ada.get(LESSON).get_data(as_text=True)

    assert "Saved: 2 of 2 questions answered." in first
    assert "Saved: 2 of 2" not in second
    assert "Ada · Class 7B" in second


def test_an_edited_lesson_is_rendered_anew(tmp_path):
    app, code, content = _app(tmp_path)
    ada = _student(app, code, "Ada")
    assert "A sample lesson" in ada.get(LESSON).get_data(as_text=True)
    lesson = content / "lessons" / "sample.md"
    lesson.write_text(lesson.read_text().replace("A sample lesson", "Edited lesson", 1))

    page = ada.get(LESSON).get_data(as_text=True)

    assert "Edited lesson" in page
    assert len(fragments._pages) <= fragments._MAX


def test_a_teacher_reading_a_kept_page_gets_their_own_navigation_and_token(tmp_path):
    app, code, _ = _app(tmp_path)
    _student(app, code, "Ada").get(LESSON)  # the page is kept now
    with app.app_context():
        teachers.create_teacher(get_db(), "ms-rivera", "a long teacher password")
    teacher = app.test_client()
    teacher.post(
        "/teacher/login", data={"username": "ms-rivera", "password": "a long teacher password"}
    )

    page = teacher.get(LESSON).get_data(as_text=True)

    assert "Log out ms-rivera" in page
    assert 'name="csrf_token"' in page
    assert "Ada · Class 7B" not in page


def _fieldset(page: str, question: str) -> str:
    """One question's fieldset, up to its save status (which ends it)."""
    pattern = rf'<fieldset class="question" id="question-{question}".*?id="status-{question}">'
    found = re.search(pattern + r".*?</p>\s*</fieldset>", page, re.S)
    assert found, question
    return found.group(0)


def test_a_kept_unanswered_question_is_the_question_rendered_afresh(tmp_path):
    app, code, _ = _app(tmp_path)
    student = StudentActions(app.test_client())
    student.join(code, "Ada")
    attempt = student.open_quiz()
    kept = student.client.get("/quizzes/sample-quiz").get_data(as_text=True)

    # A refused post shows the page again without the kept parts: every question afresh.
    refused = student.send(attempt, {"who-says": "bogus"}, action="save")

    assert refused.status_code == 400
    fresh = refused.get_data(as_text=True)
    assert _fieldset(fresh, "strong-evidence") == _fieldset(kept, "strong-evidence")


def test_a_student_is_offered_only_the_quizzes_their_class_was_given(tmp_path):
    app, code, content = _app(tmp_path)
    sample = content / "quizzes" / "sample-quiz.toml"
    second = sample.read_text().replace('slug = "sample-quiz"', 'slug = "second-quiz"')
    (content / "quizzes" / "second-quiz.toml").write_text(
        second.replace('title = "Sample quiz"', 'title = "Second quiz"')
    )
    ada = _student(app, code, "Ada")

    assert "/quizzes/second-quiz" not in ada.get(LESSON).get_data(as_text=True)

    with app.app_context():
        klass = class_store.class_by_code(get_db(), code)
        assignments.assign(get_db(), klass["id"], "second-quiz")
    page = ada.get(LESSON).get_data(as_text=True)

    assert "/quizzes/second-quiz" in page and "/quizzes/sample-quiz" in page


def _submitted(app, code: str, name: str, answers: dict):
    """A student who joined, submitted these answers and is on their results page."""
    student = StudentActions(app.test_client())
    student.join(code, name)
    sent = student.send(student.open_quiz(), answers)
    assert sent.status_code == 302
    return student.client, sent.headers["Location"]


def _review_list(page: str) -> str:
    found = re.search(r'<ol class="review-list">.*?</ol>', page, re.S)
    assert found
    return found.group(0)


def test_students_who_gave_the_same_answers_see_the_same_kept_feedback(tmp_path, monkeypatch):
    app, code, _ = _app(tmp_path)
    answers = {"who-says": "nobody", "strong-evidence": "report"}
    ada, ada_results = _submitted(app, code, "Ada", answers)
    bea, bea_results = _submitted(app, code, "Bea", answers)
    ada.get(ada_results)
    kept = bea.get(bea_results).get_data(as_text=True)

    def render_afresh(outcome, number, show_key):
        return Markup(
            render_template(
                "student/_review.html", outcome=outcome, number=number, show_key=show_key
            )
        )

    monkeypatch.setattr("classroom.student.quizzes.reviewed_question", render_afresh)
    fresh = bea.get(bea_results).get_data(as_text=True)

    assert _review_list(kept) == _review_list(fresh)
    assert "Bea · Class 7B" in html.unescape(kept)


def test_a_different_answer_gets_its_own_feedback_not_a_kept_one(tmp_path):
    app, code, _ = _app(tmp_path)
    right, right_results = _submitted(app, code, "Ada", {"who-says": "nobody"})
    wrong, wrong_results = _submitted(app, code, "Bea", {"who-says": "minister"})

    mine = _review_list(right.get(right_results).get_data(as_text=True))
    theirs = _review_list(wrong.get(wrong_results).get_data(as_text=True))

    assert '<span class="result right">' in mine and "1 / 1" in mine
    assert '<span class="result wrong">' in theirs and "0 / 1" in theirs
    # Neither answered the second question: that part is the same page for both.
    assert (
        mine.split('id="review-strong-evidence"')[1]
        == theirs.split('id="review-strong-evidence"')[1]
    )


def test_kept_feedback_is_bounded_by_its_size_the_oldest_going_first(tmp_path, monkeypatch):
    # An evidence question's feedback shows the article, and its answers are many.
    kept = fragments.FragmentCache(size=100, max_chars=3000)
    monkeypatch.setattr(fragments, "_reviews", kept)
    app, code, _ = _app(tmp_path)
    for number, answers in enumerate(
        [{"who-says": "nobody"}, {"who-says": "minister"}, {"strong-evidence": "report"}]
    ):
        _submitted(app, code, f"Student {number}", answers)[0].get(
            f"/quizzes/sample-quiz/attempts/{number + 1}/results"
        )
        assert 0 < kept.chars <= 3000
        assert kept.chars == sum(len(html) for _, html in kept._found.values())
    assert len(kept) < 5  # five ways the two questions went, not all of them kept

    ada, results = _submitted(app, code, "Ada", {"who-says": "nobody"})
    page = ada.get(results).get_data(as_text=True)
    assert '<span class="result right">' in page  # rendered again once it had gone


def test_the_results_say_how_sure_each_student_was_and_keep_it_apart(tmp_path):
    """How sure a student said they were is theirs: kept feedback never shows another's."""
    app, code, content = _app(tmp_path)
    quiz = content / "quizzes" / "sample-quiz.toml"
    quiz.write_text(
        quiz.read_text().replace(
            'sentences = ["It is believed"]', 'sentences = ["It is believed"]\nconfidence = true', 1
        )
    )
    shown = {}
    for name, answer, sure in (("Ada", "minister", 3), ("Bea", "minister", 1), ("Cy", "nobody", 1)):
        student = StudentActions(app.test_client())
        student.join(code, name)
        sent = student.client.post(
            f"/quizzes/sample-quiz/attempts/{student.open_quiz()}",
            data={
                "q-who-says": answer,
                "c-who-says": sure,
                "q-strong-evidence": "report",
                "action": "submit",
            },
        )
        page = student.client.get(sent.headers["Location"]).get_data(as_text=True)
        review = _review_list(page)
        shown[name] = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", review)))
    assert "How sure you were: Very sure. Very sure, and no points:" in shown["Ada"]
    assert "How sure you were: Guessing." in shown["Bea"]
    assert "Very sure" not in shown["Bea"]  # the same answer as Ada's, her own confidence
    assert "How sure you were: Guessing. A guess that was right:" in shown["Cy"]
    # The question without "How sure are you?" says nothing of it.
    assert shown["Cy"].count("How sure you were") == 1
