"""Reports kept until the class's results change, rendered once however many ask."""

from __future__ import annotations

import time

from support import at_once

from classroom import report_cache


def _ask_at_once(count: int, key: str, render) -> list[object]:
    pages: list[object] = []

    def teacher() -> None:
        try:
            pages.append(report_cache.cached(key, render))
        except RuntimeError as error:
            pages.append(error)

    at_once(count, teacher)
    return pages


def test_teachers_opening_a_report_at_once_wait_for_one_rendering():
    report_cache.clear()
    renderings = []

    def render() -> str:
        renderings.append(1)
        time.sleep(0.1)  # a report over a whole class takes a while
        return "<table>the class</table>"

    pages = _ask_at_once(8, "class 1, sourcing", render)

    assert len(renderings) == 1
    assert pages == ["<table>the class</table>"] * 8
    assert report_cache._rendering == {}


def test_when_a_rendering_fails_the_teachers_waiting_for_it_render_it_again():
    report_cache.clear()
    renderings = []

    def render() -> str:
        renderings.append(1)
        time.sleep(0.05)
        if len(renderings) == 1:
            raise RuntimeError("the database went away")
        return "<table>the class</table>"

    pages = _ask_at_once(5, "class 2, sourcing", render)

    assert len(renderings) == 2
    assert sum(isinstance(page, RuntimeError) for page in pages) == 1
    assert pages.count("<table>the class</table>") == 4
    assert report_cache._rendering == {}


def test_a_kept_report_is_served_without_rendering_again():
    report_cache.clear()
    assert report_cache.cached("class 3", lambda: "<p>first</p>") == "<p>first</p>"
    assert report_cache.cached("class 3", lambda: "<p>second</p>") == "<p>first</p>"


def test_a_failed_rendering_nobody_waited_for_leaves_nothing_behind():
    report_cache.clear()

    def render() -> str:
        raise RuntimeError("the database went away")

    assert isinstance(_ask_at_once(1, "class 4", render)[0], RuntimeError)
    assert report_cache._rendering == {}
