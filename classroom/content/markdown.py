"""Render author Markdown to HTML that is safe to serve."""

import threading

import markdown as _markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3",
    "h4", "h5", "hr", "li", "ol", "p", "pre", "q", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
EXTENSIONS = ["def_list", "tables", "sane_lists", "smarty"]


def sanitize(html: str) -> Markup:
    """Keep only the allow-listed tags and attributes, and only web links."""
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
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


def render_markdown(text: str) -> Markup:
    """Render block Markdown (paragraphs, lists, tables) to sanitised HTML."""
    return sanitize(_converter("block", EXTENSIONS).convert(text))


def render_inline(text: str) -> Markup:
    """Render one line of Markdown (a choice, a sentence) without the paragraph."""
    html = _converter("inline", ["smarty"]).convert(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return sanitize(html)
