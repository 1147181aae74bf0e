"""A whole school at once: sixteen processes reading then writing through the data layer,
and sixteen students autosaving through the real server, never meet "database is locked",
never get a 500, and every row they were told was saved is there."""

from __future__ import annotations

import http.cookiejar
import json
import logging
import multiprocessing
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections import Counter
from pathlib import Path

import pytest
from support import FIXTURES, make_app
from werkzeug.serving import make_server

from classroom import grading
from classroom.content import load_catalogue
from classroom.db import BUSY_TIMEOUT_SECONDS, connect
from classroom.migrations import migrate
from classroom.store import attempts, classes, students, throttle

PROCESSES = 16
OPERATIONS = 200
SUBMIT_EVERY = 10
CHOICES = ("nobody", "minister")


def choice(process: int, operation: int) -> str:
    return CHOICES[(process + operation) % 2]


def work(job: tuple[str, int, int]) -> dict:
    """One process: its own connection, OPERATIONS read-then-write steps for one student.

    Each step opens (or starts) the student's attempt, saves two answers, then one alone
    (as an autosave does), and counts a
    failure in the throttle (an increment: a lost update would show in the total); every
    SUBMIT_EVERY steps it submits and starts a retake.
    """
    path, process, student_id = job
    quiz = load_catalogue(FIXTURES / "lessons", FIXTURES / "quizzes").quizzes["sample-quiz"]
    db = connect(path)
    errors: Counter[str] = Counter()
    submitted = 0
    try:
        for operation in range(OPERATIONS):
            try:
                attempt = attempts.open_or_start(db, student_id, quiz)
                if attempt["submitted_at"] is not None:
                    attempt = attempts.start_retake(db, student_id, quiz, attempt["number"], 0)
                answer = {
                    "who-says": (choice(process, operation), operation % 5 or None),
                    "strong-evidence": (["report"], None),
                }
                if not attempts.save_answers(db, attempt["id"], student_id, answer):
                    errors["save refused"] += 1
                # One answer alone: the autosave's single autocommitted statement.
                one = {"who-says": answer["who-says"]}
                if not attempts.save_answers(db, attempt["id"], student_id, one):
                    errors["autosave refused"] += 1
                throttle.record_failure(db, f"process:{process}", 3600)
                if operation % SUBMIT_EVERY == SUBMIT_EVERY - 1:
                    done = attempts.submit(
                        db,
                        attempt["id"],
                        student_id,
                        {},
                        lambda given: grading.grade_answers(quiz, given),
                    )
                    submitted += done["submitted_at"] is not None
            except Exception as error:  # counted, not raised: the parent reports them all
                errors[f"{type(error).__name__}: {error}"] += 1
    finally:
        db.close()
    return {"process": process, "errors": dict(errors), "submitted": submitted}


@pytest.fixture
def school_db(tmp_path: Path):
    path = tmp_path / "school.sqlite"
    migrate(path)
    db = connect(path)
    quiz_slugs = ["sample-quiz"]
    klass = classes.create_class(db, "Whole school", quiz_slugs=quiz_slugs)
    ids = [students.create_student(db, klass["id"], f"Student {n}")[0] for n in range(PROCESSES)]
    db.close()
    return path, ids


def test_sixteen_processes_reading_then_writing_never_meet_a_locked_database(school_db):
    path, ids = school_db
    started = time.monotonic()
    # fork starts sixteen processes in well under a second where spawn takes seconds each;
    # the children touch only their own new connection, so the parent's threads (if a
    # previous test left any) cannot deadlock them.
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        with context.Pool(PROCESSES) as pool:
            results = pool.map(work, [(str(path), n, ids[n]) for n in range(PROCESSES)])
    elapsed = time.monotonic() - started

    errors = Counter()
    for result in results:
        errors.update(result["errors"])
    assert not any("locked" in message for message in errors), errors
    assert not errors, errors
    assert elapsed < 60, f"{elapsed:.1f} s"

    db = connect(path)
    try:
        rounds = OPERATIONS // SUBMIT_EVERY
        for process, student_id in enumerate(ids):
            made = db.conn.execute(
                "SELECT count(*), count(submitted_at), count(score) FROM attempts "
                "WHERE student_id = ?",
                [student_id],
            ).fetchone()
            # Every round was submitted and scored; the last submit left no open retake.
            assert made == (rounds, rounds, rounds), (process, made)
            answered = db.conn.execute(
                "SELECT count(*) FROM responses JOIN attempts ON attempts.id = attempt_id "
                "WHERE student_id = ?",
                [student_id],
            ).fetchone()[0]
            assert answered == 2 * rounds, (process, answered)
            last = db.conn.execute(
                "SELECT answer, confidence FROM responses JOIN attempts ON attempts.id = "
                "attempt_id WHERE student_id = ? AND question_id = 'who-says' "
                "ORDER BY number DESC LIMIT 1",
                [student_id],
            ).fetchone()
            assert json.loads(last[0]) == choice(process, OPERATIONS - 1)
            failures = db.conn.execute(
                "SELECT failures FROM throttle WHERE key = ?", [f"process:{process}"]
            ).fetchone()[0]
            assert failures == OPERATIONS, f"lost updates: {failures} of {OPERATIONS}"
        assert sum(r["submitted"] for r in results) == PROCESSES * rounds
        assert db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    print(
        f"\n{PROCESSES} processes x {OPERATIONS} operations: {elapsed:.1f} s, "
        f"{PROCESSES * OPERATIONS / elapsed:.0f} operations/s, 0 errors"
    )


def test_every_connection_waits_for_a_busy_database(tmp_path: Path):
    db = connect(tmp_path / "x.sqlite")
    try:
        waits = db.conn.execute("PRAGMA busy_timeout").fetchone()[0]
        assert waits == BUSY_TIMEOUT_SECONDS * 1000
        assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    finally:
        db.close()


# ---------------------------------------------------------------- through the server

THREADS = 16
AUTOSAVES = 50


class Browser:
    """One student's browser: its own cookies, talking HTTP to the real server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(
        self, path: str, data: dict | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()


@pytest.fixture
def server(tmp_path: Path):
    app = make_app(tmp_path)
    quiet = logging.getLogger("werkzeug")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    served = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{served.server_port}"
    finally:
        served.shutdown()
        thread.join(10)
        served.server_close()
        quiet.setLevel(level)
        app.extensions["classroom.db"].close_all()


def test_sixteen_students_autosaving_at_once_through_the_server_lose_nothing(server):
    app, base = server
    with app.app_context():
        from classroom.db import get_db

        code = classes.create_class(get_db(), "Hall", quiz_slugs=["sample-quiz"])["join_code"]

    statuses: Counter[int] = Counter()
    sent: dict[int, tuple[str, str]] = {}
    problems: list[str] = []
    lock = threading.Lock()

    def student(number: int) -> None:
        try:
            browser = Browser(base)
            joined, _ = browser.request("/join", {"code": code, "name": f"S{number}"})
            status, page = browser.request("/quizzes/sample-quiz")
            attempt = int(re.search(r"/quizzes/sample-quiz/attempts/(\d+)\"", page).group(1))
            last = {}
            for n in range(AUTOSAVES):
                question, value = (
                    ("who-says", CHOICES[n % 2])
                    if n % 2 == 0
                    else ("strong-evidence", ["report", "accused"][: n % 3 or 1])
                )
                status, _ = browser.request(
                    f"/quizzes/sample-quiz/attempts/{attempt}/answers",
                    {"question": question, f"q-{question}": value},
                    {"Accept": "application/json"},
                )
                with lock:
                    statuses[status] += 1
                if status == 200:
                    last[question] = value
            with lock:
                sent[attempt] = last
        except Exception as error:  # reported below with the rest
            with lock:
                problems.append(f"student {number}: {type(error).__name__}: {error}")

    started = time.monotonic()
    threads = [threading.Thread(target=student, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - started

    assert problems == []
    assert statuses == Counter({200: THREADS * AUTOSAVES}), statuses
    assert len(sent) == THREADS
    with app.app_context():
        from classroom.db import get_db

        for attempt, last in sent.items():
            rows = dict(
                get_db().conn.execute(
                    "SELECT question_id, answer FROM responses WHERE attempt_id = ?", [attempt]
                )
            )
            assert {q: json.loads(a) for q, a in rows.items()} == {
                q: (v if q == "who-says" else list(v)) for q, v in last.items()
            }, attempt
    print(
        f"\n{THREADS} students x {AUTOSAVES} autosaves: {elapsed:.1f} s, "
        f"{THREADS * AUTOSAVES / elapsed:.0f} autosaves/s, no 500, nothing lost"
    )
