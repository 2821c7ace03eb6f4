"""`?`: every key, gathered from the bindings themselves so the list cannot go stale."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# Keys handled as sequences inside the source view (not single bindings).
SEQUENCES = [
    ("gg", "Go to the first line"),
    ("gd", "Go to the definition of the identifier under the cursor"),
    ("gr", "List references of the identifier under the cursor"),
]


def _key_label(key: str) -> str:
    names = {
        "question_mark": "?",
        "less_than_sign": "<",
        "greater_than_sign": ">",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "full_stop": ".",
        "colon": ":",
        "slash": "/",
        "escape": "Esc",
    }
    return ", ".join(names.get(part.strip(), part.strip()) for part in key.split(","))


def binding_rows(sections: list[tuple[str, list]]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for section, bindings in sections:
        for binding in bindings:
            if isinstance(binding, Binding):
                key, description = binding.key, binding.description or binding.action
            else:
                key, _, description = (list(binding) + ["", ""])[:3]
                description = description or binding[1]
            rows.append((section, _key_label(key), description))
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

    def compose(self) -> ComposeResult:
        from k8sread.ui.widgets.file_tree import FileTree
        from k8sread.ui.widgets.notes_pane import NotesPane
        from k8sread.ui.widgets.source_view import SourceView

        sections = [
            ("Reader", list(type(self.app).BINDINGS)),
            ("Source", list(SourceView.BINDINGS)),
            ("Notes", list(NotesPane.BINDINGS)),
            ("Tree", list(FileTree.BINDINGS)),
        ]
        table = Table(title="k8sread keys", expand=True, show_edge=False)
        table.add_column("where", style="dim", no_wrap=True)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        for section, key, description in binding_rows(sections):
            table.add_row(section, key, Text(description))
        for key, description in SEQUENCES:
            table.add_row("Source", key, description)
        table.add_row("Reader", self.app.COMMAND_PALETTE_BINDING, "Command palette: every action by name")
        with VerticalScroll():
            yield Static(table)
            yield Static(Text("Esc closes this help.", style="dim"))

    def action_dismiss(self) -> None:
        self.dismiss(None)
