"""The `classroom` command: serve, check content, manage classes."""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from classroom.content import load_catalogue

if TYPE_CHECKING:
    from sqlite_utils import Database


def _create_app() -> Flask:
    from classroom import create_app
    from classroom.db import sqlite_problem

    problem = sqlite_problem()
    if problem:  # said before any command opens the database, not as a traceback
        raise click.ClickException(problem)
    # The app is loaded even for --help and `check`, which must not create a database,
    # and `backup` must never copy a new, empty one: each command opens the database
    # itself, as it needs it (see _database).
    return create_app({"MIGRATE_ON_START": False})


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """Run and manage a classroom server."""


# Flask's own `run` would serve a database never created or migrated, failing on the
# first join: `serve` is the one way to serve (`serve --debug` for Flask's own server).
main.commands.pop("run", None)


@main.command("run", hidden=True, context_settings={"ignore_unknown_options": True})
@click.argument("ignored", nargs=-1, type=click.UNPROCESSED)
def run(ignored: tuple[str, ...]) -> None:
    """Say that a classroom is served with `classroom serve`."""
    raise click.UsageError(
        "a classroom is served with `classroom serve` (add --debug for Flask's development "
        "server with reloading), which creates and migrates the database first"
    )


def init_app(app: Flask) -> None:
    for command in (backup, check, create_class, create_teacher, serve, init_db):
        app.cli.add_command(command)


def _check(lessons_dir: Path, quizzes_dir: Path) -> int:
    missing = [
        problem
        for kind, folder in (("lessons", lessons_dir), ("quizzes", quizzes_dir))
        if (problem := _folder_problem(kind, folder))
    ]
    if missing:  # an empty result would read as "ok" when nothing was checked
        for problem in missing:
            click.echo(problem, err=True)
        return 1
    catalogue = load_catalogue(lessons_dir, quizzes_dir)
    for problem in catalogue.problems:
        click.echo(str(problem), err=True)
    if catalogue.problems:
        click.echo(f"{_count(len(catalogue.problems), 'problem')} found.", err=True)
        return 1
    questions = sum(len(q.questions) for q in catalogue.quizzes.values())
    click.echo(
        f"ok: {_count(len(catalogue.lessons), 'lesson')}, "
        f"{_count(len(catalogue.quizzes), 'quiz', 'quizzes')}, "
        f"{_count(questions, 'question')}"
    )
    return 0


def _folder_problem(kind: str, folder: Path) -> str | None:
    if not folder.exists():
        return f"cannot check the {kind}: {folder} does not exist"
    if not folder.is_dir():
        return f"cannot check the {kind}: {folder} is not a folder"
    return None


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


@click.command("check")
@click.option(
    "--lessons",
    "lessons_dir",
    type=click.Path(path_type=Path),
    help="Lessons folder (default: the app's).",
)
@click.option(
    "--quizzes",
    "quizzes_dir",
    type=click.Path(path_type=Path),
    help="Quizzes folder (default: the app's).",
)
@with_appcontext
def check(lessons_dir: Path | None, quizzes_dir: Path | None) -> None:
    """Validate every lesson and quiz; print each problem as path:line: message."""
    status = _check(
        lessons_dir or Path(current_app.config["LESSONS_DIR"]),
        quizzes_dir or Path(current_app.config["QUIZZES_DIR"]),
    )
    sys.exit(status)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database if needed and apply pending migrations (safe to re-run)."""
    click.echo(f"Database ready: {_database(create=True)}")


@click.command("create-class")
@click.argument("name")
@click.option(
    "--teacher",
    "username",
    metavar="USERNAME",
    help="The teacher whose class it is (needed once there are several teachers).",
)
@with_appcontext
def create_class(name: str, username: str | None) -> None:
    """Create a class; its join code is the last line printed.

    The class is the teacher's named with --teacher, or the only teacher's; made before
    any teacher exists, it becomes the first teacher's.
    """
    from classroom.db import get_db
    from classroom.store import classes

    name = name.strip()
    if not name or len(name) > 80:
        raise click.BadParameter("a class name is 1 to 80 characters", param_hint="NAME")
    _database(create=False)
    from classroom.library import catalogue

    db = get_db()
    owner = _class_owner(db, username)
    # A class made from the command line gets every bundled quiz; a teacher can change that.
    created = classes.create_class(
        db,
        name,
        teacher_id=owner["id"] if owner else None,
        quiz_slugs=list(catalogue().quizzes),
    )
    if owner:
        click.echo(f"Created class “{created['name']}” for {owner['username']}.")
    else:
        click.echo(f"Created class “{created['name']}”; the first teacher's account adopts it.")
    click.echo("Students join with this code:")
    click.echo(created["join_code"])


def _class_owner(db: Database, username: str | None) -> dict | None:
    """The teacher a class made from the command line belongs to; None before any exists."""
    from classroom.store import teachers

    if username is not None:
        found = teachers.teacher_by_username(db, username.strip())
        if found is None:
            raise click.BadParameter(f"no teacher “{username}”", param_hint="--teacher")
        return found
    names = teachers.usernames(db)
    if not names:
        return None
    if len(names) > 1:
        raise click.UsageError(
            "name the teacher whose class it is: --teacher USERNAME (one of: "
            + ", ".join(names)
            + ")"
        )
    return teachers.teacher_by_username(db, names[0])


@click.command("create-teacher")
@click.argument("username")
@with_appcontext
def create_teacher(username: str) -> None:
    """Create a teacher account.

    At a terminal the password is asked for twice and never shown; otherwise it is
    the first line of standard input (`echo … | classroom create-teacher NAME`).
    """
    from classroom.db import get_db
    from classroom.store import teachers

    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]{3,64}", username):
        raise click.BadParameter(
            "a username is 3 to 64 letters, digits, dots, dashes and underscores",
            param_hint="USERNAME",
        )
    _database(create=False)
    db = get_db()
    if teachers.username_taken(db, username):
        raise click.ClickException(f"the username “{username}” is taken; choose another")
    password = _new_password()
    if not 8 <= len(password) <= 128:
        raise click.ClickException(
            "a password is 8 to 128 characters; a few random words make a strong one"
        )
    if teachers.create_teacher(db, username, password) is None:
        raise click.ClickException(f"the username “{username}” is taken; choose another")
    click.echo(f"Created teacher “{username}”. They log in at /teacher/login.")


def _new_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    # A script pipes the password once: asked twice, it would fail on the missing second
    # line, and a hidden prompt warns on every run that the input may be echoed.
    line = sys.stdin.readline()
    if not line:
        raise click.ClickException(
            "no password: type it at the prompt, or give it as the first line of standard input"
        )
    return line.removesuffix("\n").removesuffix("\r")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker process.",
)
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 32), help="Worker processes."
)
@click.option(
    "--demo", is_flag=True, help="Create a demo class if there is none, and print its join code."
)
@click.option(
    "--debug", is_flag=True, help="Flask's development server with reloading (never for real use)."
)
@with_appcontext
def serve(host: str, port: int, threads: int, workers: int, demo: bool, debug: bool) -> None:
    """Serve the app with a production WSGI server."""
    from werkzeug.serving import is_running_from_reloader

    from classroom import server

    if debug and is_running_from_reloader():
        # The reloader's child: its parent checked the address, announced, holds the port.
        server.develop(current_app._get_current_object(), host, port)
        return
    server.check_address_free(host, port)
    _database(create=True)  # before the workers start, so that none of them migrates
    server.announce(current_app, host, port, demo=demo)
    if debug:
        server.develop(current_app._get_current_object(), host, port)
        return
    server.run(host=host, port=port, threads=threads, workers=workers)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """Copy the live database to PATH, consistently, while the app keeps writing."""
    from classroom.backup import TargetError, backup_database

    try:
        taken = path.exists()
    except OSError as error:  # a name too long for the file system, say
        raise click.ClickException(
            f"cannot write the backup to {path}: {error.strerror}"
        ) from error
    if taken:
        raise click.BadParameter(f"{path} exists; choose a new file name", param_hint="PATH")
    database = _existing_database()
    try:
        pages = backup_database(database, path)
    except TargetError as error:
        raise click.ClickException(f"cannot write the backup to {path}: {error}") from error
    click.echo(f"Backed up {pages} pages to {path}")


def _database(*, create: bool) -> str:
    """The app's database, migrated; created only when `create`, else it must exist."""
    from classroom.migrations import migrate

    path = current_app.config["DATABASE"]
    if not create:
        _existing_database()
    try:
        migrate(path)
    except (OSError, sqlite3.Error) as error:
        raise click.ClickException(_cannot_open(path, error)) from error
    return path


def _existing_database() -> str:
    """The app's database, which must exist and be a classroom database: never created."""
    from sqlite_utils import Database

    from classroom.db import open_existing
    from classroom.migrations import migrations

    path = current_app.config["DATABASE"]
    # A mistyped CLASSROOM_DATABASE must not quietly become a new, empty database.
    if not os.path.exists(path):
        raise click.ClickException(
            f"there is no database at {path}: create it with `classroom init-db`, "
            "or set CLASSROOM_DATABASE to the database's file"
        )
    try:
        conn = open_existing(path)
        try:
            applied = migrations.applied(Database(conn))
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise click.ClickException(_cannot_open(path, error)) from error
    if not applied:  # an empty file, or another program's database
        raise click.ClickException(
            f"{path} is not a classroom database (it has no classroom tables)"
        )
    return path


def _cannot_open(path: str, error: OSError | sqlite3.Error) -> str:
    """Why the database at `path` cannot be opened, in one line that names it."""
    from classroom.db import file_in_the_way

    if getattr(error, "sqlite_errorname", None) == "SQLITE_NOTADB":
        return f"{path} is not a classroom database ({error})"
    if os.path.isdir(path):
        return f"{path} is a folder: CLASSROOM_DATABASE names the database's file"
    folder = os.path.dirname(os.path.abspath(path))
    blocking = file_in_the_way(path)
    if blocking is not None:
        reason = f"{blocking} is a file, not a folder"
    elif os.path.isdir(folder) and not os.access(folder, os.W_OK):
        # SQLite's own "unable to open database file" does not say which file, or why.
        reason = f"the folder {folder} is read-only"
    else:
        reason = error.strerror if isinstance(error, OSError) else str(error)
    verb = "open" if os.path.exists(path) else "create"
    return f"cannot {verb} the database {path}: {reason}"
