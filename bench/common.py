"""Shared pieces of the benchmarks: the server under test, a small HTTP/1.1 client, figures.

Only the standard library is used here, so every script runs with whichever Python runs
it (the project's .venv in `make bench`). Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LESSON_SLUG = "xinjiang-denial"
QUIZ_SLUG = "sourcing"


# --- the server under test -------------------------------------------------------------


def classroom_command() -> list[str]:
    """The `classroom` console script installed next to the running Python."""
    script = Path(sys.executable).parent / "classroom"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from classroom.cli import main; main()"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CLASSROOM_DATABASE"] = str(db_path)
    env.pop("FLASK_APP", None)
    return env


def run_cli(args: Sequence[str], db_path: Path, timeout: float = 60) -> str:
    """Run a `classroom` command against db_path; its standard output."""
    done = subprocess.run(
        [*classroom_command(), *args],
        env=server_env(db_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"classroom {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def setup_database(db_path: Path, class_name: str = "Benchmark class") -> str:
    """A fresh, migrated database with one class (every bundled quiz); its join code."""
    run_cli(["init-db"], db_path)
    return run_cli(["create-class", class_name], db_path).strip().splitlines()[-1].strip()


def http_get_once(port: int, path: str, timeout: float = 2.0) -> int | None:
    """One blocking GET on a fresh connection: the status, or None if nothing answered."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n".encode()
            )
            data = b""
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    return None
                data += chunk
            return int(data.split(b" ", 2)[1])
    except (OSError, ValueError, IndexError):
        return None


class Server:
    """`classroom serve` as in production, in its own session so its whole tree can be killed."""

    def __init__(
        self,
        db_path: Path,
        log_path: Path,
        *,
        workers: int = 2,
        threads: int = 4,
        port: int | None = None,
    ):
        self.db_path = Path(db_path)
        self.log_path = Path(log_path)
        self.workers = workers
        self.threads = threads
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self._log = None
        self.started_at = 0.0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in wait())
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            [
                *classroom_command(),
                "serve",
                "--host",
                HOST,
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
            ],
            env=server_env(self.db_path),
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 20.0, path: str = "/healthz") -> float:
        """Seconds from start() until `path` answered 200; raises if it never does."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            if http_get_once(self.port, path, timeout=1.0) == 200:
                return time.perf_counter() - self.started_at
            time.sleep(0.01)
        raise RuntimeError(f"server not answering {path} after {timeout} s:\n{self.log_tail()}")

    def group_pids(self) -> list[int]:
        """Every live process of the server's process group (master and workers)."""
        if self.process is None:
            return []
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    stat = handle.read().decode(errors="replace")
            except OSError:
                continue
            # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after ')'.
            fields = stat[stat.rfind(")") + 2 :].split()
            if len(fields) > 2 and fields[2] == str(self.pid) and fields[0] != "Z":
                found.append(int(entry.name))
        return found

    def memory_kib(self) -> tuple[int, int, int]:
        """(sum of VmRSS, sum of Pss, number of processes) over the server's processes."""
        rss = pss = count = 0
        for pid in self.group_pids():
            try:
                with open(f"/proc/{pid}/status", "rb") as handle:
                    for line in handle:
                        if line.startswith(b"VmRSS:"):
                            rss += int(line.split()[1])
                            count += 1
                            break
            except OSError:
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                    for line in handle:
                        if line.startswith(b"Pss:"):
                            pss += int(line.split()[1])
                            break
        return rss, pss, count

    def kill(self) -> None:
        """SIGKILL the whole process group, as a power cut or OOM killer would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.wait()

    def stop(self, timeout: float = 15.0) -> None:
        """Graceful stop (SIGTERM to the group), then SIGKILL if it lingers."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)  # any worker left behind
        self.wait()

    def wait(self) -> None:
        if self.process is not None:
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        # Workers are reaped by the master; give orphans a moment to disappear.
        deadline = time.perf_counter() + 5
        while self.process is not None and self.group_pids() and time.perf_counter() < deadline:
            time.sleep(0.02)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class MemorySampler(threading.Thread):
    """Samples the server tree's memory every `interval` seconds; keeps the peaks.

    `mark(label)` starts attributing samples to a new label (a concurrency level).
    """

    def __init__(self, server: Server, interval: float = 0.1, max_seconds: float = 900):
        super().__init__(daemon=True)
        self.server = server
        self.interval = interval
        self.max_seconds = max_seconds
        self.peak_rss = self.peak_pss = self.peak_processes = 0
        self.samples = 0
        self.label = ""
        self.by_label: dict[str, tuple[int, int]] = {}
        self._stop_event = threading.Event()
        self._lock = threading.Lock()

    def mark(self, label: str) -> None:
        with self._lock:
            self.label = label

    def run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self._stop_event.is_set() and time.monotonic() < deadline:
            rss, pss, count = self.server.memory_kib()
            with self._lock:
                self.samples += 1
                self.peak_rss = max(self.peak_rss, rss)
                self.peak_pss = max(self.peak_pss, pss)
                self.peak_processes = max(self.peak_processes, count)
                if self.label:
                    old = self.by_label.get(self.label, (0, 0))
                    self.by_label[self.label] = (max(old[0], rss), max(old[1], pss))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(5)


# --- a small keep-alive HTTP/1.1 client ----------------------------------------------------


class HTTPError(Exception):
    """The connection failed or the response could not be read."""


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: bytes
    elapsed: float  # seconds, request written to body read

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[-1] if values else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One keep-alive connection to the server; reconnects when the server closed it."""

    IDLE_RECONNECT = 3.0  # the server keeps idle connections 5 s; do not race it

    def __init__(self, port: int, timeout: float = 30.0):
        self.port = port
        self.timeout = timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    async def _open(self) -> None:
        await self.close()
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(HOST, self.port), self.timeout
        )
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def close(self) -> None:
        writer, self.reader, self.writer = self.writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1.0)

    async def request(
        self, method: str, path: str, headers: Iterable[tuple[str, str]] = (), body: bytes = b""
    ) -> Response:
        """Send one request; a GET on a connection the server had closed is retried once."""
        retries = 1 if method == "GET" else 0
        while True:
            fresh = self.writer is None or time.monotonic() - self.last_used > self.IDLE_RECONNECT
            try:
                if fresh:
                    await self._open()
                return await asyncio.wait_for(
                    self._exchange(method, path, headers, body), self.timeout
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError, HTTPError) as error:
                await self.close()
                if retries <= 0 or fresh:
                    raise HTTPError(f"{method} {path}: {type(error).__name__}: {error}") from error
                retries -= 1

    async def _exchange(
        self, method: str, path: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> Response:
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        started = time.perf_counter()
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(status_line.split(" ", 2)[1])
        except (IndexError, ValueError) as error:
            raise HTTPError(f"bad status line {status_line!r}") from error
        parsed: dict[str, list[str]] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                parsed.setdefault(name.strip().lower(), []).append(value.strip())
        if "chunked" in (parsed.get("transfer-encoding") or [""])[-1].lower():
            data = await self._read_chunked()
        elif "content-length" in parsed:
            data = await self.reader.readexactly(int(parsed["content-length"][-1]))
        elif status in (204, 304) or method == "HEAD":
            data = b""
        else:  # no length: the body runs to the end of the connection
            data = await self.reader.read()
            parsed.setdefault("connection", []).append("close")
        elapsed = time.perf_counter() - started
        self.last_used = time.monotonic()
        if "close" in (parsed.get("connection") or [""])[-1].lower():
            await self.close()
        return Response(status, parsed, data, elapsed)

    async def _read_chunked(self) -> bytes:
        assert self.reader is not None
        data = bytearray()
        for _ in range(100_000):
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                while (await self.reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return bytes(data)
            data += await self.reader.readexactly(size)
            await self.reader.readexactly(2)
        raise HTTPError("too many chunks")


class Browser:
    """A connection with a cookie jar: one simulated student or teacher."""

    def __init__(self, port: int, timeout: float = 30.0, connection: Connection | None = None):
        self.connection = connection or Connection(port, timeout)
        self.cookies: dict[str, str] = {}

    async def get(self, path: str) -> Response:
        return self._keep_cookies(await self.connection.request("GET", path, self._headers()))

    async def post(self, path: str, fields: Sequence[tuple[str, str]]) -> Response:
        body = urllib.parse.urlencode(list(fields)).encode()
        headers = [*self._headers(), ("Content-Type", "application/x-www-form-urlencoded")]
        return self._keep_cookies(await self.connection.request("POST", path, headers, body))

    async def close(self) -> None:
        await self.connection.close()

    def _headers(self) -> list[tuple[str, str]]:
        if not self.cookies:
            return []
        return [("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))]

    def _keep_cookies(self, response: Response) -> Response:
        for raw in response.headers.get("set-cookie", []):
            name, _, rest = raw.partition("=")
            value, *attributes = rest.split(";")
            attrs = {a.strip().split("=", 1)[0].lower(): a.strip() for a in attributes}
            expired = "max-age=0" in (
                attrs.get("max-age", "").lower().replace(" ", "")
            ) or "1970" in attrs.get("expires", "")
            if expired or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()
        return response


# --- pages -----------------------------------------------------------------------------------

_TAG = re.compile(r"<(form|input)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+)))?')


def parse_inputs(page: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The page's <form> and <input> tags as attribute dicts (a regex, not an HTML parser:
    the load generator must not spend its CPU parsing pages)."""
    forms, inputs = [], []
    for match in _TAG.finditer(page):
        attrs = {
            name.lower(): html.unescape(a or b or c or "")
            for name, a, b, c in _ATTRIBUTE.findall(match.group(2))
        }
        (forms if match.group(1).lower() == "form" else inputs).append(attrs)
    return forms, inputs


def csrf_token(page: str) -> str:
    for item in parse_inputs(page)[1]:
        if item.get("name") == "csrf_token":
            return item.get("value", "")
    raise ValueError("no csrf_token input on the page")


@dataclass
class QuizForm:
    action: str
    autosave: str
    attempt_id: int
    csrf_token: str
    # question id -> (input type, choice ids)
    questions: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


def parse_quiz_form(page: str) -> QuizForm:
    forms, inputs = parse_inputs(page)
    form = next((f for f in forms if "/attempts/" in f.get("action", "")), None)
    if form is None:
        raise ValueError("no quiz form on the page")
    action = form["action"]
    quiz = QuizForm(
        action=action,
        autosave=form.get("data-autosave") or f"{action}/answers",
        attempt_id=int(action.rstrip("/").rsplit("/", 1)[1]),
        csrf_token="",
    )
    for item in inputs:
        name = item.get("name", "")
        if name == "csrf_token" and not quiz.csrf_token:
            quiz.csrf_token = item.get("value", "")
        elif name.startswith("q-") and item.get("type") in ("radio", "checkbox"):
            kind, values = quiz.questions.setdefault(name[2:], (item["type"], []))
            values.append(item.get("value", ""))
    return quiz


# --- figures ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), linear between the closest ranks; nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def fmt(value: float | None, places: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{places}f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain-text table, first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine_summary() -> str:
    cpus = os.cpu_count()
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{cpus} CPU(s){' · ' + model if model else ''} · Python {sys.version.split()[0]}"
