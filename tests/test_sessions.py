"""Verified cookies and tokens are remembered, but never past their age, never unverified,
and never shared between requests in a way one request's changes could leak."""

from __future__ import annotations

import time

from flask import session
from flask_wtf.csrf import generate_csrf
from support import make_app

from classroom import sessions


def test_a_remembered_value_is_forgotten_once_older_than_its_limit():
    verified = sessions.Verified()
    verified.put(("key", "cookie"), {"student_id": 1}, signed_at=time.time() - 120)

    assert verified.get(("key", "cookie"), max_age=600) == {"student_id": 1}
    assert verified.get(("key", "cookie"), max_age=60) is None
    assert verified.get(("key", "other"), max_age=600) is None


def test_the_oldest_values_make_room_for_new_ones():
    verified = sessions.Verified(size=2)
    for n in range(3):
        verified.put(("key", str(n)), n, signed_at=time.time())

    assert verified.get(("key", "0"), None) is None
    assert verified.get(("key", "2"), None) == 2


def _app_with_session_routes(tmp_path):
    app = make_app(tmp_path)

    @app.get("/_test/set/<int:value>")
    def set_value(value: int):
        session["student_id"] = value
        return "ok"

    @app.get("/_test/get")
    def get_value():
        return str(session.get("student_id"))

    @app.get("/_test/flash")
    def add_flash():
        session.setdefault("_flashes", []).append(["info", "hello"])
        session.modified = True
        return str(len(session["_flashes"]))

    return app


def test_a_forged_cookie_opens_an_empty_session_and_is_not_remembered(tmp_path):
    app = _app_with_session_routes(tmp_path)
    client = app.test_client()
    client.get("/_test/set/7")
    cookie = client.get_cookie("classroom_session").value
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")

    client.set_cookie("classroom_session", forged)
    assert client.get("/_test/get").get_data(as_text=True) == "None"
    remembered = app.session_interface.verified
    assert remembered.get((app.secret_key, forged), None) is None

    client.set_cookie("classroom_session", cookie)
    assert client.get("/_test/get").get_data(as_text=True) == "7"
    assert remembered.get((app.secret_key, cookie), None) == {"student_id": 7}


def test_a_change_to_a_session_does_not_change_the_remembered_copy(tmp_path):
    app = _app_with_session_routes(tmp_path)
    client = app.test_client()
    client.get("/_test/set/7")
    cookie = client.get_cookie("classroom_session").value
    client.get("/_test/get")  # remembered now

    other = app.test_client()
    other.set_cookie("classroom_session", cookie)
    assert other.get("/_test/flash").get_data(as_text=True) == "1"
    # The first browser still sends the old cookie: its session has no flashes.
    assert client.get("/_test/flash").get_data(as_text=True) == "1"
    assert app.session_interface.verified.get((app.secret_key, cookie), None) == {"student_id": 7}


def test_a_csrf_token_is_refused_after_its_time_limit_even_once_remembered(tmp_path, monkeypatch):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=3600)
    with app.test_request_context("/"):
        token = generate_csrf()
        assert sessions.csrf_ok(token)
        assert sessions.csrf_ok(token)  # the second time from memory
        assert not sessions.csrf_ok(token + "x")
        assert not sessions.csrf_ok(None)

        later = time.time() + 3601
        monkeypatch.setattr(time, "time", lambda: later)
        assert not sessions.csrf_ok(token)


def test_a_csrf_token_from_another_session_is_refused(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.test_request_context("/"):
        token = generate_csrf()
        assert sessions.csrf_ok(token)
    with app.test_request_context("/"):
        generate_csrf()  # this session's own token
        assert not sessions.csrf_ok(token)
