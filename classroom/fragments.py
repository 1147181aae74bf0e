"""Parts of pages that are the same for everyone, rendered once per content version."""

from __future__ import annotations

import json
import threading

from flask import render_template, session
from markupsafe import Markup

from classroom.grading import Outcome

_MAX = 512  # lessons, readings and blank questions of every quiz version in use
# Reviewed questions, by answer given: a few KB each, but an evidence question's shows
# the article, and students pick sentences in many ways, so they are bounded by size.
_MAX_REVIEWS = 2048
_MAX_REVIEW_CHARS = 1024 * 1024  # at most 2 MiB as Python keeps its strings
_lock = threading.Lock()


class FragmentCache:
    """Rendered fragments by key, each kept with the content object it was rendered
    from: a reloaded file is a new object, so its fragments are rendered anew. The
    oldest go first once there are `size` of them or `max_chars` characters in all."""

    def __init__(self, size: int, max_chars: int | None = None):
        self.size = size
        self.max_chars = max_chars
        self.chars = 0
        self._found: dict[tuple, tuple[object, Markup]] = {}

    def __len__(self) -> int:
        return len(self._found)

    def render(self, template: str, owner: object, variant: tuple, **context: object) -> Markup:
        key = (template, id(owner), *variant)
        hit = self._found.get(key)
        if hit is not None and hit[0] is owner:
            return hit[1]
        html = Markup(render_template(template, **context))
        if self.max_chars is not None and len(html) > self.max_chars:
            return html
        with _lock:
            old = self._found.pop(key, None)
            if old is not None:
                self.chars -= len(old[1])
            while self._found and (
                len(self._found) >= self.size
                or (self.max_chars is not None and self.chars + len(html) > self.max_chars)
            ):
                self.chars -= len(self._found.pop(next(iter(self._found)))[1])
            # The owner is kept with its HTML, so its id cannot be reused while cached.
            self._found[key] = (owner, html)
            self.chars += len(html)
        return html


_content = FragmentCache(_MAX)
_reviews = FragmentCache(_MAX_REVIEWS, _MAX_REVIEW_CHARS)


def once_per_version(
    template: str, owner: object, variant: tuple = (), **context: object
) -> Markup:
    """Render `template` for this content object (and `variant` of it) once."""
    return _content.render(template, owner, variant, **context)


def reviewed_question(outcome: Outcome, number: int, show_key: bool) -> Markup:
    """A question of a submitted attempt and how it went, kept per answer: every student
    who gave the same answer sees the same feedback. A written answer is its author's
    own, with its own grade and comment, so it is rendered every time."""
    context = {"outcome": outcome, "number": number, "show_key": show_key}
    question = outcome.question
    if question.type == "text":
        return Markup(render_template("student/_review.html", **context))
    how = (
        outcome.answer,
        outcome.score,
        outcome.answered,
        outcome.rubric_level,
        outcome.comment,
        outcome.confidence,
    )
    variant = (number, show_key, json.dumps(how, sort_keys=True))
    return _reviews.render("student/_review.html", question, variant, **context)


_NAV_SLOT = Markup("<!-- navigation -->")  # nh3 drops comments: no content can forge it
_pages: dict[tuple, tuple[object, bytes, bytes]] = {}


def page_around_nav(
    template: str, owner: object, key: tuple, nav_key: tuple, **context: object
) -> bytes:
    """A page that is the same for everyone it is shown to but for the navigation (who is
    signed in): the rest is rendered once per content version (`owner`) and `key`, the
    navigation once per `nav_key` (the name and class it shows). A page with flashed
    messages is rendered whole, and a teacher's navigation every time (it carries a
    CSRF token). Kept as UTF-8, the page is not encoded again on every request."""
    if session.get("_flashes"):
        return render_template(template, **context).encode()
    full_key = (template, id(owner), *key)
    hit = _pages.get(full_key)
    if hit is None or hit[0] is not owner:
        head, tail = render_template(template, nav_slot=_NAV_SLOT, **context).split(_NAV_SLOT)
        hit = (owner, head.encode(), tail.encode())
        with _lock:
            if len(_pages) >= _MAX:
                _pages.pop(next(iter(_pages)))
            _pages[full_key] = hit
    return hit[1] + _nav(nav_key) + hit[2]


_navs: dict[tuple, bytes] = {}
_MAX_NAVS = 4096  # a school's students, a few hundred bytes each


def _nav(nav_key: tuple) -> bytes:
    if session.get("teacher_id") is not None:
        return render_template("_nav.html").encode()
    nav = _navs.get(nav_key)
    if nav is None:
        nav = render_template("_nav.html").encode()
        with _lock:
            if len(_navs) >= _MAX_NAVS:
                _navs.pop(next(iter(_navs)))
            _navs[nav_key] = nav
    return nav
