"""The `classroom` command: help for everything, checking content, creating a class."""

from __future__ import annotations

import os
import re
import select
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from classroom import codes
from classroom.cli import main
from classroom.db import connect, get_db
from classroom.migrations import migrate
from classroom.store import classes as class_store
from classroom.store import teachers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
JOIN_CODE = re.compile(rf"[{codes.ALPHABET}]{{{codes.JOIN_CODE_LENGTH}}}")


@pytest.fixture
def cli(app, monkeypatch: pytest.MonkeyPatch):
    """Run `classroom ...` against the test app, as a teacher would type it."""
    # FlaskGroup marks the process as run from the command line; undo that afterwards.
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")
    runner = app.test_cli_runner()

    def run(*args: str):
        return runner.invoke(main, list(args))

    return run


@pytest.fixture
def classroom(monkeypatch: pytest.MonkeyPatch):
    """Run `classroom ...` as typed in a shell, with CLASSROOM_DATABASE set to `database`."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")  # FlaskGroup sets it; undone after

    def run(database: Path, *args: str, input: str | None = None):
        return CliRunner().invoke(
            main, list(args), input=input, env={"CLASSROOM_DATABASE": str(database)}
        )

    return run


def test_every_command_explains_itself_with_help(app, cli):
    names = main.list_commands(click.Context(main, obj=ScriptInfo(create_app=lambda: app)))
    assert {"check", "create-class", "init-db", "serve"} <= set(names)
    top = cli("--help")
    assert top.exit_code == 0, top.output
    for name in names:
        result = cli(name, "--help")
        assert result.exit_code == 0, f"{name} --help: {result.output}"
        assert "Usage:" in result.output


def test_an_sqlite_too_old_for_the_database_is_named_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Ubuntu 20.04's SQLite, under a Python 3.11 built against it: no STRICT tables.
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")  # FlaskGroup sets it; undone after

    database = tmp_path / "new" / "classroom.sqlite"
    result = CliRunner().invoke(main, ["init-db"], env={"CLASSROOM_DATABASE": str(database)})

    assert result.exit_code == 1
    assert "classroom needs SQLite 3.37.0 or newer; this Python has 3.31.1" in result.output
    with pytest.raises(RuntimeError, match="needs SQLite 3.37.0 or newer"):
        migrate(database)
    assert not (tmp_path / "new").exists()


def test_init_db_creates_the_database_and_then_a_class_can_be_made(tmp_path: Path, classroom):
    database = tmp_path / "school" / "classroom.sqlite"

    made = classroom(database, "init-db")
    assert made.exit_code == 0, made.output
    assert f"Database ready: {database}" in made.output

    created = classroom(database, "create-class", "Class 7B")
    assert created.exit_code == 0, created.output
    assert JOIN_CODE.fullmatch(created.output.strip().splitlines()[-1])


def test_a_mistyped_database_path_is_never_made_into_a_new_empty_database(
    tmp_path: Path, classroom
):
    mistyped = tmp_path / "shcool" / "classroom.sqlite"

    for args in (("backup", str(tmp_path / "monday.sqlite")), ("create-class", "Class 7B")):
        result = classroom(mistyped, *args)
        assert result.exit_code == 1, result.output
        assert f"there is no database at {mistyped}" in result.output
        assert "classroom init-db" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "shcool").exists()
    assert not (tmp_path / "monday.sqlite").exists()


def test_help_and_check_never_create_a_database(tmp_path: Path, classroom):
    database = tmp_path / "classroom.sqlite"
    for args in (("--help",), ("backup", "--help"), ("serve", "--help"), ("check",)):
        result = classroom(database, *args)
        assert result.exit_code == 0, f"{args}: {result.output}"
    assert list(tmp_path.iterdir()) == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "args",
    [
        ("init-db",),
        ("serve", "--port", "{free_port}"),
        ("backup", "{tmp_path}/monday.sqlite"),
        ("create-class", "Class 7B"),
        ("create-teacher", "mr-okafor"),
    ],
    ids=lambda args: args[0],
)
def test_a_file_that_is_not_a_database_is_named_in_one_line(tmp_path: Path, classroom, args):
    garbage = tmp_path / "classroom.sqlite"
    garbage.write_text("garbage\n")
    args = tuple(arg.format(free_port=_free_port(), tmp_path=tmp_path) for arg in args)

    result = classroom(garbage, *args, input="paper lanterns\n")

    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        f"Error: {garbage} is not a classroom database (file is not a database)"
    ]
    assert garbage.read_text() == "garbage\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["classroom.sqlite"]


def test_every_command_has_help_whatever_the_database_holds(tmp_path: Path, classroom):
    garbage = tmp_path / "classroom.sqlite"
    garbage.write_text("garbage\n")

    listed = classroom(garbage, "--help")
    assert listed.exit_code == 0, listed.output
    for name in ("backup", "check", "create-class", "create-teacher", "init-db", "serve"):
        assert name in listed.output
        result = classroom(garbage, name, "--help")
        assert result.exit_code == 0, f"{name} --help: {result.output}"
    assert classroom(garbage, "check").exit_code == 0


def test_an_empty_file_is_not_taken_for_a_classroom_database(tmp_path: Path, classroom):
    empty = tmp_path / "classroom.sqlite"
    empty.touch()  # SQLite reads an empty file as an empty database

    result = classroom(empty, "backup", str(tmp_path / "monday.sqlite"))

    assert result.exit_code == 1
    assert f"{empty} is not a classroom database" in result.output
    assert not (tmp_path / "monday.sqlite").exists()


def test_a_database_path_that_cannot_hold_a_database_says_why(tmp_path: Path, classroom):
    folder = tmp_path / "instance"
    folder.mkdir()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a folder")

    in_a_folder = classroom(folder, "init-db")
    under_a_file = classroom(notes / "classroom.sqlite", "init-db")

    assert in_a_folder.exit_code == 1
    assert in_a_folder.output == (
        f"Error: {folder} is a folder: CLASSROOM_DATABASE names the database's file\n"
    )
    assert under_a_file.exit_code == 1
    assert under_a_file.output == (
        f"Error: cannot create the database {notes / 'classroom.sqlite'}: "
        f"{notes} is a file, not a folder\n"
    )


def test_create_class_prints_the_join_code_as_its_last_line(app, cli):
    result = cli("create-class", "Class 7B")
    assert result.exit_code == 0, result.output
    code = result.output.strip().splitlines()[-1]
    assert JOIN_CODE.fullmatch(code)
    with app.app_context():
        created = class_store.class_by_code(get_db(), code)
    assert created is not None and created["name"] == "Class 7B"


@pytest.mark.parametrize("name", ["", "   ", "x" * 81], ids=["empty", "spaces", "too-long"])
def test_create_class_refuses_an_empty_or_overlong_name(app, cli, name):
    result = cli("create-class", name)
    assert result.exit_code == 2
    assert "a class name is 1 to 80 characters" in result.output
    with app.app_context():
        assert class_store.count_classes(get_db()) == 0


def test_init_db_can_be_run_again_safely(app, cli):
    for _ in range(2):
        result = cli("init-db")
        assert result.exit_code == 0, result.output
        assert "Database ready" in result.output


def test_check_passes_good_content_with_a_summary(cli):
    result = cli(
        "check", "--lessons", str(FIXTURES / "lessons"), "--quizzes", str(FIXTURES / "quizzes")
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ok: 1 lesson, 1 quiz, 2 questions"
    assert result.stderr == ""


def test_check_without_folders_checks_the_apps_own_content(cli):
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"ok: \d+ lessons?, \d+ quiz(zes)?, \d+ questions?", result.stdout.strip())


def test_check_names_every_problem_and_fails(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    lessons.mkdir()
    quizzes.mkdir()
    (lessons / "sample.md").write_text((FIXTURES / "lessons" / "sample.md").read_text())
    (lessons / "no-front-matter.md").write_text("## Article\n\nText.\n\n## Teaching notes\n")
    quiz = (FIXTURES / "quizzes" / "sample-quiz.toml").read_text(encoding="utf-8")
    (quizzes / "sample-quiz.toml").write_text(
        quiz.replace('id = "strong-evidence"', 'id = "who-says"'), encoding="utf-8"
    )
    line = quiz.splitlines().index('id = "strong-evidence"') + 1

    result = cli("check", "--lessons", "lessons", "--quizzes", "quizzes")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "lessons/no-front-matter.md:1: a lesson starts with front matter between +++ lines",
        f'quizzes/sample-quiz.toml:{line}: question "who-says": duplicate question id "who-says"',
        "2 problems found.",
    ]


def test_check_counts_in_words_that_agree_with_the_numbers(cli, tmp_path: Path):
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    lessons.mkdir()
    quizzes.mkdir()
    (lessons / "sample.md").write_text((FIXTURES / "lessons" / "sample.md").read_text())
    (lessons / "broken.md").write_text("## Article\n\nText.\n\n## Teaching notes\n")

    one_problem = cli("check", "--lessons", str(lessons), "--quizzes", str(quizzes))
    (lessons / "broken.md").unlink()
    nothing_wrong = cli("check", "--lessons", str(lessons), "--quizzes", str(quizzes))

    assert one_problem.stderr.splitlines()[-1] == "1 problem found."
    assert nothing_wrong.stdout.strip() == "ok: 1 lesson, 0 quizzes, 0 questions"


def test_check_refuses_a_folder_that_is_not_there_instead_of_finding_nothing_wrong(
    cli, tmp_path: Path
):
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()

    result = cli("check", "--lessons", str(tmp_path / "lesons"), "--quizzes", str(quizzes))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"cannot check the lessons: {tmp_path / 'lesons'} does not exist"
    ]


def test_check_refuses_a_file_given_as_a_folder_and_names_both_mistakes(cli, tmp_path: Path):
    lesson = FIXTURES / "lessons" / "sample.md"

    result = cli("check", "--lessons", str(lesson), "--quizzes", str(tmp_path / "nowhere"))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"cannot check the lessons: {lesson} is not a folder",
        f"cannot check the quizzes: {tmp_path / 'nowhere'} does not exist",
    ]


def _classroom_process(database: Path) -> tuple[list[str], dict[str, str]]:
    """The `classroom` command as a shell runs it, and its environment."""
    env = {**os.environ, "CLASSROOM_DATABASE": str(database)}
    env.pop("FLASK_APP", None)
    return [sys.executable, "-c", "from classroom.cli import main; main()"], env


def _at_a_terminal(database: Path, args: list[str], typed: list[str]) -> tuple[int, str]:
    """Run `classroom ARGS` in a terminal of its own, typing a line at each prompt."""
    command, env = _classroom_process(database)
    terminal, its_end = os.openpty()
    process = subprocess.Popen(
        command + args, stdin=its_end, stdout=its_end, stderr=its_end, env=env
    )
    os.close(its_end)
    shown, answered = b"", 0
    try:
        while select.select([terminal], [], [], 30)[0]:
            try:
                chunk = os.read(terminal, 1024)
            except OSError:  # the command ended, and its terminal with it
                break
            shown += chunk
            # A line typed before its prompt would be thrown away as echo is turned off.
            if shown.count(b"Password: ") + shown.count(b"confirmation: ") > answered:
                os.write(terminal, typed[answered].encode() + b"\n")
                answered += 1
    finally:
        os.close(terminal)
    return process.wait(30), shown.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is Unix's")
def test_create_teacher_at_a_terminal_asks_twice_and_never_shows_the_password(tmp_path: Path):
    database = tmp_path / "classroom.sqlite"
    migrate(database)

    status, screen = _at_a_terminal(
        database,
        ["create-teacher", "mr-okafor"],
        ["paper lanterns", "paper lantern", "paper lanterns", "paper lanterns"],
    )

    assert status == 0, screen
    assert screen.count("Password: ") == 2
    assert "do not match" in screen
    assert "Created teacher “mr-okafor”" in screen
    assert "paper lantern" not in screen
    assert "Warning" not in screen
    assert _can_log_in(database, "mr-okafor", "paper lanterns")


def test_create_teacher_reads_a_piped_password_from_the_first_line(tmp_path: Path):
    database = tmp_path / "classroom.sqlite"
    migrate(database)
    command, env = _classroom_process(database)

    # As a setup script runs it: echo 'longenough1' | classroom create-teacher teach7
    done = subprocess.run(
        [*command, "create-teacher", "teach7"],
        input="longenough1\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == "Created teacher “teach7”. They log in at /teacher/login.\n"
    assert done.stderr == ""  # no prompt, and no warning that the password may be echoed
    assert _can_log_in(database, "teach7", "longenough1")


def test_create_teacher_with_nothing_piped_in_creates_no_one(tmp_path: Path, classroom):
    database = tmp_path / "classroom.sqlite"
    migrate(database)

    result = classroom(database, "create-teacher", "teach7", input="")

    assert result.exit_code == 1
    assert "no password" in result.output
    assert not _can_log_in(database, "teach7", "")


def _can_log_in(database: Path, username: str, password: str) -> bool:
    db = connect(database)
    try:
        return teachers.verify_password(db, username, password) is not None
    finally:
        db.close()


def test_codes_never_use_characters_that_read_alike():
    for confusable in "0O1IL":
        assert confusable not in codes.ALPHABET
    join_codes = {codes.new_join_code() for _ in range(300)}
    resume_codes = {codes.new_resume_code() for _ in range(300)}
    assert len(join_codes) == 300  # random enough never to repeat here
    for code in join_codes:
        assert JOIN_CODE.fullmatch(code)
    for code in resume_codes:
        assert re.fullmatch(rf"[{codes.ALPHABET}]{{4}}(-[{codes.ALPHABET}]{{4}}){{2}}", code)
    assert not set("".join(join_codes | resume_codes)) & set("0O1IL")


def test_a_code_read_aloud_is_accepted_however_it_is_typed():
    assert codes.normalise(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"
    assert codes.hash_code("abcd-efgh-jkmn") == codes.hash_code("ABCDEFGHJKMN")


def _class_teacher(app, code: str) -> str | None:
    with app.app_context():
        db = get_db()
        found = class_store.class_by_code(db, code)
        owner = teachers.get_teacher(db, found["teacher_id"]) if found["teacher_id"] else None
    return owner["username"] if owner else None


def test_create_class_after_setup_gives_the_class_to_the_only_teacher(app, cli):
    with app.app_context():
        teachers.create_teacher(get_db(), "ms-rivera", "paper lanterns")

    result = cli("create-class", "Class 7B")

    assert result.exit_code == 0, result.output
    assert "for ms-rivera" in result.output
    assert _class_teacher(app, result.output.strip().splitlines()[-1]) == "ms-rivera"


def test_create_class_among_several_teachers_is_given_to_the_one_named(app, cli):
    with app.app_context():
        for username in ("ms-rivera", "mr-okafor"):
            teachers.create_teacher(get_db(), username, "paper lanterns")

    unnamed = cli("create-class", "Class 7B")
    unknown = cli("create-class", "Class 7B", "--teacher", "mr-nobody")
    named = cli("create-class", "Class 7B", "--teacher", "mr-okafor")

    assert unnamed.exit_code == 2
    assert "--teacher USERNAME (one of: mr-okafor, ms-rivera)" in unnamed.output
    assert unknown.exit_code == 2
    assert "no teacher “mr-nobody”" in unknown.output
    assert named.exit_code == 0, named.output
    assert _class_teacher(app, named.output.strip().splitlines()[-1]) == "mr-okafor"
    with app.app_context():
        assert class_store.count_classes(get_db()) == 1


def test_create_class_before_any_teacher_waits_for_the_first(app, cli):
    result = cli("create-class", "Class 7B")

    assert result.exit_code == 0, result.output
    assert "the first teacher's account adopts it" in result.output
    assert _class_teacher(app, result.output.strip().splitlines()[-1]) is None


def test_flasks_run_is_not_offered_and_points_to_serve(tmp_path: Path, classroom):
    database = tmp_path / "classroom.sqlite"

    listed = classroom(database, "--help")
    ran = classroom(database, "run", "--no-such-option")

    assert listed.exit_code == 0, listed.output
    assert not re.search(r"^\s+run\s", listed.output, re.MULTILINE)
    assert ran.exit_code == 2
    assert "served with `classroom serve`" in ran.output
    assert list(tmp_path.iterdir()) == []
