"""A real server for browser tests and screenshots: the bundled content on a fresh database,
and the Chromium that opens it.

Used by tests/browser/conftest.py (the `live_server` and `browser` fixtures) and by
`python -m tests.browser.screenshots`, so both drive exactly the same app and browser.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Playwright
from werkzeug.serving import BaseWSGIServer, make_server

# support.py is in tests/: pytest puts that folder on sys.path, `python -m` does not.
TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from support import REPO, make_app  # noqa: E402

LESSONS_DIR = REPO / "lessons"
QUIZZES_DIR = REPO / "quizzes"
CLASS_NAME = "Class 7B"
# The quizzes the browser tests take; they must exist before the server starts.
REQUIRED_CONTENT = (LESSONS_DIR / "xinjiang-denial.md", QUIZZES_DIR / "sourcing.toml")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveServer:
    """A running app: where it is, the code its class joins with, and the app itself."""

    url: str
    join_code: str
    app: Flask
    _server: BaseWSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.app.extensions["classroom.db"].close_all()


def wait_for_content(timeout: float = 300.0, poll: float = 2.0) -> None:
    """Wait until the bundled lesson and the sourcing quiz exist (they may still be written)."""
    deadline = time.monotonic() + timeout
    while True:
        missing = [str(p.relative_to(REPO)) for p in REQUIRED_CONTENT if not p.exists()]
        if not missing:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"bundled content still missing after {timeout:.0f} s: {missing}")
        time.sleep(poll)


def start_server(data_dir: Path, **config) -> LiveServer:
    """Serve the app with the bundled content on 127.0.0.1 (a free port) in a thread.

    data_dir holds the SQLite database; config overrides the test settings.
    """
    from classroom.db import get_db
    from classroom.library import catalogue
    from classroom.store import classes

    wait_for_content()
    settings = {
        "LESSONS_DIR": str(LESSONS_DIR),
        "QUIZZES_DIR": str(QUIZZES_DIR),
        "WTF_CSRF_ENABLED": True,
    }
    settings.update(config)
    app = make_app(Path(data_dir), **settings)
    with app.app_context():
        if "sourcing" not in catalogue().quizzes:
            problems = "\n".join(str(p) for p in catalogue().problems)
            raise RuntimeError(f"the sourcing quiz does not load:\n{problems}")
        join_code = classes.create_class(
            get_db(), CLASS_NAME, quiz_slugs=list(catalogue().quizzes)
        )["join_code"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    return LiveServer(f"http://127.0.0.1:{server.server_port}", join_code, app, server, thread)


def launch(playwright: Playwright, *extra_args: str) -> Browser:
    """Debian's Chromium, headless; a browser is never downloaded."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra_args]
    )
