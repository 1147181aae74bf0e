"""The security floor: forged forms refused, answers never lost to an expired token,
cookies and pages locked down, author Markdown made safe, a secret never hard-coded."""

from __future__ import annotations

import html
import re
import stat
from pathlib import Path

import flask
import pytest
from support import FIXTURES, make_app

from classroom import _instance_secret, codes, create_app
from classroom.content.markdown import render_inline, render_markdown
from classroom.db import get_db
from classroom.store import classes as class_store

QUIZ = "/quizzes/sample-quiz"


def _token(page: str) -> str:
    for tag in re.findall(r"<input[^>]*>", page):
        if 'name="csrf_token"' in tag:
            return re.search(r'value="([^"]+)"', tag).group(1)
    raise AssertionError("the page has no csrf_token field")


def count(app, sql: str) -> int:
    with app.app_context():
        return get_db().conn.execute(sql).fetchone()[0]


@pytest.fixture
def csrf_app(tmp_path: Path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        app.config["JOIN_CODE"] = class_store.create_class(
            get_db(), "Class 7B", quiz_slugs=["sample-quiz"]
        )["join_code"]
    yield app
    app.extensions["classroom.db"].close_all()


@pytest.fixture
def joined_client(csrf_app):
    """A student who joined through the real form, token and all."""
    client = csrf_app.test_client()
    token = _token(client.get("/").get_data(as_text=True))
    response = client.post(
        "/join", data={"code": csrf_app.config["JOIN_CODE"], "name": "Ada", "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def _attempt(client) -> int:
    page = client.get(QUIZ).get_data(as_text=True)
    return int(re.search(r"/quizzes/sample-quiz/attempts/(\d+)\"", page).group(1))


def test_a_join_form_posted_without_its_token_is_refused_and_adds_nobody(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/join", data={"code": csrf_app.config["JOIN_CODE"], "name": "Eve"})
    assert response.status_code == 400
    assert "This form has expired" in html.unescape(response.get_data(as_text=True))
    assert count(csrf_app, "SELECT count(*) FROM students") == 0


def test_saving_with_an_expired_token_keeps_the_answers_on_screen_and_saves_nothing(
    csrf_app, joined_client
):
    attempt_id = _attempt(joined_client)
    for token in (None, "expired-or-forged"):
        data = {
            "q-who-says": "nobody",
            "q-strong-evidence": ["report", "accused"],
            "action": "submit",
        }
        if token:
            data["csrf_token"] = token
        response = joined_client.post(f"{QUIZ}/attempts/{attempt_id}", data=data)

        assert response.status_code == 400
        page = html.unescape(response.get_data(as_text=True))
        assert "security token expired" in page
        assert re.search(r'name="q-who-says" value="nobody" checked', page)
        assert re.search(r'name="q-strong-evidence" value="report" checked', page)
        assert re.search(r'name="q-strong-evidence" value="accused" checked', page)
        # The re-rendered page carries a fresh token, so pressing the button again works.
        assert _token(page)

    assert count(csrf_app, "SELECT count(*) FROM responses") == 0
    assert count(csrf_app, "SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL") == 0


def test_saving_again_with_the_fresh_token_works(csrf_app, joined_client):
    attempt_id = _attempt(joined_client)
    refused = joined_client.post(
        f"{QUIZ}/attempts/{attempt_id}", data={"q-who-says": "nobody", "action": "save"}
    )
    token = _token(refused.get_data(as_text=True))
    saved = joined_client.post(
        f"{QUIZ}/attempts/{attempt_id}",
        data={"q-who-says": "nobody", "action": "save", "csrf_token": token},
    )
    assert saved.status_code == 302
    assert count(csrf_app, "SELECT count(*) FROM responses") == 1


def test_autosave_without_a_token_answers_json_with_a_fresh_token(csrf_app, joined_client):
    attempt_id = _attempt(joined_client)
    url = f"{QUIZ}/attempts/{attempt_id}/answers"
    response = joined_client.post(
        url,
        data={"question": "who-says", "q-who-says": "nobody"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.is_json
    body = response.get_json()
    assert body["error"]
    assert isinstance(body["csrf_token"], str) and body["csrf_token"]
    assert count(csrf_app, "SELECT count(*) FROM responses") == 0

    retried = joined_client.post(
        url,
        data={"question": "who-says", "q-who-says": "nobody"},
        headers={"Accept": "application/json", "X-CSRFToken": body["csrf_token"]},
    )
    assert retried.status_code == 200
    assert count(csrf_app, "SELECT count(*) FROM responses") == 1


def test_the_session_cookie_is_http_only_and_same_site_lax(student, join_code, client):
    response = student.join(join_code)
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("classroom_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_pages_forbid_framing_sniffing_and_caching(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_resume_code_is_stored_only_as_a_hash(app, student, join_code):
    student.join(join_code)
    code = student.resume_code()
    with app.app_context():
        stored = get_db().conn.execute("SELECT resume_hash FROM students").fetchone()[0]
    assert codes.normalise(code) not in stored
    assert stored == codes.hash_code(code)


def test_a_body_too_large_is_refused(client):
    response = client.post("/join", data={"code": "x" * (300 * 1024), "name": "Ada"})
    assert response.status_code == 413


@pytest.mark.parametrize("render", [render_markdown, render_inline])
def test_author_markdown_cannot_run_script(render):
    shown = str(
        render(
            'Hello <script>alert("x")</script> and '
            '[a trap](javascript:alert(1)) and <a href="javascript:alert(2)">b</a> '
            '<img src=x onerror="alert(3)"> [fine](https://example.org/)'
        )
    )
    assert "<script" not in shown.lower()
    assert "javascript:" not in shown.lower()
    assert "onerror" not in shown.lower()
    assert "<img" not in shown.lower()
    assert 'href="https://example.org/"' in shown


def test_a_secret_key_is_generated_once_into_the_instance_folder(tmp_path: Path):
    instance = tmp_path / "instance"
    first = _instance_secret(instance)
    again = _instance_secret(instance)
    other = _instance_secret(tmp_path / "another")

    assert first == again
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert other != first
    key_file = instance / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_an_app_without_a_configured_secret_uses_the_instance_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    instance = tmp_path / "instance"
    monkeypatch.setattr(flask.Flask, "auto_find_instance_path", lambda self: str(instance))
    monkeypatch.delenv("CLASSROOM_SECRET_KEY", raising=False)
    config = {
        "DATABASE": str(tmp_path / "classroom.sqlite"),
        "TESTING": True,
        "LESSONS_DIR": str(FIXTURES / "lessons"),
        "QUIZZES_DIR": str(FIXTURES / "quizzes"),
    }
    apps = [create_app(dict(config)) for _ in range(2)]
    try:
        keys = {app.config["SECRET_KEY"] for app in apps}
        assert keys == {(instance / "secret_key").read_text().strip()}
        assert "test-secret" not in keys
    finally:
        for app in apps:
            app.extensions["classroom.db"].close_all()
