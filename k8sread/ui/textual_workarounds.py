"""Workarounds for Textual bugs that cost the reader memory or time; applied once on import.

`StylesCache.get_inner_outer` (textual/_styles_cache.py, textual 8.2.8) is an
`functools.lru_cache(1024)` on an instance method: every call puts the `StylesCache` itself
in the cache key, so the cache keeps up to 1024 style caches alive, each with the rendered
Strips of a widget's lines, long after their widgets are gone. The notes pane mounts and
removes a dozen widgets per note on every file change, so this held megabytes of strips and
made every full garbage collection walk them. The method's result depends only on the two
colours, so here it is cached on the colours alone. Upstream report:
bench/textual_issue_styles_cache.md.

`apply()` is idempotent and leaves Textual alone when a release has fixed it (the method is
then no longer an lru_cache wrapper).
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

from textual._styles_cache import StylesCache

_applied = False


def apply() -> bool:
    """Patch what needs patching; True when the styles cache workaround is in place."""
    global _applied
    if _applied:
        return True
    method: Any = StylesCache.__dict__.get("get_inner_outer")
    wrapped = getattr(method, "__wrapped__", None)
    if wrapped is None or not hasattr(method, "cache_clear"):
        return False  # not the lru_cache we know: fixed upstream, or changed; do nothing
    # The original function ignores its first argument (it is even named `cls`).
    by_colours = lru_cache(maxsize=1024)(partial(wrapped, None))

    def get_inner_outer(self, base_background, background):
        return by_colours(base_background, background)

    get_inner_outer.__doc__ = wrapped.__doc__
    method.cache_clear()  # what the old cache already holds
    setattr(StylesCache, "get_inner_outer", get_inner_outer)  # noqa: B010  (mypy: a method is replaced)
    _applied = True
    return True


apply()
