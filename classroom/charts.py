"""Charts for teacher reports, drawn on the server as inline SVG.

No JavaScript, no styles or fonts from anywhere (presentation attributes only,
so a strict Content-Security-Policy is fine), and every chart is an image with
a title and a plain-text description that a screen reader reads in place of
the drawing. Charts scale to their container through their viewBox; text is
sized so that it stays at 12 px or more down to a 300 px wide chart. Give
`.chart` a max-width in the stylesheet to stop them growing on wide screens.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from uuid import uuid4

from markupsafe import Markup, escape

_BAR = "#1a5c8a"  # 7.1:1 on white
_KEY = "#1d6b3a"  # 6.5:1 on white
_INK = "#1b1f24"  # 16.6:1 on white
_FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

_VIEW_W = 400  # user units; 16-unit text is 12 px when the chart is 300 px wide
_FONT = 16
_TITLE_FONT = 17
_CHAR_W = 0.58 * _FONT  # a generous average glyph width, for laying out labels
_PAD = 8
_ROW_H = 30
_BAR_H = 20
_MARK = "\N{CHECK MARK} "

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: object) -> str:
    """Text made safe for XML: invalid characters dropped, whitespace folded, escaped."""
    cleaned = _XML_INVALID.sub("", str(value))
    return str(escape(" ".join(cleaned.split())))


def _plain(value: object) -> str:
    """Plain text with invalid characters dropped and whitespace folded, not yet escaped."""
    return " ".join(_XML_INVALID.sub("", str(value)).split())


def format_number(value: float) -> str:
    """A number for a chart label: whole numbers bare, others to at most two decimals."""
    if not math.isfinite(value):
        return "\N{EN DASH}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _width(text: str) -> float:
    """Estimated width of a line of text in user units."""
    return len(text) * _CHAR_W


def _fit(text: str, width: float) -> str:
    """The text, cut with an ellipsis if it is wider than `width`."""
    if _width(text) <= width:
        return text
    keep = max(1, int(width / _CHAR_W) - 1)
    return text[:keep].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def _num(x: float) -> str:
    """A coordinate, compact."""
    return format_number(round(x, 2))


def _svg(title: str, desc: str, height: float, body: list[str], kind: str) -> Markup:
    """Wrap drawing elements in an accessible, scalable <svg> with a title and description."""
    base = f"chart-{uuid4().hex}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'aria-labelledby="{base}-title {base}-desc" width="100%" '
        f'viewBox="0 0 {_VIEW_W} {_num(height)}" preserveAspectRatio="xMinYMin meet" '
        f'font-family="{_text(_FONT_FAMILY)}" font-size="{_FONT}" fill="{_INK}">'
        f'<title id="{base}-title">{_text(title)}</title>'
        f'<desc id="{base}-desc">{_text(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _wrap(text: str, width: float, max_lines: int = 3) -> list[str]:
    """Words laid into lines no wider than `width`; the last line cut if there are too many."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return [_fit(line, width) for line in lines] or [""]


def _title_lines(title: str) -> tuple[list[str], float]:
    """The chart's title drawn at the top left, wrapped; and the y where the drawing may start."""
    lines = _wrap(_plain(title), _VIEW_W - 2 * _PAD)
    step = _TITLE_FONT + 5
    body = [
        f'<text x="{_PAD}" y="{_num(_PAD + _TITLE_FONT + i * step)}" '
        f'font-size="{_TITLE_FONT}" font-weight="bold">{_text(line)}</text>'
        for i, line in enumerate(lines)
        if line
    ]
    return body, _PAD + _TITLE_FONT + (len(lines) - 1) * step


def _sentence(description: str | None, summary: str) -> str:
    """The caller's description, if any, followed by the data summary."""
    intro = _plain(description) if description else ""
    if intro and not intro.endswith((".", "!", "?", ":")):
        intro += "."
    return f"{intro} {summary}".strip()


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    max_value: float,
    *,
    value_format: Callable[[float], str] = format_number,
    highlight: AbstractSet[str] = frozenset(),
    description: str | None = None,
    highlight_note: str = "correct answer",
) -> Markup:
    """Horizontal bars, label on the left and value on the right; highlighted bars are marked.

    Highlighted bars (the key, usually) are drawn green, their label bold with a
    check mark, and named in the description with `highlight_note`.
    """
    rows = [
        (_plain(label), value, value_format(value), label in highlight) for label, value in bars
    ]
    summary = "; ".join(
        f"{label}: {_plain(shown)}" + (f" ({_plain(highlight_note)})" if marked else "")
        for label, _, shown, marked in rows
    )
    desc = _sentence(description, (summary + ".") if rows else "No data.")
    body, title_bottom = _title_lines(title)
    top = title_bottom + 12
    if not rows:
        body.append(f'<text x="{_PAD}" y="{_num(top + _FONT)}">No data</text>')
        return _svg(title, desc, top + _FONT + _PAD + 4, body, "bar")

    value_w = min(max(_width(_plain(shown)) for _, _, shown, _ in rows), 0.3 * _VIEW_W)
    longest = max(_width((_MARK if marked else "") + label) for label, _, _, marked in rows)
    label_w = min(longest, 0.45 * _VIEW_W)
    bar_x = _PAD + label_w + 8
    bar_room = max(_VIEW_W - _PAD - value_w - 6 - bar_x, 40.0)
    scale = max_value if math.isfinite(max_value) and max_value > 0 else 0.0

    for i, (label, value, shown, marked) in enumerate(rows):
        y = top + i * _ROW_H
        fraction = value / scale if scale and math.isfinite(value) else 0.0
        length = bar_room * min(max(fraction, 0.0), 1.0)
        baseline = y + _BAR_H / 2 + _FONT * 0.35
        full = (_MARK if marked else "") + label
        label_text = _fit(full, label_w)
        # A cut label keeps its full text as a tooltip; the description has it too.
        tooltip = f"<title>{_text(full)}</title>" if label_text != full else ""
        weight = ' font-weight="bold"' if marked else ""
        body.append(
            f'<text x="{_num(bar_x - 6)}" y="{_num(baseline)}" text-anchor="end"{weight}>'
            f"{tooltip}{_text(label_text)}</text>"
            f'<rect class="bar" x="{_num(bar_x)}" y="{_num(y)}" width="{_num(length)}" '
            f'height="{_BAR_H}" fill="{_KEY if marked else _BAR}"/>'
            f'<text x="{_num(bar_x + length + 6)}" y="{_num(baseline)}">{_text(shown)}</text>'
        )
    bottom = top + len(rows) * _ROW_H - (_ROW_H - _BAR_H)
    body.append(
        f'<line x1="{_num(bar_x)}" y1="{_num(top - 4)}" x2="{_num(bar_x)}" '
        f'y2="{_num(bottom + 4)}" stroke="{_INK}" stroke-width="1.5"/>'
    )
    return _svg(title, desc, bottom + 4 + _PAD, body, "bar")


def _edge_labels(edges: list[str], col_w: float) -> list[int]:
    """Which bin edges to label so that neighbouring labels do not overlap."""
    last = len(edges) - 1
    widest = max(_width(e) for e in edges)
    step = max(1, math.ceil((widest + 6) / col_w))
    shown = list(range(0, last + 1, step))
    if shown[-1] != last:  # always label the top edge, dropping its too-close neighbour
        if len(shown) > 1:
            shown.pop()
        shown.append(last)
    return shown


def histogram_chart(
    title: str,
    bins: Sequence[tuple[float, float, int]],
    *,
    x_label: str,
    y_label: str = "Students",
    description: str | None = None,
) -> Markup:
    """Vertical bars for (start, end, count) bins, counts above and bin edges below."""
    rows = [(start, end, int(count)) for start, end, count in bins]
    parts = []
    for i, (start, end, count) in enumerate(rows):
        upto = "to" if i == len(rows) - 1 else "to under"
        parts.append(f"{format_number(start)} {upto} {format_number(end)}: {count}")
    if rows:
        summary = f"{_plain(y_label)} per {_plain(x_label)} range: " + "; ".join(parts) + "."
    else:
        summary = "No data."
    desc = _sentence(description, summary)
    body, title_bottom = _title_lines(title)
    caption_y = title_bottom + 8 + _FONT
    y_caption = _fit(_plain(y_label), _VIEW_W - 2 * _PAD)
    body.append(f'<text x="{_PAD}" y="{_num(caption_y)}">{_text(y_caption)}</text>')
    if not rows:
        body.append(f'<text x="{_PAD}" y="{_num(caption_y + _FONT + 10)}">No data</text>')
        return _svg(title, desc, caption_y + _FONT + 10 + _PAD + 4, body, "histogram")

    edges = [format_number(start) for start, _, _ in rows] + [format_number(rows[-1][1])]
    side = max(_PAD, _width(max(edges, key=len)) / 2 + 2)
    plot_w = _VIEW_W - 2 * side
    col_w = plot_w / len(rows)
    plot_top = caption_y + 8 + _FONT + 4  # room for the count above the tallest bar
    plot_h = 150.0
    base = plot_top + plot_h
    most = max(count for _, _, count in rows)
    gap = min(2.0, col_w / 4)

    for i, (_, _, count) in enumerate(rows):
        x = side + i * col_w
        height = plot_h * count / most if most > 0 else 0.0
        body.append(
            f'<rect class="bar" x="{_num(x + gap / 2)}" y="{_num(base - height)}" '
            f'width="{_num(col_w - gap)}" height="{_num(height)}" fill="{_BAR}"/>'
        )
        label = str(count)
        if _width(label) <= col_w + 2:
            body.append(
                f'<text x="{_num(x + col_w / 2)}" y="{_num(base - height - 5)}" '
                f'text-anchor="middle">{label}</text>'
            )
    body.append(
        f'<line x1="{_num(side)}" y1="{_num(base)}" x2="{_num(side + plot_w)}" '
        f'y2="{_num(base)}" stroke="{_INK}" stroke-width="1.5"/>'
    )
    tick_y = base + 6 + _FONT
    for i in _edge_labels(edges, col_w):
        x = side + i * col_w
        body.append(
            f'<line x1="{_num(x)}" y1="{_num(base)}" x2="{_num(x)}" y2="{_num(base + 5)}" '
            f'stroke="{_INK}" stroke-width="1.5"/>'
            f'<text x="{_num(x)}" y="{_num(tick_y)}" text-anchor="middle">{_text(edges[i])}</text>'
        )
    axis_y = tick_y + 8 + _FONT
    body.append(
        f'<text x="{_num(_VIEW_W / 2)}" y="{_num(axis_y)}" text-anchor="middle">'
        f"{_text(_fit(_plain(x_label), _VIEW_W - 2 * _PAD))}</text>"
    )
    return _svg(title, desc, axis_y + _PAD, body, "histogram")


def meter(value: float | None, label: str) -> Markup:
    """A small inline bar from 0 to 1 for a table cell, named like "Facility: 62%"."""
    known = value is not None and math.isfinite(value)
    if known:
        fraction = min(max(float(value), 0.0), 1.0)
        said = f"{math.floor(float(value) * 100 + 0.5)}%"
    else:
        fraction = 0.0
        said = "no data"
    name = f"{_plain(label)}: {said}" if _plain(label) else said
    fill = (
        f'<rect x="1" y="1" width="{_num(78 * fraction)}" height="10" fill="{_BAR}"/>'
        if known
        else ""
    )
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="meter" role="img" '
        f'aria-label="{_text(name)}" width="80" height="12" viewBox="0 0 80 12">'
        f'<rect x="0.5" y="0.5" width="79" height="11" fill="#ffffff" stroke="{_INK}"/>'
        f"{fill}</svg>"
    )
