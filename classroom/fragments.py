"""Parts of pages that are the same for everyone, rendered once per content version."""

from __future__ import annotations

import threading

from flask import render_template
from markupsafe import Markup

_MAX = 512  # lessons, readings and blank questions of every quiz version in use
_cache: dict[tuple[str, int], tuple[object, Markup]] = {}
_lock = threading.Lock()


def once_per_version(template: str, owner: object, **context: object) -> Markup:
    """Render `template` for this content object once; a reloaded file is a new object."""
    key = (template, id(owner))
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
