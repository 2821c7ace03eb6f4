"""`?`: every key, gathered from the bindings themselves so the list cannot go stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from k8sread.core.keymap import READER, key_label


def binding_rows(sections: list[tuple[str, list]]) -> list[tuple[str, str, str]]:
    """(where, keys, does) for widget bindings that are not in the key table (the tree's,
    the notes pane's)."""
    rows: list[tuple[str, str, str]] = []
    for section, bindings in sections:
        for binding in bindings:
            if isinstance(binding, Binding):
                rows.append((section, ", ".join(key_label(k.strip()) for k in binding.key.split(",")), binding.description or binding.action))
    return rows


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def rows(self) -> list[tuple[str, str, str]]:
        """(where, keys, does): the key table as remapped, then the panes' own keys."""
        from k8sread.ui.widgets.file_tree import FileTree
        from k8sread.ui.widgets.notes_pane import NotesPane

        keymap = self.app.keymap  # type: ignore[attr-defined]
        rows = [("Reader" if action.scope == READER else "Source", keymap.label(action), action.description) for action in keymap.actions if action.keys]
        rows += binding_rows([("Notes", list(NotesPane.BINDINGS)), ("Tree", list(FileTree.BINDINGS))])
        rows.append(("Reader", self.app.COMMAND_PALETTE_BINDING, "Command palette: every action by name"))
        return rows

    def compose(self) -> ComposeResult:
        table = Table(title="k8sread keys", expand=True, show_edge=False)
        table.add_column("where", style="dim", no_wrap=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        for where, key, description in self.rows():
            table.add_row(where, key, Text(description))
        with VerticalScroll():
            yield Static(table)
            yield Static(Text("Esc closes this help.", style="dim"))

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
