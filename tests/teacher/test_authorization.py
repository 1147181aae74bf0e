"""Who may see what: each teacher only their own classes, students never the teacher side.

The routes are read from the app's URL map, so a teacher route added later is
checked here without anyone remembering to list it.
"""

from __future__ import annotations

import re
from itertools import product

import pytest

OWNED_IDS = {"class_id", "student_id", "attempt_id"}
# Routes anyone may open: they hold no class's data.
PUBLIC = {"teacher.login", "teacher.logout", "teacher.setup", "teacher.accept_invitation"}
# What a request could send to change something, were it let through.
FORM = {
    "name": "Taken over",
    "quiz": "written",
    "written-assigned": "y",
    "written-attempts": "9",
    "level": "0",
    "comment": "Taken over",
}


@pytest.fixture
def two_teachers(new_school, content):
    """Ms Rivera and Mr Okafor, each with a class, a student, a submitted attempt and a
    written answer waiting for a grade."""
    school = new_school({"sample-quiz": content.SAMPLE_QUIZ, "written": content.WRITTEN_QUIZ})
    world = {"school": school}
    for key, teacher, class_name, student in [
        ("a", "ms-rivera", "Rivera Secret Seminar", "Adalind Quill"),
        ("b", "mr-okafor", "Okafor Open Class", "Bartholomew Zed"),
    ]:
        klass = school.klass(class_name, school.teacher(teacher), ("sample-quiz", "written"))
        student_id = school.student(klass["id"], student)
        school.take(student_id, content.RIGHT)
        attempt = school.take(
            student_id,
            {"who-says": "nobody", "plan": {"text": f"{student} would check the cracks."}},
            "written",
        )
        world[key] = {
            "teacher": teacher,
            "class": klass,
            "class_id": klass["id"],
            "student_id": student_id,
            "attempt_id": attempt["id"],
            "secrets": [
                class_name,
                student,
                klass["join_code"],
                f"{student} would check the cracks.",
            ],
        }
    return world


def teacher_rules(app, owned_only: bool):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("teacher.")]
    if owned_only:
        rules = [rule for rule in rules if rule.arguments & OWNED_IDS]
    assert rules
    return sorted(rules, key=lambda rule: rule.rule)


def build(app, rule, ids: dict) -> str:
    """The rule's address with these ids; every other argument gets a fixed value."""
    values = {"slug": "written", "question_id": "plan", "token": "not-a-token"}
    values.update(ids)
    unknown = rule.arguments - set(values)
    assert not unknown, f"{rule.rule}: teach this test the arguments {unknown}"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def snapshot(school) -> list:
    """Everything a request could change about either class."""
    return [
        school.rows(f"SELECT * FROM {table} ORDER BY 1")
        for table in ("classes", "students", "attempts", "responses", "assignments", "teachers")
    ]


def assert_reveals_nothing(response, secrets: list[str], what: str) -> None:
    body = response.get_data(as_text=True)
    for secret in secrets:
        assert secret not in body, f"{what} shows {secret!r}"
    assert (
        secrets[0].lower().replace(" ", "-")
        not in response.headers.get("Content-Disposition", "").lower()
    ), what


def test_the_matrix_covers_every_teacher_route_that_takes_an_id(two_teachers):
    app = two_teachers["school"].app
    endpoints = {rule.endpoint for rule in teacher_rules(app, owned_only=True)}
    assert {
        "teacher.class_page",
        "teacher.remove_student",
        "teacher.attempt",
        "teacher.save_grade",
        "teacher.responses_csv",
    } <= endpoints


def test_a_teacher_opens_every_page_of_their_own_class(two_teachers):
    """The matrix below means something only if the same addresses work for the owner."""
    school, b = two_teachers["school"], two_teachers["b"]
    client = school.client(b["teacher"])
    for rule in teacher_rules(school.app, owned_only=True):
        if "GET" not in rule.methods:
            continue
        url = build(school.app, rule, {k: b[k] for k in rule.arguments & OWNED_IDS})
        response = client.get(url)
        assert response.status_code in (200, 302), f"GET {url}: {response.status_code}"


def test_a_teacher_gets_nothing_of_another_teachers_classes(two_teachers):
    school, a, b = two_teachers["school"], two_teachers["a"], two_teachers["b"]
    before = snapshot(school)
    intruder = school.client(b["teacher"])
    checked = 0
    for rule in teacher_rules(school.app, owned_only=True):
        ids = sorted(rule.arguments & OWNED_IDS)
        # A's ids, and every mix of A's ids with B's own (B's class with A's student...).
        for owners in product("ab", repeat=len(ids)):
            if "a" not in owners:
                continue
            combo = {key: two_teachers[owner][key] for key, owner in zip(ids, owners, strict=True)}
            url = build(school.app, rule, combo)
            for method in ("GET", "POST"):
                response = intruder.open(url, method=method, data=FORM)
                what = f"{method} {url} ({rule.endpoint})"
                allowed = 405 if method not in rule.methods else None
                assert response.status_code in (403, 404, allowed), (
                    f"{what}: {response.status_code}"
                )
                assert_reveals_nothing(response, a["secrets"], what)
                checked += 1
    assert checked >= 30
    assert snapshot(school) == before
    # B's dashboard has B's class and nothing of A's.
    dashboard = intruder.get("/teacher/")
    assert b["secrets"][0] in dashboard.get_data(as_text=True)
    assert_reveals_nothing(dashboard, a["secrets"], "B's dashboard")


def login_page(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].split("?")[0].endswith(
        "/teacher/login"
    )


@pytest.mark.parametrize("who", ["student", "anonymous"])
def test_a_student_or_a_stranger_gets_no_teacher_page(two_teachers, who):
    school, a = two_teachers["school"], two_teachers["a"]
    client = (
        school.joined(a["class"]["join_code"], "Mallory")
        if who == "student"
        else school.app.test_client()
    )
    # A student of the class knows its name (their own pages show it); nothing else.
    secrets = a["secrets"][1:] if who == "student" else a["secrets"]
    before = snapshot(school)
    for rule in teacher_rules(school.app, owned_only=False):
        url = build(school.app, rule, {k: a[k] for k in rule.arguments & OWNED_IDS})
        for method in ("GET", "POST"):
            response = client.open(url, method=method, data=FORM)
            what = f"{who}: {method} {url}"
            if rule.endpoint not in PUBLIC:
                assert login_page(response) or response.status_code in (403, 404, 405), (
                    f"{what}: {response.status_code}"
                )
            assert_reveals_nothing(response, secrets, what)
    assert snapshot(school) == before


def test_a_student_session_does_not_count_as_a_teacher(two_teachers):
    school, a = two_teachers["school"], two_teachers["a"]
    client = school.joined(a["class"]["join_code"], "Mallory")
    with client.session_transaction() as session:
        session["teacher_id"] = school.teacher(a["teacher"])  # forged, without a version
    assert login_page(client.get("/teacher/"))


def results_of(school, student_id: int) -> tuple[str, int]:
    slug, attempt_id = school.rows(
        "SELECT quiz_slug, id FROM attempts WHERE student_id = ? ORDER BY id LIMIT 1", [student_id]
    )[0]
    return slug, attempt_id


@pytest.mark.parametrize("classmate", [True, False])
def test_a_student_cannot_read_or_change_another_students_attempt(two_teachers, classmate):
    school, a, b = two_teachers["school"], two_teachers["a"], two_teachers["b"]
    code = (a if classmate else b)["class"]["join_code"]
    mallory = school.joined(code, "Mallory")
    slug, attempt_id = results_of(school, a["student_id"])
    before = snapshot(school)
    base = f"/quizzes/{slug}/attempts/{attempt_id}"
    for method, url in [("GET", f"{base}/results"), ("POST", base), ("POST", f"{base}/answers")]:
        response = mallory.open(
            url,
            method=method,
            data={"question": "who-says", "q-who-says": "minister", "action": "submit"},
        )
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
        assert_reveals_nothing(response, a["secrets"][1:], f"{method} {url}")
    assert snapshot(school) == before


def test_a_student_sees_their_own_results(two_teachers):
    school, a = two_teachers["school"], two_teachers["a"]
    mallory = school.joined(a["class"]["join_code"], "Mallory")
    page = mallory.get("/quizzes/sample-quiz")
    assert page.status_code == 200
    attempt_id = re.search(
        r"/quizzes/sample-quiz/attempts/(\d+)\"", page.get_data(as_text=True)
    ).group(1)
    mallory.post(
        f"/quizzes/sample-quiz/attempts/{attempt_id}",
        data={"q-who-says": "nobody", "action": "submit-unanswered"},
    )
    own = mallory.get(f"/quizzes/sample-quiz/attempts/{attempt_id}/results")
    assert own.status_code == 200
