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


def cached(key: Hashable, render: Callable[[], str]) -> Markup:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    html = Markup(render())
    with _lock:
        _cache[key] = html
        while len(_cache) > _MAX:
            _cache.popitem(last=False)
    return html


def clear() -> None:
    with _lock:
        _cache.clear()
