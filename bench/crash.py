"""Crash drill: SIGKILL the server mid-traffic, restart it, and audit the database.

    python bench/crash.py [--rounds 10] [--students 24] [--seed N]

Each round: a fresh database; the real server (`classroom serve`, gunicorn, in its own
session); concurrent students joining, autosaving and submitting (half of them autosave
each answer then submit, half submit every answer at once), every acknowledged save
({"saved": true}) and submit (302 to the results) recorded; then, at a random moment
after the first submit was acknowledged, os.killpg(SIGKILL) on the server's whole process
group while requests are in flight; a restart on the same database; and the audit:

  - every acknowledged answer is in `responses` with the answer acknowledged;
  - every acknowledged submit has submitted_at and a score;
  - no attempt is half-submitted: a submitted attempt has a score and every response
    scored (except written answers, which a teacher grades), and an unsubmitted attempt
    has no score at all, nor any scored response;
  - PRAGMA integrity_check is "ok" and PRAGMA foreign_key_check finds nothing.

`run_round(tmp_dir)` runs one round and returns its findings (the test suite calls it).
Exit status 1 when any round loses an acknowledged answer or fails the audit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    QUIZ_SLUG,
    ROOT,
    Browser,
    HTTPError,
    Server,
    csrf_token,
    parse_quiz_form,
)

ROUND_TIME_LIMIT = 30.0  # seconds of traffic before the kill, at most
FLOWS_PER_STUDENT = 200  # new students each simulated seat may start, at most


@functools.cache
def _question_types() -> dict[str, dict[str, str]]:
    """quiz slug -> question id -> type, from the bundled content."""
    from classroom.content import load_catalogue

    catalogue = load_catalogue(ROOT / "lessons", ROOT / "quizzes")
    return {
        slug: {q.id: q.type for q in quiz.questions} for slug, quiz in catalogue.quizzes.items()
    }


def fresh_database(path: Path) -> str:
    """A migrated database with one class given the sourcing quiz; its join code."""
    from classroom.db import connect
    from classroom.migrations import migrate
    from classroom.store import classes

    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        (path.parent / name).unlink(missing_ok=True)
    migrate(path)
    db = connect(path)
    try:
        return classes.create_class(db, "Crash drill", quiz_slugs=[QUIZ_SLUG])["join_code"]
    finally:
        db.close()


class Traffic:
    """Students at work until told to stop; what the server acknowledged."""

    def __init__(self, port: int, code: str, rng: random.Random):
        self.port = port
        self.code = code
        self.rng = rng
        self.saves: dict[tuple[int, str], Any] = {}  # (attempt, question) -> answer
        self.submits: dict[int, dict[str, Any]] = {}  # attempt -> answers posted
        self.requests = 0
        self.in_flight = 0
        self.unexpected: list[str] = []
        self.first_submit = asyncio.Event()
        self.stopping = False

    async def _send(self, coro):
        self.in_flight += 1
        self.requests += 1
        try:
            return await coro
        finally:
            self.in_flight -= 1

    def _odd(self, what: str, response) -> None:
        if not self.stopping and len(self.unexpected) < 10:
            self.unexpected.append(f"{what}: HTTP {response.status} {response.text[:100]!r}")

    async def seat(self, number: int, deadline: float) -> None:
        """One computer in the classroom: student after student goes through the quiz."""
        for flow in range(FLOWS_PER_STUDENT):
            if self.stopping or time.perf_counter() > deadline:
                return
            browser = Browser(self.port, timeout=10)
            try:
                await self._student(browser, f"Seat {number} student {flow}")
            except (HTTPError, ValueError):
                if not self.stopping:
                    self.unexpected.append(f"seat {number}: request failed before the kill")
                return
            finally:
                await browser.close()

    async def _student(self, browser: Browser, name: str) -> None:
        page = await self._send(browser.get("/"))
        joined = await self._send(
            browser.post(
                "/join",
                [("csrf_token", csrf_token(page.text)), ("code", self.code), ("name", name)],
            )
        )
        if joined.status != 302:
            return self._odd("join", joined)
        page = await self._send(browser.get(f"/quizzes/{QUIZ_SLUG}"))
        if page.status != 200:
            return self._odd("quiz page", page)
        quiz = parse_quiz_form(page.text)
        autosave = self.rng.random() < 0.5
        answers: dict[str, Any] = {}
        for question_id, (kind, values) in quiz.questions.items():
            if kind == "radio":
                answers[question_id] = self.rng.choice(values)
            else:
                answers[question_id] = sorted(
                    self.rng.sample(values, self.rng.randint(1, len(values)))
                )
            if not autosave:
                continue
            fields = [("csrf_token", quiz.csrf_token), ("question", question_id)]
            fields += [(f"q-{question_id}", v) for v in _values(answers[question_id])]
            saved = await self._send(browser.post(quiz.autosave, fields))
            if saved.status != 200 or json.loads(saved.body).get("saved") is not True:
                return self._odd("autosave", saved)
            self.saves[(quiz.attempt_id, question_id)] = answers[question_id]
        # Only the choice and evidence questions are answered: the others are submitted
        # blank, with the button a student presses once told of them.
        fields = [("csrf_token", quiz.csrf_token), ("action", "submit-unanswered")]
        for question_id, answer in answers.items():
            fields += [(f"q-{question_id}", v) for v in _values(answer)]
        submitted = await self._send(browser.post(quiz.action, fields))
        if submitted.status != 302 or "/results" not in (submitted.header("location") or ""):
            return self._odd("submit", submitted)
        self.submits[quiz.attempt_id] = answers
        self.first_submit.set()


def _values(answer: Any) -> list[str]:
    return answer if isinstance(answer, list) else [answer]


async def _traffic_then_kill(
    server: Server, code: str, students: int, rng: random.Random
) -> tuple[Traffic, float, int]:
    traffic = Traffic(server.port, code, rng)
    deadline = time.perf_counter() + ROUND_TIME_LIMIT
    seats = [asyncio.create_task(traffic.seat(n, deadline)) for n in range(students)]
    started = time.perf_counter()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(traffic.first_submit.wait(), ROUND_TIME_LIMIT / 2)
    await asyncio.sleep(rng.uniform(0.0, 1.5))
    in_flight = traffic.in_flight
    traffic.stopping = True
    server.kill()
    killed_after = time.perf_counter() - started
    await asyncio.wait_for(asyncio.gather(*seats, return_exceptions=True), 30)
    return traffic, killed_after, in_flight


def audit(db_path: Path, traffic: Traffic) -> dict[str, Any]:
    """What the database holds against what the server acknowledged."""
    types = _question_types()
    problems: list[str] = []
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        stored = {
            (a, q): json.loads(answer)
            for a, q, answer in conn.execute(
                "SELECT attempt_id, question_id, answer FROM responses"
            )
        }
        attempts = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT id, quiz_slug, submitted_at, score, ungraded FROM attempts"
            )
        }
        unscored = {}
        scored = {}
        for attempt_id, question_id, score in conn.execute(
            "SELECT attempt_id, question_id, score FROM responses"
        ):
            (unscored if score is None else scored).setdefault(attempt_id, []).append(question_id)
    finally:
        conn.close()
    expected = dict(traffic.saves)
    for attempt_id, answers in traffic.submits.items():
        expected.update({(attempt_id, q): a for q, a in answers.items()})
    lost_saves = 0
    for key, answer in expected.items():
        if stored.get(key) != answer:
            lost_saves += 1
            if len(problems) < 10:
                problems.append(
                    f"answer lost: attempt {key[0]} question {key[1]}: "
                    f"acknowledged {answer!r}, stored {stored.get(key)!r}"
                )
    lost_submits = 0
    for attempt_id in traffic.submits:
        row = attempts.get(attempt_id)
        if row is None or row[1] is None or row[2] is None:
            lost_submits += 1
            problems.append(f"submit lost: attempt {attempt_id} is {row!r}")
    half = 0
    for attempt_id, (slug, submitted_at, score, ungraded) in attempts.items():
        written = {q for q, kind in types.get(slug, {}).items() if kind == "text"}
        if submitted_at is not None:
            bad = [q for q in unscored.get(attempt_id, []) if q not in written]
            if score is None or bad or len(unscored.get(attempt_id, [])) != ungraded:
                half += 1
                problems.append(
                    f"half-submitted: attempt {attempt_id} score={score!r} "
                    f"unscored={unscored.get(attempt_id, [])} ungraded={ungraded}"
                )
        elif score is not None or scored.get(attempt_id):
            half += 1
            problems.append(f"scored but not submitted: attempt {attempt_id} score={score!r}")
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    if foreign:
        problems.append(f"foreign_key_check: {foreign[:5]}")
    return {
        "acked_saves": len(traffic.saves),
        "acked_submits": len(traffic.submits),
        "acked_answers": len(expected),
        "lost_saves": lost_saves,
        "lost_submits": lost_submits,
        "lost": lost_saves + lost_submits,
        "half_submitted": half,
        "integrity": integrity,
        "foreign_keys_ok": not foreign,
        "attempts": len(attempts),
        "submitted": sum(1 for row in attempts.values() if row[1] is not None),
        "responses": len(stored),
        "problems": problems,
    }


def run_round(
    tmp_dir: Path | str,
    *,
    seed: int | None = None,
    students: int = 24,
    workers: int = 2,
    threads: int = 4,
) -> dict[str, Any]:
    """One drill on a fresh database in tmp_dir; the audit's findings, with "ok"."""
    tmp_dir = Path(tmp_dir)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    db_path = tmp_dir / "crash.sqlite"
    code = fresh_database(db_path)
    server = Server(db_path, tmp_dir / "server.log", workers=workers, threads=threads)
    server.start()
    try:
        server.wait_ready()
        traffic, killed_after, in_flight = asyncio.run(
            _traffic_then_kill(server, code, students, rng)
        )
    finally:
        server.kill()
    restarted = Server(db_path, tmp_dir / "server.log", workers=workers, threads=threads)
    restarted.start()
    try:
        restart_seconds = restarted.wait_ready()
        findings = audit(db_path, traffic)
    finally:
        restarted.stop()
    findings.update(
        {
            "killed_after": killed_after,
            "in_flight": in_flight,
            "requests": traffic.requests,
            "restart_seconds": restart_seconds,
            "unexpected": traffic.unexpected,
        }
    )
    # A request that failed before the kill (a 5xx, a timeout) fails the round too.
    findings["ok"] = (
        findings["lost"] == 0
        and findings["half_submitted"] == 0
        and findings["integrity"] == "ok"
        and findings["foreign_keys_ok"]
        and not traffic.unexpected
    )
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--students", type=int, default=24, help="concurrent students")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    print(f"crash drill: {args.rounds} rounds, {args.students} concurrent students, seed {seed}")
    failures = 0
    totals = {
        "acked_answers": 0,
        "acked_submits": 0,
        "lost": 0,
        "half_submitted": 0,
        "in_flight": 0,
    }
    with tempfile.TemporaryDirectory(prefix="classroom-crash-") as tmp:
        for number in range(1, args.rounds + 1):
            found = run_round(
                Path(tmp) / f"round-{number:02d}", seed=seed + number, students=args.students
            )
            for key in totals:
                totals[key] += found[key]
            failures += not found["ok"]
            print(
                f"round {number:2d}: killed after {found['killed_after']:.2f} s with "
                f"{found['in_flight']:2d} requests in flight; acknowledged "
                f"{found['acked_answers']:4d} answers, {found['acked_submits']:3d} submits; "
                f"lost {found['lost']}, half-submitted {found['half_submitted']}, "
                f"integrity {found['integrity']}; restart {found['restart_seconds']:.2f} s "
                f"→ {'ok' if found['ok'] else 'FAILED'}",
                flush=True,
            )
            for problem in found["problems"]:
                print(f"    {problem}")
            for note in found["unexpected"][:3]:
                print(f"    note: {note}")
    print(
        f"\nsummary: {args.rounds} rounds, {totals['acked_answers']} acknowledged answers "
        f"and {totals['acked_submits']} submits audited, {totals['in_flight']} requests "
        f"in flight at the kills; lost = {totals['lost']}, half-submitted = "
        f"{totals['half_submitted']}; {failures} round(s) failed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
