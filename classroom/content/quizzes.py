"""Load a quiz file: validate it question by question and give it a version."""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from classroom import limits
from classroom.content.lessons import _toml_error_line, _toml_message
from classroom.content.markdown import dropped_markup, render_inline, render_markdown
from classroom.content.model import (
    FEEDBACK_MODES,
    KEEP_RULES,
    MAX_ATTEMPTS,
    SKILLS,
    SLUG_PATTERN,
    Lesson,
    Problem,
    Quiz,
    slug_problem,
)
from classroom.problems import file_lines
from classroom.questions.base import ID_PATTERN, ParseContext, Question, registered_types
from classroom.questions.lines import key_line

FORMAT = 1
# More than this is a typo, and a sum of huge values would overflow to inf.
MAX_POINTS = 100
QUIZ_KEYS = {"format", "slug", "title", "lesson", "skill", "intro", "settings", "questions"}
QUESTION_KEYS = {
    "id",
    "type",
    "skill",
    "prompt",
    "points",
    "explanation",
    "sentences",
    "confidence",
}
_QUESTION_HEADER = re.compile(r"^\s*\[\[\s*questions\s*\]\]")


class QuizError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class SentenceTable:
    """The sentences a quiz version was checked against, kept with its snapshot."""

    slug: str
    sentences: tuple[Any, ...]


@dataclass(frozen=True)
class _Sentence:
    id: str
    text: str

    @cached_property
    def plain(self) -> str:
        """The sentence as the student read it, as a lesson's Sentence has it."""
        return render_inline(self.text).striptags()


def parse_quiz(
    path: Path,
    lessons: Mapping[str, Lesson],
    label: str | None = None,
    lessons_dir: str | None = None,
    broken_lessons: Mapping[str, str] | None = None,
) -> Quiz:
    """Parse and validate one quiz file; raise QuizError listing every problem.

    `lessons_dir` names the lessons folder in a message, and `broken_lessons` maps
    the slug of each lesson file that did not load to that file.
    """
    label = label or str(path)
    try:  # -sig: Windows Notepad starts a UTF-8 file with a byte-order mark
        text = path.read_text(encoding="utf-8-sig")
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(error)
        raise QuizError(
            [Problem(label, line, f"not valid TOML: {_toml_message(error)}")]
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise QuizError([Problem(label, 1, f"cannot read the file: {error}")]) from error
    slug = raw.get("lesson")
    lesson = lessons.get(slug) if isinstance(slug, str) else None
    trouble = None if lesson else _lesson_problem(slug, lessons_dir, broken_lessons or {})
    return build_quiz(raw, file_lines(text), label, path.stem, lesson, lesson_problem=trouble)


def _lesson_problem(slug: Any, lessons_dir: str | None, broken: Mapping[str, str]) -> str:
    """Why the quiz's `lesson` names no loaded lesson, in the author's terms."""
    if slug is None:
        return "lesson is missing: give the slug of the lesson this quiz belongs to"
    if not isinstance(slug, str) or not slug.strip():
        return "lesson must be the slug of a lesson, as text: its file name without .md"
    if slug in broken:
        # The lesson's own problems are listed under its file; one line here is enough.
        return f'lesson "{slug}" has mistakes (see {broken[slug]}); fix them first'
    where = f"{lessons_dir}/{slug}.md" if lessons_dir else f"{slug}.md"
    return f'no lesson with slug "{slug}": there is no {where}'


def quiz_from_snapshot(snapshot: str, label: str) -> Quiz:
    """Rebuild the quiz exactly as it was when an attempt was taken on it."""
    data = json.loads(snapshot)
    table = SentenceTable(
        data["lesson"], tuple(_Sentence(sid, text) for sid, text in data["sentences"].items())
    )
    return build_quiz(data["quiz"], [], label, data["quiz"].get("slug", ""), table, stored=True)


def build_quiz(
    raw: dict[str, Any],
    lines: list[str],
    label: str,
    expected_slug: str,
    lesson: Any,
    lesson_problem: str | None = None,
    stored: bool = False,
) -> Quiz:
    """Validate a parsed quiz and build it; raise QuizError listing every problem.

    A `stored` version was taken by students: it is rebuilt as it was, so the limits
    added since (on points, say) are not applied to it.
    """
    problems: list[Problem] = []

    def problem(message: str, key: str | None = None, table: tuple[str, ...] = ()) -> None:
        line = key_line(lines, key, table) if key else None
        problems.append(Problem(label, line or 1, message))

    if raw.get("format") != FORMAT:
        problem(f"format must be {FORMAT}", "format")
    for key in sorted(set(raw) - QUIZ_KEYS):
        problem(f'unknown key "{key}"', key)
    slug = raw.get("slug")
    if not stored and not SLUG_PATTERN.match(expected_slug):
        problem(slug_problem(Path(f"{expected_slug}.toml")), "slug")
    if slug != expected_slug:
        problem(f'slug must be "{expected_slug}", the file name without .toml', "slug")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        problem("title must be a non-empty string", "title")
    if lesson_problem:
        problem(lesson_problem, "lesson")
    if not _one_of(raw.get("skill"), SKILLS):
        problem(f"skill must be one of: {', '.join(SKILLS)}", "skill")
    intro = raw.get("intro", "")
    if not isinstance(intro, str):
        problem("intro must be a string of Markdown", "intro")
        intro = ""
    settings = raw.get("settings", {})
    if not isinstance(settings, dict):
        problem("settings must be a table ([settings])", "settings")
    attempts, feedback, keep = _settings(
        settings if isinstance(settings, dict) else {}, problem, stored
    )

    questions = _questions(raw.get("questions"), lines, label, lesson, problems, stored)
    problems.extend(_dropped_markup(lines, raw.get("questions"), label))
    if problems:
        raise QuizError(problems)
    sentences = {s.id: s.text for s in lesson.sentences} if lesson else {}
    snapshot = json.dumps(
        {"quiz": raw, "lesson": raw["lesson"], "sentences": sentences},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return Quiz(
        slug=slug,
        title=title.strip(),
        lesson=raw["lesson"],
        skill=raw["skill"],
        intro_html=render_markdown(intro),
        attempts=attempts,
        feedback=feedback,
        keep=keep,
        questions=tuple(questions),
        version=hashlib.sha256(snapshot.encode()).hexdigest()[:12],
        path=label,
        snapshot=snapshot,
    )


def _settings(
    settings: dict[str, Any],
    report: Callable[[str, str, tuple[str, ...]], None],
    stored: bool = False,
) -> tuple[int, str, str]:
    def problem(message: str, key: str) -> None:
        report(message, key, ("settings",))

    attempts = settings.get("attempts", 1)
    most = None if stored else MAX_ATTEMPTS  # a stored version predates the limit
    if not _whole_number(attempts, most):
        problem(
            f"settings.attempts must be a whole number from 0 to {MAX_ATTEMPTS}, 0 for unlimited",
            "attempts",
        )
        attempts = 1
    feedback = settings.get("feedback", "after_submit")
    if not _one_of(feedback, FEEDBACK_MODES):
        problem(f"settings.feedback must be one of: {', '.join(FEEDBACK_MODES)}", "feedback")
        feedback = "after_submit"
    keep = settings.get("keep", "best")
    if not _one_of(keep, KEEP_RULES):
        problem(f"settings.keep must be one of: {', '.join(KEEP_RULES)}", "keep")
        keep = "best"
    for key in sorted(set(settings) - {"attempts", "feedback", "keep"}):
        problem(f'unknown key "{key}" in [settings]', key)
    return attempts, feedback, keep


def _question_headers(lines: list[str]) -> list[int]:
    """The line of each `[[questions]]` header, in order."""
    return [n for n, content in enumerate(lines, start=1) if _QUESTION_HEADER.match(content)]


def _dropped_markup(lines: list[str], entries: Any, label: str) -> list[Problem]:
    """HTML in the quiz's text that would be dropped when shown (a script, an event
    handler, a javascript: link), at its line and under its question."""
    headers = _question_headers(lines)
    ids = [e.get("id") if isinstance(e, dict) else None for e in entries or []]
    found = []
    for line, message in dropped_markup("\n".join(lines)):
        index = sum(1 for header in headers if header <= line) - 1
        qid = ids[index] if 0 <= index < len(ids) else None
        prefix = f'question "{qid}": ' if isinstance(qid, str) and qid else ""
        found.append(Problem(label, line, prefix + message))
    return found


def _questions(
    entries: Any,
    lines: list[str],
    label: str,
    lesson: Any,
    problems: list[Problem],
    stored: bool = False,
) -> list[Question]:
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(label, 1, "a quiz needs at least one [[questions]] table"))
        return []
    headers = _question_headers(lines)
    types = registered_types()
    questions: list[Question] = []
    seen: set[str] = set()
    for index, raw in enumerate(entries):
        start = headers[index] if index < len(headers) else 0
        if not isinstance(raw, dict):
            problems.append(
                Problem(label, start or 1, f"question #{index + 1} must be a [[questions]] table")
            )
            continue
        end = headers[index + 1] - 1 if index + 1 < len(headers) else len(lines)
        if not lines:  # a stored snapshot: there are no file lines to point at
            start, end = 1, 0
        qid = raw.get("id") if isinstance(raw.get("id"), str) else ""
        ctx = ParseContext(
            label, lines, start, end, qid or f"#{index + 1}", lesson, strict=not stored
        )
        if not ID_PATTERN.match(qid):
            ctx.problem("id must be lower-case letters, digits and -", ctx.key_line("id"))
        elif qid in seen:
            ctx.problem(f'duplicate question id "{qid}"', ctx.key_line("id"))
        seen.add(qid)
        kind = types.get(raw.get("type")) if isinstance(raw.get("type"), str) else None
        if kind is None:
            ctx.problem(
                f'unknown type "{raw.get("type")}"; expected one of: {", ".join(types)}',
                ctx.key_line("type"),
            )
            problems.extend(ctx.problems)
            continue
        allowed = QUESTION_KEYS | set(getattr(kind, "keys", ()))
        for key in sorted(set(raw) - allowed):
            article = "an" if kind.name[0] in "aeiou" else "a"
            ctx.problem(
                f'unknown key "{key}" for {article} {kind.name} question', ctx.key_line(key)
            )
        question = kind.parse(raw, _common(raw, ctx, stored), ctx)
        problems.extend(ctx.problems)
        questions.append(question)
    if not stored:  # a version students took is rebuilt as it was
        problems.extend(_shared_fields(questions, label))
        problems.extend(_form_size(questions, label))
    return questions


# The form's own fields besides the answers: its token and the button pressed.
_FORM_OWN_FIELDS = 2


def _form_size(questions: list[Question], label: str) -> list[Problem]:
    """The question with which the quiz's form could carry more values than the server
    takes from one form: no student could save or submit it whole."""
    total = _FORM_OWN_FIELDS
    for question in questions:
        total += question.most_form_values
        if total > limits.MAX_FORM_PARTS:
            most = _FORM_OWN_FIELDS + sum(q.most_form_values for q in questions)
            return [
                Problem(
                    label,
                    question.line or 1,
                    f'question "{question.id}": with it the quiz\'s form could send more '
                    f"than the {limits.MAX_FORM_PARTS} values a form may carry (one per "
                    f"answer, box ticked or confidence; {most} in all), so no student could "
                    "submit it: split the quiz in two",
                )
            ]
    return []


def _shared_fields(questions: list[Question], label: str) -> list[Problem]:
    """Questions whose answers the quiz's form would send under the same name (question
    "a" with item "b-c", and question "a-b" with item "c"): neither could be submitted."""
    owners: dict[str, str] = {}
    found = []
    for question in questions:
        for name in question.form_fields:
            other = owners.setdefault(name, question.id)
            if other != question.id:
                found.append(
                    Problem(
                        label,
                        question.line or 1,
                        f'question "{question.id}": its answer and question "{other}"\'s are '
                        f'both sent as "{name}", so neither could be submitted; rename one '
                        "of the ids",
                    )
                )
                break
    return found


def _common(raw: dict[str, Any], ctx: ParseContext, stored: bool = False) -> dict[str, Any]:
    """The fields every question has, validated."""
    skill = raw.get("skill")
    if not _one_of(skill, SKILLS):
        ctx.problem(f"skill must be one of: {', '.join(SKILLS)}", ctx.key_line("skill"))
    points = raw.get("points", 1)
    if not _sensible_points(points, stored):
        ctx.problem(
            f"points must be a positive number no greater than {MAX_POINTS}",
            ctx.key_line("points"),
        )
        points = 1
    confidence = raw.get("confidence", False)
    if not isinstance(confidence, bool):
        ctx.problem("confidence must be true or false", ctx.key_line("confidence"))
    quotes = raw.get("sentences", [])
    if not isinstance(quotes, list):
        ctx.problem("sentences must be a list of quotes", ctx.key_line("sentences"))
        quotes = []
    sentence_ids = [ctx.resolve_quote(q, ctx.key_line("sentences")) for q in quotes]
    return {
        "id": raw.get("id", ""),
        "type": raw.get("type", ""),
        "skill": skill if isinstance(skill, str) else "",
        "prompt_html": render_markdown(ctx.text(raw, "prompt")),
        "points": float(points),
        "explanation_html": render_markdown(ctx.text(raw, "explanation")),
        "sentences": tuple(s for s in sentence_ids if s),
        "confidence": confidence is True,
        "line": ctx.start,
    }


def _whole_number(value: Any, most: int | None) -> bool:
    if isinstance(value, bool) or not isinstance(value, int):  # bools are ints
        return False
    return 0 <= value and (most is None or value <= most)


def _sensible_points(points: Any, stored: bool = False) -> bool:
    """A number a score can be out of: TOML also allows nan and inf, and bools are ints."""
    if isinstance(points, bool) or not isinstance(points, int | float):
        return False
    if stored:  # the rule before the limit, which a version students took may predate
        return points > 0
    return math.isfinite(points) and 0 < points <= MAX_POINTS


def _one_of(value: Any, options: Mapping[str, str]) -> bool:
    """A setting naming one of the options (a list or a table is never one of them)."""
    return isinstance(value, str) and value in options
