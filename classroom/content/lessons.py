"""Load a lesson: TOML front matter, then the article, notes and glossary."""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from classroom.content.markdown import (
    block_markup,
    dropped_markup,
    render_inline,
    render_markdown,
)
from classroom.content.model import (
    SLUG_PATTERN,
    GlossaryEntry,
    Lesson,
    Paragraph,
    Problem,
    Sentence,
    slug_problem,
)
from classroom.content.sentences import split_sentences
from classroom.problems import file_lines
from classroom.questions.lines import key_line

SECTIONS = ("Article", "Teaching notes", "Glossary")
FRONT_MATTER_KEYS = (
    "format",
    "title",
    "headline",
    "byline",
    "source",
    "author",
    "date",
    "url",
    "licence",
    "summary",
)
_FENCE = "+++"
_HEADING = re.compile(r"^##\s+(.+?)\s*$")


class LessonError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def parse_lesson(path: Path, label: str | None = None) -> Lesson:
    """Parse and validate one lesson file; raise LessonError listing every problem."""
    label = label or str(path)
    try:  # -sig: Windows Notepad starts a UTF-8 file with a byte-order mark
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise LessonError([Problem(label, 1, f"cannot read the file: {error}")]) from error
    lines = file_lines(text)
    problems: list[Problem] = []
    meta, body_start = _front_matter(lines, label, problems)
    sections = _sections(lines, body_start, label, problems)
    if problems:
        raise LessonError(problems)
    body = "\n".join(lines[body_start:])
    problems.extend(
        Problem(label, body_start + line, message) for line, message in dropped_markup(body)
    )

    front = lines[:body_start]  # keys are looked for in the front matter, not the article

    def field(key: str, required: bool = True) -> str:
        value = meta.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            problems.append(
                Problem(
                    label,
                    _meta_line(front, key),
                    f"{key} must be a non-empty string in the front matter"
                    if required
                    else f'{key} must be a string in the front matter ("" for none)',
                )
            )
            return ""
        return value.strip()

    problems.extend(
        Problem(label, line, message) for line, message in _meta_problems(meta, front, path)
    )
    date = meta.get("date")
    lesson = Lesson(
        slug=path.stem,
        title=field("title"),
        headline=field("headline"),
        byline=field("byline"),
        source=field("source"),
        author=field("author"),
        date=date if _is_day(date) else datetime.date.min,
        url=field("url", required=False),
        licence=field("licence"),
        summary=field("summary"),
        paragraphs=_paragraphs(sections.get("Article", ("", 0))[0]),
        notes_html=render_markdown(sections.get("Teaching notes", ("", 0))[0]),
        glossary=_glossary(*sections.get("Glossary", ("", 0)), label, problems),
        path=label,
    )
    problems.extend(_article_blocks(*sections.get("Article", ("", 0)), label))
    if not lesson.paragraphs:
        problems.append(
            Problem(
                label,
                sections.get("Article", ("", body_start))[1],
                "the Article section has no paragraphs",
            )
        )
    if problems:
        raise LessonError(problems)
    return lesson


def _meta_problems(meta: dict[str, Any], front: list[str], path: Path) -> list[tuple[int, str]]:
    """(line, message) for the front matter's format, date, unknown keys and the slug."""
    found = []
    if not SLUG_PATTERN.match(path.stem):
        found.append((1, slug_problem(path)))
    if meta.get("format") != 1:
        found.append((_meta_line(front, "format"), "format must be 1"))
    date = meta.get("date")
    if isinstance(date, datetime.datetime):  # a subclass of date: a time would be dropped
        found.append(
            (_meta_line(front, "date"), "date must be a day without a time, such as 2020-07-20")
        )
    elif not _is_day(date):
        found.append((_meta_line(front, "date"), "date must be a TOML date such as 2020-07-20"))
    url = meta.get("url", "")
    if isinstance(url, str) and url.strip() and not _is_web_address(url.strip()):
        found.append(
            (
                _meta_line(front, "url"),
                'url must be a web address starting with https:// or http://, or "" for none',
            )
        )
    for key in sorted(set(meta) - set(FRONT_MATTER_KEYS)):
        found.append((_meta_line(front, key), f'unknown key "{key}" in the front matter'))
    return found


def _is_web_address(url: str) -> bool:
    """Whether the lesson page can link to `url`: not a script, not a path on this site."""
    parts = urlsplit(url)
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def _is_day(value: Any) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _front_matter(
    lines: list[str], label: str, problems: list[Problem]
) -> tuple[dict[str, Any], int]:
    if not lines or lines[0].strip() != _FENCE:
        problems.append(
            Problem(label, 1, f"a lesson starts with front matter between {_FENCE} lines")
        )
        return {}, 0
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FENCE)
    except StopIteration:
        problems.append(Problem(label, 1, f"the front matter has no closing {_FENCE} line"))
        return {}, 0
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(error)
        problems.append(
            Problem(
                label,
                line + 1 if line else 1,
                f"front matter is not valid TOML: {_toml_message(error)}",
            )
        )
        return {}, end + 1
    return meta, end + 1


def _sections(
    lines: list[str], start: int, label: str, problems: list[Problem]
) -> dict[str, tuple[str, int]]:
    """Map each `## Heading` to its text and the line its text starts on."""
    found: dict[str, tuple[list[str], int]] = {}
    current: str | None = None
    stray = False  # text before the first heading: one problem, not one per line
    for index in range(start, len(lines)):
        heading = _HEADING.match(lines[index])
        if heading:
            current = heading.group(1)
            if current not in SECTIONS:
                problems.append(
                    Problem(
                        label,
                        index + 1,
                        f'unknown section "{current}"; expected one of: {", ".join(SECTIONS)}',
                    )
                )
            elif current in found:
                problems.append(Problem(label, index + 1, f'section "{current}" appears twice'))
            found[current] = ([], index + 2)
        elif current is not None:
            found[current][0].append(lines[index])
        elif lines[index].strip() and not stray:
            stray = True
            problems.append(Problem(label, index + 1, "text before the first ## section"))
    for name in SECTIONS:
        if name not in found and name != "Glossary":
            problems.append(Problem(label, start or 1, f'missing section "## {name}"'))
    return {name: ("\n".join(body), line) for name, (body, line) in found.items()}


def _article_blocks(text: str, first_line: int, label: str) -> list[Problem]:
    """A heading, list or quotation block in the Article, which is numbered sentence by
    sentence: on the page it would sit inside a sentence, and break the paragraph."""
    found = []
    offset = 0
    for index, piece in enumerate(re.split(r"(\n\s*\n)", text)):
        kind = block_markup(piece) if index % 2 == 0 and piece.strip() else None
        if kind:
            start = offset + len(piece) - len(piece.lstrip())
            found.append(
                Problem(
                    label,
                    first_line + text.count("\n", 0, start),
                    f"the Article takes plain paragraphs, which are numbered sentence by "
                    f"sentence, not {kind}: write it as a paragraph",
                )
            )
        offset += len(piece)
    return found


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    paragraphs = []
    for p_number, block in enumerate(blocks, start=1):
        sentences = tuple(
            _sentence(p_number, s_number, sentence)
            for s_number, sentence in enumerate(split_sentences(block), start=1)
        )
        paragraphs.append(Paragraph(p_number, sentences))
    return tuple(paragraphs)


def _sentence(p_number: int, s_number: int, text: str) -> Sentence:
    html = render_inline(text)
    return Sentence(f"p{p_number}s{s_number}", p_number, s_number, text, html, html.striptags())


def _glossary(
    text: str, first_line: int, label: str, problems: list[Problem]
) -> tuple[GlossaryEntry, ...]:
    entries = []
    seen: dict[str, tuple[str, int]] = {}  # anchor -> the term that has it, and its line
    lines = file_lines(text)
    index = 0
    while index < len(lines):
        term = lines[index].strip()
        term_line = first_line + index
        if not term:
            index += 1
            continue
        definition = []
        index += 1
        while index < len(lines) and lines[index].startswith(":"):
            definition.append(lines[index][1:].strip())
            index += 1
        if not definition:
            problems.append(
                Problem(
                    label,
                    first_line + index - 1,
                    f'glossary term "{term}" has no ": definition" line after it',
                )
            )
            continue
        entry = GlossaryEntry(term, render_inline(" ".join(definition)))
        if entry.anchor in seen:
            # Its link target would be the first one's, and a page's ids must differ.
            first, line = seen[entry.anchor]
            problems.append(
                Problem(
                    label,
                    term_line,
                    f'glossary term "{term}" is already defined at line {line} ("{first}"): '
                    "define each term once",
                )
            )
            continue
        seen[entry.anchor] = (term, term_line)
        entries.append(entry)
    return tuple(entries)


def _meta_line(front: list[str], key: str) -> int:
    return key_line(front, key) or 1


def _toml_error_line(error: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(error, "lineno", None)
    if lineno:
        return int(lineno)
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else None


def _toml_message(error: tomllib.TOMLDecodeError) -> str:
    return getattr(error, "msg", None) or re.sub(r"\s*\(at line.*\)$", "", str(error))
