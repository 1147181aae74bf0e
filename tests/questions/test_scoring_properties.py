"""Properties every auto-scored question type keeps, for any question and any answer:
the score lies within [0, points]; full points exactly when the answer equals the key;
the same answer always scores the same."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from classroom import grading
from classroom.content.lessons import parse_lesson
from classroom.content.quizzes import build_quiz
from classroom.questions import question_type, registered_types

LESSON = parse_lesson(Path(__file__).resolve().parents[1] / "fixtures" / "lessons" / "sample.md")
SENTENCES = {s.id: s.text for s in LESSON.sentences}
IDS = [f"x{n}" for n in range(8)]

# Points as an author writes them: whole numbers or up to two decimals.
points = st.one_of(st.integers(1, 10), st.integers(1, 5000).map(lambda n: n / 100))


def common(kind: str, value: float) -> dict[str, Any]:
    return {
        "id": "prop",
        "type": kind,
        "skill": "sourcing",
        "prompt": "Prompt.",
        "explanation": "Why.",
        "points": value,
    }


def build(raw: dict[str, Any]):
    """Parse one question as a quiz file would give it."""
    quiz = build_quiz(
        {
            "format": 1,
            "slug": "prop",
            "title": "Properties",
            "lesson": "sample",
            "skill": "sourcing",
            "questions": [raw],
        },
        [],
        "prop.toml",
        "prop",
        LESSON,
    )
    return quiz.questions[0]


@st.composite
def choice_questions(draw, kind: str):
    count = draw(st.integers(2, 6))
    if kind == "single":
        right = {draw(st.integers(0, count - 1))}
    else:
        right = set(draw(st.lists(st.integers(0, count - 1), min_size=1, unique=True)))
    choices = [
        {"id": IDS[n], "text": f"Choice {n}", "correct": n in right, "feedback": "Because."}
        for n in range(count)
    ]
    return build({**common(kind, draw(points)), "choices": choices})


@st.composite
def match_questions(draw):
    options = draw(st.integers(2, 5))
    pairs = draw(st.integers(2, 6))
    return build(
        {
            **common("match", draw(points)),
            "options": [{"id": IDS[n], "text": f"Option {n}"} for n in range(options)],
            "pairs": [
                {
                    "id": f"pair-{n}",
                    "text": f"Pair {n}",
                    "answer": IDS[draw(st.integers(0, options - 1))],
                    "feedback": "Because.",
                }
                for n in range(pairs)
            ],
        }
    )


@st.composite
def order_questions(draw):
    count = draw(st.integers(2, 7))
    return build(
        {
            **common("order", draw(points)),
            "items": [
                {"id": IDS[n], "text": f"Item {n}", "feedback": "Because."} for n in range(count)
            ],
        }
    )


@st.composite
def evidence_questions(draw):
    right = draw(st.lists(st.sampled_from(sorted(SENTENCES)), min_size=1, unique=True))
    return build(
        {
            **common("evidence", draw(points)),
            "answers": [SENTENCES[s] for s in right],
            "right_feedback": "Right.",
            "wrong_feedback": "Wrong.",
        }
    )


@st.composite
def answers_for(draw, question):
    """Any answer a student could give through the form."""
    kind = question.type
    if kind == "single":
        return draw(st.sampled_from([c.id for c in question.choices]))
    if kind == "multiple":
        return sorted(draw(st.sets(st.sampled_from([c.id for c in question.choices]))))
    if kind == "match":
        options = [o.id for o in question.options]
        return {p.id: draw(st.sampled_from(options)) for p in question.pairs if draw(st.booleans())}
    if kind == "order":
        return draw(st.permutations([i.id for i in question.items]))
    if kind == "evidence":
        return sorted(draw(st.sets(st.sampled_from([s.id for s in question.article]))))
    raise AssertionError(f"no answers for {kind}")


QUESTIONS = {
    "single": choice_questions("single"),
    "multiple": choice_questions("multiple"),
    "match": match_questions(),
    "order": order_questions(),
    "evidence": evidence_questions(),
}
any_question = st.one_of(*QUESTIONS.values())


def test_every_auto_scored_type_is_covered():
    auto = {name for name, kind in registered_types().items() if kind.auto_scored}
    assert auto <= set(QUESTIONS)
    assert {"match", "order", "evidence"} <= auto


@given(st.data())
def test_a_score_is_within_zero_and_the_points(data):
    question = data.draw(any_question)
    answer = data.draw(answers_for(question))
    question_type(question.type).check_answer(question, answer)
    score = question_type(question.type).score(question, answer)
    assert 0.0 <= score <= question.points
    assert 0.0 <= grading.score_question(question, answer) <= question.points


@given(st.data())
def test_full_points_exactly_when_the_answer_is_the_key(data):
    question = data.draw(any_question)
    kind = question_type(question.type)
    key = kind.key(question)
    assert kind.score(question, key) == question.points
    answer = data.draw(answers_for(question))
    assert (kind.score(question, answer) == question.points) == (answer == key)


@given(st.data())
def test_the_same_answer_always_scores_the_same(data):
    question = data.draw(any_question)
    answer = data.draw(answers_for(question))
    kind = question_type(question.type)
    first = kind.score(question, answer)
    # Again, and on the answer as stored (JSON) and read back.
    assert kind.score(question, answer) == first
    assert kind.score(question, json.loads(json.dumps(answer))) == first
    assert grading.score_question(question, answer) == grading.score_question(question, answer)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
    | st.sampled_from(IDS + sorted(SENTENCES) + ["pair-0", "pair-1"]),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=6) | st.sampled_from(["pair-0"]), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(any_question, json_values)
def test_any_stored_value_scores_within_the_points_and_never_fails(question, stored):
    score = grading.score_question(question, stored)
    assert 0.0 <= score <= question.points
