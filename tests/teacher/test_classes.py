"""A teacher's classes: create, rename, archive, the join code, the roster, quizzes, students."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

RIGHT = {"who-says": "nobody", "strong-evidence": ["report", "accused"]}  # 3 of 3 points
WRONG = {"who-says": "minister", "strong-evidence": ["minister"]}  # 0 of 3


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def roster_row(page: str, name: str) -> str:
    found = re.search(rf'<tr><th scope="row">{re.escape(name)}</th>(.*?)</tr>', page, re.S)
    assert found, f"{name} is not on the roster"
    return found.group(1)


@pytest.fixture
def rivera(school):
    """Ms Rivera, logged in, and her class with the sample quiz assigned."""
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"))
    return client, klass


# Creating, renaming, archiving


def test_a_teacher_creates_a_class_and_is_sent_to_choose_its_quizzes(school):
    client = school.client("ms-rivera")
    dashboard = client.get("/teacher/")
    assert "Create class" in text(dashboard)
    assert "You have no classes yet" in text(dashboard)

    created = client.post("/teacher/classes", data={"name": "  Civics 10A  "})
    assert created.status_code == 302
    class_id = school.value("SELECT id FROM classes WHERE name = 'Civics 10A'")
    assert created.headers["Location"] == f"/teacher/classes/{class_id}/assignments"
    code = school.value("SELECT join_code FROM classes WHERE id = ?", [class_id])
    listed = text(client.get("/teacher/"))
    assert "Civics 10A" in listed and code in listed


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the class a name."),
        ("x" * 81, "Keep the name to 80 characters or fewer."),
        ("7B\u202e", "The class name has an invisible or control character (U+202E)"),
    ],
)
def test_a_class_needs_a_visible_name_of_at_most_80_characters(school, name, message):
    client = school.client("ms-rivera")
    refused = client.post("/teacher/classes", data={"name": name})
    assert refused.status_code == 400
    assert message in text(refused)
    assert school.value("SELECT count(*) FROM classes") == 0


def test_renaming_a_class_shows_the_new_name(school, rivera):
    client, klass = rivera
    done = client.post(f"/teacher/classes/{klass['id']}/rename", data={"name": "History 9C"})
    assert done.status_code == 302
    page = text(client.get(f"/teacher/classes/{klass['id']}"))
    assert "<h1>History 9C" in page


def test_a_rename_to_nothing_keeps_the_old_name(school, rivera):
    client, klass = rivera
    client.post(f"/teacher/classes/{klass['id']}/rename", data={"name": ""})
    assert school.value("SELECT name FROM classes WHERE id = ?", [klass["id"]]) == "History 9B"
    assert "Give the class a name." in text(client.get(f"/teacher/classes/{klass['id']}"))


def test_an_archived_class_cannot_be_joined_and_its_students_are_let_go(school, rivera):
    client, klass = rivera
    ada = school.joined(klass["join_code"], "Ada")
    assert "Sample quiz" in text(ada.get("/"))

    assert client.post(f"/teacher/classes/{klass['id']}/archive").status_code == 302
    page = text(client.get(f"/teacher/classes/{klass['id']}"))
    assert "Archived" in page and klass["join_code"] not in page

    refused = school.app.test_client().post(
        "/join", data={"code": klass["join_code"], "name": "Bo"}
    )
    assert refused.status_code == 400
    assert "No open class has this code" in text(refused)
    # Ada, already in the class, is told why she is let go: no quiz, no saving.
    home = text(ada.get("/"))
    assert 'name="code"' in home
    assert "Your teacher has archived the class “History 9B”: its quizzes are closed." in home
    assert ada.get("/quizzes/sample-quiz").status_code == 302
    refused = ada.post("/quizzes/sample-quiz/attempts/1/answers", data={"question": "who-says"})
    assert refused.status_code == 401
    assert refused.get_json()["error"].startswith("Your teacher has archived the class")
    assert school.value("SELECT count(*) FROM attempts") == 0
    assert school.value("SELECT count(*) FROM students") == 1


def test_a_reopened_class_can_be_joined_again(school, rivera):
    client, klass = rivera
    client.post(f"/teacher/classes/{klass['id']}/archive")
    client.post(f"/teacher/classes/{klass['id']}/archive")
    assert school.value("SELECT archived_at FROM classes WHERE id = ?", [klass["id"]]) is None
    school.joined(klass["join_code"], "Bo")
    assert "Reopen class" not in text(client.get(f"/teacher/classes/{klass['id']}"))


def test_an_archived_class_keeps_its_results(school, rivera):
    client, klass = rivera
    school.take(school.student(klass["id"], "Ada"), RIGHT)
    client.post(f"/teacher/classes/{klass['id']}/archive")
    gradebook = text(client.get(f"/teacher/classes/{klass['id']}/gradebook"))
    assert "Ada" in gradebook and ">3<" in gradebook


# The join code


def test_a_new_join_code_replaces_the_old_one(school, rivera):
    client, klass = rivera
    ada = school.joined(klass["join_code"], "Ada")
    assert client.post(f"/teacher/classes/{klass['id']}/rotate-code").status_code == 302
    new_code = school.value("SELECT join_code FROM classes WHERE id = ?", [klass["id"]])
    assert new_code != klass["join_code"]

    old = school.app.test_client().post("/join", data={"code": klass["join_code"], "name": "Bo"})
    assert old.status_code == 400
    school.joined(new_code, "Cy")
    assert "Sample quiz" in text(ada.get("/"))  # students already in are not affected
    assert new_code in text(client.get(f"/teacher/classes/{klass['id']}"))


def test_the_projector_page_shows_the_join_code_large(school, rivera):
    client, klass = rivera
    page = client.get(f"/teacher/classes/{klass['id']}/code")
    assert page.status_code == 200
    assert (
        f'<p class="join-code" aria-label="Join code {" ".join(klass["join_code"])}">'
        f"{klass['join_code']}</p>" in text(page)
    )
    assert "Join History 9B" in text(page)


def test_the_projector_shows_no_code_for_an_archived_class(school, rivera):
    client, klass = rivera
    client.post(f"/teacher/classes/{klass['id']}/archive")
    page = text(client.get(f"/teacher/classes/{klass['id']}/code"))
    assert klass["join_code"] not in page
    assert "This class is archived: nobody can join it." in page


# The roster


def test_the_roster_lists_each_student_with_their_progress(school, rivera):
    client, klass = rivera
    ada = school.student(klass["id"], "Ada")
    school.take(ada, RIGHT)
    school.take(ada, WRONG)
    school.student(klass["id"], "Bo")
    page = text(client.get(f"/teacher/classes/{klass['id']}"))
    assert "Students (2)" in page
    ada_row = roster_row(page, "Ada")
    assert re.search(r'<td class="num">1</td>', ada_row)  # one quiz done, twice
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", ada_row)  # last active
    bo_row = roster_row(page, "Bo")
    assert '<td class="num">0</td>' in bo_row and "<td>–</td>" in bo_row


# Removing a student and exporting their data


def class_of_three(school, klass) -> dict[str, int]:
    ids = {name: school.student(klass["id"], name) for name in ("Ada", "Bo", "Cy")}
    for name, student_id in ids.items():
        school.take(student_id, RIGHT if name != "Bo" else WRONG)
    school.take(ids["Bo"], RIGHT)
    return ids


def test_removing_a_student_asks_first_and_says_what_will_go(school, rivera):
    client, klass = rivera
    ids = class_of_three(school, klass)
    page = client.get(f"/teacher/classes/{klass['id']}/students/{ids['Bo']}/remove")
    assert page.status_code == 200
    assert "Remove Bo from History 9B?" in text(page)
    assert "2 attempts and 4 answers" in text(page)
    assert school.value("SELECT count(*) FROM students") == 3


def test_removing_a_student_deletes_every_row_of_theirs_and_nothing_else(school, rivera):
    client, klass = rivera
    ids = class_of_three(school, klass)
    others = [ids["Ada"], ids["Cy"]]

    def rows_of(student_id: int) -> tuple[int, int, int]:
        return (
            school.value("SELECT count(*) FROM students WHERE id = ?", [student_id]),
            school.value("SELECT count(*) FROM attempts WHERE student_id = ?", [student_id]),
            school.value(
                "SELECT count(*) FROM responses JOIN attempts ON attempts.id = "
                "responses.attempt_id WHERE student_id = ?",
                [student_id],
            ),
        )

    before = [rows_of(s) for s in others]
    bo_attempts = [
        r[0] for r in school.rows("SELECT id FROM attempts WHERE student_id = ?", [ids["Bo"]])
    ]
    done = client.post(f"/teacher/classes/{klass['id']}/students/{ids['Bo']}/remove")
    assert done.status_code == 302
    assert "Bo and all of their answers were removed." in text(client.get(done.headers["Location"]))

    assert rows_of(ids["Bo"]) == (0, 0, 0)
    marks = ",".join("?" * len(bo_attempts))
    assert (
        school.value(f"SELECT count(*) FROM responses WHERE attempt_id IN ({marks})", bo_attempts)
        == 0
    )
    assert [rows_of(s) for s in others] == before == [(1, 1, 2), (1, 1, 2)]
    assert ">Bo<" not in text(client.get(f"/teacher/classes/{klass['id']}/gradebook"))


def test_a_removed_students_browser_is_no_longer_in_the_class(school, rivera):
    client, klass = rivera
    ada = school.joined(klass["join_code"], "Ada")
    ada_id = school.value("SELECT id FROM students WHERE display_name = 'Ada'")
    client.post(f"/teacher/classes/{klass['id']}/students/{ada_id}/remove")
    assert ada.get("/quizzes/sample-quiz").status_code == 302
    assert 'name="code"' in text(ada.get("/"))


def test_the_export_holds_every_row_of_the_student_and_no_one_elses(school, rivera):
    client, klass = rivera
    ids = class_of_three(school, klass)
    response = client.get(f"/teacher/classes/{klass['id']}/students/{ids['Bo']}/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert [s["display_name"] for s in data["students"]] == ["Bo"]
    assert "resume_hash" not in data["students"][0]
    assert {a["student_id"] for a in data["attempts"]} == {ids["Bo"]}
    assert len(data["attempts"]) == 2
    bo_attempts = {a["id"] for a in data["attempts"]}
    assert {r["attempt_id"] for r in data["responses"]} == bo_attempts
    assert len(data["responses"]) == 4
    body = response.get_data(as_text=True)
    assert "Ada" not in body and "Cy" not in body


# Choosing quizzes, dates, attempts and feedback


def assignment_form(slug: str = "sample-quiz", **fields) -> dict[str, str]:
    data = {"quiz": slug, f"{slug}-assigned": "y"}
    data.update({f"{slug}-{name}": value for name, value in fields.items()})
    return data


def test_a_teacher_sets_when_a_quiz_opens_and_closes_and_how_it_is_taken(school, rivera):
    client, klass = rivera
    saved = client.post(
        f"/teacher/classes/{klass['id']}/assignments",
        data=assignment_form(
            opens_at="2030-01-01T09:00",
            closes_at="2030-01-08T17:30",
            attempts="3",
            feedback="after_close",
            role="pre",
        ),
    )
    assert saved.status_code == 302
    row = school.rows(
        "SELECT opens_at, closes_at, attempts_allowed, feedback, role "
        "FROM assignments WHERE class_id = ?",
        [klass["id"]],
    )
    assert row == [
        ("2030-01-01T09:00:00+00:00", "2030-01-08T17:30:00+00:00", 3, "after_close", "pre")
    ]
    page = text(client.get(f"/teacher/classes/{klass['id']}/assignments"))
    assert 'value="2030-01-01T09:00"' in page and 'value="3"' in page


def test_unticking_a_quiz_takes_it_away_from_the_class(school, rivera):
    client, klass = rivera
    client.post(f"/teacher/classes/{klass['id']}/assignments", data={"quiz": "sample-quiz"})
    assert school.value("SELECT count(*) FROM assignments") == 0


def test_a_closing_time_before_the_opening_time_is_refused(school, rivera):
    client, klass = rivera
    refused = client.post(
        f"/teacher/classes/{klass['id']}/assignments",
        data=assignment_form(opens_at="2030-01-08T09:00", closes_at="2030-01-01T09:00"),
    )
    assert refused.status_code == 400
    assert "The closing time must be after the opening time." in text(refused)
    assert school.value("SELECT opens_at FROM assignments") is None


@pytest.mark.parametrize(
    ("attempts", "message"),
    [
        ("51", "Between 0 (unlimited) and 50."),
        ("-1", "Type a whole number in digits, such as 3."),
        ("two", "Type a whole number in digits, such as 3."),
        ("\u0663", "Type a whole number in digits, such as 3."),  # an Arabic-Indic three
        ("\uff13", "Type a whole number in digits, such as 3."),  # a full-width three
        ("1_0", "Type a whole number in digits, such as 3."),
        ("+3", "Type a whole number in digits, such as 3."),
        ("9" * 30, "Type a whole number in digits, such as 3."),
    ],
)
def test_attempts_outside_0_to_50_or_not_in_digits_are_refused(school, rivera, attempts, message):
    client, klass = rivera
    refused = client.post(
        f"/teacher/classes/{klass['id']}/assignments", data=assignment_form(attempts=attempts)
    )
    assert refused.status_code == 400
    assert message in text(refused)
    assert text(refused).count("<li>Attempts allowed:") == 1  # one message, the right one
    assert school.value("SELECT attempts_allowed FROM assignments") is None


def test_attempts_may_be_typed_with_spaces_around(school, rivera):
    client, klass = rivera
    saved = client.post(
        f"/teacher/classes/{klass['id']}/assignments", data=assignment_form(attempts=" 3 ")
    )
    assert saved.status_code == 302
    assert school.value("SELECT attempts_allowed FROM assignments") == 3


def test_a_quiz_that_does_not_exist_cannot_be_assigned(school, rivera):
    client, klass = rivera
    refused = client.post(
        f"/teacher/classes/{klass['id']}/assignments", data=assignment_form("no-such-quiz")
    )
    assert refused.status_code == 400
    assert school.value("SELECT count(*) FROM assignments WHERE quiz_slug = 'no-such-quiz'") == 0


def test_each_lesson_keeps_its_own_pre_test(new_school, content, tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    sample = (Path(__file__).parent.parent / "fixtures" / "lessons" / "sample.md").read_text()
    (lessons / "sample.md").write_text(sample)
    (lessons / "second.md").write_text(sample.replace("A sample lesson", "A second lesson"))
    second = content.sample_quiz("second-pre", "Second lesson pre-test").replace(
        'lesson = "sample"', 'lesson = "second"'
    )
    school = new_school(
        {
            "first-pre": content.sample_quiz("first-pre", "First pre-test"),
            "first-other": content.sample_quiz("first-other", "Another test"),
            "second-pre": second,
        },
        LESSONS_DIR=str(lessons),
    )
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ())
    url = f"/teacher/classes/{klass['id']}/assignments"

    def roles() -> dict[str, str | None]:
        return dict(school.rows("SELECT quiz_slug, role FROM assignments"))

    for slug in ("first-pre", "second-pre"):
        assert client.post(url, data=assignment_form(slug, role="pre")).status_code == 302
    assert roles() == {"first-pre": "pre", "second-pre": "pre"}
    # Within one lesson, a new pre-test replaces the old one.
    client.post(url, data=assignment_form("first-other", role="pre"))
    assert roles() == {"first-pre": None, "first-other": "pre", "second-pre": "pre"}


def test_the_class_page_gives_quiz_times_in_utc_and_marks_a_closed_quiz(school, rivera):
    client, klass = rivera
    school.assign(klass["id"], "sample-quiz", closes_at="2020-01-01T09:00:00+00:00")
    assert "Closed 2020-01-01 09:00 UTC" in text(client.get(f"/teacher/classes/{klass['id']}"))

    school.assign(klass["id"], "sample-quiz", closes_at="2099-01-01T09:00:00+00:00")
    assert "until 2099-01-01 09:00 UTC" in text(client.get(f"/teacher/classes/{klass['id']}"))


def test_the_class_page_lists_a_quiz_that_cannot_be_opened(school, rivera):
    client, klass = rivera
    school.assign(klass["id"], "gone-quiz")  # its file was removed
    page = text(client.get(f"/teacher/classes/{klass['id']}"))
    assert re.search(r"gone-quiz <span[^>]*>\(students cannot open it: its file has gone", page)


# A lost resume code


def resume(client, code: str):
    return client.post("/resume", data={"resume_code": code})


def test_a_student_who_lost_their_resume_code_gets_a_new_one_from_the_teacher(school, rivera):
    client, klass = rivera
    ada = school.app.test_client()
    ada.post("/join", data={"code": klass["join_code"], "name": "Ada"})
    old_code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", text(ada.get("/welcome")))[0]
    student_id = school.value("SELECT id FROM students WHERE display_name = 'Ada'")
    address = f"/teacher/classes/{klass['id']}/students/{student_id}/resume-code"
    assert address in text(client.get(f"/teacher/classes/{klass['id']}"))

    asked = text(client.get(address))
    assert "their old code stops working" in asked
    made = client.post(address)
    assert made.status_code == 302
    shown = text(client.get(made.headers["Location"]))
    new_code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", shown)[0]

    assert new_code != old_code
    assert new_code not in text(client.get(address))  # shown only once
    # Whoever was signed in with the old code, Ada's own browser included, is signed out.
    assert 'name="code"' in text(ada.get("/"))
    assert resume(school.app.test_client(), old_code).status_code == 400
    back = school.app.test_client()
    assert resume(back, new_code).status_code == 302
    assert "My quizzes" in text(back.get("/"))


def test_feedback_after_the_close_needs_a_closing_time(school, rivera):
    client, klass = rivera
    refused = client.post(
        f"/teacher/classes/{klass['id']}/assignments", data=assignment_form(feedback="after_close")
    )
    assert refused.status_code == 400
    assert "Set a closing time" in text(refused)
    assert school.value("SELECT feedback FROM assignments") is None  # as it was


def test_unticking_a_quiz_says_it_is_no_longer_given(school, rivera):
    client, klass = rivera  # the class was given the sample quiz
    url = f"/teacher/classes/{klass['id']}/assignments"
    done = client.post(url, data={"quiz": "sample-quiz", "sample-quiz-attempts": "2"})
    page = text(client.get(done.headers["Location"]))
    assert "“Sample quiz” is no longer given to the class; its results stay." in page
    assert "settings were not kept" not in page


def test_an_archived_class_lists_its_quizzes_as_closed(school, rivera):
    client, klass = rivera
    client.post(f"/teacher/classes/{klass['id']}/archive")
    assert "Closed: the class is archived" in text(client.get(f"/teacher/classes/{klass['id']}"))


def test_the_assignments_page_names_a_given_quiz_whose_file_cannot_be_read(school, rivera):
    client, klass = rivera
    school.assign(klass["id"], "gone-quiz")  # its file was removed
    page = text(client.get(f"/teacher/classes/{klass['id']}/assignments"))
    assert "“gone-quiz” is given to this class, but students cannot open it" in page


def test_feedback_after_the_close_with_retakes_warns_that_totals_give_answers_away(school, rivera):
    client, klass = rivera
    url = f"/teacher/classes/{klass['id']}/assignments"
    form = assignment_form(feedback="after_close", closes_at="2099-01-01T09:00")

    retakes = text(
        client.get(client.post(url, data={**form, "sample-quiz-attempts": "2"}).location)
    )
    test = text(client.get(client.post(url, data={**form, "sample-quiz-attempts": "1"}).location))

    assert "students can work out the answers from their totals" in retakes
    assert "work out the answers" not in test
