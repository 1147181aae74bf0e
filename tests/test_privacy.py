"""Students are minors: one registry says where their data lives; an export holds all of a
student's rows and nobody else's; removing a student leaves no row and, after the
checkpoint, no byte of theirs; a new table with student data cannot slip past the
registry; no address or browser is ever stored; pages load nothing from elsewhere."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest
import test_hostile_input as hostile  # the school it sets up is shared

from classroom.db import get_db
from classroom.migrations import migrate
from classroom.store import privacy

TESTS = Path(__file__).resolve().parent


# Column names that hold a student's data wherever they appear.
STUDENT_COLUMNS = {"student_id", "display_name", "resume_hash"}
UNIQUE_NAME = "Zyxwvut-unique"
UNIQUE_ANSWER = "Qwertyuiop-secret-answer about the leaked report"
ADDRESS = "203.0.113.7"
AGENT = "UA-unique-123"


# ---------------------------------------------------------------- the registry


def tables_with_student_data(conn: sqlite3.Connection) -> set[str]:
    """Every table that refers to a student: directly, or through a table that does."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != '_sqlite_migrations'"
        )
    ]
    columns = {
        t: {row[0] for row in conn.execute("SELECT name FROM pragma_table_info(?)", [t])}
        for t in tables
    }
    references = {
        t: {row[0] for row in conn.execute('SELECT "table" FROM pragma_foreign_key_list(?)', [t])}
        for t in tables
    }
    found = {"students"}
    changed = True
    while changed:
        changed = False
        for table in tables:
            if table in found:
                continue
            via_key = references[table] & found
            via_name = any(
                column in STUDENT_COLUMNS or column in {_singular(t) + "_id" for t in found}
                for column in columns[table]
            )
            if via_key or via_name:
                found.add(table)
                changed = True
    return found


def _singular(table: str) -> str:
    return table[:-1] if table.endswith("s") else table


@pytest.fixture
def schema(tmp_path: Path):
    path = tmp_path / "schema.sqlite"
    migrate(path)
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def test_every_table_that_holds_student_data_is_in_the_registry(schema):
    holding = tables_with_student_data(schema)
    assert {"students", "attempts", "responses"} <= holding
    missing = holding - set(privacy.STUDENT_DATA)
    assert not missing, (
        f"tables with student data missing from "
        f"classroom/store/privacy.py STUDENT_DATA: {sorted(missing)}"
    )


def test_the_registry_names_only_tables_that_exist(schema):
    tables = {
        row[0] for row in schema.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert set(privacy.STUDENT_DATA) <= tables


@pytest.mark.parametrize(
    "ddl",
    [
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, student_id INTEGER, body TEXT)",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, who INTEGER REFERENCES students(id))",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, attempt_id INTEGER, body TEXT)",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, a INTEGER REFERENCES attempts(id))",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, display_name TEXT)",
    ],
)
def test_a_new_table_with_student_data_is_caught_until_it_is_registered(schema, ddl):
    schema.execute(ddl)
    schema.execute("CREATE TABLE note_tags (note_id INTEGER REFERENCES notes(id), tag TEXT)")
    holding = tables_with_student_data(schema)
    assert {"notes", "note_tags"} <= holding
    assert not {"notes", "note_tags"} <= set(privacy.STUDENT_DATA)


def test_tables_without_student_data_are_not_flagged(schema):
    holding = tables_with_student_data(schema)
    assert not holding & {
        "teachers",
        "teacher_tokens",
        "classes",
        "assignments",
        "quiz_versions",
        "throttle",
    }


def test_each_registered_table_can_be_read_and_emptied_for_one_student(schema):
    for table, (select, delete) in privacy.STUDENT_DATA.items():
        assert table in select and table in delete
        assert select.count("?") == 1 and delete.count("?") == 1
        schema.execute(select, [1]).fetchall()
        schema.execute(delete, [1])


# ---------------------------------------------------------------- a class with two students


class Class:
    """A teacher's class: Zyxwvut (who wrote a unique answer) and Bea, both submitted."""

    def __init__(self, tmp_path: Path):
        self.school = hostile.School(tmp_path, student_name=UNIQUE_NAME)
        self.app = self.school.app
        self.target = self.school.student_id
        self.bea = self.app.test_client()
        self.school.join(self.bea, "Bea", address="192.0.2.7")
        self.bea_id = self.school.student_id_of(self.bea)
        for client in (self.school.student, self.bea):
            self.answer(client)

    def answer(self, client) -> None:
        attempt = hostile.attempt_of(
            client.get("/quizzes/sample-quiz").get_data(as_text=True), "sample-quiz"
        )
        client.post(
            f"/quizzes/sample-quiz/attempts/{attempt}/answers",
            data={"question": "who-says", "q-who-says": "minister"},
            headers={"Accept": "application/json"},
        )
        client.post(
            f"/quizzes/sample-quiz/attempts/{attempt}",
            data={
                "q-who-says": "nobody",
                "q-strong-evidence": ["report", "accused"],
                "action": "submit",
            },
        )
        if client is self.bea:
            writing = hostile.attempt_of(
                client.get("/quizzes/writing").get_data(as_text=True), "writing"
            )
            client.post(
                f"/quizzes/writing/attempts/{writing}",
                data={"q-plan": "Bea-answer-kept", "action": "submit"},
            )

    def rows(self, sql: str, params=()) -> list[dict]:
        with self.app.app_context():
            cursor = get_db().conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor]

    def attempt_ids(self, student_id: int) -> set[int]:
        return {
            r["id"] for r in self.rows("SELECT id FROM attempts WHERE student_id = ?", [student_id])
        }

    def close(self) -> None:
        self.school.close()


@pytest.fixture
def klass(tmp_path: Path):
    made = Class(tmp_path)
    _write_unique_answer(made)
    yield made
    made.close()


def _write_unique_answer(made: Class) -> None:
    """Zyxwvut retakes the writing quiz: two drafts of a unique answer, then the final one.
    Every version must go when the student does."""
    from classroom.library import catalogue
    from classroom.store import attempts

    with made.app.app_context():
        db = get_db()
        quiz = catalogue().quizzes["writing"]
        latest = attempts.latest_attempt(db, made.target, "writing")
        attempt = attempts.start_retake(db, made.target, quiz, latest["number"], 0)
        for draft in ("first draft " + UNIQUE_ANSWER, UNIQUE_ANSWER + " (second draft)"):
            attempts.save_answers(db, attempt["id"], made.target, {"plan": ({"text": draft}, None)})
        attempts.submit(
            db,
            attempt["id"],
            made.target,
            {"plan": ({"text": UNIQUE_ANSWER}, 3)},
            lambda a: {"plan": None},
        )


def test_an_export_holds_every_row_of_the_student_and_nobody_elses(klass):
    with klass.app.app_context():
        exported = privacy.export_student(get_db(), klass.target)
    assert set(exported) == set(privacy.STUDENT_DATA)

    mine = klass.attempt_ids(klass.target)
    assert len(mine) == 4  # two sample-quiz attempts, two writing attempts
    marks = ",".join("?" * len(mine))
    expected = {
        "students": klass.rows("SELECT * FROM students WHERE id = ?", [klass.target]),
        "attempts": klass.rows("SELECT * FROM attempts WHERE student_id = ?", [klass.target]),
        "responses": klass.rows(
            f"SELECT * FROM responses WHERE attempt_id IN ({marks})", sorted(mine)
        ),
    }
    assert expected["responses"], "the student has answers to export"
    key = {"students": ("id",), "attempts": ("id",), "responses": ("attempt_id", "question_id")}
    for table, rows in expected.items():
        got = {tuple(r[k] for k in key[table]): r for r in exported[table]}
        want = {tuple(r[k] for k in key[table]): r for r in rows}
        assert set(got) == set(want), table
        for ident, row in want.items():
            for column in got[ident]:
                assert got[ident][column] == row[column], (table, ident, column)
    assert exported["students"][0]["display_name"] == UNIQUE_NAME

    text = json.dumps(exported)
    assert UNIQUE_ANSWER in text
    theirs = klass.attempt_ids(klass.bea_id)
    for table, rows in exported.items():
        for row in rows:
            assert row.get("student_id", klass.target) == klass.target, table
            assert row.get("attempt_id") not in theirs, table
    assert "Bea" not in text and "Zed-Elsewhere" not in text


def test_an_export_never_contains_the_resume_code_or_its_hash(klass):
    with klass.app.app_context():
        exported = privacy.export_student(get_db(), klass.target)
    stored = klass.rows("SELECT resume_hash FROM students WHERE id = ?", [klass.target])
    assert stored[0]["resume_hash"] not in json.dumps(exported)


def test_the_teachers_export_download_is_the_registry_export(klass):
    response = klass.school.teacher.get(
        f"/teacher/classes/{klass.school.class_id}/students/{klass.target}/export.json"
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    with klass.app.app_context():
        assert response.get_json() == json.loads(
            json.dumps(privacy.export_student(get_db(), klass.target))
        )


def test_a_teacher_cannot_export_a_student_of_another_class(klass):
    other_student = klass.school.other_ids[1]
    for class_id in (klass.school.class_id, klass.school.other_ids[0]):
        response = klass.school.teacher.get(
            f"/teacher/classes/{class_id}/students/{other_student}/export.json"
        )
        assert response.status_code == 404
        assert "Zed-Elsewhere" not in response.get_data(as_text=True)


def test_removing_a_student_leaves_no_row_of_theirs_and_keeps_everyone_elses(klass):
    mine = klass.attempt_ids(klass.target)
    before_bea = privacy_counts(klass, klass.bea_id)
    response = klass.school.teacher.post(
        f"/teacher/classes/{klass.school.class_id}/students/{klass.target}/remove"
    )
    assert response.status_code == 302

    with klass.app.app_context():
        assert all(not rows for rows in privacy.export_student(get_db(), klass.target).values())
    assert klass.rows("SELECT * FROM students WHERE id = ?", [klass.target]) == []
    assert klass.rows("SELECT * FROM attempts WHERE student_id = ?", [klass.target]) == []
    marks = ",".join("?" * len(mine))
    assert klass.rows(f"SELECT * FROM responses WHERE attempt_id IN ({marks})", sorted(mine)) == []
    assert privacy_counts(klass, klass.bea_id) == before_bea
    assert all(before_bea.values())


def privacy_counts(klass: Class, student_id: int) -> dict[str, int]:
    with klass.app.app_context():
        return privacy.student_row_counts(get_db(), student_id)


def database_bytes(path: Path) -> bytes:
    found = b""
    for suffix in ("", "-wal", "-journal"):
        part = Path(str(path) + suffix)
        if part.exists():
            found += part.read_bytes()
    return found


def test_after_removal_no_byte_of_the_student_is_left_in_the_database_files(klass):
    path = Path(klass.app.config["DATABASE"])
    before = database_bytes(path)
    assert UNIQUE_NAME.encode() in before and UNIQUE_ANSWER.encode() in before, (
        "the student's name and answer reached the database files"
    )

    response = klass.school.teacher.post(
        f"/teacher/classes/{klass.school.class_id}/students/{klass.target}/remove"
    )
    assert response.status_code == 302

    after = database_bytes(path)
    for secret in (UNIQUE_NAME, UNIQUE_ANSWER, "first draft", "(second draft)"):
        assert secret.encode() not in after, f"{secret!r} is still in the database files"
        assert secret.encode("utf-16-le") not in after
    assert b"Bea-answer-kept" in after, "the other student's answer is still there"


def test_removing_a_student_through_the_store_checkpoints_the_log(klass):
    path = Path(klass.app.config["DATABASE"])
    with klass.app.app_context():
        privacy.delete_student(get_db(), klass.target)
    wal = Path(str(path) + "-wal")
    assert not wal.exists() or UNIQUE_NAME.encode() not in wal.read_bytes()
    assert UNIQUE_NAME.encode() not in path.read_bytes()


# ---------------------------------------------------------------- addresses and browsers


def every_value(app) -> str:
    """Every cell of every table, as text."""
    with app.app_context():
        db = get_db()
        tables = [
            r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        cells = []
        for table in tables:
            for row in db.conn.execute(f'SELECT * FROM "{table}"'):  # names from the schema
                cells.extend(str(value) for value in row)
    return "\n".join(cells)


def test_no_address_or_user_agent_is_stored(tmp_path):
    school = hostile.School(tmp_path)
    try:
        app = school.app
        seen = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT}
        visitor = app.test_client()
        for code in ("WRONG111", "WRONG222"):
            visitor.post("/join", data={"code": code, "name": "Eve"}, environ_base=seen)
        visitor.post("/resume", data={"resume_code": "ABCD-EFGH-JKMN"}, environ_base=seen)
        visitor.post(
            "/teacher/login",
            data={"username": "teacher", "password": "wrong-pass"},
            environ_base=seen,
        )
        visitor.post(
            "/teacher/login",
            data={"username": "nobody", "password": "wrong-pass"},
            environ_base=seen,
        )
        student = app.test_client()
        assert (
            student.post(
                "/join", data={"code": school.join_code, "name": "Cy"}, environ_base=seen
            ).status_code
            == 302
        )
        attempt = hostile.attempt_of(
            student.get("/quizzes/sample-quiz", environ_base=seen).get_data(as_text=True),
            "sample-quiz",
        )
        student.post(
            f"/quizzes/sample-quiz/attempts/{attempt}/answers",
            data={"question": "who-says", "q-who-says": "nobody"},
            headers={"Accept": "application/json"},
            environ_base=seen,
        )
        student.post(
            f"/quizzes/sample-quiz/attempts/{attempt}",
            data={"q-who-says": "nobody", "action": "submit"},
            environ_base=seen,
        )
        teacher = app.test_client()
        teacher.post(
            "/teacher/login",
            data={"username": "teacher", "password": hostile.PASSWORD},
            environ_base=seen,
        )
        teacher.get(f"/teacher/classes/{school.class_id}", environ_base=seen)

        stored = every_value(app)
        with app.app_context():
            assert get_db().conn.execute("SELECT count(*) FROM throttle").fetchone()[0] >= 2
        assert ADDRESS not in stored
        assert AGENT not in stored
        # Not even as a plain hash, which anyone could reverse over the IPv4 space.
        for digest in (
            hashlib.sha256(ADDRESS.encode()).hexdigest(),
            hashlib.md5(ADDRESS.encode()).hexdigest(),
            hashlib.sha1(ADDRESS.encode()).hexdigest(),
        ):
            assert digest[:16] not in stored
        raw = database_bytes(Path(app.config["DATABASE"]))
        assert ADDRESS.encode() not in raw and AGENT.encode() not in raw
    finally:
        school.close()


def test_the_throttle_keeps_only_keyed_hashes_of_addresses(tmp_path):
    school = hostile.School(tmp_path)
    try:
        school.app.test_client().post(
            "/join", data={"code": "WRONG111", "name": "Eve"}, environ_base={"REMOTE_ADDR": ADDRESS}
        )
        keys = [
            r[0]
            for r in sqlite3.connect(school.app.config["DATABASE"]).execute(
                "SELECT key FROM throttle"
            )
        ]
        assert keys
        for key in keys:
            assert re.fullmatch(r"[a-z]+:address:[0-9a-f]{32}", key), key
    finally:
        school.close()


# ---------------------------------------------------------------- other origins


@pytest.mark.parametrize("kind", ["anonymous", "student", "teacher"])
def test_pages_load_nothing_from_other_origins(tmp_path, kind):
    """Nothing a page loads tells another site that a student is reading it."""
    school = hostile.School(tmp_path)
    try:
        base = f"/teacher/classes/{school.class_id}"
        paths = {
            "anonymous": ["/", "/lessons/sample", "/teacher/login"],
            "student": [
                "/",
                "/lessons/sample",
                "/quizzes/sample-quiz",
                f"/quizzes/sample-quiz/attempts/{school.attempt_id}/results",
            ],
            "teacher": [
                "/teacher/",
                base,
                f"{base}/gradebook",
                f"{base}/mastery",
                f"{base}/quizzes/sample-quiz/report",
                f"{base}/grading",
            ],
        }[kind]
        for path in paths:
            response = school.client(kind).get(path)
            assert response.status_code == 200, path
            body = response.get_data(as_text=True)
            loaded = re.findall(
                r"<(?:script|img|iframe|source|video|audio|embed|object)\b"
                r"[^>]*\b(?:src|data)\s*=\s*[\"']([^\"']*)",
                body,
                flags=re.I,
            )
            loaded += re.findall(r"<link\b[^>]*\bhref\s*=\s*[\"']([^\"']*)", body, flags=re.I)
            loaded += re.findall(r"url\(\s*[\"']?([^)\"']*)", body)
            for url in loaded:
                assert url.startswith(("/", "#", "data:")) and not url.startswith("//"), (
                    f"{path} loads {url}"
                )
    finally:
        school.close()
