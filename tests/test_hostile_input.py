"""Nothing a visitor sends can break the app: every route and form, fuzzed as an anonymous
visitor, a student and a teacher, answers below 500 and never shows a traceback or SQL;
bodies that are too large are refused; join codes cannot be guessed; names are escaped."""

from __future__ import annotations

import html
import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURES, WRITTEN_QUESTION, make_app
from werkzeug.routing import BaseConverter, IntegerConverter

from classroom.db import get_db
from classroom.store import assignments as assignment_store
from classroom.store import classes as class_store
from classroom.store import students as student_store
from classroom.store import teachers
from classroom.store import throttle as throttle_store

PASSWORD = "correct horse battery"
# Another class's name, student and answer: never shown to this class's people.
ELSEWHERE = ("Elsewhere-9Z", "Zed-Elsewhere", "Zed-secret-answer")
LEAKS = ("Traceback", "sqlite3.", "OperationalError", "IntegrityError", "SELECT ", "INSERT ")

WRITING_QUIZ = (
    """\
format = 1
slug = "writing"
title = "Writing"
lesson = "sample"
skill = "sourcing"

"""
    + WRITTEN_QUESTION
)


def content_with_writing(tmp_path: Path) -> dict[str, str]:
    """The test content plus a quiz with a written (teacher-graded) answer."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "lessons", root / "lessons")
    shutil.copytree(FIXTURES / "quizzes", root / "quizzes")
    (root / "quizzes" / "writing.toml").write_text(WRITING_QUIZ, encoding="utf-8")
    return {"LESSONS_DIR": str(root / "lessons"), "QUIZZES_DIR": str(root / "quizzes")}


def attempt_of(page: str, slug: str) -> int:
    return int(re.search(rf"/quizzes/{slug}/attempts/(\d+)\"", page).group(1))


class School:
    """A teacher with a class, and a student in it who has submitted both quizzes."""

    def __init__(self, tmp_path: Path, student_name: str = "Ada"):
        self.app = make_app(tmp_path, **content_with_writing(tmp_path))
        with self.app.app_context():
            db = get_db()
            self.teacher_id = teachers.create_teacher(db, "teacher", PASSWORD)
            klass = class_store.create_class(
                db, "Class 7B", self.teacher_id, quiz_slugs=["sample-quiz", "writing"]
            )
        self.class_id = klass["id"]
        self.join_code = klass["join_code"]
        self.teacher = self.app.test_client()
        login = self.teacher.post(
            "/teacher/login", data={"username": "teacher", "password": PASSWORD}
        )
        assert login.status_code == 302, "the teacher logs in"
        self.student = self.app.test_client()
        self.join(self.student, student_name)
        self.student_id = self.student_id_of(self.student)
        quiz = self.student.get("/quizzes/sample-quiz").get_data(as_text=True)
        self.attempt_id = attempt_of(quiz, "sample-quiz")
        self.student.post(
            f"/quizzes/sample-quiz/attempts/{self.attempt_id}",
            data={"q-who-says": "nobody", "q-strong-evidence": "report", "action": "submit"},
        )
        writing = self.student.get("/quizzes/writing").get_data(as_text=True)
        self.writing_id = attempt_of(writing, "writing")
        self.student.post(
            f"/quizzes/writing/attempts/{self.writing_id}",
            data={"q-plan": "Ask the union about the report.", "action": "submit"},
        )
        # A retake left open, for the save and autosave forms to reach.
        self.student.post("/quizzes/sample-quiz/retake", data={"after": "1"})
        retake = self.student.get("/quizzes/sample-quiz").get_data(as_text=True)
        self.open_id = attempt_of(retake, "sample-quiz")
        assert self.open_id != self.attempt_id
        self._elsewhere()

    def _elsewhere(self) -> None:
        """Another teacher's class, whose student nobody here may see."""
        with self.app.app_context():
            db = get_db()
            other = teachers.create_teacher(db, "other-teacher", PASSWORD)
            klass = class_store.create_class(db, ELSEWHERE[0], other, quiz_slugs=["writing"])
        client = self.app.test_client()
        client.post(
            "/join",
            data={"code": klass["join_code"], "name": ELSEWHERE[1]},
            environ_base={"REMOTE_ADDR": "192.0.2.99"},
        )
        attempt = attempt_of(client.get("/quizzes/writing").get_data(as_text=True), "writing")
        client.post(
            f"/quizzes/writing/attempts/{attempt}",
            data={"q-plan": ELSEWHERE[2], "action": "submit"},
        )
        self.other_ids = [klass["id"], self.student_id_of(client), attempt]

    def join(self, client: FlaskClient, name: str, address: str = "192.0.2.1"):
        response = client.post(
            "/join",
            data={"code": self.join_code, "name": name},
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 302, "the student joins"
        return response

    def student_id_of(self, client: FlaskClient) -> int:
        with client.session_transaction() as session:
            return session["student_id"]

    def restore(self) -> None:
        """Undo what a fuzzed request may have changed that the next one relies on."""
        with self.app.app_context():
            db = get_db()
            klass = class_store.get_class(db, self.class_id)
            if klass["archived_at"] is not None:
                class_store.set_archived(db, self.class_id, False)
            self.join_code = class_store.get_class(db, self.class_id)["join_code"]
            for slug in ("sample-quiz", "writing"):
                assignment_store.assign(db, self.class_id, slug)
            if student_store.get_student(db, self.student_id) is None:
                self.student_id, _ = student_store.create_student(db, self.class_id, "Ada")
            db.execute("DELETE FROM throttle")

    def client(self, kind: str) -> FlaskClient:
        """A fresh client signed in as `kind`, whatever the previous request did."""
        client = self.app.test_client()
        if kind == "student":
            with self.app.app_context():  # a fuzzed request may have made a new resume code
                version = student_store.get_student(get_db(), self.student_id)["session_version"]
            with client.session_transaction() as session:
                session.update(student_id=self.student_id, student_version=version)
        elif kind == "teacher":
            with self.app.app_context():
                version = teachers.get_teacher(get_db(), self.teacher_id)["session_version"]
            now = time.time()
            with client.session_transaction() as session:
                session.update(
                    teacher_id=self.teacher_id, teacher_version=version, login_at=now, seen_at=now
                )
        return client

    def close(self) -> None:
        self.app.extensions["classroom.db"].close_all()


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    made = School(tmp_path_factory.mktemp("hostile"))
    yield made
    made.close()


@pytest.fixture
def fresh_school(tmp_path: Path):
    made = School(tmp_path)
    yield made
    made.close()


def assert_safe(response, sent: str) -> None:
    """Below 500, nothing of the server's insides in the body (unless echoed back), and
    nothing of another class's."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:2000]
    for leak in LEAKS + ELSEWHERE:
        if leak.lower() not in sent.lower():
            assert leak not in body, f"{leak!r} in the body:\n{body[:2000]}"
    if response.mimetype == "text/html":
        # Whatever was stored by an earlier request (a class renamed to markup, say).
        for markup in MARKUP:
            assert markup not in body, f"unescaped {markup!r}:\n{body[:2000]}"
    location = response.headers.get("Location", "")
    assert same_site(location), f"redirected off the site to {location!r}"


def same_site(location: str) -> bool:
    """Whether a browser following `location` stays on this site (browsers drop tabs and
    line breaks from URLs and read a backslash as a slash)."""
    if not location:
        return True
    seen = re.sub(r"[\x00-\x20]", "", location).replace("\\", "/")
    parts = urlsplit(seen)
    return (
        parts.scheme in {"", "http", "https"}
        and parts.netloc in {"", "localhost"}
        and not seen.startswith("//")
    )


# ---------------------------------------------------------------- strategies

MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
HOSTILE = [
    "' OR 1=1 --",
    "'; DROP TABLE students; --",
    '" OR ""="',
    "1; SELECT * FROM teachers",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "../../etc/passwd",
    "..",
    ".",
    "%00",
    "\x00",
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "😀" * 20,
    "NULL",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "9" * 5000,  # more digits than int() reads at once
    "²",  # a digit to str.isdigit(), not to int()
    "١٢",  # Arabic-Indic digits, which int() reads
    "{{7*7}}",
    "{% raw %}",
    "%s%s%s%n",
    "\r\n\r\n",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "check:",
    "check:../",
]
TEXT = st.text(max_size=40)
LONG = st.builds(
    lambda piece, n: piece * n,
    st.text(min_size=1, max_size=8),
    st.integers(min_value=100, max_value=600),
)
NUMBER = st.integers(min_value=-(2**70), max_value=2**70).map(str)
FIELD_KEYS = [
    "q-who-says",
    "q-strong-evidence",
    "q-plan",
    "q-nope",
    "c-who-says",
    "c-plan",
    "action",
    "code",
    "name",
    "resume_code",
    "csrf_token",
    "question",
    "after",
    "quiz",
    "level",
    "comment",
    "username",
    "password",
    "confirm",
    "next",
    "sample-quiz-assigned",
    "sample-quiz-opens_at",
    "sample-quiz-closes_at",
    "sample-quiz-attempts",
    "sample-quiz-feedback",
    "sample-quiz-role",
    "writing-assigned",
    "writing-attempts",
]


def values(school: School):
    real = [
        school.join_code,
        "who-says",
        "strong-evidence",
        "plan",
        "nobody",
        "report",
        "accused",
        "minister",
        "sample-quiz",
        "writing",
        "submit",
        "save",
        "check:who-says",
        "check:plan",
        "2",
        "1",
        "0",
        "y",
        "true",
        "pre",
        "post",
        "after_each",
        "after_submit",
        "after_close",
        "2030-01-01T10:00",
        "teacher",
        PASSWORD,
        str(school.attempt_id),
        str(school.writing_id),
        str(school.open_id),
    ]
    return st.one_of(st.sampled_from(real), st.sampled_from(HOSTILE), TEXT, NUMBER, LONG)


def real_value(school: School, name: str):
    """A path value that names something that exists, so the view behind it runs."""
    return st.sampled_from(
        {
            "class_id": [school.class_id],
            "student_id": [school.student_id],
            "attempt_id": [school.open_id, school.attempt_id, school.writing_id],
            "slug": ["sample-quiz", "writing", "sample"],
            "question_id": ["plan", "who-says"],
        }.get(name, ["x" * 32])
    ).map(str)


def path_value(school: School, converter: BaseConverter, name: str):
    hostile = st.sampled_from(HOSTILE)
    if isinstance(converter, IntegerConverter):
        odd = st.sampled_from([0, 1, 2**63 - 1, 2**63, 10**30, *school.other_ids]).map(str)
        return st.one_of(real_value(school, name), odd, NUMBER, hostile, TEXT)
    return st.one_of(real_value(school, name), hostile, TEXT)


def build_path(rule, args: dict[str, str], raw: bool) -> str:
    def fill(match: re.Match) -> str:
        value = args[match.group(1)]
        return value if raw else quote(value, safe="")

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", fill, rule.rule)


@st.composite
def hostile_requests(draw, school: School):
    rules = [r for r in school.app.url_map.iter_rules() if r.endpoint != "static"]
    rule = draw(st.sampled_from(rules))
    method = draw(st.sampled_from(sorted(rule.methods - {"OPTIONS", "HEAD"}) + ["GET", "POST"]))
    # Half the requests go to real things with hostile forms, half to hostile addresses.
    well_formed = draw(st.booleans())
    args = {
        name: draw(real_value(school, name) if well_formed else path_value(school, conv, name))
        for name, conv in sorted(rule._converters.items())
    }
    path = build_path(rule, args, raw=draw(st.booleans()) and draw(st.booleans()))
    if not path.startswith("/") or any(c in path for c in "?#") or path.isascii() is False:
        path = build_path(rule, args, raw=False)
    form = draw(
        st.dictionaries(
            st.one_of(st.sampled_from(FIELD_KEYS), TEXT),
            st.one_of(values(school), st.lists(values(school), max_size=3)),
            max_size=8,
        )
    )
    query = draw(
        st.dictionaries(
            st.sampled_from(["next", "q", "page", "after_attempt", "after_question"]) | TEXT,
            values(school),
            max_size=2,
        )
    )
    accept = draw(st.sampled_from(["text/html", "application/json", "*/*", "", "text/csv"]))
    address = draw(
        st.sampled_from(["203.0.113.7", "198.51.100.23", "2001:db8::1", "::1", "127.0.0.1"])
    )
    return method, path, form, query, accept, address


def send(client: FlaskClient, request) -> tuple:
    method, path, form, query, accept, address = request
    headers = {"Accept": accept} if accept else {}
    response = client.open(
        path,
        method=method,
        query_string=query,
        data=form if method == "POST" else None,
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )
    return response, repr(request)


FUZZ = settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.parametrize("kind", ["anonymous", "student", "teacher"])
def test_no_request_from_anyone_gets_a_server_error_or_a_glimpse_of_the_insides(school, kind):
    @FUZZ
    @given(request=hostile_requests(school))
    def fuzz(request):
        school.restore()
        response, sent = send(school.client(kind), request)
        assert_safe(response, sent)

    fuzz()


def test_every_route_is_reachable_by_the_fuzzer(school):
    """The fuzzer draws from the app's own routes, so a new route is fuzzed too."""
    rules = {r.rule for r in school.app.url_map.iter_rules() if r.endpoint != "static"}
    assert {
        "/join",
        "/quizzes/<slug>/attempts/<int:attempt_id>/answers",
        "/teacher/classes/<int:class_id>/grading/<int:attempt_id>/<question_id>",
    } <= rules


@pytest.mark.parametrize("number", ["9223372036854775807", "9223372036854775808", "1" + "0" * 40])
def test_an_id_too_large_for_the_database_is_not_found_not_a_crash(school, number):
    teacher = school.client("teacher")
    for path in (
        f"/teacher/classes/{number}",
        f"/teacher/classes/{school.class_id}/attempts/{number}",
        f"/teacher/classes/{number}/students/{number}/export.json",
    ):
        assert teacher.get(path).status_code == 404
    student = school.client("student")
    assert student.get(f"/quizzes/sample-quiz/attempts/{number}/results").status_code == 404
    saved = student.post(
        f"/quizzes/sample-quiz/attempts/{number}/answers",
        data={"question": "who-says", "q-who-says": "nobody"},
        headers={"Accept": "application/json"},
    )
    assert saved.status_code == 404


@pytest.mark.parametrize("number", ["²", "١", "9" * 25, "9" * 5000])
def test_a_number_in_other_digits_or_too_long_is_refused_with_a_message(school, number):
    # "²" passes str.isdigit() but not int(); Python reads at most 4,300 digits at once.
    retake = school.client("student").post("/quizzes/sample-quiz/retake", data={"after": number})
    assert retake.status_code == 400
    assert "missing which attempt it follows" in retake.get_data(as_text=True)

    queue = school.client("teacher").get(
        f"/teacher/classes/{school.class_id}/grading",
        query_string={"after_attempt": number, "after_question": "plan"},
    )
    assert queue.status_code == 400
    assert "after_attempt must be an attempt" in queue.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/\t/evil.example",
        " //evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example",
        "///evil.example",
    ],
)
def test_after_logging_in_a_teacher_is_never_sent_to_another_site(school, target):
    response = school.app.test_client().post(
        "/teacher/login",
        query_string={"next": target},
        data={"username": "teacher", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert same_site(response.headers["Location"]), response.headers["Location"]


def test_after_logging_in_a_teacher_goes_back_to_the_page_they_asked_for(school):
    response = school.app.test_client().post(
        "/teacher/login",
        query_string={"next": f"/teacher/classes/{school.class_id}"},
        data={"username": "teacher", "password": PASSWORD},
    )
    assert response.headers["Location"] == f"/teacher/classes/{school.class_id}"


# ---------------------------------------------------------------- sizes


def test_a_body_over_the_size_limit_is_refused_with_413(school):
    limit = school.app.config["MAX_CONTENT_LENGTH"]
    big = "x" * (limit + 1)
    anonymous = school.client("anonymous")
    assert anonymous.post("/join", data={"code": "ABCD", "name": big}).status_code == 413
    assert (
        anonymous.post("/teacher/login", data={"username": "teacher", "password": big}).status_code
        == 413
    )
    student = school.client("student")
    response = student.post(
        "/quizzes/writing/attempts/1/answers",
        data={"question": "plan", "q-plan": big},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413
    assert "too large" in response.get_json()["error"]
    page = anonymous.post("/join", data={"name": big})
    assert "too large" in page.get_data(as_text=True)


def test_a_form_that_is_not_utf8_is_told_so_not_that_its_token_expired(school):
    student = school.client("student")
    body = b"question=who-says&q-who-says=caf\xe9"  # Latin-1, as an old client might send it
    saved = student.post(
        f"/quizzes/sample-quiz/attempts/{school.open_id}/answers",
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers={"Accept": "application/json"},
    )
    page = school.client("anonymous").post(
        "/join", data=b"code=\xff\xfe&name=Ada", content_type="application/x-www-form-urlencoded"
    )

    assert saved.status_code == 400
    assert saved.get_json() == {"error": "The form was not sent as UTF-8 text: reload the page."}
    assert page.status_code == 400
    assert "not sent as UTF-8" in page.get_data(as_text=True)


def test_a_multipart_body_over_the_size_limit_is_refused_with_413(school):
    limit = school.app.config["MAX_CONTENT_LENGTH"]
    response = school.client("student").post(
        "/quizzes/writing/attempts/1",
        content_type="multipart/form-data",
        data={"q-plan": "y" * (limit + 1), "action": "save"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_form_with_too_many_parts_is_refused_with_413(school, content_type):
    parts = school.app.config["MAX_FORM_PARTS"]
    data = {f"k{n}": "v" for n in range(parts + 1)}
    response = school.client("anonymous").post("/join", data=data, content_type=content_type)
    assert response.status_code == 413
    within = {f"k{n}": "v" for n in range(parts - 10)} | {"code": "NOPE", "name": "Ada"}
    assert (
        school.client("anonymous")
        .post(
            "/join",
            data=within,
            content_type=content_type,
            environ_base={"REMOTE_ADDR": "192.0.2.200"},
        )
        .status_code
        == 400
    )


def test_the_limits_hold_when_form_tokens_are_checked_too(tmp_path):
    """In production the token check reads the form first: still a 413, not a 400."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    try:
        client = app.test_client()
        parts = {f"k{n}": "v" for n in range(app.config["MAX_FORM_PARTS"] + 1)}
        for content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            assert client.post("/join", data=parts, content_type=content_type).status_code == 413
            assert (
                client.post("/teacher/login", data=parts, content_type=content_type).status_code
                == 413
            )
        big = {"name": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)}
        assert client.post("/join", data=big).status_code == 413
    finally:
        app.extensions["classroom.db"].close_all()


# ---------------------------------------------------------------- join-code guessing


def wrong_code(client: FlaskClient, address: str, code: str = "WRONG123"):
    return client.post(
        "/join", data={"code": code, "name": "Mallory"}, environ_base={"REMOTE_ADDR": address}
    )


def test_ten_wrong_join_codes_a_minute_then_the_address_is_told_to_wait(fresh_school):
    client = fresh_school.app.test_client()
    for _ in range(10):
        refused = wrong_code(client, "203.0.113.7")
        assert refused.status_code == 400
        assert "No open class has this code" in html.unescape(refused.get_data(as_text=True))

    blocked = wrong_code(client, "203.0.113.7")
    assert blocked.status_code == 429
    message = html.unescape(blocked.get_data(as_text=True))
    assert "Too many wrong codes" in message and "Wait a minute" in message
    # Even the right code waits: otherwise guessing would go on, one success at a time.
    assert wrong_code(client, "203.0.113.7", fresh_school.join_code).status_code == 429
    resume = client.post(
        "/resume",
        data={"resume_code": "ABCD-EFGH-JKMN"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert resume.status_code == 429


def test_a_blocked_address_does_not_block_the_rest_of_the_school(fresh_school):
    client = fresh_school.app.test_client()
    for _ in range(11):
        wrong_code(client, "203.0.113.7")
    assert wrong_code(client, "203.0.113.7").status_code == 429

    assert wrong_code(client, "198.51.100.23").status_code == 400
    other = fresh_school.app.test_client()
    joined = other.post(
        "/join",
        data={"code": fresh_school.join_code, "name": "Grace"},
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    assert joined.status_code == 302


def behind_a_proxy(tmp_path: Path, proxies: int) -> tuple[Flask, str]:
    """An app with a class, reached through a reverse proxy at 127.0.0.1."""
    app = make_app(tmp_path, PROXIES=proxies)
    with app.app_context():
        return app, class_store.create_class(get_db(), "7B")["join_code"]


def via_proxy(client: FlaskClient, student_address: str, code: str = "WRONG123"):
    return client.post(
        "/join",
        data={"code": code, "name": "Ada"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": student_address},
    )


def test_behind_a_trusted_proxy_each_students_address_has_its_own_limit(tmp_path):
    app, code = behind_a_proxy(tmp_path, proxies=1)
    client = app.test_client()
    for _ in range(10):
        assert via_proxy(client, "10.0.0.66").status_code == 400
    assert via_proxy(client, "10.0.0.66").status_code == 429

    assert via_proxy(app.test_client(), "10.0.0.7", code).status_code == 302


def test_without_a_proxy_a_forwarded_address_is_not_believed(tmp_path):
    app, code = behind_a_proxy(tmp_path, proxies=0)
    client = app.test_client()
    for guess in range(10):
        # A guesser claiming a new address each time is still one address.
        assert via_proxy(client, f"10.0.0.{guess}").status_code == 400
    assert via_proxy(client, "10.0.0.99", code).status_code == 429


def test_proxies_must_be_a_whole_number(tmp_path):
    with pytest.raises(ValueError, match="PROXIES must be a whole number"):
        make_app(tmp_path, PROXIES="one")


def test_wrong_resume_codes_count_towards_the_same_limit(fresh_school):
    client = fresh_school.app.test_client()
    for _ in range(10):
        response = client.post(
            "/resume",
            data={"resume_code": "ABCD-EFGH-JKMN"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
        assert response.status_code == 400
    assert wrong_code(client, "203.0.113.9").status_code == 429


def test_the_block_lifts_after_a_minute(fresh_school, monkeypatch):
    client = fresh_school.app.test_client()
    for _ in range(10):
        wrong_code(client, "203.0.113.7")
    assert wrong_code(client, "203.0.113.7").status_code == 429

    later = time.time() + 61
    monkeypatch.setattr(throttle_store.time, "time", lambda: later)
    assert wrong_code(client, "203.0.113.7").status_code == 400


# ---------------------------------------------------------------- escaping

SCRIPT_NAME = '<script>alert("pwned")</script>'


def test_a_script_as_a_student_name_is_shown_as_text_everywhere(tmp_path):
    school = School(tmp_path, student_name=SCRIPT_NAME)
    try:
        escaped = html.escape(SCRIPT_NAME, quote=False)
        base = f"/teacher/classes/{school.class_id}"
        teacher_pages = [
            base,
            f"{base}/gradebook",
            f"{base}/mastery",
            f"{base}/grading",
            f"{base}/attempts/{school.attempt_id}",
            f"{base}/students/{school.student_id}/remove",
            f"{base}/quizzes/sample-quiz/report",
            f"{base}/gain",
        ]
        student_pages = [
            "/",
            "/quizzes/sample-quiz",
            f"/quizzes/sample-quiz/attempts/{school.attempt_id}/results",
            "/lessons/sample",
        ]
        shown = []
        for client, pages in ((school.teacher, teacher_pages), (school.student, student_pages)):
            for path in pages:
                response = client.get(path, follow_redirects=True)
                body = response.get_data(as_text=True)
                assert response.status_code == 200, path
                assert "<script>alert" not in body, path
                assert 'alert("pwned")' not in body, path
                if escaped.replace('"', "&#34;") in body or "&lt;script&gt;" in body:
                    shown.append(path)
        # The name is on the roster, the gradebook, the grading queue, the attempt, the
        # removal page, and in the student's own header: escaped each time.
        for path in (
            base,
            f"{base}/gradebook",
            f"{base}/grading",
            f"{base}/attempts/{school.attempt_id}",
            f"{base}/students/{school.student_id}/remove",
            "/",
        ):
            assert path in shown, f"the name is not shown (escaped) on {path}"

        welcome = school.app.test_client()
        school.join(welcome, SCRIPT_NAME, address="192.0.2.2")
        body = welcome.get("/welcome").get_data(as_text=True)
        assert "<script>alert" not in body and "&lt;script&gt;" in body
    finally:
        school.close()
