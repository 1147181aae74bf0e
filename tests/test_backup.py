"""`classroom backup PATH` makes a consistent copy while students keep saving, and a copy
restored in place of the database serves the students' results again."""

from __future__ import annotations

import re
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from support import FIXTURES, make_app

from classroom.content import load_catalogue
from classroom.db import connect, get_db
from classroom.store import attempts, classes, students

BACKUP_SECONDS = 20


class Writer(threading.Thread):
    """Students joining and saving answers, through their own connection, until stopped."""

    def __init__(self, path: str, class_id: int):
        super().__init__(daemon=True)
        self.path, self.class_id = path, class_id
        self.quiz = load_catalogue(FIXTURES / "lessons", FIXTURES / "quizzes").quizzes[
            "sample-quiz"
        ]
        self.stop = threading.Event()
        self.saved: list[int] = []  # student ids whose answer was acknowledged, in order
        self.errors: list[str] = []

    def run(self) -> None:
        db = connect(self.path)
        try:
            while not self.stop.is_set():
                student_id, _ = students.create_student(db, self.class_id, f"W{len(self.saved)}")
                attempt = attempts.open_or_start(db, student_id, self.quiz)
                attempts.save_answers(db, attempt["id"], student_id, {"who-says": ("nobody", None)})
                self.saved.append(student_id)
                # The same student changing their mind, as autosave sends it.
                for choice in ("minister", "nobody") * 5:
                    attempts.save_answers(
                        db, attempt["id"], student_id, {"who-says": (choice, None)}
                    )
        except Exception as error:  # reported by the test
            self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            db.close()

    def finish(self) -> None:
        self.stop.set()
        self.join(30)


@pytest.fixture
def school(tmp_path: Path):
    """A class whose student Ada has submitted the sample quiz, through the pages."""
    app = make_app(tmp_path / "live")
    with app.app_context():
        klass = classes.create_class(get_db(), "7B", quiz_slugs=["sample-quiz"])
        # A school's year of work, about 20 MB: a copy made in small steps would start
        # over at every write and never finish while students save.
        db = get_db()
        with db.conn:
            db.conn.executemany(
                "INSERT INTO students (class_id, display_name, resume_hash, created_at) "
                "VALUES (?, ?, ?, '2024-01-01T00:00:00+00:00')",
                [(klass["id"], f"Filler {n} " + "x" * 300, f"filler-{n}") for n in range(60000)],
            )
    client = app.test_client()
    client.post("/join", data={"code": klass["join_code"], "name": "Ada"})
    resume_code = re.search(
        r'id="resume-code">([A-Z0-9-]+)<', client.get("/welcome").get_data(as_text=True)
    ).group(1)
    page = client.get("/quizzes/sample-quiz").get_data(as_text=True)
    attempt = int(re.search(r"/quizzes/sample-quiz/attempts/(\d+)\"", page).group(1))
    submitted = client.post(
        f"/quizzes/sample-quiz/attempts/{attempt}",
        data={
            "q-who-says": "nobody",
            "q-strong-evidence": ["report", "accused"],
            "action": "submit",
        },
    )
    assert submitted.status_code == 302
    yield app, klass, resume_code, attempt
    app.extensions["classroom.db"].close_all()


def test_a_backup_taken_while_students_save_is_whole_and_consistent(school, tmp_path):
    app, klass, _, attempt = school
    writers = [Writer(app.config["DATABASE"], klass["id"]) for _ in range(2)]
    for writer in writers:
        writer.start()
    try:
        while sum(len(w.saved) for w in writers) < 20 and all(w.is_alive() for w in writers):
            time.sleep(0.01)
        acknowledged = [s for w in writers for s in w.saved]  # before the backup started
        target = tmp_path / "backups" / "monday.sqlite"
        started = time.monotonic()
        outcome = []
        backup = threading.Thread(
            target=lambda: outcome.append(
                app.test_cli_runner().invoke(args=["backup", str(target)])
            ),
            daemon=True,
        )
        backup.start()
        backup.join(BACKUP_SECONDS)
        took = time.monotonic() - started
        during = sum(len(w.saved) for w in writers) - len(acknowledged)
        finished = not backup.is_alive()
    finally:
        for writer in writers:
            writer.finish()
    backup.join(60)

    assert [e for w in writers for e in w.errors] == []
    assert finished, f"the backup did not finish in {BACKUP_SECONDS} s while students saved"
    result = outcome[0]
    assert result.exit_code == 0, result.output
    assert str(target) in result.output
    assert during > 0, "the students kept saving while the backup ran"
    print(
        f"\nbackup of a {target.stat().st_size / 2**20:.0f} MiB database took {took:.2f} s "
        f"while {during} answers were saved"
    )

    assert not Path(str(target) + "-wal").exists()
    assert not list(target.parent.glob("*.partial"))
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
        present = {
            row[0]
            for row in copy.execute(
                "SELECT attempts.student_id FROM responses JOIN attempts "
                "ON attempts.id = responses.attempt_id"
            )
        }
        assert set(acknowledged) <= present, "an answer saved before the backup is missing"
        # Consistent: a writer starts an attempt then saves its answer, so at most the
        # one attempt each writer was between the two may be without an answer.
        orphans = copy.execute(
            "SELECT count(*) FROM attempts WHERE id NOT IN (SELECT attempt_id FROM responses)"
        ).fetchone()[0]
        assert orphans <= len(writers)
        assert (
            copy.execute("SELECT submitted_at FROM attempts WHERE id = ?", [attempt]).fetchone()[0]
            is not None
        )
    finally:
        copy.close()


def test_writes_during_a_backup_never_make_it_start_over(school, tmp_path, monkeypatch):
    """A copy made in steps starts over whenever another connection writes between two
    steps: with students saving all day, it would never finish. Here a student saves
    after every step the copy makes; the copy must still finish."""
    app = school[0]
    path = app.config["DATABASE"]
    real_connect = sqlite3.connect
    steps = []

    class Interrupted(sqlite3.Connection):
        def backup(self, target, *, pages=-1, progress=None, name="main", sleep=0.25):
            def save_between_steps(status, remaining, total):
                steps.append(remaining)
                if len(steps) > 50:
                    raise RuntimeError("the backup keeps starting over")
                if remaining:
                    student = connect(path)
                    try:
                        students.create_student(student, 1, f"Between {len(steps)}")
                    finally:
                        student.close()
                if progress is not None:
                    progress(status, remaining, total)

            return super().backup(
                target, pages=pages, progress=save_between_steps, name=name, sleep=sleep
            )

    def connecting(database, *args, **kwargs):
        if str(database).startswith(Path(path).as_uri()):
            kwargs["factory"] = Interrupted
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connecting)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.sqlite")])
    monkeypatch.undo()

    assert result.exit_code == 0, result.output
    assert len(steps) <= 50, "the backup kept starting over"
    copy = real_connect(tmp_path / "b.sqlite")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        copy.close()


def test_a_restored_backup_serves_the_students_results(school, tmp_path):
    app, _, resume_code, attempt = school
    target = tmp_path / "backup.sqlite"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output

    # Restore as the README says: stop the server, put the backup where DATABASE points.
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    shutil.copyfile(target, restored_dir / "classroom.sqlite")
    fresh = make_app(restored_dir, DATABASE=str(restored_dir / "classroom.sqlite"))
    try:
        client = fresh.test_client()
        back = client.post("/resume", data={"resume_code": resume_code})
        assert back.status_code == 302
        results = client.get(f"/quizzes/sample-quiz/attempts/{attempt}/results")
        assert results.status_code == 200
        page = results.get_data(as_text=True)
        assert "Ada" in page
        assert "Sample quiz" in page
        # And the restored database takes new work.
        joined = fresh.test_client().post("/join", data={"code": _code(fresh), "name": "Bo"})
        assert joined.status_code == 302
    finally:
        fresh.extensions["classroom.db"].close_all()


def _code(app) -> str:
    with app.app_context():
        return get_db().conn.execute("SELECT join_code FROM classes").fetchone()[0]


def test_a_backup_never_overwrites_an_existing_file(school, tmp_path):
    app = school[0]
    target = tmp_path / "precious.sqlite"
    target.write_bytes(b"last week's backup")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "exists" in result.output and str(target) in result.output
    assert "Traceback" not in result.output
    assert target.read_bytes() == b"last week's backup"


def test_the_backup_command_is_documented(school):
    result = school[0].test_cli_runner().invoke(args=["backup", "--help"])
    assert result.exit_code == 0
    assert "PATH" in result.output


@pytest.mark.parametrize("folders", ["", "2024/"], ids=["in-it", "deeper"])
def test_a_backup_under_a_file_says_it_cannot_be_written_there(app, tmp_path, folders):
    # A regular file where a folder should be stops every user, root included.
    notes = tmp_path / "notes.txt"
    notes.write_text("not a folder")
    target = notes / f"{folders}monday.sqlite"

    result = app.test_cli_runner().invoke(args=["backup", str(target)])

    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot write the backup to {target}: {notes} is a file, not a folder\n"
    )
    assert notes.read_text() == "not a folder"


def test_a_backup_name_too_long_for_the_file_system_is_refused_in_one_line(app, tmp_path):
    target = tmp_path / ("monday" * 60 + ".sqlite")  # 367 characters; most allow 255

    result = app.test_cli_runner().invoke(args=["backup", str(target)])

    assert result.exit_code == 1
    assert result.output == f"Error: cannot write the backup to {target}: File name too long\n"
