"""The teacher's reports, computed from store rows with the pure functions in stats."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from classroom import stats
from classroom.content import Lesson, Quiz
from classroom.questions import Question, question_type


@dataclass
class ItemReport:
    question: Question
    number: int
    n: int
    facility: float | None
    discrimination: float | None  # corrected item–rest correlation
    upper_lower: float | None
    flags: list[str]
    choice_counts: dict[str, int] = field(default_factory=dict)
    upper_counts: dict[str, int] = field(default_factory=dict)
    upper_n: int = 0  # students in the top 27% by total score
    blank: int = 0  # students who picked no choice at all
    upper_blank: int = 0
    unused: list[str] = field(default_factory=list)
    tally: Any = None  # the type's own view: a confusion table, sentence picks, levels
    by_confidence: dict[int, tuple[int, float]] = field(default_factory=dict)


@dataclass
class QuizReport:
    quiz: Quiz
    n: int
    percents: list[float]
    histogram: list[tuple[float, float, int]]
    mean_percent: float | None
    reliability: float | None
    reliability_kind: str
    items: list[ItemReport]
    older_versions: int
    enough_for_discrimination: bool
    waiting: int = 0  # students with a written answer not graded yet (0 points until it is)
    # Questions the reliability is computed over: one with an answer still to grade has
    # no score for that student yet, so it is left out until it is graded.
    reliability_items: int = 0


def _by_attempt(rows: Iterable[dict]) -> dict[int, dict[str, Any]]:
    attempts: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = attempts.setdefault(
            row["attempt_id"],
            {
                "student_id": row["student_id"],
                "total": row["total"] or 0.0,
                "max": row["max_score"],
                "version": row["quiz_version"],
                "answers": {},
            },
        )
        if row["question_id"] is not None:
            entry["answers"][row["question_id"]] = row
    return attempts


def quiz_report(quiz: Quiz, rows: list[dict]) -> QuizReport:
    """Item statistics over each student's first submitted attempt."""
    attempts = list(_by_attempt(rows).values())
    n = len(attempts)
    totals = [a["total"] for a in attempts]
    percents = [100 * a["total"] / a["max"] if a["max"] else 0.0 for a in attempts]
    upper = _upper_group(attempts)
    items = [
        _item_report(quiz, q, i, attempts, totals, upper)
        for i, q in enumerate(quiz.questions, start=1)
    ]
    matrix_items = [
        q for q in quiz.questions if all(_item_score(a, q) is not None for a in attempts)
    ]
    matrix = [[_item_score(a, q) for q in matrix_items] for a in attempts]
    dichotomous = stats.is_dichotomous(matrix) if matrix and matrix_items else False
    enough = n >= stats.MIN_N_FOR_DISCRIMINATION
    reliability = None
    if enough and len(matrix_items) >= 2:
        # KR-20 reads 0/1 scores: a 0-or-2 item counts as right or wrong.
        fractions = [
            [score / q.points for score, q in zip(row, matrix_items, strict=True)] for row in matrix
        ]
        reliability = stats.kr20(fractions) if dichotomous else stats.cronbach_alpha(matrix)
    return QuizReport(
        quiz=quiz,
        n=n,
        percents=percents,
        histogram=stats.histogram(percents, 100.0, bins=10),
        mean_percent=sum(percents) / n if n else None,
        reliability=reliability,
        reliability_kind="KR-20" if dichotomous else "Cronbach’s α",
        items=items,
        older_versions=sum(1 for a in attempts if a["version"] != quiz.version),
        enough_for_discrimination=enough,
        waiting=sum(1 for a in attempts if any(r["score"] is None for r in a["answers"].values())),
        reliability_items=len(matrix_items),
    )


def _item_score(attempt: dict, question: Question) -> float | None:
    """Points on the item; unanswered is 0; a written answer not yet graded is None."""
    row = attempt["answers"].get(question.id)
    if row is None:
        return 0.0
    return row["score"]


def _upper_group(attempts: list[dict]) -> set[int]:
    ranked = sorted(range(len(attempts)), key=lambda i: attempts[i]["total"], reverse=True)
    # The same top group as the upper-lower index's (stats.upper_lower_index).
    return set(ranked[: stats.group_size(len(attempts))])


def _item_report(
    quiz: Quiz,
    question: Question,
    number: int,
    attempts: list[dict],
    totals: list[float],
    upper: set[int],
) -> ItemReport:
    scored = [(i, _item_score(a, question)) for i, a in enumerate(attempts)]
    scored = [(i, s) for i, s in scored if s is not None]
    item = [s for _, s in scored]
    item_totals = [totals[i] for i, _ in scored]
    n = len(item)
    facility = stats.facility(item, question.points) if n else None
    enough = n >= stats.MIN_N_FOR_DISCRIMINATION
    discrimination = stats.item_rest_correlation(item, item_totals) if enough else None
    upper_lower = (
        stats.upper_lower_index([s / question.points for s in item], item_totals)
        if enough
        else None
    )
    answers = [a["answers"].get(question.id, {}).get("answer") for a in attempts]
    report = ItemReport(question, number, n, facility, discrimination, upper_lower, [])
    upper_key = upper_distractor = None
    if hasattr(question, "choices"):
        report.choice_counts = _choice_counts(answers)
        report.upper_counts = _choice_counts(a for i, a in enumerate(answers) if i in upper)
        report.upper_n = len(upper)
        report.blank = sum(1 for a in answers if not a)
        report.upper_blank = sum(1 for i, a in enumerate(answers) if i in upper and not a)
        # Every choice, picked or not: a distractor nobody picks does the least work of all.
        shares = stats.distractor_shares(
            {c.id: report.choice_counts.get(c.id, 0) for c in question.choices}, len(attempts)
        )
        correct = {c.id for c in question.choices if c.correct}
        report.unused = stats.unused_distractors(shares, correct) if len(attempts) >= 10 else []
        if upper and enough:
            upper_shares = stats.distractor_shares(report.upper_counts, len(upper))
            upper_key = max((upper_shares.get(c, 0.0) for c in correct), default=None)
            upper_distractor = max(
                (v for c, v in upper_shares.items() if c not in correct), default=0.0
            )
    kind = question_type(question.type)
    tally: Callable | None = getattr(kind, "tally", None)
    if tally is not None:
        report.tally = tally(
            question, [a["answers"][question.id] for a in attempts if question.id in a["answers"]]
        )
    report.by_confidence = _calibration(question, attempts)
    report.flags = stats.item_flags(facility, discrimination, n, upper_key, upper_distractor)
    return report


def _choice_counts(answers: Iterable[Any]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for answer in answers:
        if isinstance(answer, str):
            counts[answer] += 1
        elif isinstance(answer, list):
            counts.update(a for a in answer if isinstance(a, str))
    return dict(counts)


def _calibration(question: Question, attempts: list[dict]) -> dict[int, tuple[int, float]]:
    """For each confidence level: how many answers, and their mean share of the points."""
    if not question.confidence:
        return {}
    levels: dict[int, list[float]] = defaultdict(list)
    for attempt in attempts:
        row = attempt["answers"].get(question.id)
        if row and row["confidence"] and row["score"] is not None:
            levels[row["confidence"]].append(row["score"] / question.points)
    return {level: (len(v), sum(v) / len(v)) for level, v in sorted(levels.items())}


# --- what fooled the class --------------------------------------------------------------


@dataclass
class Confusion:
    expected: str  # the technique (or option) the key names
    chosen: str
    count: int
    questions: list[str]


def technique_confusions(quiz: Quiz, rows: list[dict]) -> list[Confusion]:
    """Which technique each wrong answer mistook the right one for, most common first."""
    found: dict[tuple[str, str], Confusion] = {}
    for attempt in _by_attempt(rows).values():
        for question in quiz.questions:
            row = attempt["answers"].get(question.id)
            if row is None:
                continue
            for expected, chosen in _mistakes(question, row["answer"]):
                entry = found.setdefault((expected, chosen), Confusion(expected, chosen, 0, []))
                entry.count += 1
                if question.id not in entry.questions:
                    entry.questions.append(question.id)
    return sorted(found.values(), key=lambda c: (-c.count, c.expected, c.chosen))


def _mistakes(question: Question, answer: Any) -> list[tuple[str, str]]:
    """(right technique, technique taken instead) for each wrong pick or pairing."""
    mistakes = []
    if hasattr(question, "choices"):
        key = [c for c in question.choices if c.correct]
        expected = next((c.technique for c in key if c.technique), None)
        picked = [answer] if isinstance(answer, str) else (answer or [])
        for choice_id in picked:
            choice = question.choice(choice_id)
            if choice and not choice.correct and choice.technique and expected:
                mistakes.append((expected, choice.technique))
    elif hasattr(question, "pairs") and isinstance(answer, dict):
        for pair in question.pairs:
            chosen = answer.get(pair.id)
            if chosen and chosen != pair.answer:
                mistakes.append((pair.answer, chosen))
    return mistakes


@dataclass
class MisleadingSentence:
    sentence_id: str
    text: str
    misled: int  # students who answered a question about it wrongly, or picked it wrongly
    questions: list[str]


def misleading_sentences(
    quiz: Quiz, lesson: Lesson | None, rows: list[dict]
) -> list[MisleadingSentence]:
    """The article's sentences ranked by how many students they misled."""
    if lesson is None:
        return []
    counts: dict[str, set[int]] = defaultdict(set)
    questions: dict[str, set[str]] = defaultdict(set)
    for attempt_id, attempt in _by_attempt(rows).items():
        for question in quiz.questions:
            row = attempt["answers"].get(question.id)
            if row is None or row["score"] is None or row["score"] >= question.points:
                continue
            wrong_picks = _wrong_sentences(question, row["answer"])
            for sentence_id in set(question.sentences) | wrong_picks:
                counts[sentence_id].add(attempt_id)
                questions[sentence_id].add(question.id)
    found = []
    # Ties in the article's order: "p10s1" comes after "p2s1".
    for place, sentence in enumerate(lesson.sentences):
        if sentence.id in counts:
            misled = len(counts[sentence.id])
            found.append(
                (
                    -misled,
                    place,
                    MisleadingSentence(
                        sentence.id, sentence.text, misled, sorted(questions[sentence.id])
                    ),
                )
            )
    return [entry for _, _, entry in sorted(found, key=lambda item: item[:2])]


def _wrong_sentences(question: Question, answer: Any) -> set[str]:
    right = set(getattr(question, "answers", ()) or ())
    if question.type != "evidence" or not isinstance(answer, list):
        return set()
    return {a for a in answer if a not in right}


# --- across quizzes ----------------------------------------------------------------------


def mastery_matrix(
    students: list[dict], rows: list[dict], quiz_for: Callable[[str, str], Quiz | None]
) -> dict[int, dict[str, tuple]]:
    """Per student and skill: (points earned, points possible, mastery) over each student's
    latest submitted attempt at every quiz. Every question of the attempt counts, a blank
    one for none of its points (or skipping the hard ones would raise the level); only
    written answers not graded yet are left out."""
    earned: dict[tuple[int, str], float] = defaultdict(float)
    possible: dict[tuple[int, str], float] = defaultdict(float)
    taken: dict[tuple[int, str, str], dict[str, float | None]] = defaultdict(dict)
    for row in rows:
        scores = taken[(row["student_id"], row["quiz_slug"], row["quiz_version"])]
        if row["question_id"] is not None:
            scores[row["question_id"]] = row["score"]
    for (student_id, slug, version), scores in taken.items():
        quiz = quiz_for(slug, version)
        for question in quiz.questions if quiz else ():
            if question.id in scores and scores[question.id] is None:
                continue  # a written answer waiting for its grade
            key = (student_id, question.skill)
            earned[key] += scores.get(question.id) or 0.0
            possible[key] += question.points
    matrix: dict[int, dict[str, tuple]] = {}
    for student in students:
        matrix[student["id"]] = {}
        for skill in ("sourcing", "denial-rhetoric", "evidence-evaluation"):
            key = (student["id"], skill)
            level = stats.mastery(earned[key], possible[key]) if possible[key] else None
            matrix[student["id"]][skill] = (earned[key], possible[key], level)
    return matrix


@dataclass
class GainReport:
    lesson: str
    pre: Quiz
    post: Quiz
    students: list[tuple[dict, float, float, float | None]]  # student, pre %, post %, gain
    summary: dict[str, Any]
    unmatched: int
    waiting: int = 0  # took both, but a written answer on either is not graded yet


def learning_gain(students: list[dict], attempts: list[dict], pre: Quiz, post: Quiz) -> GainReport:
    """Hake's normalised gain on students who took both tests (first attempts). A student
    whose written answers on either test are not graded yet waits: until then their
    percent counts those answers as nothing."""

    def first_attempts(slug: str) -> dict[int, dict]:
        found: dict[int, dict] = {}
        for attempt in attempts:
            if (
                attempt["quiz_slug"] == slug
                and attempt["student_id"] not in found
                and attempt["max_score"]
            ):
                found[attempt["student_id"]] = attempt
        return found

    def percent(attempt: dict) -> float:
        return 100 * (attempt["score"] or 0) / attempt["max_score"]

    pre_attempts, post_attempts = first_attempts(pre.slug), first_attempts(post.slug)
    rows = []
    waiting = 0
    for student in students:
        sid = student["id"]
        if sid not in pre_attempts or sid not in post_attempts:
            continue
        if pre_attempts[sid].get("ungraded") or post_attempts[sid].get("ungraded"):
            waiting += 1
            continue
        before, after = percent(pre_attempts[sid]), percent(post_attempts[sid])
        rows.append((student, before, after, stats.hake_gain(before, after)))
    took_one = set(pre_attempts) ^ set(post_attempts)
    return GainReport(
        pre.lesson,
        pre,
        post,
        rows,
        stats.class_gain([(p, q) for _, p, q, _ in rows]),
        len(took_one),
        waiting,
    )


def _share(attempt: dict) -> float:
    """The attempt's score as a share of its own version's maximum."""
    return (attempt["score"] or 0) / attempt["max_score"] if attempt["max_score"] else 0.0


def gradebook(
    students: list[dict], quizzes: list[Quiz], attempts: list[dict]
) -> dict[int, dict[str, dict | None]]:
    """Per student and quiz: the attempt that counts (best or latest, per the quiz's rule)."""
    keep = {q.slug: q.keep for q in quizzes}
    book: dict[int, dict[str, dict | None]] = {
        s["id"]: {q.slug: None for q in quizzes} for s in students
    }
    for attempt in attempts:
        row = book.get(attempt["student_id"])
        if row is None or attempt["quiz_slug"] not in row:
            continue
        held = row[attempt["quiz_slug"]]
        rule = keep[attempt["quiz_slug"]]
        if (
            held is None
            or (rule == "latest" and attempt["number"] > held["number"])
            or (rule == "best" and _share(attempt) > _share(held))
        ):
            row[attempt["quiz_slug"]] = {**attempt, "count": (held or {}).get("count", 0)}
        row[attempt["quiz_slug"]]["count"] = row[attempt["quiz_slug"]].get("count", 0) + 1
    return book
