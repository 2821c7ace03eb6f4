"""The tree folded to one column while you read: click it (or ctrl+b) to unfold the tree."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Static


class TreeRail(Static):
    DEFAULT_CSS = """
    TreeRail {
        width: 1;
        height: 1fr;
        color: $text-muted;
        background: $surface;
        display: none;
    }
    TreeRail:hover { background: $boost; color: $text; }
    """

    class Clicked(Message):
        """Unfold the tree."""

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked())
