"""Autosave's fast path: a plainly valid save answered before Flask's per-request work.

An autosave is the request a class sends most: one for every answer chosen, from every
student at once. Flask's machinery around a view (the request context, routing, hooks,
the session and response objects) costs the server several times the save itself, so
the common case is answered here, in front of the app:

- a session cookie and a CSRF token that verify (sessions.py, which remembers them);
- a small URL-encoded form naming a question of the quiz as it is now;
- an answer that reads as that question's answer (the question type's own reader);
- one SQL statement that checks every rule for saving and writes
  (attempts.save_if_open).

Anything else (a refused token, a closed quiz, a cleared answer, an attempt on an older
version, a malformed form, an error of any kind) goes to the Flask view untouched,
which answers it with its full messages. The two answer a valid save with the same
bytes and headers; tests/student/test_fast_autosave.py holds them to that.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_cookie

from classroom.answers import read_question
from classroom.questions import InvalidAnswer
from classroom.sessions import RememberingSessionInterface, csrf_matches
from classroom.store import attempts as attempt_store
from classroom.views import security_headers

PATH = re.compile(r"/quizzes/([^/]+)/attempts/([0-9]{1,18})/answers")
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_BODY = 16 * 1024  # an autosave is a few hundred bytes; larger ones take the full path

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class FastAutosave:
    """WSGI middleware: saves the plainly valid autosave itself, passes on the rest."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp):
        self.app = app
        self.wsgi_app = wsgi_app
        self.headers = [("Content-Type", "application/json"), ("Vary", "Cookie")]
        self.headers += security_headers(html=False, private=True, https=app.config["HTTPS"])

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            match = PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match is not None:
                body = self._read_body(environ)
                if body is not None:
                    # The full path reads the body again, from this copy.
                    environ["wsgi.input"] = io.BytesIO(body)
                    saved = self._try_save(environ, match[1], int(match[2]), body)
                    if saved is not None:
                        start_response(
                            "200 OK", [*self.headers, ("Content-Length", str(len(saved)))]
                        )
                        return [saved]
        return self.wsgi_app(environ, start_response)

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

    def _try_save(self, environ: Environ, slug: str, attempt_id: int, body: bytes) -> bytes | None:
        """The response body when the answer was saved here; None: let the view answer."""
        config = self.app.config
        if len(body) != int(environ["CONTENT_LENGTH"]):  # the client went away mid-body
            return None
        session = self._verified_session(environ)
        if session is None or not isinstance(session.get("student_id"), int):
            return None
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except (UnicodeDecodeError, ValueError):
            return None
        if len(pairs) > (config.get("MAX_FORM_PARTS") or 0):
            return None
        form = MultiDict(pairs)
        if not csrf_matches(
            self.app, session, form.get("csrf_token") or environ.get("HTTP_X_CSRFTOKEN")
        ):
            return None
        quiz = self.app.extensions["classroom.library"].current().quizzes.get(slug)
        question = quiz.question(form.get("question", "")) if quiz else None
        if question is None:
            return None
        try:
            answer, confidence = read_question(question, form)
        except InvalidAnswer:
            return None
        if answer is None:  # clearing an answer is rare: the view does it
            return None
        db = self.app.extensions["classroom.db"].get()
        try:
            saved = attempt_store.save_if_open(
                db,
                attempt_id=attempt_id,
                student_id=session["student_id"],
                quiz=quiz,
                question_id=question.id,
                answer=answer,
                confidence=confidence,
            )
        except sqlite3.Error:
            if db.conn.in_transaction:
                db.conn.rollback()
            return None
        if not saved:
            return None
        reply = {"answered": True, "question": question.id, "saved": True}
        # Byte for byte what Flask's jsonify writes outside debug mode.
        return (json.dumps(reply, separators=(",", ":"), sort_keys=True) + "\n").encode()

    def _verified_session(self, environ: Environ) -> dict[str, Any] | None:
        """The session's data, if its cookie verifies."""
        app = self.app
        interface = app.session_interface
        if not isinstance(interface, RememberingSessionInterface) or not app.secret_key:
            return None
        cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(app.config["SESSION_COOKIE_NAME"])
        return interface.data_of(app, cookie) if cookie else None


def install(app: Flask) -> None:
    if app.config.get("FAST_AUTOSAVE", True):
        app.wsgi_app = FastAutosave(app, app.wsgi_app)
