"""Written answers: the student waits for a grade, the teacher grades on the rubric."""

from __future__ import annotations

import html
import re

import pytest

PLAN = "I would check the 40 cracks with the engineers who wrote the report."


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def written(new_school, content):
    """Ms Rivera's class with the written quiz; Ada has joined in her own browser."""
    school = new_school({"written": content.WRITTEN_QUIZ})
    teacher = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ("written",))
    ada = school.joined(klass["join_code"], "Ada")
    return school, teacher, klass, ada


def submit(ada, plan: str = PLAN) -> str:
    """Ada answers both questions and submits; returns her results page's address."""
    page = ada.get("/quizzes/written").get_data(as_text=True)
    attempt_id = re.search(r'/quizzes/written/attempts/(\d+)"', page).group(1)
    response = ada.post(
        f"/quizzes/written/attempts/{attempt_id}",
        data={"q-who-says": "nobody", "q-plan": plan, "action": "submit"},
    )
    assert response.status_code == 302
    return response.headers["Location"]


def attempt_row(school) -> tuple:
    return school.rows("SELECT id, score, ungraded FROM attempts")[0]


def test_a_written_answer_waits_for_the_teacher_who_grades_it_on_the_rubric(written):
    school, teacher, klass, ada = written
    results = submit(ada)
    page = text(ada.get(results))
    assert "awaiting grading" in page
    assert "1 written answer awaiting grading by your teacher" in page
    assert "<strong>1</strong> out of 3" in page
    attempt_id, score, ungraded = attempt_row(school)
    assert (score, ungraded) == (1, 1)

    queue = text(teacher.get(f"/teacher/classes/{klass['id']}/grading"))
    assert "1 written answer waiting" in queue
    assert "Ada’s answer" in queue
    assert PLAN in queue
    assert "Name one claim you would check elsewhere, and say where." in queue
    for level, label, descriptor in [
        (2, "Proficient", "Names a specific claim and an independent source."),
        (1, "Emergent", "A claim without a source, or a source without a claim."),
        (0, "Basic", "No claim to check."),
    ]:
        assert f"{level} · {label}" in queue
        assert descriptor in queue

    graded = teacher.post(
        f"/teacher/classes/{klass['id']}/grading/{attempt_id}/plan",
        data={"level": "2", "comment": "A claim and a good source."},
    )
    assert graded.status_code == 302
    assert graded.headers["Location"] == f"/teacher/classes/{klass['id']}/grading"
    assert attempt_row(school)[1:] == (3, 0)
    assert school.rows(
        "SELECT rubric_level, score, comment FROM responses WHERE question_id = 'plan'"
    ) == [(2, 2.0, "A claim and a good source.")]
    done = text(teacher.get(graded.headers["Location"]))
    assert "Graded Ada’s answer." in done
    assert "Nothing to grade" in done

    after = text(ada.get(results))
    assert "<strong>3</strong> out of 3" in after
    assert "awaiting grading" not in after
    assert "Graded: 2 of 2, <strong>Proficient</strong>" in after


@pytest.mark.parametrize("level", ["3", "-1", "", "two", "1.5"])
def test_a_level_not_in_the_rubric_is_refused_and_changes_nothing(written, level):
    school, teacher, klass, ada = written
    submit(ada)
    attempt_id = attempt_row(school)[0]
    refused = teacher.post(
        f"/teacher/classes/{klass['id']}/grading/{attempt_id}/plan", data={"level": level}
    )
    assert refused.status_code == 400
    assert "Choose one of the rubric levels." in text(refused)
    assert attempt_row(school)[1:] == (1, 1)
    assert school.value("SELECT rubric_level FROM responses WHERE question_id = 'plan'") is None


def test_a_comment_over_2000_characters_is_refused(written):
    school, teacher, klass, ada = written
    submit(ada)
    attempt_id = attempt_row(school)[0]
    refused = teacher.post(
        f"/teacher/classes/{klass['id']}/grading/{attempt_id}/plan",
        data={"level": "1", "comment": "x" * 2001},
    )
    assert refused.status_code == 400
    assert "Keep the comment under 2,000 characters." in text(refused)
    assert attempt_row(school)[1:] == (1, 1)


def test_a_graded_answer_can_be_regraded(written):
    school, teacher, klass, ada = written
    submit(ada)
    attempt_id = attempt_row(school)[0]
    url = f"/teacher/classes/{klass['id']}/grading/{attempt_id}/plan"
    teacher.post(url, data={"level": "2"})
    page = text(teacher.get(url))
    assert 'id="level-2" value="2" checked' in page
    teacher.post(url, data={"level": "1"})
    assert attempt_row(school)[1:] == (2, 0)


def test_only_written_answers_of_submitted_attempts_can_be_graded(written):
    school, teacher, klass, ada = written
    page = ada.get("/quizzes/written").get_data(as_text=True)
    attempt_id = re.search(r'/quizzes/written/attempts/(\d+)"', page).group(1)
    ada.post(
        f"/quizzes/written/attempts/{attempt_id}",
        data={"q-who-says": "nobody", "q-plan": PLAN, "action": "save"},
    )
    base = f"/teacher/classes/{klass['id']}/grading/{attempt_id}"
    assert teacher.post(f"{base}/plan", data={"level": "2"}).status_code == 404  # not submitted
    assert "Nothing to grade" in text(teacher.get(f"/teacher/classes/{klass['id']}/grading"))
    submit(ada)
    assert teacher.post(f"{base}/who-says", data={"level": "2"}).status_code == 404
    assert teacher.get(f"{base}/who-says").status_code == 404
    assert teacher.post(f"{base}/no-such-question", data={"level": "2"}).status_code == 404


def test_the_queue_takes_answers_oldest_first_and_counts_down(written):
    school, teacher, klass, ada = written
    submit(ada, "Ada's plan.")
    bo = school.joined(klass["join_code"], "Bo")
    submit(bo, "Bo's plan.")
    queue = text(teacher.get(f"/teacher/classes/{klass['id']}/grading"))
    assert "2 written answers waiting" in queue and "Ada's plan." in queue
    ada_attempt = school.value(
        "SELECT attempts.id FROM attempts JOIN students ON "
        "students.id = student_id WHERE display_name = 'Ada'"
    )
    teacher.post(f"/teacher/classes/{klass['id']}/grading/{ada_attempt}/plan", data={"level": "0"})
    queue = text(teacher.get(f"/teacher/classes/{klass['id']}/grading"))
    assert "1 written answer waiting" in queue and "Bo's plan." in queue


def test_the_roster_and_gradebook_show_what_is_left_to_grade(written):
    school, teacher, klass, ada = written
    submit(ada)
    assert "(1 to grade)" in text(teacher.get(f"/teacher/classes/{klass['id']}"))
    assert ", to grade" in text(teacher.get(f"/teacher/classes/{klass['id']}/gradebook"))


def test_a_written_answer_is_shown_to_the_teacher_as_text_never_as_markup(written):
    school, teacher, klass, ada = written
    submit(ada, '<script>alert("hi")</script><b>bold</b>')
    page = teacher.get(f"/teacher/classes/{klass['id']}/grading").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;" in page
