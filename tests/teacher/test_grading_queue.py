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
    assert graded.headers["Location"] == (
        f"/teacher/classes/{klass['id']}/grading?after_attempt={attempt_id}&after_question=plan"
    )
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


def test_a_written_answer_waiting_promises_no_higher_score(written):
    """It may be graded at the lowest level, for no points."""
    school, teacher, klass, ada = written
    page = text(ada.get(submit(ada, "It is all true.")))
    assert "will rise" not in page
    assert "1 written answer awaiting grading by your teacher: your score counts it" in page


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


def _queue_of_three(written):
    """Ada, Bo and Cy submitted in that order; their attempts' ids by name."""
    school, teacher, klass, ada = written
    submit(ada, "Ada's plan.")
    submit(school.joined(klass["join_code"], "Bo"), "Bo's plan.")
    submit(school.joined(klass["join_code"], "Cy"), "Cy's plan.")
    ids = dict(
        school.rows(
            "SELECT display_name, attempts.id FROM attempts "
            "JOIN students ON students.id = attempts.student_id"
        )
    )
    return school, teacher, f"/teacher/classes/{klass['id']}/grading", ids


def _skip_link(page: str) -> str:
    found = re.search(r'<a class="button" href="([^"]+)">Skip for now</a>', page)
    assert found, "no skip link"
    return html.unescape(found.group(1))


def test_a_skipped_answer_waits_until_the_others_are_graded(written):
    school, teacher, queue, ids = _queue_of_three(written)

    # Ada's answer is hard to judge: the teacher skips it and grades the others first.
    first = text(teacher.get(queue))
    assert "Ada's plan." in first
    second = text(teacher.get(_skip_link(teacher.get(queue).get_data(as_text=True))))
    assert "Bo's plan." in second and "3 written answers waiting" in second

    graded = teacher.post(f"{queue}/{ids['Bo']}/plan", data={"level": "2"})
    after_bo = text(teacher.get(graded.headers["Location"]))
    assert "Cy's plan." in after_bo and "2 written answers waiting" in after_bo
    assert "went round" not in after_bo and "answers you skipped" not in after_bo

    graded = teacher.post(f"{queue}/{ids['Cy']}/plan", data={"level": "1"})
    back = teacher.get(graded.headers["Location"])
    page = text(back)
    assert "Ada's plan." in page and "1 written answer waiting" in page
    assert "these are the answers you skipped" in page
    # The last one left cannot be skipped: there is nothing else to grade first.
    assert "Skip for now" not in page


def test_skipping_past_the_end_of_the_queue_goes_round_to_its_start(written):
    school, teacher, queue, ids = _queue_of_three(written)

    page = text(teacher.get(f"{queue}?after_attempt={ids['Cy']}&after_question=plan"))

    assert "Ada's plan." in page
    assert "these are the answers you skipped" in page


@pytest.mark.parametrize(
    "query",
    ["after_attempt=two&after_question=plan", "after_attempt=1", "after_question=plan"],
)
def test_a_malformed_place_in_the_queue_is_refused_with_what_is_wrong(written, query):
    school, teacher, queue, ids = _queue_of_three(written)

    response = teacher.get(f"{queue}?{query}")

    assert response.status_code == 400
    assert "after_attempt must be an attempt" in text(response)


def test_a_place_in_another_teachers_class_is_not_found(written):
    school, teacher, queue, ids = _queue_of_three(written)
    rival = school.klass("History 9C", school.teacher("mr-grey"), ("written",))
    rival_queue = f"/teacher/classes/{rival['id']}/grading"

    # Mr Grey's queue, pointed at Ms Rivera's students' answers, shows none of them.
    stranger = school.client("mr-grey")
    response = stranger.get(f"{rival_queue}?after_attempt={ids['Ada']}&after_question=plan")

    assert response.status_code == 404
    assert "Ada" not in text(response)


def test_the_level_keys_are_offered_only_where_the_script_makes_them_work(written):
    school, teacher, klass, ada = written
    submit(ada)

    page = text(teacher.get(f"/teacher/classes/{klass['id']}/grading"))

    # Without JavaScript the keys do nothing: the script shows the hint it makes true.
    hint = re.search(r"<span id=\"level-keys\"( hidden)?>Keys <kbd>2</kbd>", page)
    assert hint and hint.group(1) == " hidden"
    assert "<kbd>Enter</kbd> in the level list saves" in page
