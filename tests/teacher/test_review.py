"""Reviewing a class: the gradebook, one attempt, quiz reports, skills, learning gain, CSV."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re

import pytest

from classroom import stats
from classroom.db import get_db
from classroom.store import assignments as assignment_store
from classroom.store import grading as grading_store

NEGATIVE_FLAG = "Most students who did well overall got this wrong: check the key."


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def section(page: str, item_id: str) -> str:
    """One question's part of a quiz report."""
    found = re.search(
        rf'<section class="item-report" aria-labelledby="item-{item_id}">'
        r"(.*?)</section>\s*(?=<section class=\"item-report\"|</section>)",
        page,
        re.S,
    )
    assert found, f"no report for {item_id}"
    return found.group(1)


def stat(page: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd>(.*?)</dd>", page, re.S)
    assert found, f"no figure labelled {label}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def checks_quiz(count: int = 5) -> str:
    """A quiz of `count` one-point questions q1..qN, each with choices right and wrong."""
    parts = [
        'format = 1\nslug = "checks"\ntitle = "Five checks"\nlesson = "sample"\n'
        'skill = "sourcing"\nintro = "Checks."\n\n[settings]\nattempts = 1\n'
        'feedback = "after_submit"\n'
    ]
    for n in range(1, count + 1):
        parts.append(f"""
[[questions]]
id = "q{n}"
type = "single"
skill = "sourcing"
prompt = "Check number {n}?"
explanation = "Because."

[[questions.choices]]
id = "right"
text = "Right {n}"
correct = true
feedback = "Yes."

[[questions.choices]]
id = "wrong"
text = "Wrong {n}"
correct = false
feedback = "No."
""")
    return "".join(parts)


@pytest.fixture
def rivera(school):
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"))
    return client, klass


# The gradebook


def test_the_gradebook_keeps_the_best_or_the_latest_attempt_as_each_quiz_says(new_school, content):
    school = new_school(
        {
            "sample-quiz": content.sample_quiz(),
            "latest-quiz": content.sample_quiz("latest-quiz", "Latest quiz", keep="latest"),
        }
    )
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ("sample-quiz", "latest-quiz"))
    ada = school.student(klass["id"], "Ada")
    for slug in ("sample-quiz", "latest-quiz"):
        school.take(ada, content.RIGHT, slug)
        school.take(ada, content.WRONG, slug)
    school.student(klass["id"], "Bo")

    page = text(client.get(f"/teacher/classes/{klass['id']}/gradebook"))
    assert "best of 3" in page and "latest of 3" in page
    assert re.search(r'>3<span class="visually-hidden"> out of 3, Ada, Sample quiz<', page)
    assert re.search(r'>0<span class="visually-hidden"> out of 3, Ada, Latest quiz<', page)
    assert page.count("(2 attempts)") == 2
    assert page.count('aria-label="not submitted"') == 2  # Bo, on both quizzes


def test_the_gradebook_links_each_score_to_its_attempt(school, rivera, content):
    client, klass = rivera
    attempt = school.take(school.student(klass["id"], "Ada"), content.RIGHT)
    page = text(client.get(f"/teacher/classes/{klass['id']}/gradebook"))
    assert f"/teacher/classes/{klass['id']}/attempts/{attempt['id']}" in page


def test_a_quiz_taken_before_it_was_unassigned_stays_in_the_gradebook(school, rivera, content):
    client, klass = rivera
    attempt = school.take(school.student(klass["id"], "Ada"), content.RIGHT)
    with school.app.app_context():
        assignment_store.unassign(get_db(), klass["id"], "sample-quiz")

    page = text(client.get(f"/teacher/classes/{klass['id']}/gradebook"))

    assert "Sample quiz" in page
    assert f"/teacher/classes/{klass['id']}/attempts/{attempt['id']}" in page


def test_a_quiz_whose_file_broke_keeps_its_results_in_front_of_the_teacher(new_school, content):
    school = new_school({"sample-quiz": content.sample_quiz()})
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"))
    attempt = school.take(school.student(klass["id"], "Ada"), content.RIGHT)
    quiz_file = school.app.config["QUIZZES_DIR"] + "/sample-quiz.toml"
    with open(quiz_file, "a") as broken:
        broken.write('\nkeep = "best\n')  # an unclosed string: the file no longer loads

    book = text(client.get(f"/teacher/classes/{klass['id']}/gradebook"))
    report = client.get(f"/teacher/classes/{klass['id']}/quizzes/sample-quiz/report")
    sheet = download(client, f"/teacher/classes/{klass['id']}/gradebook.csv")[1]

    notice = "Students cannot open “Sample quiz” just now"
    assert notice in book and "shown with the version students last took" in book
    assert f"/teacher/classes/{klass['id']}/attempts/{attempt['id']}" in book
    assert report.status_code == 200 and notice in text(report)
    assert "sample-quiz (best)" in sheet.splitlines()[0]
    assert sheet.splitlines()[1].split(",")[2] == "3.0"


def test_a_student_is_told_when_a_quiz_given_to_the_class_cannot_be_opened(school, rivera):
    _, klass = rivera
    student = school.joined(klass["join_code"])
    with school.app.app_context():
        assignment_store.assign(get_db(), klass["id"], "gone-quiz")  # its file was removed

    page = text(student.get("/"))

    assert "1 quiz your teacher gave your class cannot be opened just now" in page
    assert "has not given your class a quiz" not in page


def test_a_score_on_an_earlier_version_with_other_points_shows_its_own_maximum(new_school, content):
    school = new_school({"sample-quiz": content.sample_quiz()})
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"))
    school.take(school.student(klass["id"], "Ada"), content.RIGHT)
    quiz_file = school.app.config["QUIZZES_DIR"] + "/sample-quiz.toml"
    with open(quiz_file) as old:
        worth_more = old.read().replace('id = "who-says"', 'id = "who-says"\npoints = 2', 1)
    with open(quiz_file, "w") as new:
        new.write(worth_more)

    page = text(client.get(f"/teacher/classes/{klass['id']}/gradebook"))
    sheet = download(client, f"/teacher/classes/{klass['id']}/gradebook.csv")[0]

    assert "best of 4" in page
    assert re.search(r'>3 <span class="meta">of 3</span>', page)
    assert sheet[1][2:] == ["3.0", "3.0", "0"]


# One attempt


def test_an_attempt_shows_each_question_the_answer_the_key_the_points_and_the_time(school, rivera):
    client, klass = rivera
    attempt = school.take(
        school.student(klass["id"], "Ada"),
        {"who-says": "minister", "strong-evidence": ["report"]},
        confidence=2,
    )
    page = client.get(f"/teacher/classes/{klass['id']}/attempts/{attempt['id']}")
    assert page.status_code == 200
    page = text(page)
    assert "Ada: Sample quiz" in page
    assert "Who says repairs will cost millions?" in page
    assert "Which are evidence about the cracks?" in page
    first, second = page.split('id="review-strong-evidence"')
    assert "0 / 1" in first and "1 / 2" in second
    assert re.search(
        r"picked\">\s*<p class=\"choice-text\">\s*<span class=\"tag tag-picked\">"
        r"[^<]+</span>\s*The minister",
        first,
    )
    assert re.search(r"tag-key\">Correct answer</span>\s*Nobody is named", first)
    assert re.search(r"Answered \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · confidence 2 of 3", first)
    assert "1 / 3" in stat(page, "Score")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", stat(page, "Submitted"))


def test_an_attempt_still_in_progress_shows_its_saved_answers_scored_live(school, rivera):
    client, klass = rivera
    attempt = school.save(school.student(klass["id"], "Ada"), {"who-says": "nobody"})
    page = text(client.get(f"/teacher/classes/{klass['id']}/attempts/{attempt['id']}"))
    assert stat(page, "Score") == "In progress"
    assert "1 / 1" in page
    assert "not answered · 0 / 2" in page


def test_a_written_answer_on_an_attempt_page_leads_to_grading_it(new_school, content):
    school = new_school({"written": content.WRITTEN_QUIZ})
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ("written",))
    attempt = school.take(
        school.student(klass["id"], "Ada"),
        {"who-says": "nobody", "plan": {"text": "Ask the union."}},
        "written",
    )

    page = text(client.get(f"/teacher/classes/{klass['id']}/attempts/{attempt['id']}"))

    assert "Not graded yet." in page and "by your teacher" not in page
    # The total is not final: the written answer has no points until it is graded.
    assert stat(page, "Score") == "1 / 3 so far: 1 written answer to grade"
    grade = f"/teacher/classes/{klass['id']}/grading/{attempt['id']}/plan"
    assert f'href="{grade}">Grade this answer' in page
    assert client.get(grade).status_code == 200


def test_an_attempt_page_links_to_the_students_other_attempts(school, rivera, content):
    client, klass = rivera
    ada = school.student(klass["id"], "Ada")
    first = school.take(ada, content.WRONG)
    second = school.take(ada, content.RIGHT)

    page = text(client.get(f"/teacher/classes/{klass['id']}/attempts/{second['id']}"))

    assert stat(page, "Attempt") == "2 of 2"
    assert f'href="/teacher/classes/{klass["id"]}/attempts/{first["id"]}">1' in page
    assert '<strong aria-current="page">2</strong>' in page


# The quiz report


def test_a_small_class_gets_facility_and_n_but_no_discrimination(school, rivera, content):
    client, klass = rivera
    for name, answers in [
        ("Ada", content.RIGHT),
        ("Bo", content.RIGHT),
        ("Cy", {"who-says": "minister", "strong-evidence": ["report"]}),
    ]:
        school.take(school.student(klass["id"], name), answers)
    page = text(client.get(f"/teacher/classes/{klass['id']}/quizzes/sample-quiz/report"))
    assert stat(page, "Students (N)") == "3"
    assert stat(page, "Mean score") == "78%"  # (3 + 3 + 1) / 9
    assert (
        f"hidden until at least {stats.MIN_N_FOR_DISCRIMINATION} students have submitted "
        "(now 3)" in page
    )
    who_says = section(page, "who-says")
    assert stat(who_says, "N") == "3"
    assert stat(who_says, "Facility") == "0.67"
    assert '<dt>Discrimination (item–rest r)</dt><dd><span class="meta">hidden: N < 15' in who_says
    assert stat(section(page, "strong-evidence"), "Facility") == "0.83"  # (2 + 2 + 1) / 6


def test_a_report_says_when_its_scores_count_answers_not_yet_graded_as_nothing(new_school, content):
    school = new_school({"written": content.WRITTEN_QUIZ})
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ("written",))

    def written(name: str) -> dict:
        answers = {"who-says": "nobody", "plan": {"text": f"{name} would ask."}}
        return school.take(school.student(klass["id"], name), answers, "written")

    graded = written("Ada")
    written("Bo")
    with school.app.app_context():
        grading_store.record_grade(get_db(), graded["id"], "plan", 2, 2.0, "", None)
    url = f"/teacher/classes/{klass['id']}/quizzes/written/report"

    page = text(client.get(url))

    assert stat(page, "Mean score") == "67%"  # (3 + 1) of 6: Bo's written answer counts 0
    assert (
        "1 student has written answers still to grade: until you grade them, they count as "
        "no points in the mean score and the score distribution." in page
    )
    assert f"/teacher/classes/{klass['id']}/grading" in page
    written("Cy")
    assert "2 students have written answers still to grade" in text(client.get(url))


def test_the_choice_table_says_how_many_students_the_top_group_holds(school, rivera, content):
    client, klass = rivera
    for name in ("Ada", "Bo", "Cy", "Di"):
        school.take(school.student(klass["id"], name), content.RIGHT)
    page = text(client.get(f"/teacher/classes/{klass['id']}/quizzes/sample-quiz/report"))
    who_says = section(page, "who-says")
    # The top 27% of 4 students is one student: a share of 100% is that one student.
    assert '<th scope="col" class="num">Share of top group (N = 1)</th>' in who_says


def test_the_choice_table_counts_the_students_who_left_the_question_blank(school, rivera):
    client, klass = rivera
    for name, answers in [
        ("Ada", {"who-says": "nobody"}),
        ("Bo", {"who-says": "minister"}),
        ("Cy", {"strong-evidence": ["report"]}),
        ("Di", {}),
    ]:
        school.take(school.student(klass["id"], name), answers)
    page = text(client.get(f"/teacher/classes/{klass['id']}/quizzes/sample-quiz/report"))
    # Picked by 1 + 1 of 4: the other two students answered nothing.
    blank = re.search(r"<tr><td>No answer</td>(.*?)</tr>", section(page, "who-says"), re.S)
    assert blank, "a row for the students who left it blank"
    assert re.findall(r'<td class="num">(.*?)</td>', blank.group(1)) == ["2", "50%", "0%"]


def test_the_report_counts_each_students_first_attempt_only(school, rivera, content):
    client, klass = rivera
    ada = school.student(klass["id"], "Ada")
    school.take(ada, content.WRONG)
    school.take(ada, content.RIGHT)
    page = text(client.get(f"/teacher/classes/{klass['id']}/quizzes/sample-quiz/report"))
    assert stat(page, "Students (N)") == "1"
    assert stat(section(page, "who-says"), "Facility") == "0.00"


def test_a_report_with_no_submissions_says_so(school, rivera):
    client, klass = rivera
    page = text(client.get(f"/teacher/classes/{klass['id']}/quizzes/sample-quiz/report"))
    assert "No student has submitted this quiz yet." in page


def test_a_report_on_a_quiz_that_does_not_exist_is_not_found(school, rivera):
    client, klass = rivera
    assert client.get(f"/teacher/classes/{klass['id']}/quizzes/nope/report").status_code == 404


def class_of_sixteen(school, klass_id: int) -> None:
    """Sixteen students of rising ability; q5 is miskeyed, so the strong get it 'wrong'."""
    for i in range(16):
        answers = {
            f"q{n}": "right" if i >= threshold else "wrong"
            for n, threshold in ((1, 2), (2, 5), (3, 8), (4, 11))
        }
        answers["q5"] = "right" if i < 8 else "wrong"
        school.take(school.student(klass_id, f"Student {i:02d}"), answers, "checks")


def test_with_sixteen_students_the_report_shows_discrimination_and_flags_a_miskeyed_item(
    new_school,
):
    school = new_school({"checks": checks_quiz()})
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ("checks",))
    class_of_sixteen(school, klass["id"])

    page = text(client.get(f"/teacher/classes/{klass['id']}/quizzes/checks/report"))
    assert stat(page, "Students (N)") == "16"
    assert "hidden until at least" not in page
    assert re.fullmatch(r"-?\d\.\d\d \w+", stat(page, "Reliability (KR-20)"))
    q1, q5 = section(page, "q1"), section(page, "q5")
    assert stat(q1, "Facility") == "0.88"  # 14 of 16
    assert stat(q1, "Discrimination (item–rest r)").endswith(("good", "revise", "poor"))
    assert float(stat(q1, "Discrimination (item–rest r)").split()[0]) > 0
    discrimination = stat(q5, "Discrimination (item–rest r)")
    assert float(discrimination.split()[0]) < 0 and discrimination.endswith("negative")
    assert NEGATIVE_FLAG in q5
    assert "check the key" in q5
    assert "check the key" not in q1


def test_fifteen_students_are_enough_for_discrimination_and_fourteen_are_not(new_school):
    school = new_school({"checks": checks_quiz()})
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ("checks",))
    for i in range(14):
        answers = {f"q{n}": "right" if (i + n) % 3 else "wrong" for n in range(1, 6)}
        school.take(school.student(klass["id"], f"Student {i:02d}"), answers, "checks")
    url = f"/teacher/classes/{klass['id']}/quizzes/checks/report"
    assert "(now 14)" in text(client.get(url))
    school.take(school.student(klass["id"], "Student 14"), {"q1": "right"}, "checks")
    page = text(client.get(url))
    assert "hidden until at least" not in page
    assert "hidden: N" not in section(page, "q1")


def test_a_question_everyone_got_right_has_no_discrimination_and_says_why(new_school):
    school = new_school({"checks": checks_quiz()})
    teacher = school.teacher("ms-rivera")
    class_id = school.klass("History 9B", teacher, ("checks",))["id"]
    for i in range(16):
        others = {f"q{n}": ("wrong", "right", "right")[(i + n) % 3] for n in range(2, 6)}
        school.take(school.student(class_id, f"S{i}"), {"q1": "right", **others}, "checks")

    report = school.client("ms-rivera").get(f"/teacher/classes/{class_id}/quizzes/checks/report")
    q1 = section(text(report), "q1")

    assert stat(q1, "N") == "16"
    discrimination = stat(q1, "Discrimination (item–rest r)")
    assert "hidden" not in discrimination and "N <" not in discrimination
    assert discrimination == "undefined: every student scored the same on it"


# Skills


def test_the_skills_page_shows_each_students_share_of_points_per_skill(school, rivera, content):
    client, klass = rivera
    ada = school.student(klass["id"], "Ada")
    school.take(ada, content.WRONG)
    school.take(ada, {"who-says": "nobody", "strong-evidence": ["report"]})  # latest counts
    school.take(school.student(klass["id"], "Bo"), content.WRONG)
    page = text(client.get(f"/teacher/classes/{klass['id']}/mastery"))
    ada_row = re.search(r'<th scope="row">Ada</th>(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="mastery-cell[^"]*">(.*?)</td>', ada_row, re.S)
    assert [re.sub(r"<[^>]+>|\s+", " ", c).split() for c in cells] == [
        ["100%", "mastered", "1", "of", "1", "pts"],
        ["no", "data"],
        ["50%", "developing", "1", "of", "2", "pts"],
    ]
    bo_row = re.search(r'<th scope="row">Bo</th>(.*?)</tr>', page, re.S).group(1)
    assert bo_row.count('0% <span class="meta">beginning') == 2


def test_a_mastery_just_under_a_band_never_shows_the_bands_percent(app):
    from flask import render_template

    matrix = {1: {"sourcing": (39, 49, 39 / 49), "denial-rhetoric": (0, 0, None)}}
    matrix[1]["evidence-evaluation"] = (99, 199, 99 / 199)  # 49.7%: beginning
    with app.test_request_context():
        page = render_template(
            "teacher/_mastery_body.html",
            klass={"id": 1},
            students=[{"id": 1, "display_name": "Ada"}],
            matrix=matrix,
        )
    cells = [
        re.sub(r"<[^>]+>|\s+", " ", c).split()[:2] for c in re.findall(r"<td[^>]*>(.*?)</td>", page)
    ]
    # 39 of 49 is 79.6%: "80% developing" would contradict "mastered is 80% or more".
    assert cells == [["79%", "developing"], ["no", "data"], ["49%", "beginning"]]


def test_a_question_left_blank_counts_against_its_skill(school, rivera):
    client, klass = rivera
    school.take(school.student(klass["id"], "Ada"), {"who-says": "nobody"})  # one of two

    page = text(client.get(f"/teacher/classes/{klass['id']}/mastery"))

    ada_row = re.search(r'<th scope="row">Ada</th>(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="mastery-cell[^"]*">(.*?)</td>', ada_row, re.S)
    # The evidence question, left blank, is worth 2 points of evidence evaluation.
    assert re.sub(r"<[^>]+>|\s+", " ", cells[2]).split() == [
        "0%",
        "beginning",
        "0",
        "of",
        "2",
        "pts",
    ]


# Learning gain


def test_the_gain_page_shows_matched_n_and_both_gains_labelled(new_school, content):
    school = new_school(
        {
            "pre-test": content.sample_quiz("pre-test", "Before the lesson"),
            "post-test": content.sample_quiz("post-test", "After the lesson"),
        }
    )
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ())
    school.assign(klass["id"], "pre-test", role="pre")
    school.assign(klass["id"], "post-test", role="post")
    ada, bo, cy = (school.student(klass["id"], n) for n in ("Ada", "Bo", "Cy"))
    school.take(ada, content.WRONG, "pre-test")  # 0% -> 100%: g = 1
    school.take(ada, content.RIGHT, "post-test")
    school.take(bo, {"who-says": "nobody"}, "pre-test")  # 33% -> 67%: g = 0.5
    school.take(bo, {"who-says": "nobody", "strong-evidence": ["report"]}, "post-test")
    school.take(cy, content.RIGHT, "pre-test")  # no post-test: left out

    page = text(client.get(f"/teacher/classes/{klass['id']}/gain"))
    assert "Pre-test: Before the lesson · Post-test: After the lesson" in page
    assert stat(page, "Matched students (N)") == "2"
    assert stat(page, "Class mean, pre") == "17%"
    assert stat(page, "Class mean, post") == "83%"
    assert stat(page, "Gain of the class means") == "0.80 high"
    assert stat(page, "Mean of per-student gains") == "0.75 high"
    assert "1 student took only one of the two tests and is left out." in page
    assert "compares two different skills" not in page  # both tests are on sourcing
    assert re.search(
        r"Ada</th><td class=\"num\">0%</td><td class=\"num\">100%</td>"
        r"<td class=\"num\">1.00",
        page,
    )


def test_a_gain_waits_for_the_written_answers_of_both_tests_to_be_graded(new_school, content):
    school = new_school(
        {
            "written": content.WRITTEN_QUIZ,
            "post-test": content.sample_quiz("post-test", "After the lesson"),
        }
    )
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ())
    school.assign(klass["id"], "written", role="pre")
    school.assign(klass["id"], "post-test", role="post")
    ada, bo = (school.student(klass["id"], n) for n in ("Ada", "Bo"))
    waiting = school.take(ada, {"who-says": "nobody", "plan": {"text": "The union."}}, "written")
    graded = school.take(bo, {"who-says": "nobody", "plan": {"text": "The report."}}, "written")
    school.take(ada, content.RIGHT, "post-test")
    school.take(bo, content.RIGHT, "post-test")
    with school.app.app_context():
        grading_store.record_grade(get_db(), graded["id"], "plan", 1, 1.0, "", None)

    page = text(client.get(f"/teacher/classes/{klass['id']}/gain"))

    # Ada's pre-test is 1 of 3 only until her written answer is graded: not a figure yet.
    assert stat(page, "Matched students (N)") == "1"
    assert stat(page, "Class mean, pre") == "67%"  # Bo: (1 + 1) of 3
    assert "1 student has written answers on these tests still to grade" in page
    assert f"/teacher/classes/{klass['id']}/grading" in page
    assert not re.search(r"Ada</th>", page)
    with school.app.app_context():
        grading_store.record_grade(get_db(), waiting["id"], "plan", 2, 2.0, "", None)
    page = text(client.get(f"/teacher/classes/{klass['id']}/gain"))
    assert stat(page, "Matched students (N)") == "2"
    assert "still to grade" not in page


def test_the_gain_page_explains_what_is_missing(school, rivera):
    client, klass = rivera
    page = text(client.get(f"/teacher/classes/{klass['id']}/gain"))
    assert "No lesson has both a pre-test and a post-test" in page
    school.assign(klass["id"], "sample-quiz", role="pre")
    page = text(client.get(f"/teacher/classes/{klass['id']}/gain"))
    assert "has a pre-test but no post-test yet" in page


# CSV exports


def download(client, url: str) -> tuple[list[list[str]], str, str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data().decode("utf-8")
    assert raw.startswith("\ufeff"), "a byte-order mark, for Excel to read it as UTF-8"
    raw = raw.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(raw))), raw, response.headers["Content-Disposition"]


AWKWARD_NAMES = ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx"]


def test_responses_csv_has_one_row_per_student_and_question(school, rivera, content):
    client, klass = rivera
    for name in ("Ada", "Bo"):
        school.take(school.student(klass["id"], name), content.RIGHT)
    rows, raw, disposition = download(client, f"/teacher/classes/{klass['id']}/responses.csv")
    header, body = rows[0], rows[1:]
    assert header[:6] == ["student", "student_id", "quiz", "attempt", "quiz_version", "question"]
    assert sorted((r[0], r[5]) for r in body) == [
        ("Ada", "strong-evidence"),
        ("Ada", "who-says"),
        ("Bo", "strong-evidence"),
        ("Bo", "who-says"),
    ]
    answers = {(r[0], r[5]): r[header.index("answer")] for r in body}
    assert answers[("Ada", "strong-evidence")] == "report|accused"
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    assert disposition == f'attachment; filename="history-9b-responses-{today}.csv"'


def test_responses_csv_has_each_written_answers_grade_and_comment(new_school, content):
    school = new_school({"written": content.WRITTEN_QUIZ})
    client = school.client("ms-rivera")
    teacher_id = school.teacher("ms-rivera")
    klass = school.klass("History 9B", teacher_id, ("written",))
    attempt = school.take(
        school.student(klass["id"], "Ada"),
        {"who-says": "nobody", "plan": {"text": "Ask the union."}},
        "written",
    )
    with school.app.app_context():
        grading_store.record_grade(
            get_db(), attempt["id"], "plan", 2, 2.0, "Name who to ask.", teacher_id
        )

    rows, _, _ = download(client, f"/teacher/classes/{klass['id']}/responses.csv")

    header = rows[0]
    plan = next(row for row in rows[1:] if row[header.index("question")] == "plan")
    assert plan[header.index("rubric_level")] == "2"
    assert plan[header.index("comment")] == "Name who to ask."


def test_responses_csv_leaves_out_attempts_still_in_progress(school, rivera, content):
    client, klass = rivera
    ada = school.student(klass["id"], "Ada")
    school.take(ada, content.RIGHT)
    school.save(school.student(klass["id"], "Bo"), {"who-says": "nobody"})
    rows, _, _ = download(client, f"/teacher/classes/{klass['id']}/responses.csv")
    assert {row[0] for row in rows[1:]} == {"Ada"}


def test_names_a_spreadsheet_would_run_are_neutralised_and_scores_stay_numbers(
    school, rivera, content
):
    client, klass = rivera
    for name in AWKWARD_NAMES:
        school.take(school.student(klass["id"], name), content.RIGHT)
    for what in ("responses", "gradebook"):
        rows, raw, _ = download(client, f"/teacher/classes/{klass['id']}/{what}.csv")
        names = {row[0] for row in rows[1:]}
        assert names == {"'" + name for name in AWKWARD_NAMES}, what
        for line in raw.splitlines()[1:]:
            for name in AWKWARD_NAMES:
                assert not line.startswith(name)
    rows, raw, _ = download(client, f"/teacher/classes/{klass['id']}/responses.csv")
    score = rows[0].index("score")
    lines = raw.split("\r\n")[1:-1]
    for row, line in zip(rows[1:], lines, strict=True):
        float(row[score])
        assert f",{row[score]}," in line  # written bare: no quotes around a number


def test_gradebook_csv_has_the_kept_score_and_maximum_per_quiz(school, rivera, content):
    client, klass = rivera
    ada = school.student(klass["id"], "Ada")
    school.take(ada, content.RIGHT)
    school.take(ada, content.WRONG)
    school.student(klass["id"], "Bo")
    rows, raw, disposition = download(client, f"/teacher/classes/{klass['id']}/gradebook.csv")
    assert rows[0] == [
        "student",
        "student_id",
        "sample-quiz (best)",
        "sample-quiz max",
        "sample-quiz to grade",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Ada"][2:] == ["3.0", "3.0", "0"]
    assert by_name["Bo"][2:] == ["", "3.0", ""]
    assert "\r\n" in raw
    assert "history-9b-gradebook-" in disposition


def _written_answer_csv(new_school, content, written: str, what: str):
    """The CSV of a class where Ada answered the written quiz with `written`."""
    school = new_school({"written": content.WRITTEN_QUIZ})
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ("written",))
    school.take(
        school.student(klass["id"], "Ada"),
        {"who-says": "nobody", "plan": {"text": written}},
        "written",
    )
    return download(client, f"/teacher/classes/{klass['id']}/{what}.csv")[0]


def test_gradebook_csv_says_how_many_written_answers_a_score_still_waits_for(new_school, content):
    rows = _written_answer_csv(new_school, content, "Ask who wrote the report.", "gradebook")
    ada = dict(zip(rows[0], rows[1], strict=True))
    # The score so far counts the written answer as no points: the sheet says so.
    assert (ada["written (best)"], ada["written to grade"]) == ("1.0", "1")


def test_a_written_answer_a_spreadsheet_would_run_is_neutralised(new_school, content):
    rows = _written_answer_csv(new_school, content, '=IMPORTXML("http://x")', "responses")
    answers = {row[5]: row[rows[0].index("answer")] for row in rows[1:]}
    assert answers == {"plan": '\'=IMPORTXML("http://x")', "who-says": "nobody"}
    score = {row[5]: row[rows[0].index("score")] for row in rows[1:]}
    assert score == {"plan": "", "who-says": "1.0"}  # not yet graded: empty, not zero


def test_a_student_sees_the_pre_test_before_the_lesson_quizzes_and_the_post_test_last(
    new_school, content
):
    school = new_school(
        {
            "a-post": content.sample_quiz("a-post", "After the lesson"),
            "b-quiz": content.sample_quiz("b-quiz", "During the lesson"),
            "c-pre": content.sample_quiz("c-pre", "Before the lesson"),
        }
    )
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ("b-quiz",))
    school.assign(klass["id"], "a-post", role="post")
    school.assign(klass["id"], "c-pre", role="pre")

    page = text(school.joined(klass["join_code"]).get("/"))

    order = [page.index(title) for title in ("Before", "During", "After")]
    assert order == sorted(order)


def test_the_gain_page_warns_when_the_two_tests_are_on_different_skills(new_school, content):
    school = new_school(
        {
            "pre-test": content.sample_quiz("pre-test", "Before the lesson"),
            "post-test": content.sample_quiz("post-test", "After the lesson").replace(
                'skill = "sourcing"\nintro', 'skill = "evidence-evaluation"\nintro', 1
            ),
        }
    )
    client = school.client("ms-rivera")
    klass = school.klass("History 9B", school.teacher("ms-rivera"), ())
    school.assign(klass["id"], "pre-test", role="pre")
    school.assign(klass["id"], "post-test", role="post")

    page = text(client.get(f"/teacher/classes/{klass['id']}/gain"))

    assert "The pre-test is on sourcing and the post-test on evidence evaluation" in page
