"""A student's way through the app: join, come back, answer, submit, read the results."""

from __future__ import annotations

import html
import re
import shutil

import pytest
from support import FIXTURES, make_app

from classroom.db import get_db
from classroom.library import catalogue
from classroom.store import classes as class_store
from classroom.store import students as student_store
from classroom.store import teachers
from classroom.student import quizzes

QUIZ = "/quizzes/sample-quiz"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(app, sql: str, params=()) -> int:
    with app.app_context():
        return get_db().conn.execute(sql, params).fetchone()[0]


def responses(app, attempt_id: int) -> dict[str, str]:
    with app.app_context():
        rows = (
            get_db()
            .conn.execute(
                "SELECT question_id, answer FROM responses WHERE attempt_id = ?", [attempt_id]
            )
            .fetchall()
        )
    return dict(rows)


def checked(page: str, question: str) -> list[str]:
    """The values of the inputs of a question that the page shows as chosen."""
    return re.findall(rf'name="q-{question}" value="([^"]+)" checked', page)


@pytest.fixture
def joined(student, join_code):
    assert student.join(join_code).status_code == 302
    return student


# Joining and coming back


def test_joining_with_the_class_code_shows_the_resume_code_once(client, student, join_code):
    response = student.join(join_code, "Ada")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/welcome")

    welcome = client.get("/welcome")
    assert welcome.status_code == 200
    page = text(welcome)
    assert "Welcome, Ada" in page
    assert re.search(r'id="resume-code">[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}<', page)

    again = client.get("/welcome")
    assert again.status_code == 302
    assert "resume-code" not in text(again)


def test_a_class_code_is_accepted_in_lower_case_with_spaces(app, student, join_code):
    typed = " " + join_code[:4].lower() + " " + join_code[4:].lower() + " "
    assert student.join(typed).status_code == 302
    assert count(app, "SELECT count(*) FROM students") == 1


def test_a_wrong_class_code_is_refused_and_nobody_is_added(app, student, join_code):
    wrong = "ZZZZZZZZ" if join_code != "ZZZZZZZZ" else "YYYYYYYY"
    response = student.join(wrong)
    assert response.status_code == 400
    assert "No open class has this code" in text(response)
    assert count(app, "SELECT count(*) FROM students") == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Type the name your teacher will see."),
        ("   ", "Type the name your teacher will see."),
        ("A" * 61, "Keep your name to 60 characters or fewer."),
        ("\u200b\u200b\u200b", "Your name has an invisible or control character (U+200B)"),
        ("Ali\u202ecod.exe", "Your name has an invisible or control character (U+202E)"),
        ("a\x00b", "Your name has an invisible or control character (U+0000)"),
        ("-- .", "Your name needs at least one letter or digit."),
        ("\u3164", "Your name has an invisible or control character (U+3164)"),  # a filler
        ("\u2800\u2800", "Your name has an invisible or control character (U+2800)"),
        ("Jo\u034fe", "Your name has an invisible or control character (U+034F)"),
        ("Alice Test\u200c", "Your name has an invisible or control character (U+200C)"),
        ("Ali\u200dce", "Your name has an invisible or control character (U+200D)"),
    ],
    ids=[
        "empty",
        "only-spaces",
        "too-long",
        "zero-width",
        "right-to-left-override",
        "nul",
        "dots",
        "hangul-filler",
        "braille-blank",
        "grapheme-joiner",
        "joiner-at-the-end",
        "joiner-inside-latin",
    ],
)
def test_a_name_that_is_empty_too_long_or_hidden_is_refused(app, student, join_code, name, message):
    response = student.join(join_code, name)
    assert response.status_code == 400
    assert message in text(response)
    assert count(app, "SELECT count(*) FROM students") == 0


def test_the_name_is_stored_without_surrounding_spaces(app, student, join_code):
    student.join(join_code, "  Ada  ")
    with app.app_context():
        assert get_db().conn.execute("SELECT display_name FROM students").fetchone()[0] == "Ada"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ada\n  Lovelace", "Ada Lovelace"),  # a line break from a crafted post
        ("Zoe\u0301", "Zo\u00e9"),  # an accent typed as a separate mark, composed
        (
            "\u0645\u06cc\u200c\u0631\u0627",
            "\u0645\u06cc\u200c\u0631\u0627",
        ),  # Persian keeps its joiner
        ("\U0001f98a", "\U0001f98a"),  # an emoji is something to see
        ("\U0001f469\u200d\U0001f3eb", "\U0001f469\u200d\U0001f3eb"),  # joined emoji
        ("\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"),  # Devanagari with a joiner
    ],
    ids=["line-break", "combining-accent", "persian-joiner", "emoji", "joined-emoji", "devanagari"],
)
def test_a_name_is_stored_as_it_is_seen(app, student, join_code, typed, stored):
    assert student.join(join_code, typed).status_code == 302
    with app.app_context():
        assert get_db().conn.execute("SELECT display_name FROM students").fetchone()[0] == stored


def test_an_archived_class_cannot_be_joined(app, student, join_code):
    with app.app_context():
        get_db().execute("UPDATE classes SET archived_at = '2024-01-01T00:00:00+00:00'")
    response = student.join(join_code)
    assert response.status_code == 400
    assert "No open class has this code" in text(response)
    assert count(app, "SELECT count(*) FROM students") == 0


def test_the_resume_code_brings_back_the_same_student_and_their_answers(app, joined):
    code = joined.resume_code()
    attempt_id = joined.open_quiz()
    assert joined.autosave(attempt_id, "who-says", "nobody").get_json()["saved"] is True

    elsewhere = type(joined)(app.test_client())  # another computer, no cookie
    assert elsewhere.client.get(QUIZ).status_code == 302
    response = elsewhere.client.post("/resume", data={"resume_code": code.lower()})
    assert response.status_code == 302

    assert elsewhere.open_quiz() == attempt_id
    page = text(elsewhere.client.get(QUIZ))
    assert checked(page, "who-says") == ["nobody"]
    assert count(app, "SELECT count(*) FROM students") == 1


def test_a_wrong_resume_code_is_refused(app, client):
    response = client.post("/resume", data={"resume_code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 400
    assert "does not match anyone" in text(response)


# Finding pages


def test_the_quiz_page_sends_a_stranger_to_the_join_page(client):
    response = client.get(QUIZ)
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/")
    assert "Join your class" in text(client.get("/"))


def test_an_unknown_lesson_or_quiz_is_not_found(joined):
    assert joined.client.get("/lessons/no-such-lesson").status_code == 404
    assert joined.client.get("/quizzes/no-such-quiz").status_code == 404


def test_the_lesson_page_shows_the_article_with_numbered_sentences(client):
    response = client.get("/lessons/sample")
    assert response.status_code == 200
    page = text(response)
    assert "It is believed that repairs will cost millions." in page
    assert 'id="p2s1"' in page


def test_a_broken_quiz_file_is_named_to_the_teacher_and_other_quizzes_still_work(tmp_path):
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    shutil.copy(FIXTURES / "quizzes" / "sample-quiz.toml", quizzes)
    broken = (quizzes / "sample-quiz.toml").read_text(encoding="utf-8")
    broken = broken.replace('slug = "sample-quiz"', 'slug = "broken"')
    broken = broken.replace('id = "strong-evidence"', 'id = "who-says"')
    (quizzes / "broken.toml").write_text(broken, encoding="utf-8")
    app = make_app(tmp_path, QUIZZES_DIR=str(quizzes))
    try:
        with app.app_context():
            problems = [str(p) for p in catalogue().problems_for("quiz", "broken")]
            code = class_store.create_class(
                get_db(), "Class 7B", quiz_slugs=["sample-quiz", "broken"]
            )["join_code"]
        assert len(problems) == 1 and "duplicate question id" in problems[0]
        client = app.test_client()
        client.post("/join", data={"code": code, "name": "Ada"})

        page = client.get("/quizzes/broken")
        assert page.status_code == 503
        assert "Tell your teacher" in text(page)
        assert problems[0] not in text(page)  # the file's insides are for its author
        assert client.get(QUIZ).status_code == 200

        with app.app_context():
            teachers.create_teacher(get_db(), "ms-rivera", "a long enough passphrase")
        teacher = app.test_client()
        teacher.post(
            "/teacher/login",
            data={"username": "ms-rivera", "password": "a long enough passphrase"},
        )
        assert problems[0] in text(teacher.get("/teacher/"))
    finally:
        app.extensions["classroom.db"].close_all()


# Answering


def test_saving_with_one_answer_to_fix_saves_the_others_and_names_it_by_number(app, joined):
    attempt_id = joined.open_quiz()
    response = joined.send(
        attempt_id, {"who-says": "bogus", "strong-evidence": "report"}, action="save"
    )
    assert response.status_code == 400
    page = text(response)
    assert '"bogus" is not one of the choices of question 1' in page
    assert "who-says" not in re.search(r'<div class="error-summary".*?</div>', page, re.S)[0]
    assert "Your other answers are saved. Fix the question named above, then save again." in page
    assert responses(app, attempt_id) == {"strong-evidence": '["report"]'}


def test_submitting_with_one_answer_to_fix_submits_nothing_but_saves_the_others(app, joined):
    attempt_id = joined.open_quiz()
    joined.autosave(attempt_id, "who-says", "nobody")
    response = joined.send(attempt_id, {"who-says": "bogus", "strong-evidence": "report"})
    assert response.status_code == 400
    page = text(response)
    assert '"bogus" is not one of the choices of question 1' in page
    assert "Nothing was submitted yet. Your other answers are saved" in page
    # The answer to fix keeps what was saved before; the valid one is saved.
    assert responses(app, attempt_id) == {"who-says": '"nobody"', "strong-evidence": '["report"]'}
    assert count(app, "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL") == 0


def test_autosave_refuses_a_choice_the_question_does_not_have(app, joined):
    attempt_id = joined.open_quiz()
    response = joined.autosave(attempt_id, "who-says", "bogus")
    assert response.status_code == 400
    assert response.get_json()["error"] == '"bogus" is not one of the choices of question 1'
    assert responses(app, attempt_id) == {}


def test_autosave_keeps_the_latest_choice(app, joined):
    attempt_id = joined.open_quiz()
    joined.autosave(attempt_id, "who-says", "minister")
    response = joined.autosave(attempt_id, "who-says", "nobody")
    assert response.status_code == 200
    assert response.get_json() == {"saved": True, "question": "who-says", "answered": True}
    assert responses(app, attempt_id) == {"who-says": '"nobody"'}


def test_saving_without_javascript_keeps_the_choices_checked_on_reload(app, joined):
    attempt_id = joined.open_quiz()
    response = joined.send(attempt_id, {"who-says": "nobody"}, action="save")
    assert response.status_code == 302
    # Both boxes of a multiple-select question, as a browser posts them.
    response = joined.client.post(
        f"{QUIZ}/attempts/{attempt_id}",
        data={"q-who-says": "nobody", "q-strong-evidence": ["report", "accused"], "action": "save"},
    )
    assert response.status_code == 302

    page = text(joined.client.get(QUIZ))
    assert checked(page, "who-says") == ["nobody"]
    assert sorted(checked(page, "strong-evidence")) == ["accused", "report"]
    assert count(app, "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL") == 0


def test_a_student_cannot_reach_another_students_attempt(app, joined, join_code):
    victim_attempt = joined.open_quiz()
    joined.autosave(victim_attempt, "who-says", "nobody")
    before = responses(app, victim_attempt)

    intruder = type(joined)(app.test_client())
    intruder.join(join_code, "Mallory")
    own = intruder.open_quiz()
    assert own != victim_attempt

    assert intruder.client.get(f"{QUIZ}/attempts/{victim_attempt}/results").status_code == 404
    assert intruder.send(victim_attempt, {"who-says": "minister"}, action="save").status_code == 404
    assert (
        intruder.send(victim_attempt, {"who-says": "minister"}, action="submit").status_code == 404
    )
    autosave = intruder.autosave(victim_attempt, "who-says", "minister")
    assert autosave.status_code == 404
    assert autosave.is_json

    assert responses(app, victim_attempt) == before
    assert count(app, "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL") == 0


# Submitting and results


def test_the_results_show_the_score_the_key_and_every_choices_feedback(app, joined):
    attempt_id = joined.open_quiz()
    response = joined.send(attempt_id, {"who-says": "nobody", "strong-evidence": "report"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{QUIZ}/attempts/{attempt_id}/results")

    page = joined.client.get(f"{QUIZ}/attempts/{attempt_id}/results")
    assert page.status_code == 200
    shown = text(page)
    # 1 for the single choice, 1 of 2 for picking one of the two right boxes.
    assert re.search(r"<strong>2</strong> out of 3", shown)
    assert "Correct answer" in shown
    with app.app_context():
        quiz = catalogue().quizzes["sample-quiz"]
    for question in quiz.questions:
        assert html.unescape(str(question.explanation_html)) in shown
        for choice in question.choices:
            assert html.unescape(str(choice.feedback_html)) in shown


def test_submitting_with_a_question_left_blank_asks_first_and_keeps_the_answers(app, joined):
    """A quiz is submitted once: a question skipped by mistake must not cost the attempt."""
    attempt_id = joined.open_quiz()
    asked = joined.send(attempt_id, {"who-says": "nobody"}, action="submit")
    assert asked.status_code == 302
    assert asked.headers["Location"].endswith(QUIZ)
    assert count(app, "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL") == 0
    assert responses(app, attempt_id) == {"who-says": '"nobody"'}

    page = text(joined.client.get(QUIZ))
    notice = re.search(r'<div class="confirm-submit".*?</div>', page, re.S).group(0)
    assert '<a href="#number-2" aria-label="Question 2">2</a>' in notice
    assert "has no answer. Your answers are saved." in notice
    assert 'value="submit-unanswered"' in notice and "Submit with 1 unanswered" in notice
    # Asked once: the page opened again later says nothing of it.
    assert "confirm-submit" not in text(joined.client.get(QUIZ))

    submitted = joined.send(attempt_id, {"who-says": "nobody"}, action="submit-unanswered")
    assert submitted.headers["Location"].endswith(f"/attempts/{attempt_id}/results")
    assert count(app, "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL") == 1


def test_submitting_with_nothing_answered_does_not_speak_of_saved_answers(app, joined):
    attempt_id = joined.open_quiz()
    joined.send(attempt_id, {}, action="submit")

    page = text(joined.client.get(QUIZ))
    notice = re.sub(r"\s+", " ", re.search(r'<div class="confirm-submit".*?</div>', page, re.S)[0])
    assert "have no answer. Answer them, or submit as it is" in notice
    assert "saved" not in notice
    assert "Submit with 2 unanswered" in notice


def test_many_blank_questions_are_named_up_to_a_few_and_the_rest_counted(app, joined, monkeypatch):
    # The numbers travel in the session cookie, which a long quiz would overflow.
    monkeypatch.setattr(quizzes, "NAMED_BLANKS", 1)
    attempt_id = joined.open_quiz()
    joined.send(attempt_id, {}, action="submit")
    notice = re.search(r'<div class="confirm-submit".*?</div>', text(joined.client.get(QUIZ)), re.S)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", notice.group(0))).strip()
    assert words.startswith("Not submitted yet: questions 1 and 1 more have no answer. Answer")
    assert "Submit with 2 unanswered" in words


def test_submitting_every_answer_is_not_asked_about(app, joined):
    attempt_id = joined.open_quiz()
    sent = joined.send(
        attempt_id, {"who-says": "nobody", "strong-evidence": "report"}, action="submit"
    )
    assert sent.headers["Location"].endswith(f"/attempts/{attempt_id}/results")


def test_the_quiz_page_leads_to_the_results_once_submitted(joined):
    attempt_id = joined.open_quiz()
    joined.send(attempt_id, {"who-says": "nobody"})
    response = joined.client.get(QUIZ)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/results")


def test_results_of_an_attempt_not_yet_submitted_lead_back_to_the_quiz(joined):
    attempt_id = joined.open_quiz()
    response = joined.client.get(f"{QUIZ}/attempts/{attempt_id}/results")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(QUIZ)


def test_a_resent_submit_never_makes_a_second_score(app, joined):
    attempt_id = joined.open_quiz()
    first = joined.send(attempt_id, {"who-says": "nobody"})
    with app.app_context():
        stamp, score = (
            get_db()
            .conn.execute("SELECT submitted_at, score FROM attempts WHERE id = ?", [attempt_id])
            .fetchone()
        )

    second = joined.send(attempt_id, {"who-says": "minister", "strong-evidence": "report"})

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count(app, "SELECT count(*) FROM attempts") == 1
    with app.app_context():
        assert get_db().conn.execute(
            "SELECT submitted_at, score FROM attempts WHERE id = ?", [attempt_id]
        ).fetchone() == (stamp, score)
    assert score == 1.0
    assert responses(app, attempt_id) == {"who-says": '"nobody"'}


def test_autosave_into_a_submitted_attempt_is_refused(app, joined):
    attempt_id = joined.open_quiz()
    joined.send(attempt_id, {"who-says": "nobody"})
    response = joined.autosave(attempt_id, "who-says", "minister")
    assert response.status_code == 409
    assert responses(app, attempt_id) == {"who-says": '"nobody"'}


def test_an_autosave_after_signing_out_says_to_come_back_with_the_resume_code(app, joined):
    """Signed out by a new resume code: joining again would make a new student without
    these answers, where the resume code brings the student back to them."""
    attempt_id = joined.open_quiz()
    with app.app_context():
        student_id = get_db().execute("SELECT id FROM students").fetchone()[0]
        student_store.replace_resume_code(get_db(), student_id)
    response = joined.autosave(attempt_id, "who-says", "minister")
    assert response.status_code == 401
    message = response.get_json()["error"]
    assert "resume code" in message
    assert "join" not in message.lower()


def test_an_autosave_after_submitting_in_another_tab_says_where_the_results_are(app, joined):
    attempt_id = joined.open_quiz()
    joined.send(attempt_id, {"who-says": "nobody"})  # from another tab
    message = joined.autosave(attempt_id, "who-says", "minister").get_json()["error"]
    assert message == (
        "This attempt is already submitted, perhaps from another tab: "
        "your results are under “My quizzes”."
    )


def test_a_retake_sent_twice_starts_one_new_attempt_and_stops_at_the_limit(app, joined):
    first = joined.open_quiz()
    joined.send(first, {"who-says": "minister"})
    for _ in range(2):
        response = joined.client.post(f"{QUIZ}/retake", data={"after": "1"})
        assert response.status_code == 302
    second = joined.open_quiz()
    assert second != first
    assert count(app, "SELECT count(*) FROM attempts") == 2

    joined.send(second, {"who-says": "nobody"})
    joined.client.post(f"{QUIZ}/retake", data={"after": "2"})
    assert count(app, "SELECT count(*) FROM attempts") == 2  # the quiz allows two


def test_the_last_attempt_allowed_says_there_is_no_other(app, joined):
    first = joined.open_quiz()
    page = text(joined.client.get(joined.send(first, {"who-says": "minister"}).location))
    assert "Try again (1 attempt left)" in page
    assert "You have used" not in page
    joined.client.post(f"{QUIZ}/retake", data={"after": "1"})
    second = joined.open_quiz()
    page = text(joined.client.get(joined.send(second, {"who-says": "nobody"}).location))
    assert "Try again" not in page
    assert "You have used every attempt this quiz allows." in page


def test_an_attempt_is_reviewed_against_the_quiz_the_student_saw(tmp_path):
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    shutil.copy(FIXTURES / "quizzes" / "sample-quiz.toml", quizzes)
    app = make_app(tmp_path, QUIZZES_DIR=str(quizzes))
    try:
        with app.app_context():
            code = class_store.create_class(get_db(), "Class 7B", quiz_slugs=["sample-quiz"])[
                "join_code"
            ]
        client = app.test_client()
        client.post("/join", data={"code": code, "name": "Ada"})
        page = client.get(QUIZ).get_data(as_text=True)
        attempt_id = int(re.search(r"/quizzes/sample-quiz/attempts/(\d+)\"", page).group(1))

        # While the student works, the author rewrites the key and a choice.
        path = quizzes / "sample-quiz.toml"
        edited = path.read_text(encoding="utf-8")
        edited = edited.replace(
            'text = "Nobody is named"\ncorrect = true', 'text = "Nobody at all"\ncorrect = false'
        )
        edited = edited.replace(
            'text = "The minister"\ncorrect = false', 'text = "The minister"\ncorrect = true'
        )
        path.write_text(edited, encoding="utf-8")

        response = client.post(
            f"{QUIZ}/attempts/{attempt_id}",
            data={"q-who-says": "nobody", "action": "submit-unanswered"},
        )
        assert response.status_code == 302
        results = text(client.get(f"{QUIZ}/attempts/{attempt_id}/results"))
        assert re.search(r"<strong>1</strong> out of 3", results)
        assert "Nobody is named" in results
        assert "Nobody at all" not in results
    finally:
        app.extensions["classroom.db"].close_all()


def test_a_student_sees_their_own_progress_by_skill(client, student, join_code):
    student.join(join_code)
    attempt_id = student.open_quiz()
    # The sample quiz: "who-says" (sourcing, 1 point) right, "strong-evidence"
    # (evidence evaluation, 2 points) half right: one of its two right choices.
    student.send(attempt_id, {"who-says": "nobody", "strong-evidence": ["report"]})
    page = html.unescape(client.get("/").get_data(as_text=True))
    assert "My skills" in page
    assert re.search(r"Sourcing</th>\s*<td[^>]*>1 of 1 \(100%\)</td>\s*<td[^>]*>mastered", page)
    assert re.search(
        r"Evidence evaluation</th>\s*<td[^>]*>1 of 2 \(50%\)</td>\s*<td[^>]*>developing", page
    )
    assert re.search(r"Denial rhetoric</th>\s*<td[^>]*>–</td>\s*<td[^>]*>no data", page)
