"""Read rows as dicts through the plain cursor (sqlite-utils' query() adds a savepoint)."""

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database


def many(db: Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict]:
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def one(db: Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict | None:
    found = many(db, sql, params)
    return found[0] if found else None


def scalar(db: Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
    row = db.conn.execute(sql, params).fetchone()
    return row[0] if row else None
