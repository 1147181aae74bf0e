"""The SQLite connection: pragmas, one connection per thread, transactions."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator

try:
    import fcntl
except ImportError:  # Windows: threads are still serialised; processes use the busy timeout
    fcntl = None
from pathlib import Path

from flask import Flask, current_app
from sqlite_utils import Database

# STRICT tables came with SQLite 3.37 (RETURNING with 3.35, row values with 3.15).
MIN_SQLITE = (3, 37, 0)
BUSY_TIMEOUT_SECONDS = 10
# The same wait in milliseconds, written out: SQL is never built by formatting.
BUSY_TIMEOUT_PRAGMA = "PRAGMA busy_timeout = 10000"


def sqlite_problem() -> str | None:
    """Why this Python's SQLite cannot keep the database, when it cannot."""
    if sqlite3.sqlite_version_info >= MIN_SQLITE:
        return None
    return (
        f"classroom needs SQLite {'.'.join(map(str, MIN_SQLITE))} or newer; this Python "
        f"has {sqlite3.sqlite_version}. Use a Python built with a newer SQLite "
        "(the python.org builds of 3.11 and later have one)."
    )


class WriteLock:
    """Lets one writer at a time into the database: threads by a lock, processes by
    flock on a file beside it.

    SQLite's busy handler makes a waiting writer sleep and retry, up to 100 ms a turn,
    which stretches the slowest saves under load; a writer blocked here is woken the
    moment the one before it commits. A write that is one autocommitted statement
    takes only the threads' lock (see thread_lock_of).
    """

    def __init__(self, path: str):
        self.path = path + ".writelock"
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    @property
    def between_threads(self) -> threading.Lock:
        return self._thread_lock

    def _file(self) -> int | None:
        if fcntl is None or self.path.startswith(":memory:"):
            return None
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._thread_lock:
            fd = self._file()
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)


_write_locks: dict[str, WriteLock] = {}
_write_locks_guard = threading.Lock()


def write_lock(path: str | Path) -> WriteLock:
    key = os.path.abspath(str(path))
    with _write_locks_guard:
        if key not in _write_locks:
            _write_locks[key] = WriteLock(key)
        return _write_locks[key]


def connect(path: str | Path) -> Database:
    """Open the database with the pragmas every connection needs."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    db = Database(conn, strict=True)
    # Absolute, as SQLite resolved it on opening: the log is synced by this name later.
    db.path = str(path) if str(path).startswith(":memory:") else os.path.abspath(path)
    db.write_lock = write_lock(path)
    db.execute(BUSY_TIMEOUT_PRAGMA)
    db.execute("PRAGMA foreign_keys = ON")
    # Deleted rows (a removed student's answers) are overwritten, not left in free pages.
    db.execute("PRAGMA secure_delete = ON")
    # NORMAL in WAL mode survives a killed process; a submit also syncs (see durable()).
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def open_existing(path: str | Path) -> sqlite3.Connection:
    """Open a database that must already exist: a missing one is an error, never created."""
    uri = Path(path).resolve().as_uri() + "?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)


def file_in_the_way(path: str | Path) -> Path | None:
    """The file that stands where a folder above `path` should be, if one does.

    The system's own reasons for it read "File exists" or "Not a directory",
    without saying which file.
    """
    for folder in Path(path).parents:
        if folder.exists():
            return None if folder.is_dir() else folder
    return None


class ConnectionPool:
    """One connection per thread and process, reused across requests.

    A fresh connection per request halves write throughput; a forked worker must
    never reuse its parent's connection, so the cache is keyed by process too.
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[Database] = []

    def get(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None or self._local.pid != os.getpid():
            db = connect(self.path)
            self._local.db, self._local.pid = db, os.getpid()
            with self._lock:
                self._open.append(db)
        return db

    def close_all(self) -> None:
        with self._lock:
            for db in self._open:
                db.close()
            self._open.clear()
        self._local = threading.local()


def init_app(app: Flask) -> None:
    app.extensions["classroom.db"] = ConnectionPool(app.config["DATABASE"])


def get_db() -> Database:
    """The calling thread's connection to the app's database."""
    return current_app.extensions["classroom.db"].get()


def write_lock_of(db: Database) -> contextlib.AbstractContextManager:
    """The database's writer queue, held around a write (a no-op for foreign connections)."""
    lock = getattr(db, "write_lock", None)
    return lock.held() if lock else contextlib.nullcontext()


def thread_lock_of(db: Database) -> contextlib.AbstractContextManager:
    """The writer queue of this process's threads alone, for a write that is a single
    autocommitted statement. Across processes SQLite's own lock orders it: that lock is
    taken and released inside the one call into SQLite, so no other thread can hold it
    up while waiting for the interpreter, as with the file lock held between calls."""
    lock = getattr(db, "write_lock", None)
    return lock.between_threads if lock else contextlib.nullcontext()


@contextlib.contextmanager
def autocommit(db: Database) -> Iterator[Database]:
    """Each statement its own transaction, for a write that is one statement: it spares
    the BEGIN and COMMIT that Python's sqlite3 adds around it, each a round trip into
    SQLite (and a handover of the interpreter's lock between threads)."""
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("autocommit inside an open transaction")
    previous = conn.isolation_level
    conn.isolation_level = None
    try:
        yield db
    finally:
        conn.isolation_level = previous


@contextlib.contextmanager
def immediate(db: Database) -> Iterator[Database]:
    """A write transaction that takes the lock up front.

    A deferred transaction that reads and then writes fails with "database is
    locked" when another writer got in between, whatever the busy timeout.
    """
    with write_lock_of(db):
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        else:
            db.conn.execute("COMMIT")


@contextlib.contextmanager
def durable(db: Database) -> Iterator[Database]:
    """An immediate transaction whose commit is on disk when this returns (survives a
    power cut, not only a killed process).

    The sync comes after the write lock is released, as synchronous=FULL would do it
    before: the next writer does not wait for the disk, and the writers that commit
    while one sync is under way share the next (see LogSyncer).
    """
    with immediate(db):
        yield db
    sync_log(db)


def sync_log(db: Database) -> None:
    """Sync the write-ahead log, and with it every transaction committed to it so far."""
    path = getattr(db, "path", None)
    if path is None or path == ":memory:":
        return
    log_syncer(path + "-wal").sync()


class LogSyncer:
    """Syncs one write-ahead log for the threads of a process, a sync serving them all.

    A thread calls sync() after its commit. A sync that starts after that call covers
    the commit, so while one is on its way to the disk the threads arriving meanwhile
    wait for it to end and then share the next: one sync each round instead of one
    per thread, each queued behind the others for the same journal commit.
    """

    def __init__(self, path: str):
        self.path = path
        self._changed = threading.Condition()
        self._asked = 0  # tickets handed out; a ticket is taken after its commit
        self._done = 0  # every ticket up to this one is on disk
        self._syncing = False

    def sync(self) -> None:
        with self._changed:
            self._asked += 1
            ticket = self._asked
            while self._syncing and self._done < ticket:
                self._changed.wait()
            if self._done >= ticket:
                return
            self._syncing = True
            covered = self._asked  # these commits all came before the sync below
        synced = False
        try:
            self._fsync()
            synced = True
        finally:
            with self._changed:
                self._syncing = False
                if synced:
                    self._done = max(self._done, covered)
                self._changed.notify_all()

    def _fsync(self) -> None:
        # Only the -wal file is opened: closing a descriptor of the database file itself
        # would drop the locks SQLite holds on it. Without a -wal file nothing waits to
        # be synced: SQLite removes it only after a checkpoint has synced the database.
        try:
            fd = os.open(self.path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            _sync_data(fd)
        finally:
            os.close(fd)


# As SQLite syncs: the data and the size needed to read it back, without the journal
# commit that a new modification time alone would cost. Not every system has it.
_sync_data = getattr(os, "fdatasync", os.fsync)

_log_syncers: dict[tuple[str, int], LogSyncer] = {}


def log_syncer(path: str) -> LogSyncer:
    """The process's syncer of one log (a forked worker gets its own)."""
    key = (path, os.getpid())
    with _write_locks_guard:
        if key not in _log_syncers:
            _log_syncers[key] = LogSyncer(path)
        return _log_syncers[key]
