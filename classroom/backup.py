"""Online backups through SQLite's backup API: consistent while writes go on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from classroom.db import open_existing


def backup_database(source: str | Path, target: str | Path) -> int:
    """Copy `source` into a new file `target`; return the number of pages copied.

    The backup API copies the database as one snapshot, so the copy is always a
    consistent database. A plain file copy of a WAL database can miss the writes
    still in the -wal file.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    src = open_existing(source)
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
        src.close()
    if ok != "ok":
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"the backup failed its integrity check: {ok}")
    partial.rename(target)  # a backup file appears only once it is whole
    return pages
