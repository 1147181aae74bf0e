"""Load benchmark: a class of simulated students against the real server.

    python bench/load.py [--levels 10,50,200] [--runs 3] [--seconds 5]

Starts `classroom serve` (gunicorn, as in production) on 127.0.0.1 with a fresh
database, then drives it from a separate load-generator process. At each concurrency
level, C students work at once (no think time) through the whole flow, one step at a
time for the whole class, as when a teacher says "now open the quiz":

    join form (GET /) → join (POST /join) → welcome → lesson → quiz page
    → autosave each answer → submit → results

and, in the same run, timed bursts of the trivial /healthz route and of the lesson page
at the same concurrency. Every step's throughput is also given as a ratio of /healthz's.
Every level runs --runs times (three by default) and the tables give the median of each
figure, every ratio taken within its own run: one burst on a shared machine can swing a
single run by a tenth. At the end every answer the server acknowledged is looked up in
the database: lost = N.

Exit status: 1 if any acknowledged answer or submit is missing, or any request failed
(5xx, connection error, wrong answer); targets missed on a noisy machine only print MISS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    LESSON_SLUG,
    QUIZ_SLUG,
    Browser,
    Connection,
    HTTPError,
    MemorySampler,
    QuizForm,
    Server,
    csrf_token,
    fmt,
    http_get_once,
    machine_summary,
    parse_quiz_form,
    percentile,
    setup_database,
    table,
    verdict,
)

LESSON = f"/lessons/{LESSON_SLUG}"
STEPS = ["join form", "join", "welcome", "lesson", "quiz page", "autosave", "submit", "results"]
RATIO_STEPS = ("autosave", "submit", "lesson (burst)")
MEDIAN_FIGURES = ("rps", "p50", "p95", "p99", "seconds", "client_cpu", "server_ms")
MAX_BURST_REQUESTS = 500_000  # per burst: a bound besides the time limit
GENERATOR_TIMEOUT = 600  # seconds, for the whole load-generator process

# The targets (2-core machine).
RATIO_TARGET = 0.6
P99_TARGETS = {50: 60.0, 200: 200.0}  # ms, autosave and submit
LESSON_P99_TARGETS = {50: 60.0}
MEMORY_TARGET_MIB = 150
COLD_START_TARGET = 2.0


# --- the load generator (runs in its own process) -----------------------------------------

SERVER_PIDS: list[int] = []  # the server's processes, whose CPU time each step is divided by
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def server_cpu_seconds() -> float:
    """User and system CPU time of the server's processes so far, from Linux's /proc
    (NaN where there is none, or when a worker is gone)."""
    total = 0
    for pid in SERVER_PIDS:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                # pid (comm) state …: utime and stime are the 14th and 15th fields.
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            return math.nan
        total += int(fields[11]) + int(fields[12])
    return total / TICKS_PER_SECOND if SERVER_PIDS else math.nan


@dataclass
class Student:
    number: int
    cookies: dict[str, str] = field(default_factory=dict)
    failed: bool = False
    csrf: str = ""
    quiz: QuizForm | None = None
    answers: dict[str, Any] = field(default_factory=dict)  # question id -> stored answer
    results: str = ""


class Recorder:
    """Requests of one step: latency, completion time, outcome."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.finished: list[float] = []
        self.errors = 0
        self.server_errors = 0
        self.examples: list[str] = []
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.server_cpu_started = server_cpu_seconds()
        self.window_end: float | None = None  # when the queue first ran dry
        self.ended = self.started
        self.cpu = 0.0  # the load generator's own CPU share over the step (1.0: one core)
        self.server_cpu = 0.0  # seconds of the server's CPU over the step

    def finish(self) -> Recorder:
        self.ended = time.perf_counter()
        self.cpu = (time.process_time() - self.cpu_started) / max(self.ended - self.started, 1e-9)
        self.server_cpu = server_cpu_seconds() - self.server_cpu_started
        return self

    @classmethod
    def merge(cls, *parts: Recorder) -> Recorder:
        """Timed bursts as one: their requests over their summed durations."""
        merged = cls()
        merged.started = 0.0
        merged.ended = merged.window_end = sum(p.window_end - p.started for p in parts)
        cpu_time = 0.0
        for part in parts:
            merged.latencies += part.latencies
            merged.finished += [t - part.started for t in part.finished if t <= part.window_end]
            merged.errors += part.errors
            merged.server_errors += part.server_errors
            merged.examples += part.examples[: 3 - len(merged.examples)]
            cpu_time += part.cpu * (part.ended - part.started)
            merged.server_cpu += part.server_cpu
        merged.cpu = cpu_time / max(merged.ended, 1e-9)
        return merged

    def record(self, response, ok: bool, what: str = "") -> bool:
        self.latencies.append(response.elapsed * 1000)
        self.finished.append(time.perf_counter())
        if response.status >= 500:
            self.server_errors += 1
        if not ok:
            self.fail(f"{what}: HTTP {response.status} {response.text[:120]!r}")
        return ok

    def fail(self, message: str) -> None:
        self.errors += 1
        if len(self.examples) < 3:
            self.examples.append(message)

    def summary(self) -> dict[str, Any]:
        count = len(self.latencies)
        end = self.window_end or self.ended
        in_window = sum(1 for t in self.finished if t <= end)
        # Throughput while every client was busy; a short window falls back to the total.
        if in_window >= 20 and end > self.started:
            rate = in_window / (end - self.started)
        else:
            rate = count / max(self.ended - self.started, 1e-9)
        return {
            "count": count,
            "errors": self.errors,
            "server_errors": self.server_errors,
            "rps": rate,
            "p50": percentile(self.latencies, 50),
            "p95": percentile(self.latencies, 95),
            "p99": percentile(self.latencies, 99),
            "seconds": self.ended - self.started,
            "client_cpu": self.cpu,
            # The server's CPU per request, over both cores: what a step costs the server,
            # whatever the machine's neighbours and the load generator take meanwhile.
            "server_ms": 1000 * self.server_cpu / count if count else math.nan,
            "examples": self.examples,
        }


async def _call(rec: Recorder, student: Student, coro, what: str):
    try:
        return await coro
    except HTTPError as error:
        rec.fail(f"{what}: {error}")
        student.failed = True
        return None


async def step_join_form(browser: Browser, student: Student, rec: Recorder, ctx: dict) -> None:
    response = await _call(rec, student, browser.get("/"), "GET /")
    if response is None:
        return
    ok = response.status == 200 and 'name="csrf_token"' in response.text
    if rec.record(response, ok, "GET /"):
        student.csrf = csrf_token(response.text)
    else:
        student.failed = True


async def step_join(browser: Browser, student: Student, rec: Recorder, ctx: dict) -> None:
    fields = [
        ("csrf_token", student.csrf),
        ("code", ctx["code"]),
        ("name", f"Student {student.number:04d}"),
    ]
    response = await _call(rec, student, browser.post("/join", fields), "POST /join")
    if response is None:
        return
    ok = response.status == 302 and (response.header("location") or "").endswith("/welcome")
    student.failed = not rec.record(response, ok, "POST /join")


async def _get_ok(browser: Browser, student: Student, rec: Recorder, path: str) -> None:
    response = await _call(rec, student, browser.get(path), f"GET {path}")
    if response is not None:
        student.failed = not rec.record(response, response.status == 200, f"GET {path}")


async def step_welcome(browser: Browser, student: Student, rec: Recorder, ctx: dict) -> None:
    await _get_ok(browser, student, rec, "/welcome")


async def step_lesson(browser: Browser, student: Student, rec: Recorder, ctx: dict) -> None:
    await _get_ok(browser, student, rec, LESSON)


async def step_quiz(browser: Browser, student: Student, rec: Recorder, ctx: dict) -> None:
    path = f"/quizzes/{QUIZ_SLUG}"
    response = await _call(rec, student, browser.get(path), f"GET {path}")
    if response is None:
        return
    quiz = None
    if response.status == 200:
        try:
            quiz = parse_quiz_form(response.text)
        except ValueError:
            quiz = None
    if rec.record(response, quiz is not None and bool(quiz.questions), f"GET {path}"):
        student.quiz = quiz
    else:
        student.failed = True


def choose(rng: random.Random, kind: str, values: list[str]) -> tuple[list[str], Any]:
    """Form values to post for a question, and the answer the server should store."""
    if kind == "radio":
        value = rng.choice(values)
        return [value], value
    picked = sorted(rng.sample(values, rng.randint(1, len(values))))
    return picked, picked


async def step_autosave(browser: Browser, student: Student, rec: Recorder, ctx: dict) -> None:
    quiz = student.quiz
    assert quiz is not None
    rng = random.Random(ctx["seed"] * 100_003 + student.number)
    for question_id, (kind, values) in quiz.questions.items():
        posted, answer = choose(rng, kind, values)
        fields = [("csrf_token", quiz.csrf_token), ("question", question_id)]
        fields += [(f"q-{question_id}", v) for v in posted]
        response = await _call(rec, student, browser.post(quiz.autosave, fields), "autosave")
        if response is None:
            return
        try:
            ok = response.status == 200 and response.json().get("saved") is True
        except ValueError:
            ok = False
        if not rec.record(response, ok, "autosave"):
            student.failed = True
            return
        student.answers[question_id] = answer
        ctx["acks"]["saves"].append([quiz.attempt_id, question_id, answer])


async def step_submit(browser: Browser, student: Student, rec: Recorder, ctx: dict) -> None:
    quiz = student.quiz
    assert quiz is not None
    # Only the choice and evidence questions are answered: the others are submitted
    # blank, with the button a student presses once told of them.
    fields = [("csrf_token", quiz.csrf_token), ("action", "submit-unanswered")]
    for question_id, answer in student.answers.items():
        values = answer if isinstance(answer, list) else [answer]
        fields += [(f"q-{question_id}", v) for v in values]
    response = await _call(rec, student, browser.post(quiz.action, fields), "submit")
    if response is None:
        return
    location = response.header("location") or ""
    ok = response.status == 302 and "/results" in location
    if rec.record(response, ok, "submit"):
        student.results = location
        ctx["acks"]["submits"].append(quiz.attempt_id)
    else:
        student.failed = True


async def step_results(browser: Browser, student: Student, rec: Recorder, ctx: dict) -> None:
    path = student.results.split("://", 1)[-1]
    path = path[path.index("/") :] if not path.startswith("/") else path
    await _get_ok(browser, student, rec, path)


STEP_FUNCTIONS = {
    "join form": step_join_form,
    "join": step_join,
    "welcome": step_welcome,
    "lesson": step_lesson,
    "quiz page": step_quiz,
    "autosave": step_autosave,
    "submit": step_submit,
    "results": step_results,
}


async def run_phase(
    port: int, concurrency: int, students: list[Student], step, ctx: dict, time_limit: float
) -> Recorder:
    """`concurrency` clients work through the class's queue of students for one step."""
    queue = [s for s in students if not s.failed]
    queue.reverse()
    rec = Recorder()
    deadline = time.perf_counter() + time_limit

    async def client(connection: Connection) -> None:
        browser = Browser(port, connection=connection)
        while queue and time.perf_counter() < deadline:
            student = queue.pop()
            browser.cookies = student.cookies
            await step(browser, student, rec, ctx)
        if rec.window_end is None:
            rec.window_end = time.perf_counter()

    connections = ctx["connections"][:concurrency]
    await asyncio.gather(*(client(c) for c in connections))
    rec.finish()
    for student in queue:  # left over when the time limit struck
        student.failed = True
        rec.fail("time limit reached before this student's turn")
    return rec


async def burst(
    port: int, path: str, concurrency: int, seconds: float, cookies: list[dict[str, str]], ctx: dict
) -> Recorder:
    """Every client requests `path` back to back for `seconds`."""
    rec = Recorder()
    rec.window_end = deadline = time.perf_counter() + seconds
    budget = [MAX_BURST_REQUESTS]

    async def client(index: int, connection: Connection) -> None:
        browser = Browser(port, connection=connection)
        browser.cookies = dict(cookies[index % len(cookies)]) if cookies else {}
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            try:
                response = await browser.get(path)
            except HTTPError as error:
                rec.fail(f"GET {path}: {error}")
                continue
            rec.record(response, response.status == 200, f"GET {path}")

    connections = ctx["connections"][:concurrency]
    await asyncio.gather(*(client(i, c) for i, c in enumerate(connections)))
    rec.finish()
    return rec


async def run_level(
    port: int,
    code: str,
    concurrency: int,
    n_students: int,
    seconds: float,
    lesson_seconds: float,
    ctx: dict,
    first_number: int,
) -> dict[str, Any]:
    ctx["connections"] = [Connection(port) for _ in range(concurrency)]
    ctx["code"] = code
    steps: dict[str, dict[str, Any]] = {}
    try:
        # The ceiling is measured in two halves, before and after the students, so that a
        # neighbour's load arriving mid-level weighs on both sides of each ratio alike.
        before = await burst(port, "/healthz", concurrency, seconds / 2, [], ctx)
        students = [Student(first_number + i) for i in range(n_students)]
        for name in STEPS:
            rec = await run_phase(
                port, concurrency, students, STEP_FUNCTIONS[name], ctx, time_limit=120
            )
            steps[name] = rec.summary()
        cookies = [s.cookies for s in students if not s.failed]
        steps["lesson (burst)"] = (
            await burst(port, LESSON, concurrency, lesson_seconds, cookies, ctx)
        ).summary()
        after = await burst(port, "/healthz", concurrency, seconds / 2, [], ctx)
        steps["healthz"] = Recorder.merge(before, after).summary()
        steps["healthz"]["halves"] = [before.summary()["rps"], after.summary()["rps"]]
    finally:
        await asyncio.gather(*(c.close() for c in ctx["connections"]))
    return {"concurrency": concurrency, "students": n_students, "steps": steps}


async def generate(config: dict[str, Any]) -> None:
    ctx: dict[str, Any] = {"acks": {"saves": [], "submits": []}, "seed": config["seed"]}
    SERVER_PIDS[:] = config["server_pids"]
    port, code = config["port"], config["code"]
    number = 0
    # Warm-up: compile templates and open connections in every worker; not reported.
    # Connections are shared among the workers by a hash of their addresses: sixteen
    # reach both of two workers but once in 30,000 runs.
    await run_level(port, code, 16, 32, 0.5, 0.5, ctx, number)
    number += 32
    for run in range(config["runs"]):
        for concurrency in config["levels"]:
            print(f"LEVEL {concurrency} RUN {run + 1}", flush=True)
            n_students = max(concurrency * config["students_per_client"], config["min_students"])
            result = await run_level(
                port,
                code,
                concurrency,
                n_students,
                config["seconds"],
                config["lesson_seconds"],
                ctx,
                number,
            )
            number += n_students
            result["run"] = run + 1
            print("RESULT " + json.dumps(result), flush=True)
            await asyncio.sleep(0.5)
    Path(config["acks"]).write_text(json.dumps(ctx["acks"]))
    print("DONE", flush=True)


def generator_main(config_json: str) -> None:
    asyncio.run(generate(json.loads(config_json)))


# --- the controller --------------------------------------------------------------------------


def ratio_of(steps: dict[str, dict[str, Any]], name: str) -> float:
    """A step's throughput as a share of /healthz's in the same run (or their median)."""
    if "ratio" in steps[name]:
        return steps[name]["ratio"]
    ceiling = steps["healthz"]["rps"]
    return steps[name]["rps"] / ceiling if ceiling else math.nan


def median_of_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One level's runs as one: per step the median of each figure and of each ratio
    (every ratio taken within its own run), the requests and errors of all runs."""
    steps = {}
    for name in runs[0]["steps"]:
        parts = [run["steps"][name] for run in runs]
        steps[name] = {
            **{key: statistics.median(p[key] for p in parts) for key in MEDIAN_FIGURES},
            "ratio": statistics.median(ratio_of(run["steps"], name) for run in runs),
            "count": sum(p["count"] for p in parts),
            "errors": sum(p["errors"] for p in parts),
            "server_errors": sum(p["server_errors"] for p in parts),
            "examples": [e for p in parts for e in p["examples"]][:3],
        }
    return {
        "concurrency": runs[0]["concurrency"],
        "students": sum(run["students"] for run in runs),
        "runs": len(runs),
        "ceilings": [run["steps"]["healthz"]["rps"] for run in runs],
        "steps": steps,
    }


def print_level(result: dict[str, Any], memory: tuple[int, int] | None) -> None:
    steps = result["steps"]
    rows = []
    for name in ["healthz", *STEPS, "lesson (burst)"]:
        s = steps[name]
        ratio = ratio_of(steps, name)
        rows.append(
            [
                name,
                s["count"],
                fmt(s["rps"], 0),
                fmt(ratio, 2),
                fmt(s["p50"]),
                fmt(s["p95"]),
                fmt(s["p99"]),
                s["errors"],
                fmt(s.get("server_ms", math.nan), 2),
                f"{s['client_cpu']:.0%}",
            ]
        )
    c = result["concurrency"]
    runs = result.get("runs", 1)
    print(
        f"\n== {c} concurrent students ({result['students']} students through the flow; "
        f"bursts timed{f'; medians of {runs} runs' if runs > 1 else ''}) =="
    )
    print(
        table(
            [
                "step",
                "requests",
                "req/s",
                "×healthz",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                "server CPU ms",
                "gen CPU",
            ],
            rows,
        )
    )
    if result.get("ceilings"):
        shown = ", ".join(f"{rps:,.0f}" for rps in result["ceilings"])
        print(f"healthz in each run: {shown} req/s (each ratio is taken within its own run)")
    halves = steps["healthz"].get("halves")
    if halves:
        print(
            f"healthz before the students {halves[0]:,.0f} req/s, after {halves[1]:,.0f} "
            "req/s (the ceiling is both bursts together)"
        )
    if memory:
        print(
            f"server memory peak at this level: {memory[0] / 1024:.1f} MiB RSS "
            f"({memory[1] / 1024:.1f} MiB PSS)"
        )
    for name, s in steps.items():
        for example in s["examples"]:
            print(f"  error in {name}: {example}")


def check_database(db_path: Path, acks: dict[str, list]) -> dict[str, Any]:
    """Every acknowledged autosave stored with its answer; every acknowledged submit scored."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        lost_saves = lost_submits = 0
        examples = []
        latest: dict[tuple[int, str], Any] = {}
        for attempt_id, question_id, answer in acks["saves"]:
            latest[(attempt_id, question_id)] = answer  # a later save replaces an earlier one
        for (attempt_id, question_id), answer in latest.items():
            row = conn.execute(
                "SELECT answer FROM responses WHERE attempt_id = ? AND question_id = ?",
                [attempt_id, question_id],
            ).fetchone()
            if row is None or json.loads(row[0]) != answer:
                lost_saves += 1
                if len(examples) < 5:
                    examples.append(
                        f"attempt {attempt_id} {question_id}: expected {answer!r}, "
                        f"found {row[0] if row else None!r}"
                    )
        for attempt_id in acks["submits"]:
            row = conn.execute(
                "SELECT submitted_at, score FROM attempts WHERE id = ?", [attempt_id]
            ).fetchone()
            if row is None or row[0] is None or row[1] is None:
                lost_submits += 1
                if len(examples) < 5:
                    examples.append(f"attempt {attempt_id}: submit acknowledged, found {row!r}")
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        counts = {
            name: conn.execute(sql).fetchone()[0]
            for name, sql in (
                ("students", "SELECT count(*) FROM students"),
                ("attempts", "SELECT count(*) FROM attempts"),
                ("responses", "SELECT count(*) FROM responses"),
            )
        }
    finally:
        conn.close()
    return {
        "saves": len(latest),
        "submits": len(acks["submits"]),
        "lost_saves": lost_saves,
        "lost_submits": lost_submits,
        "lost": lost_saves + lost_submits,
        "examples": examples,
        "integrity": integrity,
        "counts": counts,
    }


def print_targets(
    cold: float, results: list[dict[str, Any]], peak_mib: float, lost: int, total_errors: int
) -> None:
    rows = [
        [
            "cold start to the first page",
            f"≤ {COLD_START_TARGET:.0f} s",
            f"{cold:.2f} s",
            verdict(cold <= COLD_START_TARGET),
        ]
    ]
    for result in results:
        c = result["concurrency"]
        steps = result["steps"]
        for name in RATIO_STEPS:
            ratio = ratio_of(steps, name)
            rows.append(
                [
                    f"{name} throughput at {c}",
                    f"≥ {RATIO_TARGET}× healthz",
                    f"{ratio:.2f}×",
                    verdict(ratio >= RATIO_TARGET),
                ]
            )
        if c in P99_TARGETS:
            for name in ("autosave", "submit"):
                p99 = steps[name]["p99"]
                rows.append(
                    [
                        f"{name} p99 at {c}",
                        f"≤ {P99_TARGETS[c]:.0f} ms",
                        f"{fmt(p99)} ms",
                        verdict(p99 <= P99_TARGETS[c]),
                    ]
                )
        if c in LESSON_P99_TARGETS:
            p99 = steps["lesson (burst)"]["p99"]
            rows.append(
                [
                    f"lesson p99 at {c}",
                    f"≤ {LESSON_P99_TARGETS[c]:.0f} ms",
                    f"{fmt(p99)} ms",
                    verdict(p99 <= LESSON_P99_TARGETS[c]),
                ]
            )
        if c >= 200:
            errors = sum(s["errors"] for s in steps.values())
            rows.append([f"errors at {c}", "0", str(errors), verdict(errors == 0)])
    rows.append(
        [
            "server memory (all processes, peak RSS)",
            f"≤ {MEMORY_TARGET_MIB} MiB",
            f"{peak_mib:.1f} MiB",
            verdict(peak_mib <= MEMORY_TARGET_MIB),
        ]
    )
    rows.append(["lost acknowledged answers", "0", str(lost), verdict(lost == 0)])
    rows.append(["failed requests (any level)", "0", str(total_errors), verdict(total_errors == 0)])
    print("\n== targets (issue 5) ==")
    print(table(["target", "goal", "measured", ""], rows))


def controller(args: argparse.Namespace) -> int:
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    print(f"classroom load benchmark · {machine_summary()}")
    print(
        f"server: classroom serve --workers {args.workers} --threads {args.threads} "
        f"on 127.0.0.1; load generator in a separate process"
    )
    with tempfile.TemporaryDirectory(prefix="classroom-bench-") as tmp:
        tmp_dir = Path(tmp)
        db_path = tmp_dir / "classroom.sqlite"
        code = setup_database(db_path)
        server = Server(db_path, tmp_dir / "server.log", workers=args.workers, threads=args.threads)
        server.start()
        sampler = None
        try:
            up = server.wait_ready()
            page = None
            for _ in range(200):  # the first real page: the join form
                if http_get_once(server.port, "/", timeout=5) == 200:
                    page = time.perf_counter() - server.started_at
                    break
                time.sleep(0.01)
            if page is None:
                raise RuntimeError("the join page never answered 200")
            idle_rss, idle_pss, processes = server.memory_kib()
            print(
                f"cold start: /healthz answered after {up:.2f} s, the first page (join form) "
                f"after {page:.2f} s; {processes} server processes, {idle_rss / 1024:.1f} MiB "
                f"RSS idle"
            )
            sampler = MemorySampler(server, interval=0.1)
            sampler.start()
            results, done = run_generator(
                args, server.port, code, tmp_dir, levels, sampler, server.group_pids()
            )
            sampler.stop()
            if server.process is not None and server.process.poll() is not None:
                print(f"the server died during the run:\n{server.log_tail()}")
                return 1
            acks_path = tmp_dir / "acks.json"
            acks = (
                json.loads(acks_path.read_text())
                if acks_path.exists()
                else {"saves": [], "submits": []}
            )
            check = check_database(db_path, acks)
        finally:
            if sampler is not None and sampler.is_alive():
                sampler.stop()
            server.stop()
        peak_mib = sampler.peak_rss / 1024
        print(
            f"\nserver peak memory during the run: {peak_mib:.1f} MiB RSS summed over "
            f"{sampler.peak_processes} processes ({sampler.peak_pss / 1024:.1f} MiB PSS, "
            f"shared pages counted once); {sampler.samples} samples every 100 ms"
        )
        print(
            f"database: {check['counts']['students']} students, "
            f"{check['counts']['attempts']} attempts, {check['counts']['responses']} "
            f"responses; integrity_check: {check['integrity']}"
        )
        print(f"acknowledged: {check['saves']} autosaved answers, {check['submits']} submits")
        for example in check["examples"]:
            print(f"  missing: {example}")
        print(f"lost = {check['lost']}")
        total_errors = sum(s["errors"] for r in results for s in r["steps"].values())
        server_errors = sum(s["server_errors"] for r in results for s in r["steps"].values())
        print_targets(page, results, peak_mib, check["lost"], total_errors)
        failed = (
            check["lost"] > 0
            or total_errors > 0
            or server_errors > 0
            or not done
            or check["integrity"] != "ok"
            or len(results) != len(levels)
        )
        print(
            f"\n{'FAILED' if failed else 'OK'}: lost = {check['lost']}, "
            f"{total_errors} failed requests ({server_errors} 5xx)"
        )
        if failed and server.log_path.exists():
            print(f"server log tail:\n{server.log_tail()}")
        return 1 if failed else 0


def run_generator(
    args: argparse.Namespace,
    port: int,
    code: str,
    tmp_dir: Path,
    levels: list[int],
    sampler: MemorySampler,
    server_pids: list[int],
) -> tuple[list[dict], bool]:
    config = {
        "port": port,
        "code": code,
        "levels": levels,
        "seed": args.seed,
        "seconds": args.seconds,
        "lesson_seconds": args.lesson_seconds,
        "students_per_client": args.students_per_client,
        "min_students": args.min_students,
        "runs": args.runs,
        "acks": str(tmp_dir / "acks.json"),
        "server_pids": server_pids,
    }
    generator = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--generate", json.dumps(config)],
        stdout=subprocess.PIPE,
        text=True,
    )
    timer = threading.Timer(GENERATOR_TIMEOUT, generator.kill)
    timer.start()
    results: list[dict] = []
    done = False
    try:
        assert generator.stdout is not None
        for line in generator.stdout:
            if line.startswith("LEVEL "):
                level, run = line.split()[1], line.split()[3]
                sampler.mark(level)
                print(f"… {level} concurrent students, run {run}", flush=True)
            elif line.startswith("RESULT "):
                result = json.loads(line[7:])
                results.append(result)
                ratios = ", ".join(
                    f"{name} {ratio_of(result['steps'], name):.2f}×" for name in RATIO_STEPS
                )
                print(f"  run {result['run']}: {ratios}", flush=True)
            elif line.startswith("DONE"):
                done = True
            else:
                print(line, end="")
    finally:
        timer.cancel()
        generator.wait(30)
    if generator.returncode != 0:
        print(f"the load generator exited with {generator.returncode}")
        done = False
    medians = [
        median_of_runs([result for result in results if result["concurrency"] == level])
        for level in dict.fromkeys(result["concurrency"] for result in results)
    ]
    for result in medians:
        print_level(result, sampler.by_label.get(str(result["concurrency"])))
    return medians, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--levels",
        default="10,50,200",
        help="concurrency levels, comma-separated (default 10,50,200)",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=5.0,
        help="length of the /healthz burst at each level (default 5)",
    )
    parser.add_argument(
        "--lesson-seconds",
        type=float,
        default=3.0,
        help="length of the lesson-page burst at each level (default 3)",
    )
    parser.add_argument(
        "--students-per-client",
        type=int,
        default=3,
        help="students through the flow per concurrent client (default 3)",
    )
    parser.add_argument(
        "--min-students",
        type=int,
        default=300,
        help="at least this many students per level (default 300)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="times every level is run; figures are their medians (default 3)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        generator_main(args.generate)
        return 0
    return controller(args)


if __name__ == "__main__":
    sys.exit(main())
