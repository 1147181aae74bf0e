"""The fast path for a quiz's busiest posts: an autosave or a submit that is plainly
valid is answered before Flask's per-request work.

A class sends an autosave for every answer chosen and, at the end of a lesson, all its
submits at once. Flask's machinery around a view (request context, routing, hooks, the
session and response objects, the view's own reads) costs the server more than the
save itself, so the common case is answered here, in front of the app, by the same
rules and the same code as the views:

- a session cookie and a CSRF token that verify (sessions.py, which remembers them);
- a small URL-encoded form, read by the question types' own readers;
- the student's own attempt, open, on the quiz as it is now, whose class was given
  the quiz, open now, with feedback after submitting or after closing (QuizAccess);
- the store's own autosave and submit, which check the owner and the submit again
  inside their transaction.

Anything else (a refused token, a closed quiz, a cleared answer, a form with
mistakes, an attempt on an older version, an error of any kind) goes to the Flask view
untouched, which answers it with its full messages. Both answer a valid post with the
same bytes and headers; tests/student/test_fast_path.py holds them to that. The
setting FAST_PATH = False leaves every post to the views.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, quote

from flask import Flask
from werkzeug.http import parse_cookie
from werkzeug.utils import redirect

from classroom import grading
from classroom.access import QuizAccess, access_from
from classroom.answers import SUBMIT, SUBMIT_UNANSWERED, read_question, read_quiz, unanswered
from classroom.content import Quiz
from classroom.questions import InvalidAnswer
from classroom.sessions import RememberingSessionInterface, csrf_matches
from classroom.store import attempts as attempt_store
from classroom.views import FormValues, security_headers

AUTOSAVE_PATH = re.compile(r"/quizzes/([^/]+)/attempts/([0-9]{1,18})/answers")
SUBMIT_PATH = re.compile(r"/quizzes/([^/]+)/attempts/([0-9]{1,18})")
FORM_TYPE = "application/x-www-form-urlencoded"
# A path that HTML escaping and URL quoting both leave as it is.
PLAIN_PATH = re.compile(r"[A-Za-z0-9/_.~%-]+")
MARK = "/location-of-the-results"
MAX_BODY = 64 * 1024  # a whole quiz's answers fit; larger forms take the full path

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class FastPath:
    """WSGI middleware: answers the plainly valid autosave or submit, passes on the rest."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp):
        self.app = app
        self.wsgi_app = wsgi_app
        https = app.config["HTTPS"]
        self.json_headers = [("Content-Type", "application/json"), ("Vary", "Cookie")]
        self.json_headers += security_headers(html=False, private=True, https=https)
        self.html_headers = [("Vary", "Cookie")]
        self.html_headers += security_headers(html=True, private=True, https=https)
        # Werkzeug's redirect page, built once around a marker and filled in per submit:
        # building a Response costs a submit more than its own scoring.
        sample = redirect(MARK, 302, app.response_class)
        self.redirect_page = sample.get_data()
        self.redirect_type = sample.headers["Content-Type"]

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            path = environ.get("PATH_INFO", "")
            autosave = AUTOSAVE_PATH.fullmatch(path)
            submit = None if autosave else SUBMIT_PATH.fullmatch(path)
            match = autosave or submit
            body = self._read_body(environ) if match else None
            if match and body is not None:
                # The full path reads the body again, from this copy.
                environ["wsgi.input"] = io.BytesIO(body)
                try:
                    answer = (self._autosave if autosave else self._submit)(
                        environ, match[1], int(match[2]), body
                    )
                except Exception:  # the view will answer, with its own error page if need be
                    self.app.logger.exception("the fast path failed; the view answers instead")
                    self._roll_back()
                    answer = None
                if answer is not None:
                    return answer(environ, start_response)
        return self.wsgi_app(environ, start_response)

    # --- the two posts ---

    def _autosave(self, environ: Environ, slug: str, attempt_id: int, body: bytes):
        found = self._open_attempt(environ, slug, attempt_id, body)
        if found is None:
            return None
        student_id, quiz, form = found
        question = quiz.question(form.get("question", ""))
        if question is None:
            return None
        try:
            answer, confidence = read_question(question, form)
        except InvalidAnswer:
            return None
        if answer is None:  # clearing an answer is rare: the view does it
            return None
        if not attempt_store.save_answers(
            self._db(), attempt_id, student_id, {question.id: (answer, confidence)}
        ):
            return None
        reply = {"answered": True, "question": question.id, "saved": True}
        # Byte for byte what Flask's jsonify writes outside debug mode.
        data = (json.dumps(reply, separators=(",", ":"), sort_keys=True) + "\n").encode()
        return _reply("200 OK", [*self.json_headers, ("Content-Length", str(len(data)))], data)

    def _submit(self, environ: Environ, slug: str, attempt_id: int, body: bytes):
        found = self._open_attempt(environ, slug, attempt_id, body)
        if found is None:
            return None
        student_id, quiz, form = found
        action = form.get("action")
        if action not in (SUBMIT, SUBMIT_UNANSWERED):
            return None
        posted, errors = read_quiz(quiz, form)
        if errors:
            return None
        if action == SUBMIT and unanswered(quiz, posted):
            return None  # the view asks first, and saves the answers meanwhile
        attempt_store.submit(
            self._db(),
            attempt_id,
            student_id,
            posted,
            lambda answers: grading.grade_answers(quiz, answers),
            every_question=True,  # read_quiz gives every question, None where blank
        )
        # A submit that lost a race to another still ends on the one result, as in the view.
        script = environ.get("SCRIPT_NAME", "")
        return self._redirect(f"{script}/quizzes/{quote(slug)}/attempts/{attempt_id}/results")

    def _redirect(self, location: str):
        """A 302 to the location, byte for byte as Flask's redirect() writes it."""
        if not PLAIN_PATH.fullmatch(location):
            response = redirect(location, 302, self.app.response_class)
            for name, value in self.html_headers:
                response.headers.add(name, value)
            return response
        data = self.redirect_page.replace(MARK.encode(), location.encode())
        headers = [
            ("Content-Type", self.redirect_type),
            ("Content-Length", str(len(data))),
            ("Location", location),
            *self.html_headers,
        ]
        return _reply("302 FOUND", headers, data)

    # --- what both check ---

    def _open_attempt(
        self, environ: Environ, slug: str, attempt_id: int, body: bytes
    ) -> tuple[int, Quiz, FormValues] | None:
        """The student, the quiz and the form, when the post is plainly allowed."""
        config = self.app.config
        if len(body) != int(environ["CONTENT_LENGTH"]):  # the client went away mid-body
            return None
        session = self._verified_session(environ)
        student_id = session.get("student_id") if session else None
        if not isinstance(student_id, int):
            return None
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except (UnicodeDecodeError, ValueError):
            return None
        if len(pairs) > (config.get("MAX_FORM_PARTS") or 0):
            return None
        form = FormValues(pairs)
        token = form.get("csrf_token") or environ.get("HTTP_X_CSRFTOKEN")
        if not csrf_matches(self.app, session, token):
            return None
        quiz = self.app.extensions["classroom.library"].current().quizzes.get(slug)
        if quiz is None:
            return None
        found = attempt_store.attempt_with_assignment(self._db(), attempt_id, student_id)
        if found is None:
            return None
        attempt, assignment = found
        if (
            session.get("student_version", 0) != attempt["student_session_version"]
            or attempt["quiz_slug"] != slug
            or attempt["quiz_version"] != quiz.version
            or attempt["submitted_at"] is not None
            or not self._may_save(access_from(assignment, quiz))
        ):
            return None
        return student_id, quiz, form

    @staticmethod
    def _may_save(access: QuizAccess) -> bool:
        # After each answer, answers are checked one by one in the view.
        return access.open and access.feedback != "after_each"

    def _read_body(self, environ: Environ) -> bytes | None:
        """The form's bytes, or None when the request is not a small URL-encoded form."""
        if environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() != FORM_TYPE:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        limit = self.app.config.get("MAX_CONTENT_LENGTH") or MAX_BODY
        if not 0 < length <= min(limit, MAX_BODY):
            return None
        return environ["wsgi.input"].read(length)

    def _verified_session(self, environ: Environ) -> dict[str, Any] | None:
        """The session's data, if its cookie verifies."""
        app = self.app
        interface = app.session_interface
        if not isinstance(interface, RememberingSessionInterface) or not app.secret_key:
            return None
        cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(app.config["SESSION_COOKIE_NAME"])
        return interface.data_of(app, cookie) if cookie else None

    def _db(self):
        return self.app.extensions["classroom.db"].get()

    def _roll_back(self) -> None:
        try:
            conn = self._db().conn
            if conn.in_transaction:
                conn.rollback()
        except sqlite3.Error:
            pass  # the view's own connection use will report a broken database


def _reply(status: str, headers: list[tuple[str, str]], data: bytes) -> WSGIApp:
    """A WSGI app that answers with these bytes."""

    def respond(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        start_response(status, headers)
        return [data]

    return respond


def install(app: Flask) -> None:
    if app.config.get("FAST_PATH", True):
        app.wsgi_app = FastPath(app, app.wsgi_app)
