"""Teacher accounts: the first-run link, invitations, the command line, logging in and out."""

from __future__ import annotations

import html
import time
import types
from urllib.parse import urlsplit

import pytest
from werkzeug.security import generate_password_hash

from classroom import auth
from classroom.db import get_db
from classroom.forms import PASSWORD_RULE
from classroom.store import teachers
from classroom.teacher.account import SAME_ANSWER

COOKIE = "classroom_session"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def setup_token(school) -> str:
    with school.app.app_context():
        return teachers.new_setup_token(get_db())


def account(username: str, password: str, confirm: str | None = None) -> dict[str, str]:
    return {
        "username": username,
        "password": password,
        "confirm": password if confirm is None else confirm,
    }


def redirected_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].split("?")[0].endswith(
        "/teacher/login"
    )


# The first teacher, through the setup link


def test_the_setup_link_creates_the_first_teacher_who_adopts_the_classes_made_before(
    app, client, school
):
    made_before = school.klass("Made on the command line", None, ())
    token = setup_token(school)

    form = client.get(f"/teacher/setup/{token}")
    assert form.status_code == 200
    for label in ("Username", "Password", "Password again"):
        assert f">{label}</label>" in text(form) or f">{label}<" in text(form)

    created = client.post(f"/teacher/setup/{token}", data=account("ms-rivera", "river stones"))
    assert created.status_code == 302
    assert created.headers["Location"].endswith("/teacher/")
    dashboard = client.get("/teacher/")
    assert dashboard.status_code == 200
    assert "Made on the command line" in text(dashboard)
    owner = school.value("SELECT teacher_id FROM classes WHERE id = ?", [made_before["id"]])
    assert owner == school.value("SELECT id FROM teachers WHERE username = 'ms-rivera'")


def test_a_used_setup_link_says_so_and_creates_nobody(app, client, school):
    token = setup_token(school)
    client.post(f"/teacher/setup/{token}", data=account("ms-rivera", "river stones"))

    again = app.test_client().get(f"/teacher/setup/{token}")
    assert again.status_code == 404
    assert "already used" in text(again)
    posted = app.test_client().post(
        f"/teacher/setup/{token}", data=account("intruder", "river stones")
    )
    assert posted.status_code == 404
    assert school.value("SELECT count(*) FROM teachers") == 1


def test_a_setup_link_made_once_a_teacher_exists_is_unusable(app, client, school):
    school.teacher("ms-rivera")
    token = setup_token(school)
    assert client.get(f"/teacher/setup/{token}").status_code == 404
    posted = client.post(f"/teacher/setup/{token}", data=account("intruder", "river stones"))
    assert posted.status_code == 404
    assert school.value("SELECT count(*) FROM teachers") == 1


def test_a_made_up_setup_link_is_not_found(client):
    assert client.get("/teacher/setup/not-a-real-token").status_code == 404


def test_a_password_under_8_characters_is_refused_with_the_rule(client, school):
    token = setup_token(school)
    refused = client.post(f"/teacher/setup/{token}", data=account("ms-rivera", "seven77"))
    assert refused.status_code == 400
    assert PASSWORD_RULE in text(refused)
    assert school.value("SELECT count(*) FROM teachers") == 0
    # The link still works for a second try.
    assert client.get(f"/teacher/setup/{token}").status_code == 200


@pytest.mark.parametrize("password", ["abcdefgh", "a" * 64, "correct horse " * 9 + "ab"])
def test_any_password_of_8_to_128_characters_is_accepted_without_composition_rules(
    client, school, password
):
    assert 8 <= len(password) <= 128
    token = setup_token(school)
    created = client.post(f"/teacher/setup/{token}", data=account("ms-rivera", password))
    assert created.status_code == 302, text(created)
    assert school.login(school.app.test_client(), "ms-rivera", password).status_code == 302


def test_a_password_over_128_characters_is_refused(client, school):
    token = setup_token(school)
    refused = client.post(f"/teacher/setup/{token}", data=account("ms-rivera", "a" * 129))
    assert refused.status_code == 400
    assert PASSWORD_RULE in text(refused)


def test_the_two_passwords_must_match(client, school):
    token = setup_token(school)
    refused = client.post(
        f"/teacher/setup/{token}", data=account("ms-rivera", "river stones", "river stone")
    )
    assert refused.status_code == 400
    assert "The two passwords are not the same." in text(refused)
    assert school.value("SELECT count(*) FROM teachers") == 0


# The command line (at a terminal, the password is asked twice: see tests/test_cli.py)


def test_create_teacher_takes_the_password_from_standard_input(app, runner, school):
    result = runner.invoke(args=["create-teacher", "mr-okafor"], input="paper lanterns\n")
    assert result.exit_code == 0, result.output
    assert "Created teacher" in result.output
    assert "mr-okafor" in result.output
    assert "paper lanterns" not in result.output
    assert school.login(app.test_client(), "mr-okafor", "paper lanterns").status_code == 302


def test_create_teacher_refuses_a_taken_username(app, runner, school):
    school.teacher("mr-okafor")
    result = runner.invoke(args=["create-teacher", "MR-OKAFOR"], input="paper lanterns\n")
    assert result.exit_code != 0
    assert "taken" in result.output
    assert school.value("SELECT count(*) FROM teachers") == 1


@pytest.mark.parametrize("password", ["short", "x" * 129])
def test_create_teacher_refuses_a_password_outside_8_to_128_characters(runner, school, password):
    result = runner.invoke(args=["create-teacher", "mr-okafor"], input=f"{password}\n")
    assert result.exit_code != 0
    assert "8 to 128" in result.output
    assert school.value("SELECT count(*) FROM teachers") == 0


@pytest.mark.parametrize("username", ["ab", "two words", "x" * 65, "ms/rivera"])
def test_create_teacher_refuses_a_username_the_login_form_would_not_take(runner, school, username):
    result = runner.invoke(args=["create-teacher", username], input="paper lanterns\n")
    assert result.exit_code != 0
    assert "3 to 64" in result.output
    assert school.value("SELECT count(*) FROM teachers") == 0


def test_create_teacher_as_the_first_teacher_adopts_the_classes_made_before(runner, school):
    made_before = school.klass("Made on the command line", None, ())
    result = runner.invoke(args=["create-teacher", "mr-okafor"], input="paper lanterns\n")
    assert result.exit_code == 0, result.output
    assert school.value(
        "SELECT teacher_id FROM classes WHERE id = ?", [made_before["id"]]
    ) == school.value("SELECT id FROM teachers WHERE username = 'mr-okafor'")


# Invitations


def invite(client) -> str:
    page = client.post("/teacher/invitations")
    assert page.status_code == 200
    link = html.unescape(page.get_data(as_text=True)).split('id="invite-link" value="')[1]
    return link.split('"')[0]


def test_an_invitation_link_is_shown_once_and_creates_a_second_teacher(app, school):
    rivera = school.client("ms-rivera")
    school.klass("Rivera's class", school.teacher("ms-rivera"))
    link = invite(rivera)
    assert "/teacher/invite/" in link
    assert "invite-link" not in text(rivera.get("/teacher/invitations"))

    colleague = app.test_client()
    path = link.removeprefix("http://localhost")
    assert colleague.get(path).status_code == 200
    created = colleague.post(path, data=account("mr-okafor", "paper lanterns"))
    assert created.status_code == 302
    dashboard = colleague.get("/teacher/")
    assert dashboard.status_code == 200
    assert "Rivera's class" not in text(dashboard)
    assert school.value("SELECT count(*) FROM teachers") == 2
    assert "Used" in text(rivera.get("/teacher/invitations"))


def test_an_invitation_for_a_taken_username_asks_for_another_and_stays_usable(app, school):
    path = invite(school.client("ms-rivera")).removeprefix("http://localhost")
    newcomer = app.test_client()
    taken = newcomer.post(path, data=account("MS-Rivera", "paper lanterns"))
    assert taken.status_code == 400
    assert "This username is taken. Choose another." in text(taken)
    assert newcomer.post(path, data=account("mr-okafor", "paper lanterns")).status_code == 302


def test_an_invitation_link_works_only_once(app, school):
    path = invite(school.client("ms-rivera")).removeprefix("http://localhost")
    app.test_client().post(path, data=account("mr-okafor", "paper lanterns"))
    again = app.test_client()
    assert again.get(path).status_code == 404
    reused = again.post(path, data=account("intruder", "paper lanterns"))
    assert reused.status_code == 404
    assert "used or has expired" in text(reused)
    assert school.value("SELECT count(*) FROM teachers") == 2


def test_an_expired_invitation_link_is_not_found(app, school):
    path = invite(school.client("ms-rivera")).removeprefix("http://localhost")
    school.execute("UPDATE teacher_tokens SET expires_at = '2000-01-01T00:00:00+00:00'")
    newcomer = app.test_client()
    assert newcomer.get(path).status_code == 404
    assert newcomer.post(path, data=account("mr-okafor", "paper lanterns")).status_code == 404
    assert school.value("SELECT count(*) FROM teachers") == 1


def test_only_a_logged_in_teacher_can_make_an_invitation(client, school):
    assert redirected_to_login(client.post("/teacher/invitations"))
    assert school.value("SELECT count(*) FROM teacher_tokens") == 0


# Logging in


def test_the_right_password_opens_the_dashboard(client, school):
    school.teacher("ms-rivera")
    response = school.login(client, "ms-rivera")
    assert response.status_code == 302
    assert response.headers["Location"] == "/teacher/"
    assert client.get("/teacher/").status_code == 200


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(app, school):
    school.teacher("ms-rivera")
    wrong = school.login(app.test_client(), "ms-rivera", "not the password")
    unknown = school.login(app.test_client(), "ms-nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 400
    assert SAME_ANSWER in text(wrong)
    assert SAME_ANSWER in text(unknown)
    assert text(wrong).replace("ms-rivera", "NAME") == text(unknown).replace("ms-nobody", "NAME")


def counting_hash_checks(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = teachers.check_password_hash

    def counted(pwhash: str, password: str) -> bool:
        calls.append(password)
        return real(pwhash, password)

    monkeypatch.setattr(teachers, "check_password_hash", counted)
    return calls


def test_after_five_failures_the_account_is_locked_even_for_the_right_password(
    app, school, monkeypatch
):
    school.teacher("ms-rivera")
    client = app.test_client()
    for attempt in range(auth.ACCOUNT_LIMIT):
        assert school.login(client, "ms-rivera", f"guess {attempt}").status_code == 400
    calls = counting_hash_checks(monkeypatch)

    blocked = school.login(client, "ms-rivera")
    assert blocked.status_code == 429
    assert "Too many attempts" in text(blocked)
    assert calls == []  # the costly hash never ran
    assert client.get("/teacher/").status_code == 302
    # Another account from the same address is not locked out.
    school.teacher("mr-okafor")
    assert school.login(client, "mr-okafor").status_code == 302


def test_a_guesser_cannot_lock_a_teacher_out_of_the_computer_she_logs_in_on(app, school):
    school.teacher("ms-rivera")
    laptop = school.client("ms-rivera")
    assert laptop.post("/teacher/logout").status_code == 302
    student = app.test_client()
    for attempt in range(auth.ACCOUNT_LIMIT):
        assert school.login(student, "ms-rivera", f"guess {attempt}").status_code == 400

    assert school.login(student, "ms-rivera").status_code == 429
    assert school.login(app.test_client(), "ms-rivera").status_code == 429  # a new browser
    assert school.login(laptop, "ms-rivera").status_code == 302  # her own computer


def test_the_teacher_logging_in_at_her_computer_does_not_unlock_the_guesser(app, school):
    school.teacher("ms-rivera")
    laptop = school.client("ms-rivera")
    laptop.post("/teacher/logout")
    student = app.test_client()
    for attempt in range(auth.ACCOUNT_LIMIT):
        school.login(student, "ms-rivera", f"guess {attempt}")

    assert school.login(laptop, "ms-rivera").status_code == 302

    assert school.login(student, "ms-rivera", "another guess").status_code == 429


def test_a_known_computer_has_a_lock_of_its_own(app, school, monkeypatch):
    school.teacher("ms-rivera")
    laptop = school.client("ms-rivera")
    laptop.post("/teacher/logout")
    for attempt in range(auth.DEVICE_LIMIT):
        assert school.login(laptop, "ms-rivera", f"typo {attempt}").status_code == 400
    calls = counting_hash_checks(monkeypatch)

    assert school.login(laptop, "ms-rivera").status_code == 429
    assert calls == []
    assert school.login(app.test_client(), "ms-rivera").status_code == 302  # the account is not


def test_a_computer_known_to_one_teacher_is_a_stranger_to_another(app, school):
    school.teacher("ms-rivera")
    school.teacher("mr-okafor")
    laptop = school.client("ms-rivera")
    laptop.post("/teacher/logout")
    for attempt in range(auth.ACCOUNT_LIMIT):
        assert school.login(laptop, "mr-okafor", f"guess {attempt}").status_code == 400

    assert school.login(app.test_client(), "mr-okafor").status_code == 429


def test_a_forged_device_cookie_counts_for_nothing(app, school):
    school.teacher("ms-rivera")
    forger = app.test_client()
    forger.set_cookie(auth.DEVICE_COOKIE, "ms-rivera.forged.signature", path="/teacher/login")
    for attempt in range(auth.ACCOUNT_LIMIT):
        assert school.login(forger, "ms-rivera", f"guess {attempt}").status_code == 400

    assert school.login(forger, "ms-rivera").status_code == 429


def test_a_successful_login_forgives_the_accounts_earlier_typos(app, school):
    school.teacher("ms-rivera")
    client = app.test_client()
    for round_ in range(2):
        for attempt in range(auth.ACCOUNT_LIMIT - 1):
            response = school.login(client, "ms-rivera", f"typo {round_} {attempt}")
            assert response.status_code == 400, f"round {round_}, typo {attempt}"
        assert school.login(client, "ms-rivera").status_code == 302


def test_the_account_lock_ignores_the_case_of_the_username(app, school):
    school.teacher("ms-rivera")
    client = app.test_client()
    for attempt in range(auth.ACCOUNT_LIMIT):
        school.login(client, "MS-Rivera" if attempt % 2 else "ms-rivera", f"guess {attempt}")
    assert school.login(client, "Ms-Rivera").status_code == 429


def test_twenty_failures_from_one_address_block_it_for_every_username(app, school, monkeypatch):
    school.teacher("ms-rivera")
    # Unknown users are checked against a stand-in hash; a quick one keeps this test quick.
    monkeypatch.setattr(teachers, "_dummy_hash", [generate_password_hash("x", "pbkdf2:sha256:1")])
    guesser = app.test_client()
    address = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    for attempt in range(auth.ADDRESS_LIMIT):
        response = school.login(guesser, f"user-{attempt}", "some guess", **address)
        assert response.status_code == 400
    calls = counting_hash_checks(monkeypatch)
    assert school.login(guesser, "ms-rivera", **address).status_code == 429
    assert calls == []
    # The teacher at another address still gets in.
    elsewhere = {"environ_base": {"REMOTE_ADDR": "198.51.100.20"}}
    assert school.login(app.test_client(), "ms-rivera", **elsewhere).status_code == 302


def test_the_throttle_stores_no_address_in_clear(app, school):
    school.login(
        app.test_client(), "ms-nobody", "guess", environ_base={"REMOTE_ADDR": "203.0.113.7"}
    )
    keys = [row[0] for row in school.rows("SELECT key FROM throttle")]
    assert keys
    assert not any("203.0.113.7" in key for key in keys)


# Sessions: logout, time-outs, a fresh session, where login leads


def test_a_copied_cookie_stops_working_after_logout(app, school):
    client = school.client("ms-rivera")
    copied = client.get_cookie(COOKIE).value
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert thief.get("/teacher/").status_code == 200  # the copy works while logged in

    assert client.post("/teacher/logout").status_code == 302
    assert redirected_to_login(client.get("/teacher/"))

    replay = app.test_client()
    replay.set_cookie(COOKIE, copied)
    assert redirected_to_login(replay.get("/teacher/"))
    assert redirected_to_login(thief.get("/teacher/"))


def test_logging_out_on_one_computer_ends_every_session_of_that_teacher(app, school):
    laptop = school.client("ms-rivera")
    phone = app.test_client()
    school.login(phone, "ms-rivera")
    laptop.post("/teacher/logout")
    assert redirected_to_login(phone.get("/teacher/"))


def test_a_session_idle_for_over_two_hours_ends(school):
    client = school.client("ms-rivera")
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - auth.IDLE_SECONDS - 1
    response = client.get("/teacher/")
    assert redirected_to_login(response)
    assert "Your session timed out" in text(client.get(response.headers["Location"]))
    assert redirected_to_login(client.get("/teacher/"))


def test_a_session_in_use_all_day_still_ends_after_twelve_hours(school, monkeypatch):
    client = school.client("ms-rivera")
    start = time.time()
    for hour in range(1, 12):
        clock = types.SimpleNamespace(time=lambda hour=hour: start + hour * 3600)
        monkeypatch.setattr(auth, "time", clock)
        assert client.get("/teacher/").status_code == 200, f"hour {hour}"
    monkeypatch.setattr(
        auth, "time", types.SimpleNamespace(time=lambda: start + auth.ABSOLUTE_SECONDS + 1)
    )
    assert redirected_to_login(client.get("/teacher/"))


def test_a_session_older_than_twelve_hours_ends(school):
    client = school.client("ms-rivera")
    with client.session_transaction() as session:
        session["login_at"] = time.time() - auth.ABSOLUTE_SECONDS - 1
    assert redirected_to_login(client.get("/teacher/"))


def test_logging_in_starts_a_fresh_session(school):
    school.teacher("ms-rivera")
    client = school.app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["student_id"] = 1
    school.login(client, "ms-rivera")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "student_id" not in session
        assert session["teacher_id"] == school.teacher("ms-rivera")


def test_a_teacher_page_asks_for_login_then_leads_back_to_it(school):
    school.teacher("ms-rivera")
    client = school.app.test_client()
    response = client.get("/teacher/invitations")
    assert redirected_to_login(response)
    login_page = response.headers["Location"]
    assert "next=/teacher/invitations" in login_page.replace("%2F", "/")
    done = client.post(
        login_page, data={"username": "ms-rivera", "password": "a long teacher password"}
    )
    assert done.headers["Location"] == "/teacher/invitations"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "https://evil.example/teacher/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_after_login_only_a_path_on_this_site_is_followed(school, target):
    school.teacher("ms-rivera")
    response = school.login(school.app.test_client(), "ms-rivera", query_string={"next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    # Werkzeug may keep a harmless local path (a backslash sent as %5C); never another site.
    assert location == "/teacher/" or (
        location.startswith("/")
        and not location.startswith("//")
        and "\\" not in location
        and not urlsplit(location).netloc
    )


def test_the_login_page_shows_the_form(client):
    page = client.get("/teacher/login")
    assert page.status_code == 200
    assert "Username" in text(page) and "Password" in text(page)
