"""Every page is locked down by its headers: a Content-Security-Policy that allows no inline
script and nothing from elsewhere, no sniffing, a referrer policy, no caching of pages that
show a student's work, and HSTS with Secure cookies when served over HTTPS. The templates
keep to that policy: no inline script, no event attributes, nothing loaded from another
origin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import test_hostile_input as hostile  # the school it sets up is shared
from flask import Flask
from support import make_app

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent / "classroom"
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"

School = hostile.School


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    made = School(tmp_path_factory.mktemp("headers"))
    yield made
    made.close()


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0].lower()] = words[1:]
    return found


def assert_locked_down(response, where: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in {
        "no-referrer",
        "same-origin",
        "strict-origin-when-cross-origin",
        "strict-origin",
    }, where
    if response.mimetype != "text/html":
        return
    policy = headers.get("Content-Security-Policy")
    assert policy, f"no Content-Security-Policy on {where}"
    rules = directives(policy)
    assert "'self'" in rules.get("default-src", []), where
    assert rules.get("object-src") == ["'none'"], where
    assert rules.get("base-uri") == ["'none'"], where
    assert rules.get("frame-ancestors") == ["'none'"], where
    for name in (
        "script-src",
        "script-src-elem",
        "script-src-attr",
        "default-src",
        "style-src",
        "connect-src",
        "img-src",
        "form-action",
    ):
        sources = rules.get(name, [])
        assert "'unsafe-inline'" not in sources, f"{name} allows inline code on {where}"
        assert "'unsafe-eval'" not in sources, f"{name} allows eval on {where}"
        assert not any(
            s == "*" or s.startswith(("http:", "https:", "//")) or "://" in s for s in sources
        ), f"{name} allows another origin on {where}"


def assert_not_cached(response, where: str) -> None:
    assert "no-store" in response.headers.get("Cache-Control", ""), (
        f"{where} may show a student's work but can be cached"
    )


# ---------------------------------------------------------------- the pages


def pages(school) -> dict[str, list[str]]:
    """The pages each kind of visitor sees, error pages included."""
    base = f"/teacher/classes/{school.class_id}"
    return {
        "anonymous": [
            "/",
            "/lessons/sample",
            "/teacher/login",
            "/teacher/setup/not-a-token",
            "/teacher/invite/not-a-token",
            "/no/such/page",
            "/join",
        ],
        "student": [
            "/",
            "/lessons/sample",
            "/quizzes/sample-quiz",
            f"/quizzes/sample-quiz/attempts/{school.attempt_id}/results",
            f"/quizzes/writing/attempts/{school.writing_id}/results",
            "/quizzes/no-such-quiz",
        ],
        "teacher": [
            "/teacher/",
            base,
            f"{base}/assignments",
            f"{base}/code",
            f"{base}/gradebook",
            f"{base}/attempts/{school.attempt_id}",
            f"{base}/quizzes/sample-quiz/report",
            f"{base}/mastery",
            f"{base}/gain",
            f"{base}/grading",
            f"{base}/grading/{school.writing_id}/plan",
            f"{base}/students/{school.student_id}/remove",
            "/teacher/invitations",
            "/teacher/classes/999999",
        ],
    }


@pytest.mark.parametrize("kind", ["anonymous", "student", "teacher"])
def test_every_page_carries_the_security_headers(school, kind):
    for path in pages(school)[kind]:
        response = school.client(kind).get(path)
        where = f"{path} as {kind} ({response.status_code})"
        assert response.mimetype == "text/html", where
        assert_locked_down(response, where)
        assert_not_cached(response, where)


def test_the_pages_checked_include_each_kind_of_page(school):
    """The list above reaches real pages and error pages, not only redirects."""
    statuses = {}
    for kind, paths in pages(school).items():
        for path in paths:
            statuses[(kind, path)] = school.client(kind).get(path).status_code
    assert {200, 404, 405} <= set(statuses.values())
    ok = [key for key, status in statuses.items() if status == 200]
    assert len(ok) >= 20, statuses


@pytest.mark.parametrize("kind", ["anonymous", "student", "teacher"])
def test_every_route_answers_with_the_security_headers(school, kind):
    """Crawled from the app's routes, so a new page is checked without being listed."""
    for rule in school.app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        args = {name: _real(school, name) for name in rule.arguments}
        path = hostile.build_path(rule, args, raw=False)
        with school.client(kind).get(path) as response:
            pass
        where = f"{path} as {kind} ({response.status_code})"
        assert response.status_code < 500, where
        assert_locked_down(response, where)
        if rule.endpoint != "healthz":
            assert_not_cached(response, where)


def _real(school, name: str) -> str:
    return str(
        {
            "class_id": school.class_id,
            "student_id": school.student_id,
            "attempt_id": school.attempt_id,
            "slug": "sample-quiz",
            "question_id": "plan",
            "token": "x" * 32,
        }.get(name, "x")
    )


def test_error_pages_carry_the_security_headers(school):
    anonymous = school.client("anonymous")
    student = school.client("student")
    limit = school.app.config["MAX_CONTENT_LENGTH"]
    responses = {
        400: anonymous.post("/join", data={"code": "", "name": ""}),
        404: anonymous.get("/nothing-here"),
        405: anonymous.get("/leave"),
        413: anonymous.post("/join", data={"name": "x" * (limit + 1)}),
        409: student.post(
            f"/quizzes/sample-quiz/attempts/{school.attempt_id}/answers",
            data={"question": "who-says", "q-who-says": "nobody"},
            headers={"Accept": "application/json"},
        ),
    }
    for _ in range(11):
        blocked = anonymous.post(
            "/join",
            data={"code": "WRONG999", "name": "Eve"},
            environ_base={"REMOTE_ADDR": "203.0.113.50"},
        )
    responses[429] = blocked
    for status, response in responses.items():
        assert response.status_code == status
        assert_locked_down(response, str(status))
        assert_not_cached(response, str(status))
    school.restore()


def test_a_server_error_page_carries_the_security_headers(tmp_path):
    app = make_app(tmp_path)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    try:
        response = app.test_client().get("/boom")
        assert response.status_code == 500
        body = response.get_data(as_text=True)
        assert "RuntimeError" not in body and "Traceback" not in body
        assert_locked_down(response, "500")
        assert_not_cached(response, "500")
    finally:
        app.extensions["classroom.db"].close_all()


def test_exports_of_student_data_are_never_cached(school):
    teacher = school.client("teacher")
    base = f"/teacher/classes/{school.class_id}"
    for path in (
        f"{base}/students/{school.student_id}/export.json",
        f"{base}/responses.csv",
        f"{base}/gradebook.csv",
    ):
        response = teacher.get(path)
        assert response.status_code == 200, path
        assert_locked_down(response, path)
        assert_not_cached(response, path)
    saved = school.client("student").post(
        f"/quizzes/sample-quiz/attempts/{school.open_id}/answers",
        data={"question": "who-says", "q-who-says": "nobody"},
        headers={"Accept": "application/json"},
    )
    assert saved.status_code == 200
    assert_not_cached(saved, "autosave")


def test_scripts_and_styles_are_served_with_their_own_types(school):
    anonymous = school.client("anonymous")
    for name, mimetype in (("js/quiz.js", "text/javascript"), ("css/classroom.css", "text/css")):
        with anonymous.get(f"/static/{name}") as response:
            assert response.status_code == 200
            assert response.mimetype == mimetype
            assert response.headers["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------- HTTPS


def session_cookie(response) -> str:
    return next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("classroom_session=")
    )


def _joined(app: Flask):
    from classroom.db import get_db
    from classroom.store import classes

    with app.app_context():
        code = classes.create_class(get_db(), "7B", quiz_slugs=["sample-quiz"])["join_code"]
    client = app.test_client()
    return client, client.post(
        "/join", data={"code": code, "name": "Ada"}, base_url="https://localhost"
    )


def test_over_https_pages_demand_https_and_the_session_cookie_is_secure(tmp_path):
    app = make_app(tmp_path, HTTPS=True)
    try:
        client, joined = _joined(app)
        assert joined.status_code == 302
        assert "Secure" in [part.strip() for part in session_cookie(joined).split(";")]
        for path in ("/", "/quizzes/sample-quiz", "/teacher/login", "/healthz", "/nothing"):
            response = client.get(path, base_url="https://localhost")
            hsts = response.headers.get("Strict-Transport-Security", "")
            max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
            assert max_age >= 180 * 24 * 3600, path
    finally:
        app.extensions["classroom.db"].close_all()


def test_without_https_configured_there_is_no_hsts_and_no_secure_flag(tmp_path):
    app = make_app(tmp_path)
    try:
        client, joined = _joined(app)
        assert "Secure" not in [part.strip() for part in session_cookie(joined).split(";")]
        for path in ("/", "/teacher/login"):
            assert "Strict-Transport-Security" not in client.get(path).headers
    finally:
        app.extensions["classroom.db"].close_all()


# ---------------------------------------------------------------- the templates

TEMPLATE_FILES = sorted(TEMPLATES.rglob("*.html"))


def _without_jinja_comments(text: str) -> str:
    return re.sub(r"\{#.*?#\}", "", text, flags=re.S)


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_or_event_attributes(template):
    text = _without_jinja_comments(template.read_text(encoding="utf-8"))
    for attributes, body in re.findall(
        r"<script\b([^>]*)>(.*?)</script\s*>", text, flags=re.S | re.I
    ):
        assert "src=" in attributes, f"inline <script> in {template.name}"
        assert not body.strip(), f"code inside a <script src> tag in {template.name}"
    assert not re.search(r"<script\b(?![^>]*\bsrc=)", text, flags=re.I), template.name
    handler = re.search(r"<[a-zA-Z][^>]*?\s(on[a-z]+)\s*=", text)
    assert handler is None, f"event attribute {handler and handler.group(1)} in {template.name}"
    assert "javascript:" not in text.lower(), template.name
    assert not re.search(r"<style\b|\sstyle\s*=", text, flags=re.I), (
        f"inline style in {template.name} (the policy blocks it)"
    )


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_loads_anything_from_another_origin(template):
    text = _without_jinja_comments(template.read_text(encoding="utf-8"))
    loads = re.findall(
        r"\b(?:src|srcset|data|poster|action)\s*=\s*[\"']?\s*"
        r"((?:https?:)?//[^\"'\s>]*)",
        text,
        flags=re.I,
    )
    assert loads == [], f"{template.name} loads from another origin: {loads}"
    links = re.findall(
        r"<link\b[^>]*\bhref\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]*)", text, flags=re.I
    )
    assert links == [], f"{template.name} links a resource from another origin: {links}"


def test_no_stylesheet_or_script_fetches_from_another_origin():
    for path in sorted(STATIC.rglob("*")):
        if path.suffix not in {".css", ".js"}:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"@import|url\(\s*[\"']?\s*(?:https?:)?//", text), path.name
        assert not re.search(r"""(?:fetch|open|src\s*=)\s*\(?\s*["'](?:https?:)?//""", text), (
            path.name
        )


@pytest.mark.parametrize("kind", ["anonymous", "student", "teacher"])
def test_rendered_pages_load_nothing_from_another_origin_and_run_no_inline_code(school, kind):
    for path in pages(school)[kind]:
        body = school.client(kind).get(path).get_data(as_text=True)
        for tag in re.findall(
            r"<(?:script|img|iframe|link|source|video|audio|object|embed)"
            r"\b[^>]*>",
            body,
            flags=re.I,
        ):
            assert not re.search(r"\b(?:src|href|srcset)\s*=\s*[\"']?(?:https?:)?//", tag), (
                f"{path} loads {tag}"
            )
        for attributes, code in re.findall(
            r"<script\b([^>]*)>(.*?)</script\s*>", body, flags=re.S | re.I
        ):
            assert "src=" in attributes and not code.strip(), f"inline script on {path}"
        assert not re.search(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", body), f"handler on {path}"
        assert not re.search(r"<style\b|<[a-zA-Z][^>]*\sstyle\s*=", body, flags=re.I), (
            f"inline style on {path}"
        )


@pytest.mark.parametrize("kind", ["anonymous", "student", "teacher"])
def test_every_file_a_page_links_to_is_served(school, kind):
    """Scripts and styles: a missing one is a 404 in every browser. The icon is inline,
    or the browser would ask for /favicon.ico on every page and get a 404."""
    client = school.client(kind)
    linked = set()
    for path in pages(school)[kind]:
        body = client.get(path).get_data(as_text=True)
        linked |= set(re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="(/static/[^"]+)"', body))
        assert '<link rel="icon" href="data:image/svg+xml,' in body, path
    for path in sorted(linked):
        with client.get(path) as response:
            assert response.status_code == 200, path
