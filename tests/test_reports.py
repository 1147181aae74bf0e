"""The teacher's reports computed from hand-made rows: item statistics, gradebook, gain."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from support import WRITTEN_QUESTION

from classroom import grading, reports, stats
from classroom.content import load_catalogue

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NEGATIVE_FLAG = "Most students who did well overall got this wrong: check the key."

FOOLED_QUIZ = (
    """
format = 1
slug = "fooled"
title = "What fooled us"
lesson = "sample"
skill = "denial-rhetoric"
intro = "Moves and sentences."

[settings]
attempts = 1
feedback = "after_submit"

[[questions]]
id = "move"
type = "single"
skill = "denial-rhetoric"
prompt = "What move does “It is believed” make?"
explanation = "It hides who believes."
sentences = ["It is believed"]
confidence = true

[[questions.choices]]
id = "passive"
text = "An agentless passive"
correct = true
technique = "agentless-passive"
feedback = "Yes."

[[questions.choices]]
id = "assurance"
text = "An assurance"
correct = false
technique = "assurance"
feedback = "No."

[[questions.choices]]
id = "plain"
text = "A plain fact"
correct = false
feedback = "No."

[[questions]]
id = "pairs"
type = "match"
skill = "denial-rhetoric"
prompt = "Match each sentence to its move."
explanation = "Each does one thing."
options = [
  { id = "assurance", text = "An assurance" },
  { id = "passive", text = "An agentless passive" },
]

[[questions.pairs]]
id = "safe"
text = "The bridge is safe"
answer = "assurance"
feedback = "An assurance."

[[questions.pairs]]
id = "believed"
text = "It is believed"
answer = "passive"
feedback = "Believed by whom?"

[[questions]]
id = "where"
type = "evidence"
skill = "evidence-evaluation"
prompt = "Pick the sentence that cites a document."
explanation = "The report is a document."
answers = ["A leaked report lists 40 cracks"]
right_feedback = "Right."
wrong_feedback = "Not a document."

"""
    + WRITTEN_QUESTION
)


def checks_quiz() -> str:
    parts = [
        'format = 1\nslug = "checks"\ntitle = "Checks"\nlesson = "sample"\n'
        'skill = "sourcing"\nintro = "Checks."\n\n[settings]\nattempts = 1\n'
        'feedback = "after_submit"\n'
    ]
    for n in range(1, 6):
        parts.append(
            f'\n[[questions]]\nid = "q{n}"\ntype = "single"\nskill = "sourcing"\n'
            f'prompt = "Check {n}?"\nexplanation = "Because."\n\n'
            '[[questions.choices]]\nid = "right"\ntext = "Right"\ncorrect = true\n'
            'feedback = "Yes."\n\n[[questions.choices]]\nid = "wrong"\n'
            'text = "Wrong"\ncorrect = false\nfeedback = "No."\n'
        )
    return "".join(parts)


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quizzes")
    (folder / "sample-quiz.toml").write_text(
        (FIXTURES / "quizzes" / "sample-quiz.toml").read_text()
    )
    (folder / "fooled.toml").write_text(FOOLED_QUIZ)
    (folder / "checks.toml").write_text(checks_quiz())
    loaded = load_catalogue(FIXTURES / "lessons", folder)
    assert not loaded.problems, loaded.problems
    return loaded


@pytest.fixture
def sample(cat):
    return cat.quizzes["sample-quiz"]


def attempt_rows(
    quiz,
    attempt_id: int,
    student_id: int,
    answers: dict,
    *,
    scores: dict | None = None,
    confidence: int | None = None,
    version: str | None = None,
) -> list[dict]:
    """The rows the store gives for one submitted attempt, scored as the app scores."""
    scored = grading.grade_answers(quiz, answers)
    scored.update(scores or {})
    total = sum(score for score in scored.values() if score is not None)
    base = {
        "attempt_id": attempt_id,
        "student_id": student_id,
        "total": total,
        "max_score": quiz.max_score,
        "quiz_version": version or quiz.version,
    }
    if not answers:
        return [{**base, "question_id": None, "answer": None, "score": None, "confidence": None}]
    return [
        {
            **base,
            "question_id": qid,
            "answer": answer,
            "score": scored[qid],
            "confidence": confidence,
        }
        for qid, answer in answers.items()
    ]


def rows_of(quiz, answer_sets: list[dict], **kwargs) -> list[dict]:
    rows = []
    for number, answers in enumerate(answer_sets, start=1):
        rows += attempt_rows(quiz, number, 100 + number, answers, **kwargs)
    return rows


RIGHT = {"who-says": "nobody", "strong-evidence": ["report", "accused"]}
HALF = {"who-says": "nobody", "strong-evidence": ["report"]}
WRONG = {"who-says": "minister", "strong-evidence": ["minister"]}


# quiz_report


def test_a_small_class_gets_n_facility_and_choice_counts_but_no_discrimination(sample):
    report = reports.quiz_report(sample, rows_of(sample, [RIGHT, HALF, WRONG]))
    assert report.n == 3
    assert report.mean_percent == pytest.approx((100 + 200 / 3 + 0) / 3)
    assert sorted(report.percents) == pytest.approx([0, 200 / 3, 100])
    assert sum(count for _, _, count in report.histogram) == 3
    assert not report.enough_for_discrimination
    assert report.reliability is None
    who_says, evidence = report.items
    assert (who_says.number, who_says.n) == (1, 3)
    assert who_says.facility == pytest.approx(2 / 3)
    assert evidence.facility == pytest.approx((2 + 1 + 0) / 6)
    assert who_says.discrimination is None and who_says.upper_lower is None
    assert who_says.choice_counts == {"nobody": 2, "minister": 1}
    assert evidence.choice_counts == {"report": 2, "accused": 1, "minister": 1}
    assert who_says.flags == []


def test_an_attempt_with_no_answers_counts_zero_on_every_question(sample):
    report = reports.quiz_report(sample, rows_of(sample, [RIGHT, {}]))
    assert report.n == 2
    assert [item.n for item in report.items] == [2, 2]
    assert report.items[0].facility == pytest.approx(0.5)
    assert sorted(report.percents) == [0, 100]


def test_no_rows_make_an_empty_report(sample):
    report = reports.quiz_report(sample, [])
    assert (report.n, report.mean_percent, report.reliability) == (0, None, None)
    assert all(item.n == 0 and item.facility is None for item in report.items)


def test_attempts_on_an_earlier_version_are_counted_and_noted(sample):
    rows = rows_of(sample, [RIGHT]) + attempt_rows(sample, 9, 109, WRONG, version="older")
    report = reports.quiz_report(sample, rows)
    assert (report.n, report.older_versions) == (2, 1)


def test_an_ungraded_written_answer_is_left_out_of_its_questions_figures(cat):
    fooled = cat.quizzes["fooled"]
    rows = []
    for number, level in enumerate([2.0, 1.0, None], start=1):
        rows += attempt_rows(
            fooled,
            number,
            100 + number,
            {"move": "passive", "plan": {"text": "Check it."}},
            scores={"plan": level},
        )
    report = reports.quiz_report(fooled, rows)
    plan = next(item for item in report.items if item.question.id == "plan")
    assert plan.n == 2
    assert plan.facility == pytest.approx(0.75)
    move = next(item for item in report.items if item.question.id == "move")
    assert move.n == 3


def test_reliability_says_it_leaves_out_a_question_with_answers_still_to_grade(cat):
    fooled = cat.quizzes["fooled"]
    rows = []
    for number in range(1, 17):
        level = None if number == 16 else float(number % 3)
        move = "passive" if number % 2 else "assurance"
        answers = {"move": move, "plan": {"text": "Check it."}}
        rows += attempt_rows(fooled, number, 100 + number, answers, scores={"plan": level})
    report = reports.quiz_report(fooled, rows)
    assert report.reliability is not None
    assert (report.reliability_items, len(fooled.questions)) == (3, 4)


def ability_rows(quiz, students: int = 16) -> list[dict]:
    """Students of rising ability; q5 is miskeyed, so the strong get it 'wrong'."""
    rows = []
    for i in range(students):
        answers = {
            f"q{n}": "right" if i >= threshold else "wrong"
            for n, threshold in ((1, 2), (2, 5), (3, 8), (4, 11))
        }
        answers["q5"] = "right" if i < students // 2 else "wrong"
        rows += attempt_rows(quiz, i + 1, 100 + i, answers)
    return rows


def test_fifteen_students_bring_discrimination_reliability_and_a_miskey_flag(cat):
    checks = cat.quizzes["checks"]
    report = reports.quiz_report(checks, ability_rows(checks, 16))
    assert report.enough_for_discrimination
    assert report.reliability is not None and report.reliability_kind == "KR-20"
    q1, q5 = report.items[0], report.items[4]
    assert q1.discrimination > 0.3 and q1.upper_lower > 0
    assert q5.discrimination < 0 and q5.upper_lower < 0
    assert NEGATIVE_FLAG in q5.flags
    assert any("check the key" in flag for flag in q5.flags)
    assert not any("check the key" in flag for flag in q1.flags)
    assert q5.upper_counts == {"wrong": 4}


def test_fourteen_students_are_too_few_for_discrimination(cat):
    checks = cat.quizzes["checks"]
    report = reports.quiz_report(checks, ability_rows(checks, 14))
    assert report.n == 14 < stats.MIN_N_FOR_DISCRIMINATION
    assert all(item.discrimination is None for item in report.items)
    assert report.reliability is None
    assert not any("check the key" in flag for item in report.items for flag in item.flags)


def test_a_wrong_choice_nobody_picks_is_named_as_doing_no_work(cat):
    checks = cat.quizzes["checks"]
    rows = rows_of(
        checks, [{"q1": "right", "q2": "right" if i % 2 else "wrong"} for i in range(10)]
    )
    report = reports.quiz_report(checks, rows)
    assert report.items[0].unused == ["wrong"]  # picked by nobody
    assert report.items[1].unused == []  # picked by half


def test_confidence_is_set_against_accuracy(cat):
    fooled = cat.quizzes["fooled"]
    rows = (
        attempt_rows(fooled, 1, 101, {"move": "passive"}, confidence=3)
        + attempt_rows(fooled, 2, 102, {"move": "assurance"}, confidence=3)
        + attempt_rows(fooled, 3, 103, {"move": "plain"}, confidence=1)
    )
    move = reports.quiz_report(fooled, rows).items[0]
    assert move.by_confidence == {1: (1, 0.0), 3: (2, 0.5)}


# technique_confusions and misleading_sentences


def fooled_rows(fooled) -> list[dict]:
    return (
        attempt_rows(
            fooled,
            1,
            101,
            {
                "move": "assurance",
                "where": ["p1s1"],
                "pairs": {"safe": "passive", "believed": "passive"},
            },
        )
        + attempt_rows(
            fooled,
            2,
            102,
            {
                "move": "assurance",
                "where": ["p2s2"],
                "pairs": {"safe": "assurance", "believed": "passive"},
            },
        )
        + attempt_rows(
            fooled, 3, 103, {"move": "plain", "where": ["p2s2"], "plan": {"text": "Check."}}
        )
        + attempt_rows(
            fooled,
            4,
            104,
            {
                "move": "passive",
                "where": ["p2s2"],
                "pairs": {"safe": "assurance", "believed": "passive"},
            },
        )
    )


def test_confusions_name_the_technique_mistaken_for_another_most_common_first(cat):
    fooled = cat.quizzes["fooled"]
    found = reports.technique_confusions(fooled, fooled_rows(fooled))
    assert [(c.expected, c.chosen, c.count, c.questions) for c in found] == [
        ("agentless-passive", "assurance", 2, ["move"]),
        ("assurance", "passive", 1, ["pairs"]),
    ]


def test_no_wrong_answers_mean_no_confusions(sample, cat):
    assert reports.technique_confusions(sample, rows_of(sample, [RIGHT, RIGHT])) == []
    assert reports.technique_confusions(cat.quizzes["fooled"], []) == []


def test_misleading_sentences_rank_the_sentences_behind_wrong_answers(cat):
    fooled = cat.quizzes["fooled"]
    lesson = cat.lessons["sample"]
    found = reports.misleading_sentences(fooled, lesson, fooled_rows(fooled))
    by_id = {s.sentence_id: s for s in found}
    # "It is believed" (p2s1) is what the three wrong answers to `move` were about.
    assert found[0].sentence_id == "p2s1"
    assert by_id["p2s1"].text == "It is believed that repairs will cost millions."
    assert (by_id["p2s1"].misled, by_id["p2s1"].questions) == (3, ["move"])
    # p1s1 was picked, wrongly, as the document.
    assert (by_id["p1s1"].misled, by_id["p1s1"].questions) == (1, ["where"])
    # An ungraded written answer misleads nobody; nor does a right answer.
    assert all("plan" not in s.questions for s in found)
    assert [s.misled for s in found] == sorted((s.misled for s in found), reverse=True)
    # Ties stand in the article's order (by place, not by id: "p10s1" after "p2s1").
    place = {sentence.id: n for n, sentence in enumerate(lesson.sentences)}
    assert [(-s.misled, place[s.sentence_id]) for s in found] == sorted(
        (-s.misled, place[s.sentence_id]) for s in found
    )


def test_misleading_sentences_need_the_lesson(cat):
    fooled = cat.quizzes["fooled"]
    assert reports.misleading_sentences(fooled, None, fooled_rows(fooled)) == []


# gradebook


def attempt(student_id: int, slug: str, number: int, score: float | None) -> dict:
    return {
        "id": student_id * 100 + number,
        "student_id": student_id,
        "quiz_slug": slug,
        "number": number,
        "score": score,
        "max_score": 3.0,
        "ungraded": 0,
    }


def test_the_gradebook_keeps_the_best_or_the_latest_attempt_per_quiz(sample):
    latest = dataclasses.replace(sample, slug="latest-quiz", keep="latest")
    students = [{"id": 1}, {"id": 2}, {"id": 3}]
    attempts = [
        attempt(1, "sample-quiz", 1, 2),
        attempt(1, "sample-quiz", 2, 3),
        attempt(1, "sample-quiz", 3, 1),
        attempt(1, "latest-quiz", 2, 1),
        attempt(1, "latest-quiz", 1, 3),
        attempt(2, "sample-quiz", 1, None),
        attempt(9, "sample-quiz", 1, 3),
        attempt(1, "other-quiz", 1, 3),
    ]
    book = reports.gradebook(students, [sample, latest], attempts)
    assert set(book) == {1, 2, 3}
    assert (
        book[1]["sample-quiz"]["score"],
        book[1]["sample-quiz"]["number"],
        book[1]["sample-quiz"]["count"],
    ) == (3, 2, 3)
    assert (
        book[1]["latest-quiz"]["score"],
        book[1]["latest-quiz"]["number"],
        book[1]["latest-quiz"]["count"],
    ) == (1, 2, 2)
    assert book[2]["sample-quiz"]["count"] == 1 and book[2]["latest-quiz"] is None
    assert book[3] == {"sample-quiz": None, "latest-quiz": None}


def test_among_equal_best_scores_the_first_attempt_counts(sample):
    book = reports.gradebook(
        [{"id": 1}], [sample], [attempt(1, "sample-quiz", 1, 2), attempt(1, "sample-quiz", 2, 2)]
    )
    assert book[1]["sample-quiz"]["number"] == 1


def test_the_best_attempt_is_the_best_share_of_its_own_maximum(sample):
    # 3 of 3 on the first version beats 3.5 of 4 on a later one worth more points.
    full = attempt(1, "sample-quiz", 1, 3)
    most = {**attempt(1, "sample-quiz", 2, 3.5), "max_score": 4.0}
    book = reports.gradebook([{"id": 1}], [sample], [full, most])
    assert book[1]["sample-quiz"]["number"] == 1
    assert book[1]["sample-quiz"]["count"] == 2


# learning_gain


def test_the_gain_uses_matched_students_first_attempts_and_reports_both_means(sample):
    pre = dataclasses.replace(sample, slug="pre")
    post = dataclasses.replace(sample, slug="post")
    students = [
        {"id": n, "display_name": name}
        for n, name in [(1, "Ada"), (2, "Bo"), (3, "Cy"), (4, "Di"), (5, "Ed")]
    ]
    attempts = [
        attempt(1, "pre", 1, 0),
        attempt(1, "post", 1, 3),
        attempt(2, "pre", 1, 1),
        attempt(2, "post", 1, 2),
        attempt(2, "post", 2, 3),
        attempt(3, "pre", 1, 3),
        attempt(3, "post", 1, 3),
        attempt(4, "pre", 1, 1),
    ]
    gain = reports.learning_gain(students, attempts, pre, post)
    by_name = {s["display_name"]: (p, q, g) for s, p, q, g in gain.students}
    assert set(by_name) == {"Ada", "Bo", "Cy"}
    assert by_name["Ada"] == (0, 100, 1.0)
    assert by_name["Bo"] == pytest.approx((100 / 3, 200 / 3, 0.5))  # the retake is ignored
    assert by_name["Cy"][2] is None  # 100% before: no room to gain
    assert gain.unmatched == 1
    summary = gain.summary
    assert summary["n"] == 3 and summary["skipped"] == 1
    assert summary["pre_mean"] == pytest.approx((0 + 100 / 3 + 100) / 3)
    assert summary["gain_of_means"] == pytest.approx(
        stats.hake_gain(summary["pre_mean"], summary["post_mean"])
    )
    assert summary["mean_of_gains"] == pytest.approx(0.75)
    assert gain.pre.slug == "pre" and gain.post.slug == "post" and gain.lesson == "sample"


def test_no_matched_students_give_an_empty_gain(sample):
    pre = dataclasses.replace(sample, slug="pre")
    post = dataclasses.replace(sample, slug="post")
    gain = reports.learning_gain(
        [{"id": 1, "display_name": "Ada"}], [attempt(1, "pre", 1, 2)], pre, post
    )
    assert gain.students == [] and gain.unmatched == 1
    assert gain.summary["n"] == 0 and gain.summary["mean_of_gains"] is None
