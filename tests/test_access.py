"""What a student may do with a quiz: only what their class was given, when it is open."""

from __future__ import annotations

import datetime
import html
import json
import re
from pathlib import Path

import pytest
from support import FIXTURES, make_app

from classroom import clock
from classroom.access import QuizAccess, quiz_access
from classroom.db import connect, get_db
from classroom.library import catalogue
from classroom.migrations import migrations
from classroom.store import assignments as assignment_store

QUIZ = "/quizzes/sample-quiz"
PAST = clock.stamp(clock.now() - datetime.timedelta(days=1))
FUTURE = clock.stamp(clock.now() + datetime.timedelta(days=1))


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def app(tmp_path: Path):
    """The fixture lesson with two quizzes: the sample (unlimited attempts) and another."""
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    sample = (FIXTURES / "quizzes" / "sample-quiz.toml").read_text()
    sample = sample.replace("attempts = 2", "attempts = 0")
    (quizzes / "sample-quiz.toml").write_text(sample)
    (quizzes / "other-quiz.toml").write_text(
        sample.replace('slug = "sample-quiz"', 'slug = "other-quiz"').replace(
            'title = "Sample quiz"', 'title = "Another quiz"'
        )
    )
    app = make_app(tmp_path, QUIZZES_DIR=str(quizzes))
    yield app
    app.extensions["classroom.db"].close_all()


@pytest.fixture
def assign(app, join_code):
    """Change the sample quiz's assignment to the class that join_code opens."""

    def change(slug: str = "sample-quiz", **settings) -> None:
        with app.app_context():
            db = get_db()
            class_id = db.conn.execute(
                "SELECT id FROM classes WHERE join_code = ?", [join_code]
            ).fetchone()[0]
            assignment_store.assign(db, class_id, slug, **settings)

    return change


@pytest.fixture
def joined(student, join_code):
    assert student.join(join_code).status_code == 302
    return student


def count(app, sql: str, params=()) -> int:
    with app.app_context():
        return get_db().conn.execute(sql, params).fetchone()[0]


def saved_answer(app, attempt_id: int, question: str):
    with app.app_context():
        row = (
            get_db()
            .conn.execute(
                "SELECT answer FROM responses WHERE attempt_id = ? AND question_id = ?",
                [attempt_id, question],
            )
            .fetchone()
        )
    return json.loads(row[0]) if row else None


RIGHT = {"who-says": "nobody", "strong-evidence": "report"}


# Only assigned quizzes


def test_a_student_sees_only_the_quizzes_assigned_to_their_class(app, client, joined):
    dashboard = text(client.get("/"))
    assert "Sample quiz" in dashboard
    assert "Another quiz" not in dashboard
    assert client.get("/quizzes/other-quiz").status_code == 404
    assert count(app, "SELECT count(*) FROM attempts") == 0


def test_a_quiz_assigned_later_appears_on_the_dashboard(app, client, joined, assign):
    assign("other-quiz")
    assert "Another quiz" in text(client.get("/"))
    assert client.get("/quizzes/other-quiz").status_code == 200


def test_a_quiz_taken_away_cannot_be_saved_to_or_submitted(app, client, joined, join_code):
    attempt_id = joined.open_quiz()
    with app.app_context():
        db = get_db()
        class_id = db.conn.execute("SELECT id FROM classes").fetchone()[0]
        assignment_store.unassign(db, class_id, "sample-quiz")
    assert client.get(QUIZ).status_code == 404
    assert joined.send(attempt_id, RIGHT).status_code == 404
    assert joined.autosave(attempt_id, "who-says", "nobody").status_code == 404
    assert count(app, "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL") == 0
    assert count(app, "SELECT count(*) FROM responses") == 0


# Opening and closing times


def test_a_quiz_that_opens_later_is_refused_with_when_it_opens(app, client, joined, assign):
    assign(opens_at=FUTURE)
    page = client.get(QUIZ)
    assert page.status_code == 403
    assert "opens" in text(page)
    assert FUTURE[:10] in text(page)
    assert count(app, "SELECT count(*) FROM attempts") == 0


def test_a_closed_quiz_is_refused(app, client, joined, assign):
    assign(closes_at=PAST)
    page = client.get(QUIZ)
    assert page.status_code == 403
    assert "closed" in text(page)
    assert count(app, "SELECT count(*) FROM attempts") == 0


def test_a_closed_quiz_speaks_of_saved_answers_only_to_those_who_started(
    app, client, joined, assign
):
    assign(closes_at=PAST)
    assert "Answers you saved" not in text(client.get(QUIZ))
    assign(closes_at=None)
    joined.autosave(joined.open_quiz(), "who-says", "minister")
    assign(closes_at=PAST)
    assert "Answers you saved before then are kept for your teacher." in text(client.get(QUIZ))


def test_answers_to_an_attempt_started_before_the_close_are_refused_after_it(
    app, client, joined, assign
):
    attempt_id = joined.open_quiz()
    assert joined.autosave(attempt_id, "who-says", "minister").status_code == 200
    assign(closes_at=PAST)

    assert joined.send(attempt_id, {"who-says": "nobody"}, action="save").status_code == 403
    autosaved = joined.autosave(attempt_id, "who-says", "nobody")
    assert autosaved.status_code == 403
    assert autosaved.get_json() == {"error": "This quiz is closed."}
    assert joined.send(attempt_id, RIGHT).status_code == 403
    assert saved_answer(app, attempt_id, "who-says") == "minister"
    assert count(app, "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL") == 0


def test_a_quiz_inside_its_window_can_be_taken(app, client, joined, assign):
    assign(opens_at=PAST, closes_at=FUTURE)
    attempt_id = joined.open_quiz()
    assert joined.send(attempt_id, RIGHT).status_code == 302
    assert count(app, "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL") == 1


# How many attempts


def submit_new_attempt(joined, answers=RIGHT):
    response = joined.send(joined.open_quiz(), answers)
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_class_setting_of_two_attempts_overrides_the_quiz(app, client, joined, assign):
    assign(attempts_allowed=2)
    first = text(client.get(submit_new_attempt(joined)))
    assert "Try again (1 attempt left)" in first
    client.post("/quizzes/sample-quiz/retake", data={"after": "1"})
    results = text(client.get(submit_new_attempt(joined)))
    assert "Try again" not in results

    refused = client.post("/quizzes/sample-quiz/retake", data={"after": "2"})
    assert refused.status_code == 302
    assert "You have used every attempt" in text(
        client.get(refused.headers["Location"], follow_redirects=True)
    )
    assert count(app, "SELECT count(*) FROM attempts") == 2


def test_without_a_class_setting_the_quizs_own_limit_applies(app, client, joined):
    # The quiz here allows unlimited attempts.
    for number in range(1, 4):
        assert "Try again" in text(client.get(submit_new_attempt(joined)))
        client.post("/quizzes/sample-quiz/retake", data={"after": str(number)})
    assert count(app, "SELECT count(*) FROM attempts") == 4


def quiz_header(client) -> str:
    return re.search(r'<p class="meta">(.*?)</p>', text(client.get(QUIZ))).group(1)


def test_the_quiz_page_counts_attempts_by_the_class_setting_not_the_quiz_default(
    app, client, joined, assign
):
    # The quiz file allows unlimited attempts; the class allows two.
    assign(attempts_allowed=2)
    assert quiz_header(client).endswith("attempt 1 of 2")
    assign(attempts_allowed=0)
    assert quiz_header(client).endswith("attempt 1")


def test_an_attempt_begun_before_the_limit_was_lowered_is_not_said_to_be_over_it(
    app, client, joined, assign
):
    assign(attempts_allowed=2)
    submit_new_attempt(joined)
    client.post("/quizzes/sample-quiz/retake", data={"after": "1"})
    assign(attempts_allowed=1)  # the teacher lowers the limit during attempt 2

    assert quiz_header(client).endswith("attempt 2")


def test_with_one_attempt_the_page_says_it_is_submitted_once(app, client, joined, assign):
    assign(attempts_allowed=1)
    page = text(client.get(QUIZ))
    assert "attempt 1 of 1" in page
    assert "You submit once: unanswered questions score nothing." in page


# When the key is shown


def test_feedback_after_the_close_hides_the_key_until_the_quiz_closes(app, client, joined, assign):
    assign(feedback="after_close", closes_at=FUTURE)
    results_url = submit_new_attempt(joined, {"who-says": "minister"})
    hidden = text(client.get(results_url))
    assert "Correct answer" not in hidden
    assert "Right: “It is believed” hides the source." not in hidden
    assert "Nobody is named." not in hidden  # the explanation
    assert "Your teacher will show the answers and feedback after the quiz closes" in hidden
    assert "not which answers were right" in hidden
    # No question says how it scored: with a retake, that would give the key away.
    assert "0 / 1" not in hidden and "0 / 2" not in hidden
    assert 'class="result received">answer received<' in hidden
    assert 'class="result received">not answered<' in hidden

    assign(feedback="after_close", closes_at=PAST)
    shown = text(client.get(results_url))
    assert "Correct answer" in shown
    assert "Right: “It is believed” hides the source." in shown
    assert "0 / 1" in shown


def test_feedback_after_submitting_shows_the_key_on_the_results(app, client, joined):
    results = text(client.get(submit_new_attempt(joined, {"who-says": "minister"})))
    assert "Correct answer" in results


def check(joined, attempt_id: int, question: str, answers: dict):
    return joined.send(attempt_id, answers, action=f"check:{question}")


def test_feedback_after_each_answer_checks_one_question_and_makes_it_final(
    app, client, joined, assign
):
    assign(feedback="after_each")
    page = client.get(QUIZ)
    assert text(page).count("Check answer</button>") == 2
    attempt_id = joined.open_quiz()

    checked = check(
        joined, attempt_id, "who-says", {"who-says": "minister", "strong-evidence": "report"}
    )
    assert checked.status_code == 302
    assert saved_answer(app, attempt_id, "who-says") == "minister"
    # The answer not checked is kept too, and may still change.
    assert saved_answer(app, attempt_id, "strong-evidence") == ["report"]
    shown = text(client.get(QUIZ))
    assert "No: the minister talks about safety." in shown
    assert "Yes, if it is authentic." not in shown  # feedback of the unchecked answer
    assert shown.count("Check answer</button>") == 1

    joined.send(attempt_id, {"who-says": "nobody", "strong-evidence": "accused"}, action="save")
    check(joined, attempt_id, "who-says", {"who-says": "nobody", "strong-evidence": "accused"})
    assert saved_answer(app, attempt_id, "who-says") == "minister"
    assert saved_answer(app, attempt_id, "strong-evidence") == ["accused"]
    joined.send(attempt_id, {"who-says": "nobody", "strong-evidence": ["report", "accused"]})
    assert saved_answer(app, attempt_id, "who-says") == "minister"
    assert sorted(saved_answer(app, attempt_id, "strong-evidence")) == ["accused", "report"]
    with app.app_context():
        score = get_db().conn.execute("SELECT score FROM attempts").fetchone()[0]
    assert score == 2


def test_feedback_after_each_answer_saving_makes_no_answer_final(app, client, joined, assign):
    assign(feedback="after_each")
    attempt_id = joined.open_quiz()
    saved = joined.send(attempt_id, {"who-says": "minister"}, action="save")
    assert saved.status_code == 302
    page = text(client.get(QUIZ))
    assert "No: the minister talks about safety." not in page
    assert page.count("Check answer</button>") == 2
    assert "you can change it until you check it" in page

    joined.send(attempt_id, {"who-says": "nobody"}, action="save")
    assert saved_answer(app, attempt_id, "who-says") == "nobody"


def test_feedback_after_each_answer_checking_a_blank_question_says_so(app, client, joined, assign):
    assign(feedback="after_each")
    attempt_id = joined.open_quiz()
    response = check(joined, attempt_id, "strong-evidence", {"who-says": "nobody"})
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    # Said under question 2, where the page opens again (#question-strong-evidence).
    assert response.headers["Location"].endswith("#question-strong-evidence")
    assert re.search(r'id="status-strong-evidence">No answer to check yet.</p>', page)
    assert "No answer to check yet." not in text(client.get(QUIZ))  # said once
    assert saved_answer(app, attempt_id, "who-says") == "nobody"
    assert page.count("Check answer</button>") == 2


def test_feedback_after_each_answer_autosaves_until_the_answer_is_checked(app, joined, assign):
    assign(feedback="after_each")
    attempt_id = joined.open_quiz()
    assert joined.autosave(attempt_id, "who-says", "minister").status_code == 200
    assert joined.autosave(attempt_id, "who-says", "nobody").status_code == 200
    assert saved_answer(app, attempt_id, "who-says") == "nobody"

    check(joined, attempt_id, "who-says", {"who-says": "nobody"})
    refused = joined.autosave(attempt_id, "who-says", "minister")
    assert refused.status_code == 409
    assert refused.get_json() == {"error": "You checked this answer, so it is final."}
    assert saved_answer(app, attempt_id, "who-says") == "nobody"


def test_answers_checked_before_the_upgrade_stay_final(tmp_path: Path):
    """Before checked answers were told apart, every saved answer of an open attempt
    had been checked (and its feedback shown)."""
    db = connect(tmp_path / "classroom.sqlite")
    try:
        migrations.apply(db, stop_before="m003_checked_answers")
        when = "2024-01-01T00:00:00+00:00"
        db.execute("INSERT INTO classes VALUES (1, NULL, '7B', 'ABCDEFGH', ?, NULL)", [when])
        db.execute("INSERT INTO students VALUES (1, 1, 'Ada', 'hash', ?)", [when])
        db.execute("INSERT INTO quiz_versions VALUES ('sample-quiz', 'v1', '{}', ?)", [when])
        for attempt, submitted in ((1, when), (2, None)):
            db.execute(
                "INSERT INTO attempts (id, student_id, quiz_slug, quiz_version, number, "
                "started_at, submitted_at, max_score) "
                "VALUES (?, 1, 'sample-quiz', 'v1', ?, ?, ?, 3)",
                [attempt, attempt, when, submitted],
            )
            db.execute(
                "INSERT INTO responses (attempt_id, question_id, answer, saved_at) "
                "VALUES (?, 'who-says', '\"nobody\"', ?)",
                [attempt, when],
            )
        db.conn.commit()
        migrations.apply(db)
        rows = db.execute("SELECT attempt_id, checked_at FROM responses ORDER BY 1").fetchall()
    finally:
        db.close()
    assert rows == [(1, None), (2, when)]


# The rules themselves


def access(opens=None, closes=None, attempts=0, feedback="after_submit") -> QuizAccess:
    return QuizAccess(True, opens, closes, attempts, feedback, None)


def test_access_is_open_only_between_its_opening_and_closing_times():
    assert access().open
    assert access(opens=PAST, closes=FUTURE).open
    assert access(opens=FUTURE).not_yet_open and not access(opens=FUTURE).open
    assert access(closes=PAST).closed and not access(closes=PAST).open
    assert not QuizAccess(False, None, None, 0, "after_submit", None).open


def test_the_key_shows_after_submitting_or_after_each_but_after_close_only_once_closed():
    assert access(feedback="after_submit").show_key
    assert access(feedback="after_each").show_key
    assert not access(feedback="after_close").show_key
    assert not access(feedback="after_close", closes=FUTURE).show_key
    assert access(feedback="after_close", closes=PAST).show_key


def test_attempts_left_counts_down_and_zero_means_unlimited():
    assert access(attempts=2).attempts_left(1) == 1
    assert access(attempts=2).attempts_left(2) == 0
    assert access(attempts=2).attempts_left(5) == 0
    assert access(attempts=0).attempts_left(99) is None


def test_the_assignment_overrides_the_quiz_and_falls_back_to_it(app, join_code):
    with app.app_context():
        db = get_db()
        class_id = db.conn.execute("SELECT id FROM classes").fetchone()[0]
        quiz = catalogue().quizzes["sample-quiz"]
        student = {"class_id": class_id}
        default = quiz_access(db, student, quiz)
        assert (default.assigned, default.attempts_allowed, default.feedback) == (
            True,
            0,
            "after_submit",
        )
        assignment_store.assign(
            db, class_id, "sample-quiz", attempts_allowed=3, feedback="after_close", role="post"
        )
        changed = quiz_access(db, student, quiz)
        assert (changed.attempts_allowed, changed.feedback, changed.role) == (
            3,
            "after_close",
            "post",
        )
        assert not quiz_access(db, student, catalogue().quizzes["other-quiz"]).assigned
