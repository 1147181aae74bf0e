"""Server-drawn SVG charts: well-formed, accessible, escaped, robust on empty data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from classroom import charts
from classroom.charts import bar_chart, format_number, histogram_chart, meter

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))


def bars_of(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def check_accessible(root: ET.Element) -> tuple[str, str]:
    """The chart is an image named by its title and desc; returns their texts."""
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 ")
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == title_id
    assert desc is not None and desc.get("id") == desc_id
    return title.text or "", desc.text or ""


def font_sizes(root: ET.Element) -> list[float]:
    return [float(el.get("font-size")) for el in root.iter() if el.get("font-size")]


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


CHOICES = [("Choice A", 12), ("Choice B", 9), ("Choice C", 1), ("Choice D", 8)]


def percent_of_30(v: float) -> str:
    return f"{v:.0f} ({v / 30:.0%})"


# --- bar chart ------------------------------------------------------------------------------


def test_bar_chart_is_an_accessible_image_with_one_bar_per_input():
    svg = bar_chart("Question 3", CHOICES, 30, value_format=percent_of_30, highlight={"Choice D"})
    root = parse(svg)
    title, desc = check_accessible(root)
    assert title == "Question 3"
    assert desc == (
        "Choice A: 12 (40%); Choice B: 9 (30%); Choice C: 1 (3%); "
        "Choice D: 8 (27%) (correct answer)."
    )
    assert len(bars_of(root)) == 4
    assert "<script" not in str(svg).lower()


def test_bar_lengths_follow_the_values():
    root = parse(bar_chart("Q", CHOICES, 30))
    widths = [float(rect.get("width")) for rect in bars_of(root)]
    # 12 : 9 : 1 : 8 of the same scale
    assert widths[0] / widths[1] == pytest.approx(12 / 9, rel=1e-3)
    assert widths[2] / widths[0] == pytest.approx(1 / 12, rel=1e-2)
    assert max(widths) < 400


def test_bar_chart_labels_and_values_are_drawn():
    root = parse(bar_chart("Q", CHOICES, 30, value_format=percent_of_30))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for label, value in CHOICES:
        assert label in texts
        assert percent_of_30(value) in texts


def test_highlighted_bar_is_marked_by_more_than_colour():
    root = parse(bar_chart("Q", CHOICES, 30, highlight={"Choice B"}))
    fills = [rect.get("fill") for rect in bars_of(root)]
    assert fills == [charts._BAR, charts._KEY, charts._BAR, charts._BAR]
    marked = [t for t in root.iter(f"{SVG}text") if "Choice B" in "".join(t.itertext())]
    assert marked[0].get("font-weight") == "bold"
    assert "".join(marked[0].itertext()).startswith("\N{CHECK MARK}")


def test_bar_chart_escapes_hostile_labels_and_titles():
    svg = bar_chart(
        f'Title {HOSTILE} & "quotes"',
        [(HOSTILE, 3), ('He said "no" & left', 2), ("it's <b>bold</b>", 1)],
        3,
        highlight={HOSTILE},
        description=f"About {HOSTILE}",
    )
    text = str(svg)
    assert HOSTILE not in text
    assert "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    root = parse(svg)
    title, desc = check_accessible(root)
    assert HOSTILE in title  # the parsed text is the original, shown as text
    assert desc.startswith(f"About {HOSTILE}.")
    assert f"{HOSTILE}: 3 (correct answer)" in desc
    assert 'He said "no" & left: 2' in desc
    assert len(bars_of(root)) == 3


def test_bar_chart_drops_characters_xml_cannot_hold():
    root = parse(bar_chart("Q\x00\x07", [("A\x0b\x1f", 1), ("B\nC", 2)], 2))
    title, desc = check_accessible(root)
    assert title == "Q"
    assert desc == "A: 1; B C: 2."


def test_bar_chart_with_zero_maximum_or_odd_values():
    root = parse(bar_chart("Nobody answered", [("A", 0), ("B", 0)], 0))
    assert [float(r.get("width")) for r in bars_of(root)] == [0, 0]
    root = parse(bar_chart("Odd", [("A", -2), ("B", 50), ("C", float("nan"))], 10))
    widths = [float(r.get("width")) for r in bars_of(root)]
    assert widths[0] == 0  # negative values draw nothing
    assert widths[1] == max(widths)  # values over the maximum are capped at full length
    assert widths[2] == 0


def test_bar_chart_with_no_bars():
    svg = bar_chart("Empty", [], 0)
    root = parse(svg)
    _, desc = check_accessible(root)
    assert desc == "No data."
    assert bars_of(root) == []
    assert "No data" in "".join(root.itertext())


def test_long_labels_are_cut_but_kept_whole_in_the_description():
    label = "Nobody is named: “It is believed” hides the source of the estimate entirely"
    root = parse(bar_chart("Q", [(label, 5)], 10))
    _, desc = check_accessible(root)
    assert label in desc
    drawn = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    shown = drawn[0].text or "".join(drawn[0].itertext())
    assert shown.endswith("\N{HORIZONTAL ELLIPSIS}")
    assert drawn[0].find(f"{SVG}title").text == label  # a tooltip with the whole label


def test_long_title_wraps_instead_of_overflowing():
    title = "According to the article, who says that more than one million people are held?"
    root = parse(bar_chart(title, CHOICES, 30))
    bold = [t.text for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert len(bold) >= 2
    assert " ".join(bold) == title


def test_ids_are_unique_per_chart():
    first = parse(bar_chart("Q", CHOICES, 30)).get("aria-labelledby")
    second = parse(bar_chart("Q", CHOICES, 30)).get("aria-labelledby")
    assert first != second


def test_text_is_legible_on_a_phone_and_colours_contrast():
    root = parse(bar_chart("Q", CHOICES, 30, highlight={"Choice A"}))
    view_width = float(root.get("viewBox").split()[2])
    # Scaled to a 300 px wide chart (a 360 px phone less page margins), text stays >= 12 px.
    assert min(font_sizes(root)) * 300 / view_width >= 12
    for colour in (charts._BAR, charts._KEY):
        assert contrast_on_white(colour) >= 4.5
    assert contrast_on_white(charts._INK) >= 7


def test_nothing_loads_from_elsewhere_or_runs():
    svg = str(bar_chart("Q", CHOICES, 30)) + str(histogram_chart("H", [(0, 1, 2)], x_label="S"))
    svg += str(meter(0.5, "Facility"))
    assert "<script" not in svg
    assert "href" not in svg
    assert "url(" not in svg
    assert "style=" not in svg  # a strict CSP forbids inline styles
    assert not re.search(r"\bon\w+=", svg)


# --- histogram ------------------------------------------------------------------------------

BINS = [(0.0, 2.0, 1), (2.0, 4.0, 0), (4.0, 6.0, 3), (6.0, 8.0, 5), (8.0, 10.0, 2)]


def test_histogram_chart_is_accessible_with_one_bar_per_bin():
    root = parse(histogram_chart("Total scores", BINS, x_label="Score out of 10"))
    title, desc = check_accessible(root)
    assert title == "Total scores"
    assert desc == (
        "Students per Score out of 10 range: 0 to under 2: 1; 2 to under 4: 0; "
        "4 to under 6: 3; 6 to under 8: 5; 8 to 10: 2."
    )
    rects = bars_of(root)
    assert len(rects) == 5
    heights = [float(r.get("height")) for r in rects]
    assert heights[1] == 0
    assert heights[3] == max(heights)
    assert heights[2] / heights[3] == pytest.approx(3 / 5)


def test_histogram_chart_shows_counts_ranges_and_axis_labels():
    root = parse(histogram_chart("H", BINS, x_label="Score", y_label="Pupils"))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for count in ("1", "0", "3", "5", "2"):
        assert count in texts
    for edge in ("0", "2", "4", "6", "8", "10"):
        assert edge in texts
    assert "Score" in texts
    assert "Pupils" in texts


def test_histogram_chart_thins_crowded_edge_labels():
    # 40 bins of 2.5 over 0..100: 41 edges would overlap, so every 5th is labelled.
    bins = [(i * 2.5, (i + 1) * 2.5, i % 3) for i in range(40)]
    root = parse(histogram_chart("Many", bins, x_label="Percent"))
    assert len(bars_of(root)) == 40
    ticks = [
        line
        for line in root.iter(f"{SVG}line")
        if float(line.get("y2")) - float(line.get("y1")) == 5
    ]
    assert len(ticks) == 9
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for edge in ("0", "12.5", "25", "50", "87.5", "100"):
        assert edge in texts
    assert "2.5" not in texts


def test_histogram_chart_escapes_and_handles_empty_and_zero():
    svg = histogram_chart(HOSTILE, [], x_label=HOSTILE, y_label=HOSTILE, description=HOSTILE)
    assert HOSTILE not in str(svg)
    root = parse(svg)
    _, desc = check_accessible(root)
    assert desc.endswith("No data.")
    assert bars_of(root) == []
    root = parse(histogram_chart("All zero", [(0, 5, 0), (5, 10, 0)], x_label="Score"))
    assert [float(r.get("height")) for r in bars_of(root)] == [0, 0]


def test_histogram_chart_description_is_prepended():
    root = parse(histogram_chart("H", BINS[:1], x_label="Score", description="Scores of 1 class"))
    _, desc = check_accessible(root)
    assert desc == "Scores of 1 class. Students per Score range: 0 to 2: 1."


# --- meter ----------------------------------------------------------------------------------


def test_meter():
    svg = meter(0.62, "Facility")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Facility: 62%"
    fill = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == charts._BAR]
    assert float(fill[0].get("width")) == pytest.approx(78 * 0.62)


def test_meter_edges():
    assert parse(meter(0.625, "")).get("aria-label") == "63%"
    assert parse(meter(None, "Facility")).get("aria-label") == "Facility: no data"
    assert parse(meter(float("nan"), "x")).get("aria-label") == "x: no data"
    over = parse(meter(1.5, "x"))
    assert over.get("aria-label") == "x: 150%"
    assert float([r for r in over.iter(f"{SVG}rect")][-1].get("width")) == 78
    assert HOSTILE not in str(meter(0.1, HOSTILE))
    assert parse(meter(0.1, HOSTILE)).get("aria-label") == f"{HOSTILE}: 10%"


def test_format_number():
    assert format_number(12) == "12"
    assert format_number(12.0) == "12"
    assert format_number(0.5) == "0.5"
    assert format_number(2 / 3) == "0.67"
    assert format_number(float("inf")) == "\N{EN DASH}"
