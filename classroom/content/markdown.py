"""Render author Markdown to HTML that is safe to serve, and say what it would drop."""

import re
import threading
from html.parser import HTMLParser

import markdown as _markdown
import nh3
from markupsafe import Markup

from classroom.problems import file_lines

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3",
    "h4", "h5", "hr", "li", "ol", "p", "pre", "q", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
EXTENSIONS = ["def_list", "tables", "sane_lists", "smarty"]
URL_SCHEMES = {"http", "https", "mailto"}
_CODE = re.compile(r"(`+)(.+?)\1", re.S)  # a code span shows its text, markup and all
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
_SCHEME = r"([a-zA-Z][a-zA-Z0-9+.-]*):"
_URL_SCHEME = re.compile(r"\s*" + _SCHEME)
_MARKDOWN_LINK = re.compile(r"\]\(\s*<?\s*" + _SCHEME)


class _Tags(HTMLParser):
    """Every tag written in the text, with its line (1 is the text's first)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((self.getpos()[0], tag, attrs))

    handle_startendtag = handle_starttag


def _blank(match: re.Match) -> str:
    """The match as spaces, its line breaks kept, so that later lines keep their number."""
    return re.sub(r"[^\n]", " ", match.group(0))


def dropped_markup(text: str) -> list[tuple[int, str]]:
    """(line, what) for the HTML in an author's Markdown that sanitize() would drop: a tag
    or attribute not allowed (a script, an event handler) or a link that is not a web or
    mail link. Markup inside code is shown as text, so it is not looked at."""
    text = _CODE.sub(_blank, _FENCE.sub(_blank, text))
    found: list[tuple[int, str]] = []
    parser = _Tags()
    parser.feed(text)
    parser.close()
    for line, tag, attrs in parser.found:
        if tag not in ALLOWED_TAGS:
            found.append((line, f"<{tag}> is not allowed in Markdown here and would be dropped"))
            continue
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                found.append((line, f'the "{name}" attribute of <{tag}> would be dropped'))
            elif name == "href" and (scheme := _URL_SCHEME.match(value or "")):
                found += _link_problems(line, [scheme.group(1)])
    for number, text_line in enumerate(file_lines(text), 1):
        found += _link_problems(number, _MARKDOWN_LINK.findall(text_line))
    return sorted(found)


def _link_problems(line: int, schemes: list[str]) -> list[tuple[int, str]]:
    return [
        (line, f"a {scheme.lower()}: link would be dropped; links are http, https or mailto")
        for scheme in schemes
        if scheme.lower() not in URL_SCHEMES
    ]


def sanitize(html: str) -> Markup:
    """Keep only the allow-listed tags and attributes, and only web links."""
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )


_converters = threading.local()


def _converter(name: str, extensions: list[str]) -> _markdown.Markdown:
    """One converter per thread and kind, reset before each use: building one per
    string was most of the time it took to load the content."""
    converter = getattr(_converters, name, None)
    if converter is None:
        converter = _markdown.Markdown(extensions=extensions, output_format="html")
        setattr(_converters, name, converter)
    return converter.reset()


_BLOCK = re.compile(r"<(h[1-6]|ul|ol|blockquote|pre|table|hr|dl)\b")
_BLOCK_NAMES = {
    "ul": "a list",
    "ol": "a numbered list",
    "blockquote": "a quotation block (>)",
    "pre": "code (an indented or fenced block)",
    "table": "a table",
    "hr": "a rule",
    "dl": "a definition list",
}


def block_markup(text: str) -> str | None:
    """What Markdown makes of a paragraph's text when it is not a paragraph (a heading,
    a list, a quotation block), in words; None for a paragraph."""
    found = _BLOCK.search(_converter("block", EXTENSIONS).convert(text))
    if not found:
        return None
    return _BLOCK_NAMES.get(found.group(1), "a heading")


def render_markdown(text: str) -> Markup:
    """Render block Markdown (paragraphs, lists, tables) to sanitised HTML."""
    return sanitize(_converter("block", EXTENSIONS).convert(text))


def render_inline(text: str) -> Markup:
    """Render one line of Markdown (a choice, a sentence) without the paragraph."""
    html = _converter("inline", ["smarty"]).convert(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return sanitize(html)
