"""The SQLite connection: pragmas, one connection per thread, transactions."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from flask import Flask, current_app
from sqlite_utils import Database

BUSY_TIMEOUT_SECONDS = 10
# The same wait in milliseconds, written out: SQL is never built by formatting.
BUSY_TIMEOUT_PRAGMA = "PRAGMA busy_timeout = 10000"


def connect(path: str | Path) -> Database:
    """Open the database with the pragmas every connection needs."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    db = Database(conn, strict=True)
    db.execute(BUSY_TIMEOUT_PRAGMA)
    db.execute("PRAGMA foreign_keys = ON")
    # Deleted rows (a removed student's answers) are overwritten, not left in free pages.
    db.execute("PRAGMA secure_delete = ON")
    # NORMAL in WAL mode survives a killed process; submits raise it to FULL (see durable()).
    db.execute("PRAGMA synchronous = NORMAL")
    return db


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


@contextlib.contextmanager
def immediate(db: Database) -> Iterator[Database]:
    """A write transaction that takes the lock up front.

    A deferred transaction that reads and then writes fails with "database is
    locked" when another writer got in between, whatever the busy timeout.
    """
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
    """An immediate transaction whose commit is synced to disk (survives a power cut)."""
    db.conn.execute("PRAGMA synchronous = FULL")
    try:
        with immediate(db):
            yield db
    finally:
        db.conn.execute("PRAGMA synchronous = NORMAL")
