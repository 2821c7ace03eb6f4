"""ctrl+p: fuzzy-find any path of the tree as you type."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from k8sread.core.fuzzy import FuzzyIndex
from k8sread.core.sanitize import inert

SHOWN = 200


class FileFinderScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    FileFinderScreen { align: center top; }
    FileFinderScreen > Vertical {
        width: 90%;
        max-width: 120;
        height: 80%;
        margin-top: 2;
        border: thick $accent;
        background: $surface;
    }
    FileFinderScreen Input { margin: 0 0 0 0; }
    FileFinderScreen OptionList { height: 1fr; border: none; }
    FileFinderScreen #finder-count { color: $text-muted; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "dismiss_none", "Close"),
        Binding("down,ctrl+n", "move(1)", "Next", show=False),
        Binding("up,ctrl+p", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    def __init__(self, paths: list[str] | None = None, *, index: FuzzyIndex | None = None) -> None:
        super().__init__()
        self.index = index if index is not None else FuzzyIndex(paths or [])
        self.total = len(self.index)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder="Find a file: type parts of its path (e.g. kubelet.go, sched/generic)", id="finder-input")
            yield Label("", id="finder-count")
            yield OptionList(id="finder-results")

    def on_mount(self) -> None:
        self._show("")
        self.query_one(Input).focus()

    @on(Input.Changed, "#finder-input")
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, query: str) -> None:
        results = self.query_one(OptionList)
        results.clear_options()
        if not query.strip():
            self.query_one("#finder-count", Label).update(f"{self.total} files")
            return
        matches = self.index.search(query.strip(), limit=SHOWN)
        options = []
        for match in matches:
            label = Text(inert(match.path))
            for position in match.positions or ():
                if position < len(label):
                    label.stylize("bold underline", position, position + 1)
            options.append(Option(label, id=match.path))
        results.add_options(options)
        if options:
            results.highlighted = 0
        self.query_one("#finder-count", Label).update(f"{len(matches)}{'+' if len(matches) >= SHOWN else ''} of {self.total} files")

    @on(Input.Submitted, "#finder-input")
    def _submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and results.option_count:
            self.dismiss(results.get_option_at_index(results.highlighted).id)

    @on(OptionList.OptionSelected, "#finder-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if not results.option_count:
            return
        current = results.highlighted or 0
        results.highlighted = max(0, min(results.option_count - 1, current + delta))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
