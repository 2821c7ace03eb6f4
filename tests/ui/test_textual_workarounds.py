"""Textual's styles cache must not keep removed widgets (and their rendered lines) alive."""

from __future__ import annotations

import gc
import weakref

from reader_support import sync
from textual._styles_cache import StylesCache
from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import VerticalScroll
from textual.widgets import Static

from k8sread.ui import textual_workarounds


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="box")


@sync
async def test_removed_widgets_and_their_style_caches_are_collected():
    assert textual_workarounds.apply()
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        box = app.query_one("#box")
        widgets = [Static(f"line {i}") for i in range(30)]
        await box.mount_all(widgets)
        await pilot.pause()
        assert all(w._styles_cache._cache for w in widgets[:10])  # they were drawn
        widget_refs = [weakref.ref(w) for w in widgets]
        cache_refs = [weakref.ref(w._styles_cache) for w in widgets]
        del widgets
        await box.remove_children()
        # A new child makes the container arrange again, dropping its last layout's placements.
        await box.mount(Static("after"))
        await pilot.pause()
        gc.collect()
        assert sum(ref() is not None for ref in widget_refs) == 0
        # Without the workaround all 30 stay, held by the lru_cache key of get_inner_outer.
        assert sum(ref() is not None for ref in cache_refs) == 0


def test_inner_outer_still_depends_on_the_colours_only():
    textual_workarounds.apply()
    base, background = Color(10, 20, 30), Color(200, 100, 0, 0.5)
    one, two = StylesCache(), StylesCache()
    assert one.get_inner_outer(base, background) == two.get_inner_outer(base, background)
    inner, outer = one.get_inner_outer(base, background)
    assert outer.background == base
    assert inner.background == base + background


def test_apply_is_idempotent():
    assert textual_workarounds.apply()
    method = StylesCache.get_inner_outer
    assert textual_workarounds.apply()
    assert StylesCache.get_inner_outer is method
