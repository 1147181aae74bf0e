"""The database file: the pragmas every connection needs and a schema that migrates safely."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from support import at_once

from classroom import db as db_module
from classroom.db import LogSyncer, connect, durable
from classroom.migrations import migrate, migrations


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "classroom.sqlite"
    migrate(path)
    return path


def test_a_fresh_install_creates_the_database_and_its_folder(tmp_path: Path):
    path = tmp_path / "new" / "folder" / "classroom.sqlite"
    migrate(path)
    assert path.exists()


def test_every_connection_waits_for_locks_enforces_foreign_keys_and_uses_wal(database: Path):
    db = connect(database)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    finally:
        db.close()


def test_restarting_the_server_migrates_again_without_harm(database: Path):
    db = connect(database)
    try:
        db.execute(
            "INSERT INTO classes (name, join_code, created_at) VALUES (?, ?, ?)",
            ["Class 7B", "ABCDEFGH", "2024-01-01T00:00:00+00:00"],
        )
        tables_before = sorted(db.table_names())
    finally:
        db.close()

    migrate(database)
    migrate(database)

    db = connect(database)
    try:
        assert sorted(db.table_names()) == tables_before
        applied = [m.name for m in migrations.applied(db)]
        assert len(applied) == len(set(applied))
        assert migrations.pending(db) == []
        # The data written before the restart is still there.
        assert db.execute("SELECT name FROM classes").fetchall() == [("Class 7B",)]
    finally:
        db.close()


def test_every_table_is_strict_so_a_wrong_type_is_refused_not_stored(database: Path):
    db = connect(database)
    try:
        tables = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        assert tables
        loose = [name for name, sql in tables if "STRICT" not in sql.upper()]
        assert loose == []
    finally:
        db.close()


def test_a_student_of_a_class_that_does_not_exist_is_refused(database: Path):
    db = connect(database)
    try:
        with pytest.raises(Exception, match="FOREIGN KEY"):
            db.execute(
                "INSERT INTO students (class_id, display_name, resume_hash, created_at) "
                "VALUES (999, 'Ada', 'x', '2024-01-01T00:00:00+00:00')"
            )
    finally:
        db.close()


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to name the synced file")
def test_a_durable_write_is_on_disk_before_it_returns_and_no_writer_waits_for_the_disk(
    database: Path, monkeypatch
):
    db = connect(database)
    synced = []
    real_sync = db_module._sync_data

    def sync(fd: int) -> None:
        # Which file is synced, and whether the write lock was still held meanwhile.
        synced.append((os.readlink(f"/proc/self/fd/{fd}"), db.write_lock._thread_lock.locked()))
        real_sync(fd)

    monkeypatch.setattr(db_module, "_sync_data", sync)
    try:
        with durable(db):
            db.conn.execute(
                "INSERT INTO classes (name, join_code, created_at) VALUES ('7B', 'ABC', 'now')"
            )
        assert synced == [(f"{database}-wal", False)]
        other = connect(database)
        assert other.execute("SELECT count(*) FROM classes").fetchone()[0] == 1
        other.close()
    finally:
        db.close()


def _sync_from_threads(syncer: LogSyncer, count: int) -> list[tuple[float, float, str]]:
    """Each thread's (called, returned, outcome) for one sync() each, all called at once."""
    calls = []

    def writer() -> None:
        called = time.monotonic()
        try:
            syncer.sync()
            outcome = "synced"
        except OSError:
            outcome = "failed"
        calls.append((called, time.monotonic(), outcome))

    at_once(count, writer)
    return calls


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "classroom.sqlite-wal"
    path.write_bytes(b"frames")
    return path


def _slow_syncs(monkeypatch, failing: int = 0) -> list[tuple[float, float]]:
    """Makes each sync take a tenth of a second, the first `failing` ones failing; the
    list gets each sync's (began, ended), ended -1 for a failed one."""
    syncs: list[tuple[float, float]] = []

    def slow_sync(fd: int) -> None:
        began = time.monotonic()
        time.sleep(0.1)
        if len(syncs) < failing:
            syncs.append((began, -1.0))
            raise OSError(5, "Input/output error")
        syncs.append((began, time.monotonic()))

    monkeypatch.setattr(db_module, "_sync_data", slow_sync)
    return syncs


def test_writers_that_commit_while_the_log_syncs_share_the_next_sync(log: Path, monkeypatch):
    syncs = _slow_syncs(monkeypatch)
    calls = _sync_from_threads(LogSyncer(str(log)), 8)

    assert [outcome for *_, outcome in calls] == ["synced"] * 8
    # Far fewer syncs than writers: the first, then one for everyone who came meanwhile.
    assert len(syncs) <= 3
    # Yet nobody returns before a sync that began after they asked has ended.
    for called, returned, _ in calls:
        assert any(called <= began and ended <= returned for began, ended in syncs)


def test_a_failed_sync_fails_its_writer_and_the_others_sync_again(log: Path, monkeypatch):
    syncs = _slow_syncs(monkeypatch, failing=1)
    calls = _sync_from_threads(LogSyncer(str(log)), 6)

    outcomes = sorted(outcome for *_, outcome in calls)
    assert outcomes == ["failed"] + ["synced"] * 5
    for called, returned, outcome in calls:
        if outcome == "synced":
            assert any(called <= began and 0 < ended <= returned for began, ended in syncs)


def test_without_a_log_there_is_nothing_to_sync(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(db_module, "_sync_data", lambda fd: pytest.fail("synced a missing log"))
    LogSyncer(str(tmp_path / "gone.sqlite-wal")).sync()
