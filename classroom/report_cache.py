"""Rendered reports kept until the class's results change.

A report over a whole class takes tens of milliseconds to compute and render;
teachers reopen the same one often and many may look at once. Each entry is keyed
by the class's fingerprint (submits, grades, removals) and the content version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from markupsafe import Markup

_MAX = 48
_cache: OrderedDict[Hashable, Markup] = OrderedDict()
_lock = threading.Lock()
# A report being rendered, by key: teachers who ask for it meanwhile wait for that one
# rendering instead of each starting their own, which under the interpreter's one lock
# would make every one of them as slow as all of them together.
_rendering: dict[Hashable, threading.Lock] = {}


def _kept(key: Hashable) -> Markup | None:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    return None


def cached(key: Hashable, render: Callable[[], str]) -> Markup:
    html = _kept(key)
    if html is not None:
        return html
    with _lock:
        rendering = _rendering.setdefault(key, threading.Lock())
    try:
        with rendering:
            html = _kept(key)
            if html is None:  # the first to come, or the one before failed: render it
                html = Markup(render())
                with _lock:
                    _cache[key] = html
                    while len(_cache) > _MAX:
                        _cache.popitem(last=False)
    finally:
        with _lock:
            if _rendering.get(key) is rendering:
                del _rendering[key]
    return html


def clear() -> None:
    with _lock:
        _cache.clear()
