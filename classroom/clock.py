"""Timestamps as the database stores them: ISO 8601, UTC, to the second."""

import datetime


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def stamp(moment: datetime.datetime | None = None) -> str:
    return (moment or now()).astimezone(datetime.UTC).isoformat(timespec="seconds")


def parse(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None
