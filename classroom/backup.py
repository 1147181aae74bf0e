"""Online backups through SQLite's backup API: consistent while writes go on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from classroom.db import file_in_the_way, open_existing


class TargetError(Exception):
    """The backup cannot be written where it was asked for; the message says why."""


def backup_database(source: str | Path, target: str | Path) -> int:
    """Copy `source` into a new file `target`; return the number of pages copied.

    The backup API copies the database as one snapshot, so the copy is always a
    consistent database. A plain file copy of a WAL database can miss the writes
    still in the -wal file.
    """
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    src = open_existing(source)
    try:
        _create(partial)
        try:
            pages = _copy(src, partial)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    finally:
        src.close()
    partial.rename(target)  # a backup file appears only once it is whole
    return pages


def _create(partial: Path) -> None:
    """Create the file the copy goes into, with the system's reason when it cannot be."""
    blocking = file_in_the_way(partial)
    if blocking is not None:
        raise TargetError(f"{blocking} is a file, not a folder")
    try:
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.open("wb").close()
    except OSError as error:  # a read-only disk, a folder we may not write to, …
        raise TargetError(error.strerror or str(error)) from error


def _copy(src: sqlite3.Connection, partial: Path) -> int:
    dst = sqlite3.connect(str(partial))
    try:
        # All pages in one step, inside one read transaction: in WAL mode writers carry
        # on meanwhile. Copied in small steps, every write by another connection between
        # two steps starts the copy over, and with students saving it never finishes.
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
    finally:
        dst.close()
    if ok != "ok":
        raise RuntimeError(f"the backup failed its integrity check: {ok}")
    return pages
