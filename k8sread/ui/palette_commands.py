"""Every reader action in the command palette, named as in the Footer and the help."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider


def _actions(app) -> list[tuple[str, str, Callable[[], Any]]]:
    """(title, key, callable) for each action of the one key table (k8sread.core.keymap)."""
    from k8sread.core.keymap import READER, key_label

    keymap = app.keymap
    found: list[tuple[str, str, Callable[[], Any]]] = []
    for action in keymap.actions:
        if not action.palette:
            continue
        keys = action.alternatives()
        key = key_label(keys[0]) if keys else ""
        if action.scope == READER:
            callback = partial(_run_on_reader, app, action.action)
        else:
            callback = partial(_run_on_source, app, action.action)
        found.append((action.description, key, callback))
    for title, name in getattr(app, "EXTRA_COMMANDS", ()):
        found.append((title, "", partial(_run_on_reader, app, name)))
    return found


async def _run_on_reader(app, action: str) -> None:
    await app.reader_screen.run_action(action)


async def _run_on_source(app, action: str) -> None:
    from k8sread.ui.widgets.source_view import SourceView

    view = app.query_one(SourceView)
    view.focus()
    await view.run_action(action)


class ReaderCommands(Provider):
    async def discover(self) -> Hits:
        for title, key, callback in _actions(self.app):
            yield DiscoveryHit(title, callback, help=f"key: {key}" if key else None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, key, callback in _actions(self.app):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=f"key: {key}" if key else None)
