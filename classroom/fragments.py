"""Parts of pages that are the same for everyone, rendered once per content version."""

from __future__ import annotations

import threading

from flask import render_template, session
from markupsafe import Markup

_MAX = 512  # lessons, readings and blank questions of every quiz version in use
_cache: dict[tuple[str, int], tuple[object, Markup]] = {}
_lock = threading.Lock()


def once_per_version(
    template: str, owner: object, variant: tuple = (), **context: object
) -> Markup:
    """Render `template` for this content object (and `variant` of it) once; a reloaded
    file is a new object."""
    key = (template, id(owner), *variant)
    hit = _cache.get(key)
    if hit is not None and hit[0] is owner:
        return hit[1]
    html = Markup(render_template(template, **context))
    with _lock:
        if len(_cache) >= _MAX:
            _cache.pop(next(iter(_cache)))
        # The owner is kept with its HTML, so its id cannot be reused while cached.
        _cache[key] = (owner, html)
    return html


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
