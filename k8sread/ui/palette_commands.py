"""Every reader action in the command palette, named as in the Footer and the help."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


def _actions(app) -> list[tuple[str, str, object]]:
    """(title, key, callable) for each binding of the app and of the source view."""
    from k8sread.ui.widgets.source_view import SourceView

    found: list[tuple[str, str, object]] = []
    seen: set[str] = set()
    for owner, bindings in ((app, type(app).BINDINGS), ("source", SourceView.BINDINGS)):
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            if owner == "source":
                callback = partial(_run_on_source, app, binding.action)
            else:
                callback = partial(app.run_action, binding.action)
            found.append((binding.description, binding.key.split(",")[0], callback))
    for title, action in getattr(app, "EXTRA_COMMANDS", ()):
        if action not in seen:
            found.append((title, "", partial(app.run_action, action)))
    return found


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
