"""Report benchmark: the teacher's reports over 100,000 responses, and one over 1,000,000.

    python bench/reports.py [--runs 20] [--no-million]

Builds a database through the data layer (the app's migrations, then bulk inserts in one
transaction): one teacher, one class of 300 students, the three bundled quizzes, each
student answering every quiz over repeated attempts until the class holds ≥ 100,000
responses. Answers are drawn from the real quiz content: a student of ability θ gets a
question of difficulty b right with probability 1 / (1 + e^(b − θ)), otherwise picks a
distractor, so the reports' statistics have something real to chew on.

Timed in-process (median and p95 of --runs runs, after a warm-up):
  - the SQL of one quiz's report (store.reports.first_attempt_responses),
  - the SQL of all quizzes of the class (the gradebook's submitted_attempts plus each
    quiz's first_attempt_responses),
  - the Python report computation (reports.quiz_report) on its own,
  - each whole report as the route computes it (queries + Python, no template);
then over HTTP, the real server on that database: the per-quiz report page and the
gradebook at 10 concurrent teachers. "SQL" is the time spent in the sqlite3 calls
(execute and fetch); the store function's total adds building dicts and decoding JSON.

Finally the same class grown tenfold (3,000 students, ≥ 1,000,000 responses): one quiz's
SQL. Exit status 1 when a request fails; a missed target only prints MISS.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import random
import sqlite3
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    Browser,
    HTTPError,
    Server,
    csrf_token,
    fmt,
    machine_summary,
    percentile,
    table,
    verdict,
)
from classroom import clock, grading, reports  # noqa: E402
from classroom.content import Quiz, load_catalogue  # noqa: E402
from classroom.db import connect  # noqa: E402
from classroom.migrations import migrate  # noqa: E402
from classroom.questions import question_type  # noqa: E402
from classroom.store import attempts as attempt_store  # noqa: E402
from classroom.store import classes as class_store  # noqa: E402
from classroom.store import reports as report_store  # noqa: E402
from classroom.store import teachers as teacher_store  # noqa: E402

TARGET_RESPONSES = 100_000
MILLION = 1_000_000
STUDENTS = 300
TEACHER, PASSWORD = "bench-teacher", "a long bench password"
QUIZ = "sourcing"

# Targets: issue 5 (SQL, HTTP) and issue 3 item 8 (every report under 200 ms).
ONE_QUIZ_SQL_MS = 5.0
ALL_QUIZZES_SQL_MS = 30.0
HTTP_P99_MS = 60.0
MILLION_SQL_MS = 50.0
REPORT_MS = 200.0
TEACHERS = 10
HTTP_REQUESTS_PER_TEACHER = 12


# --- building the data ------------------------------------------------------------------


def load_content() -> dict[str, Quiz]:
    catalogue = load_catalogue(ROOT / "lessons", ROOT / "quizzes")
    if catalogue.problems or not catalogue.quizzes:
        raise SystemExit(f"the bundled content does not load: {catalogue.problems}")
    return catalogue.quizzes


def _answer(rng: random.Random, question: Any, right: bool) -> Any:
    """A plausible answer: the key when right, else a distractor (or a near miss)."""
    kind = question_type(question.type)
    choices = getattr(question, "choices", None)
    if not choices:
        return kind.key(question)
    correct = [c.id for c in choices if c.correct]
    wrong = [c.id for c in choices if not c.correct]
    if question.type == "single":
        return correct[0] if right or not wrong else rng.choice(wrong)
    if right:
        return sorted(correct)
    # A near miss: some of the key, some distractors, never empty.
    picked = {c for c in correct if rng.random() < 0.6} | {c for c in wrong if rng.random() < 0.35}
    return sorted(picked or {rng.choice(wrong or correct)})


def build(
    path: Path,
    quizzes: dict[str, Quiz],
    students: int,
    min_responses: int,
    classes: int = 1,
    seed: int = 3,
) -> dict[str, Any]:
    """A migrated database with one teacher's `classes` classes of `students` students
    each, holding ≥ min_responses responses in all; the first class is the one measured."""
    started = time.perf_counter()
    migrate(path)
    db = connect(path)
    try:
        teacher_id = teacher_store.create_teacher(db, TEACHER, PASSWORD)
        class_ids = [
            class_store.create_class(
                db, f"Report benchmark {n + 1}", teacher_id, quiz_slugs=list(quizzes)
            )["id"]
            for n in range(classes)
        ]
        everyone = students * classes
        for quiz in quizzes.values():
            attempt_store.record_version(db, quiz)
        rng = random.Random(seed)
        base = datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC)
        student_rows, attempt_rows, response_rows = [], [], []
        ability = {}
        for sid in range(1, everyone + 1):
            student_rows.append(
                [
                    sid,
                    class_ids[(sid - 1) // students],
                    f"Student {sid:05d}",
                    f"bench-resume-{sid:08d}",
                    clock.stamp(base),
                ]
            )
            ability[sid] = rng.gauss(0.3, 1.0)
        difficulty = {
            (q.slug, question.id): rng.uniform(-1.5, 1.5)
            for q in quizzes.values()
            for question in q.questions
        }
        attempt_id = number = 0
        while len(response_rows) < min_responses:  # whole rounds: every student retakes
            number += 1
            for sid in range(1, everyone + 1):
                for quiz in quizzes.values():
                    attempt_id += 1
                    when = base + datetime.timedelta(days=number, seconds=sid * 7)
                    answers: dict[str, Any] = {}
                    for question in quiz.questions:
                        if rng.random() < 0.03:
                            continue  # left blank
                        # Later attempts go better: feedback teaches.
                        theta = ability[sid] + 0.25 * (number - 1)
                        p = 1 / (1 + math.exp(difficulty[(quiz.slug, question.id)] - theta))
                        answers[question.id] = _answer(rng, question, rng.random() < p)
                    scores = grading.grade_answers(quiz, answers)
                    total = sum(s for s in scores.values() if s is not None)
                    ungraded = sum(1 for s in scores.values() if s is None)
                    attempt_rows.append(
                        [
                            attempt_id,
                            sid,
                            quiz.slug,
                            quiz.version,
                            number,
                            clock.stamp(when),
                            clock.stamp(when + datetime.timedelta(minutes=9)),
                            total,
                            quiz.max_score,
                            ungraded,
                        ]
                    )
                    for qid, answer in answers.items():
                        response_rows.append(
                            [attempt_id, qid, json.dumps(answer), scores[qid], clock.stamp(when)]
                        )
        conn = db.conn
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO students (id, class_id, display_name, resume_hash, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            student_rows,
        )
        conn.executemany(
            "INSERT INTO attempts (id, student_id, quiz_slug, quiz_version, "
            "number, started_at, submitted_at, score, max_score, ungraded) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            attempt_rows,
        )
        conn.executemany(
            "INSERT INTO responses (attempt_id, question_id, answer, score, "
            "saved_at) VALUES (?, ?, ?, ?, ?)",
            response_rows,
        )
        conn.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return {
        "class_id": class_ids[0],
        "teacher_id": teacher_id,
        "classes": classes,
        "class_students": students,
        "students": len(student_rows),
        "attempts": len(attempt_rows),
        "responses": len(response_rows),
        "attempts_per_quiz": len(attempt_rows) // (len(student_rows) * len(quizzes)),
        "seconds": time.perf_counter() - started,
        "bytes": path.stat().st_size,
    }


# --- timing ------------------------------------------------------------------------------


class TimedConnection:
    """Wraps a sqlite3 connection; adds up the time spent inside execute and fetch calls."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.seconds = 0.0
        self.statements: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = ()) -> TimedCursor:
        started = time.perf_counter()
        cursor = self.conn.execute(sql, params)
        self.seconds += time.perf_counter() - started
        self.statements.append((sql, params))
        return TimedCursor(cursor, self)


class TimedCursor:
    def __init__(self, cursor: sqlite3.Cursor, owner: TimedConnection):
        self.cursor = cursor
        self.owner = owner

    @property
    def description(self) -> Any:
        return self.cursor.description

    def _timed(self, method: str) -> Any:
        started = time.perf_counter()
        result = getattr(self.cursor, method)()
        self.owner.seconds += time.perf_counter() - started
        return result

    def fetchall(self) -> list:
        return self._timed("fetchall")

    def fetchone(self) -> Any:
        return self._timed("fetchone")


def measure(fn: Callable[[Any], Any], conn: sqlite3.Connection, runs: int) -> dict[str, Any]:
    """fn(db) `runs` times after one warm-up: wall and SQL times in ms."""
    wall, sql = [], []
    timed = TimedConnection(conn)
    fake_db = types.SimpleNamespace(conn=timed)
    result = fn(fake_db)
    statements = list(timed.statements)
    for _ in range(runs):
        timed.seconds = 0.0
        timed.statements.clear()
        started = time.perf_counter()
        fn(fake_db)
        wall.append((time.perf_counter() - started) * 1000)
        sql.append(timed.seconds * 1000)
    return {
        "wall_p50": percentile(wall, 50),
        "wall_p95": percentile(wall, 95),
        "sql_p50": percentile(sql, 50),
        "sql_p95": percentile(sql, 95),
        "result": result,
        "statements": statements,
    }


def query_plans(conn: sqlite3.Connection, statements: list[tuple[str, Any]]) -> list[str]:
    lines = []
    for sql, params in statements:
        first = " ".join(sql.split())[:90]
        lines.append(f"  {first}…")
        # The app's own statement text, as captured: no value is formatted into it.
        for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params):
            lines.append(f"      {row[3]}")
    return lines


def in_process(
    path: Path, quizzes: dict[str, Quiz], built: dict[str, Any], runs: int
) -> dict[str, dict[str, Any]]:
    conn = connect(path).conn
    class_id = built["class_id"]
    quiz = quizzes[QUIZ]
    lesson_catalogue = load_catalogue(ROOT / "lessons", ROOT / "quizzes")
    lesson = lesson_catalogue.lessons.get(quiz.lesson)

    def one_quiz(db):
        return report_store.first_attempt_responses(db, class_id, QUIZ)

    def all_quizzes(db):
        report_store.submitted_attempts(db, class_id)
        return [report_store.first_attempt_responses(db, class_id, slug) for slug in quizzes]

    rows = one_quiz(types.SimpleNamespace(conn=conn))

    def quiz_report_python(db):
        return reports.quiz_report(quiz, rows)

    def quiz_report_page(db):
        found = report_store.first_attempt_responses(db, class_id, QUIZ)
        return (
            reports.quiz_report(quiz, found),
            reports.technique_confusions(quiz, found),
            reports.misleading_sentences(quiz, lesson, found),
        )

    def gradebook_page(db):
        students = report_store.students_of(db, class_id)
        return reports.gradebook(
            students, list(quizzes.values()), report_store.submitted_attempts(db, class_id)
        )

    def mastery_page(db):
        students = report_store.students_of(db, class_id)
        return reports.mastery_matrix(
            students,
            report_store.latest_responses(db, class_id),
            lambda slug, version: quizzes.get(slug),
        )

    try:
        found = {
            "one quiz: SQL (first_attempt_responses)": measure(one_quiz, conn, runs),
            "all quizzes: SQL (submitted_attempts + 3 × first_attempt_responses)": measure(
                all_quizzes, conn, runs
            ),
            "quiz_report (Python only)": measure(quiz_report_python, conn, runs),
            "quiz report, whole (queries + quiz_report + confusions + sentences)": measure(
                quiz_report_page, conn, runs
            ),
            "gradebook, whole (students_of + submitted_attempts + gradebook)": measure(
                gradebook_page, conn, runs
            ),
            "mastery, whole (students_of + latest_responses + mastery_matrix)": measure(
                mastery_page, conn, runs
            ),
        }
        for entry in found.values():
            entry["plans"] = query_plans(conn, entry["statements"])
    finally:
        conn.close()
    return found


# --- over HTTP ---------------------------------------------------------------------------


async def _login(port: int) -> Browser:
    browser = Browser(port, timeout=60)
    page = await browser.get("/teacher/login")
    response = await browser.post(
        "/teacher/login",
        [("csrf_token", csrf_token(page.text)), ("username", TEACHER), ("password", PASSWORD)],
    )
    if response.status != 302:
        raise RuntimeError(f"teacher login failed: HTTP {response.status}")
    return browser


async def _hammer(port: int, paths: list[str], teachers: int, per_teacher: int) -> dict[str, Any]:
    browsers = [await _login(port) for _ in range(teachers)]
    # Warm-up: templates compiled and pages kept in every worker. Connections are shared
    # among the workers by a hash of their addresses, so every teacher's is used.
    for path in paths:
        for browser in browsers:
            await browser.get(path)
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + 120

    async def teacher(index: int, browser: Browser) -> None:
        for n in range(per_teacher):
            if time.perf_counter() > deadline:
                errors.append("time limit reached")
                return
            path = paths[(index + n) % len(paths)]
            try:
                response = await browser.get(path)
            except HTTPError as error:
                errors.append(str(error))
                continue
            latencies.append(response.elapsed * 1000)
            if response.status != 200:
                errors.append(f"GET {path}: HTTP {response.status}")

    started = time.perf_counter()
    try:
        await asyncio.gather(*(teacher(i, b) for i, b in enumerate(browsers)))
    finally:
        elapsed = time.perf_counter() - started
        await asyncio.gather(*(b.close() for b in browsers))
    return {
        "count": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "errors": errors,
    }


def over_http(
    path: Path, tmp_dir: Path, built: dict[str, Any], quizzes: dict[str, Quiz]
) -> dict[str, dict[str, Any]]:
    server = Server(path, tmp_dir / "server.log")
    server.start()
    try:
        server.wait_ready()
        base = f"/teacher/classes/{built['class_id']}"
        found = {
            f"quiz report ({QUIZ})": asyncio.run(
                _hammer(
                    server.port,
                    [f"{base}/quizzes/{QUIZ}/report"],
                    TEACHERS,
                    HTTP_REQUESTS_PER_TEACHER,
                )
            ),
            "gradebook": asyncio.run(
                _hammer(server.port, [f"{base}/gradebook"], TEACHERS, HTTP_REQUESTS_PER_TEACHER)
            ),
        }
    finally:
        server.stop()
    return found


# --- output ------------------------------------------------------------------------------


def describe(built: dict[str, Any]) -> str:
    if built["classes"] > 1:
        who = (
            f"{built['classes']} classes of {built['class_students']:,} students "
            f"({built['students']:,} in all)"
        )
    else:
        who = f"one class of {built['students']:,} students"
    return (
        f"{who} × {len(load_content())} quizzes × "
        f"{built['attempts_per_quiz']} attempts each = {built['attempts']:,} attempts, "
        f"{built['responses']:,} responses; built in {built['seconds']:.1f} s, "
        f"{built['bytes'] / 2**20:.0f} MiB"
    )


def print_in_process(found: dict[str, dict[str, Any]], runs: int) -> None:
    rows = []
    for name, entry in found.items():
        python_only = name.startswith("quiz_report")
        rows.append(
            [
                name,
                "–" if python_only else fmt(entry["sql_p50"], 2),
                "–" if python_only else fmt(entry["sql_p95"], 2),
                fmt(entry["wall_p50"], 2),
                fmt(entry["wall_p95"], 2),
            ]
        )
    print(f"\n== in-process, {runs} runs after a warm-up (ms) ==")
    print(table(["measure", "SQL p50", "SQL p95", "total p50", "total p95"], rows))


def measure_million(
    tmp_dir: Path, quizzes: dict[str, Quiz], classes: int, students: int, runs: int
) -> dict[str, Any]:
    path = tmp_dir / f"million-{classes}.sqlite"
    built = build(path, quizzes, students, MILLION, classes=classes)
    print(f"\ndatabase: {describe(built)}")
    conn = connect(path).conn
    try:
        found = measure(
            lambda db: report_store.first_attempt_responses(db, built["class_id"], QUIZ), conn, runs
        )
        plans = query_plans(conn, found["statements"])
    finally:
        conn.close()
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        (tmp_dir / name).unlink(missing_ok=True)
    print(
        f"one quiz's report for the first class reads {len(found['result']):,} rows: "
        f"SQL p50 {fmt(found['sql_p50'], 2)} ms, p95 {fmt(found['sql_p95'], 2)} ms; with "
        f"row dicts and JSON decoding p50 {fmt(found['wall_p50'], 2)} ms, "
        f"p95 {fmt(found['wall_p95'], 2)} ms"
    )
    print("\n".join(plans[1:]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--no-million", action="store_true", help="skip the 1,000,000-response database"
    )
    parser.add_argument(
        "--plans", action="store_true", help="print every query's plan (EXPLAIN QUERY PLAN)"
    )
    args = parser.parse_args(argv)
    print(f"classroom report benchmark · {machine_summary()}")
    quizzes = load_content()
    failed = False
    target_rows = []
    with tempfile.TemporaryDirectory(prefix="classroom-reports-") as tmp:
        tmp_dir = Path(tmp)
        path = tmp_dir / "reports.sqlite"
        built = build(path, quizzes, STUDENTS, TARGET_RESPONSES)
        print(f"database: {describe(built)}")
        found = in_process(path, quizzes, built, args.runs)
        print_in_process(found, args.runs)
        one = found["one quiz: SQL (first_attempt_responses)"]
        print(f"one quiz's report reads {len(one['result']):,} rows (first attempts only)")
        plan_keys = list(found) if args.plans else [next(iter(found))]
        for key in plan_keys:
            print(f"query plan, {key}:")
            print("\n".join(found[key]["plans"]))
        http = over_http(path, tmp_dir, built, quizzes)
        rows = []
        for name, entry in http.items():
            rows.append(
                [
                    name,
                    entry["count"],
                    fmt(entry["rps"], 0),
                    fmt(entry["p50"]),
                    fmt(entry["p95"]),
                    fmt(entry["p99"]),
                    len(entry["errors"]),
                ]
            )
            for error in entry["errors"][:3]:
                print(f"  error: {error}")
            failed = failed or bool(entry["errors"])
        print(
            f"\n== over HTTP: {TEACHERS} teachers at once, {HTTP_REQUESTS_PER_TEACHER} pages "
            "each (real server, 2 workers × 4 threads) =="
        )
        print(table(["page", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"], rows))
        all_q = found["all quizzes: SQL (submitted_attempts + 3 × first_attempt_responses)"]
        quiz_http = http[f"quiz report ({QUIZ})"]
        target_rows += [
            [
                "one quiz, SQL, 100k responses (p50)",
                f"≤ {ONE_QUIZ_SQL_MS:.0f} ms",
                f"{fmt(one['sql_p50'], 2)} ms",
                verdict(one["sql_p50"] <= ONE_QUIZ_SQL_MS),
            ],
            [
                "all quizzes of the class, SQL (p50)",
                f"≤ {ALL_QUIZZES_SQL_MS:.0f} ms",
                f"{fmt(all_q['sql_p50'], 2)} ms",
                verdict(all_q["sql_p50"] <= ALL_QUIZZES_SQL_MS),
            ],
            [
                f"quiz report over HTTP, p99 at {TEACHERS} teachers",
                f"≤ {HTTP_P99_MS:.0f} ms",
                f"{fmt(quiz_http['p99'])} ms",
                verdict(quiz_http["p99"] <= HTTP_P99_MS),
            ],
        ]
        for name, entry in found.items():
            if "whole" in name:
                short = name.split(",")[0]
                target_rows.append(
                    [
                        f"{short}, computed in-process (p95)",
                        f"< {REPORT_MS:.0f} ms",
                        f"{fmt(entry['wall_p95'], 1)} ms",
                        verdict(entry["wall_p95"] < REPORT_MS),
                    ]
                )
        for name, entry in http.items():
            target_rows.append(
                [
                    f"{name} over HTTP (p95, {TEACHERS} teachers)",
                    f"< {REPORT_MS:.0f} ms",
                    f"{fmt(entry['p95'])} ms",
                    verdict(entry["p95"] < REPORT_MS),
                ]
            )
        path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if not args.no_million:
            # A school's database: ten classes; the report reads one class's rows among all.
            # A giant class: the report itself reads ten times the rows.
            for label, classes, students in (
                ("a school of 10 classes", 10, STUDENTS),
                ("one class of 3,000", 1, STUDENTS * 10),
            ):
                million = measure_million(tmp_dir, quizzes, classes, students, args.runs)
                target_rows.append(
                    [
                        f"one quiz, SQL, 1,000,000 responses, {label} (p50)",
                        f"≤ {MILLION_SQL_MS:.0f} ms",
                        f"{fmt(million['sql_p50'], 2)} ms",
                        verdict(million["sql_p50"] <= MILLION_SQL_MS),
                    ]
                )
    print("\n== targets (issue 5; issue 3 item 8: each report under 200 ms) ==")
    print(table(["target", "goal", "measured", ""], target_rows))
    print(f"\n{'FAILED: some requests failed' if failed else 'OK'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
