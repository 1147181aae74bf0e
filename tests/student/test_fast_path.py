"""The fast path answers a plainly valid autosave or submit exactly as the views would,
and leaves every other post, refused or unusual, to the views.

Each story runs twice, on an app with the fast path and on one without it, and the
two must answer alike and leave the same rows behind.
"""

from __future__ import annotations

import datetime
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import FIXTURES, make_app

from classroom import clock
from classroom.db import get_db
from classroom.store import assignments
from classroom.store import classes as class_store
from classroom.store import students as student_store
from classroom.student import fast_path

QUIZ = "/quizzes/sample-quiz"


def token_in(page: str) -> str:
    tag = next(t for t in re.findall(r"<input[^>]*>", page) if 'name="csrf_token"' in t)
    return re.search(r'value="([^"]+)"', tag).group(1)


@dataclass
class Student:
    """A student who joined through the real forms and opened the sample quiz."""

    client: object
    attempt: int
    token: str

    def autosave(self, question: str, *values: str, token: str | None = None, attempt=None):
        data = {"question": question, f"q-{question}": list(values)}
        data["csrf_token"] = self.token if token is None else token
        return self.client.post(f"{QUIZ}/attempts/{attempt or self.attempt}/answers", data=data)

    def submit(self, answers: dict, token: str | None = None, attempt=None, action="submit"):
        data = {f"q-{qid}": value for qid, value in answers.items()}
        data["action"] = action
        data["csrf_token"] = self.token if token is None else token
        return self.client.post(f"{QUIZ}/attempts/{attempt or self.attempt}", data=data)


class Classroom:
    """One app (with or without the fast path), its class, and a spy on the view."""

    def __init__(self, tmp_path: Path, fast: bool, **config):
        content = tmp_path / "content"
        shutil.copytree(FIXTURES, content)
        self.quiz_file = content / "quizzes" / "sample-quiz.toml"
        self.app = make_app(
            tmp_path,
            WTF_CSRF_ENABLED=True,
            FAST_PATH=fast,
            LESSONS_DIR=str(content / "lessons"),
            QUIZZES_DIR=str(content / "quizzes"),
            **config,
        )
        with self.app.app_context():
            self.klass = class_store.create_class(get_db(), "7B", quiz_slugs=["sample-quiz"])
        self.view_calls = 0
        if fast:
            middleware = self.app.wsgi_app
            view = middleware.wsgi_app

            def counted(environ, start_response):
                self.view_calls += environ["REQUEST_METHOD"] == "POST" and bool(
                    re.fullmatch(r"/quizzes/[^/]+/attempts/\d+(/answers)?", environ["PATH_INFO"])
                )
                return view(environ, start_response)

            middleware.wsgi_app = counted

    def join(self, name: str = "Ada") -> Student:
        client = self.app.test_client()
        token = token_in(client.get("/").get_data(as_text=True))
        joined = client.post(
            "/join", data={"code": self.klass["join_code"], "name": name, "csrf_token": token}
        )
        assert joined.status_code == 302
        page = client.get(QUIZ).get_data(as_text=True)
        attempt = int(re.search(r"/quizzes/sample-quiz/attempts/(\d+)/answers", page).group(1))
        return Student(client, attempt, token_in(page))

    def assign(self, **settings) -> None:
        with self.app.app_context():
            assignments.assign(get_db(), self.klass["id"], "sample-quiz", **settings)

    def rows(self) -> list[tuple]:
        sql = "SELECT attempt_id, question_id, answer, confidence FROM responses ORDER BY 1, 2"
        with self.app.app_context():
            return get_db().conn.execute(sql).fetchall()

    def attempts(self) -> list[tuple]:
        sql = "SELECT id, submitted_at IS NOT NULL, score, ungraded FROM attempts ORDER BY id"
        with self.app.app_context():
            return get_db().conn.execute(sql).fetchall()

    def close(self) -> None:
        self.app.extensions["classroom.db"].close_all()


@pytest.fixture
def classrooms(tmp_path: Path):
    fast, full = Classroom(tmp_path / "fast", True), Classroom(tmp_path / "full", False)
    yield fast, full
    fast.close()
    full.close()


def answered(response) -> tuple[int, bytes, dict[str, str]]:
    return response.status_code, response.get_data(), dict(response.headers)


def test_a_valid_save_is_stored_without_reaching_the_view(classrooms):
    fast, _ = classrooms
    ada = fast.join()

    first = ada.autosave("who-says", "minister")
    second = ada.autosave("who-says", "nobody")

    assert first.get_json() == {"saved": True, "question": "who-says", "answered": True}
    assert second.get_json() == {"saved": True, "question": "who-says", "answered": True}
    assert fast.view_calls == 0
    assert fast.rows() == [(ada.attempt, "who-says", '"nobody"', None)]


def test_both_paths_answer_a_valid_save_with_the_same_bytes_and_headers(classrooms):
    replies = []
    for room in classrooms:
        ada = room.join()
        ada.autosave("strong-evidence", "report")
        replies.append(answered(ada.autosave("strong-evidence", "report", "accused")))
        assert room.rows() == [(ada.attempt, "strong-evidence", '["accused", "report"]', None)]
    assert replies[0] == replies[1]
    assert replies[0][2]["Cache-Control"] == "no-store"
    assert classrooms[0].view_calls == 0


def test_a_valid_submit_is_scored_without_reaching_the_view_and_answered_alike(classrooms):
    replies, attempts = [], []
    for room in classrooms:
        ada = room.join()
        ada.autosave("who-says", "minister")
        reply = ada.submit({"who-says": "nobody", "strong-evidence": ["report", "accused"]})
        replies.append(answered(reply))
        attempts.append(room.attempts())
        assert reply.headers["Location"] == f"{QUIZ}/attempts/{ada.attempt}/results"
        assert ada.client.get(reply.headers["Location"]).status_code == 200
    assert replies[0] == replies[1]
    assert attempts[0] == attempts[1] == [(1, 1, 3.0, 0)]
    assert replies[0][2]["Content-Security-Policy"].startswith("default-src 'self'")
    assert classrooms[0].view_calls == 0


@pytest.mark.parametrize("prefix", ["", "/school", "/r&d <7B>"])
def test_a_submit_is_redirected_alike_wherever_the_app_is_mounted(classrooms, prefix):
    replies = []
    for room in classrooms:
        ada = room.join()
        reply = ada.client.post(
            f"{QUIZ}/attempts/{ada.attempt}",
            data={
                "q-who-says": "nobody",
                "q-strong-evidence": "report",
                "action": "submit",
                "csrf_token": ada.token,
            },
            environ_overrides={"SCRIPT_NAME": prefix},
        )
        replies.append(answered(reply))
    assert replies[0] == replies[1]
    assert replies[0][0] == 302
    assert classrooms[0].view_calls == 0


def test_the_headers_name_https_when_the_app_is_served_over_https(tmp_path):
    room = Classroom(tmp_path, fast=True, HTTPS=True)
    ada = room.join()
    ada.autosave("who-says", "nobody")
    reply = ada.autosave("who-says", "minister")
    assert reply.status_code == 200
    assert room.view_calls == 0
    assert reply.headers["Strict-Transport-Security"].startswith("max-age=")
    room.close()


def _past() -> str:
    return clock.stamp(clock.now() - datetime.timedelta(hours=1))


def _future() -> str:
    return clock.stamp(clock.now() + datetime.timedelta(hours=1))


def _submit(room: Classroom, ada: Student) -> None:
    ada.submit({"who-says": "nobody", "strong-evidence": "report"})


def _archive(room: Classroom, ada: Student) -> None:
    with room.app.app_context():
        class_store.set_archived(get_db(), room.klass["id"], True)


def _edit_quiz(room: Classroom, ada: Student) -> None:
    text = room.quiz_file.read_text()
    room.quiz_file.write_text(text.replace("Two questions.", "Two questions, reworded."))


# (what happens between the first save and the next, the save's arguments)
DECLINED: dict[str, tuple[Callable[[Classroom, Student], None] | None, dict]] = {
    "the quiz has closed": (lambda room, ada: room.assign(closes_at=_past()), {}),
    "the quiz is not open yet": (lambda room, ada: room.assign(opens_at=_future()), {}),
    "feedback comes after each answer": (lambda room, ada: room.assign(feedback="after_each"), {}),
    "the class is archived": (_archive, {}),
    "the attempt is submitted": (_submit, {}),
    "the question is not in the quiz": (None, {"question": "no-such-question"}),
    "the choice is not in the question": (None, {"values": ("bogus",)}),
    "the answer is cleared": (None, {"values": ("",)}),
    "the token is forged": (None, {"token": "forged"}),
    "the token is missing": (None, {"token": ""}),
    "the attempt is on an earlier version of the quiz": (_edit_quiz, {}),
}


def _first_save_then(room: Classroom, change) -> tuple[Student, int]:
    """A student who saved once, then the story's change; the view's calls so far."""
    ada = room.join()
    assert ada.autosave("who-says", "minister").status_code == 200
    if change:
        change(room, ada)
    return ada, room.view_calls


@pytest.mark.parametrize("story", DECLINED)
def test_a_save_the_fast_path_cannot_vouch_for_is_answered_by_the_view(classrooms, story):
    change, save = DECLINED[story]
    replies, rows = [], []
    for room in classrooms:
        ada, calls = _first_save_then(room, change)
        reply = ada.autosave(
            save.get("question", "who-says"),
            *save.get("values", ("nobody",)),
            token=save.get("token"),
        )
        body = reply.get_json()
        if "csrf_token" in body:  # a fresh token to retry with: each app signs its own
            body["csrf_token"] = bool(body["csrf_token"])
        replies.append((reply.status_code, body))
        rows.append([row[1:] for row in room.rows()])
        if room is classrooms[0]:
            assert room.view_calls == calls + 1, "the view should have answered"
    assert replies[0] == replies[1]
    assert rows[0] == rows[1]


@pytest.mark.parametrize("story", DECLINED)
def test_a_submit_the_fast_path_cannot_vouch_for_is_answered_by_the_view(classrooms, story):
    change, save = DECLINED[story]
    answers = {"who-says": save.get("values", ("nobody",))[0], "strong-evidence": ["report"]}
    if "question" in save:
        answers[save["question"]] = "nobody"
    replies, rows, attempts = [], [], []
    for room in classrooms:
        ada, calls = _first_save_then(room, change)
        reply = ada.submit(answers, token=save.get("token"))
        replies.append((reply.status_code, reply.headers.get("Location")))
        rows.append([row[1:] for row in room.rows()])
        attempts.append(room.attempts())
        if room is classrooms[0]:
            # A field the quiz does not have is a valid submit; a blank answer is asked
            # about first, by the view.
            valid = story == "the question is not in the quiz"
            assert room.view_calls == calls + (not valid)
    assert replies[0] == replies[1]
    assert rows[0] == rows[1]
    assert attempts[0] == attempts[1]


def test_a_save_without_javascript_is_left_to_the_view(classrooms):
    fast, _ = classrooms
    ada = fast.join()

    saved = ada.submit({"who-says": "nobody"}, action="save")

    assert saved.status_code == 302
    assert fast.view_calls == 1
    assert fast.attempts() == [(1, 0, None, 0)]


def test_a_save_into_another_students_attempt_is_refused_by_the_view(classrooms):
    fast, _ = classrooms
    ada, mallory = fast.join("Ada"), fast.join("Mallory")
    ada.autosave("who-says", "minister")
    mallory.autosave("who-says", "minister")

    reply = mallory.autosave("who-says", "nobody", attempt=ada.attempt)
    submitted = mallory.submit({"who-says": "nobody"}, attempt=ada.attempt)

    assert reply.status_code == 404
    assert submitted.status_code == 404
    assert fast.attempts() == [(ada.attempt, 0, None, 0), (mallory.attempt, 0, None, 0)]
    assert fast.rows() == [
        (ada.attempt, "who-says", '"minister"', None),
        (mallory.attempt, "who-says", '"minister"', None),
    ]


def test_a_save_from_before_a_new_resume_code_is_refused_by_the_view(classrooms):
    replies = []
    for room in classrooms:
        ada = room.join()
        ada.autosave("who-says", "minister")  # the fast path knows her session now
        with room.app.app_context():
            student_id = get_db().execute("SELECT id FROM students").fetchone()[0]
            student_store.replace_resume_code(get_db(), student_id)
        reply = ada.autosave("who-says", "nobody")
        replies.append((reply.status_code, reply.get_json()))
        assert room.rows() == [(ada.attempt, "who-says", '"minister"', None)]
    assert replies[0] == replies[1]
    assert replies[0][0] == 401


def test_a_save_from_a_removed_student_is_refused_by_the_view(classrooms):
    fast, _ = classrooms
    ada = fast.join()
    ada.autosave("who-says", "minister")
    with fast.app.app_context():
        get_db().conn.execute("DELETE FROM students")
        get_db().conn.commit()

    reply = ada.autosave("who-says", "nobody")

    assert reply.status_code == 401
    assert fast.rows() == []


def test_a_failure_in_the_fast_path_is_logged_and_the_view_answers_instead(
    classrooms, monkeypatch, caplog
):
    fast, _ = classrooms
    ada = fast.join()
    real = fast_path.attempt_store.save_answers
    failures = iter([sqlite3.OperationalError("disk I/O error")])

    def failing_once(*args, **kwargs):
        for error in failures:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(fast_path.attempt_store, "save_answers", failing_once)

    reply = ada.autosave("who-says", "nobody")

    assert reply.get_json() == {"saved": True, "question": "who-says", "answered": True}
    assert fast.view_calls == 1
    assert "the fast path failed" in caplog.text
    assert fast.rows() == [(ada.attempt, "who-says", '"nobody"', None)]
