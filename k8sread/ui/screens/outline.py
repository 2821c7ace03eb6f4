"""`o`: the current file's declarations; type to filter, Enter jumps."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from k8sread.core.sanitize import inert
from k8sread.core.symbols import Symbol

KIND_MARK = {"func": "ƒ", "method": "m", "struct": "S", "interface": "I", "type": "T", "var": "v", "const": "c"}


class OutlineScreen(ModalScreen[Symbol | None]):
    DEFAULT_CSS = """
    OutlineScreen { align: right top; }
    OutlineScreen > Vertical {
        width: 70;
        max-width: 90%;
        height: 90%;
        margin: 1 2;
        border: thick $accent;
        background: $surface;
    }
    OutlineScreen Label { padding: 0 1; color: $text-muted; }
    OutlineScreen OptionList { height: 1fr; border: none; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, path: str, symbols: list[Symbol], current_line: int) -> None:
        super().__init__()
        self.path = path
        self.symbols = symbols
        self.current_line = current_line
        self.shown: list[Symbol] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder="filter declarations", id="outline-input")
            yield Label(f"{len(self.symbols)} declarations in {inert(self.path)}", id="outline-status")
            yield OptionList(id="outline-list")

    def on_mount(self) -> None:
        self._show("")
        # Start on the declaration the cursor is in.
        inside = [i for i, s in enumerate(self.shown) if s.first_line <= self.current_line <= s.end_line]
        results = self.query_one(OptionList)
        if inside:
            results.highlighted = inside[-1]
        self.query_one(Input).focus()

    @on(Input.Changed, "#outline-input")
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, text: str) -> None:
        needle = text.strip().lower()
        self.shown = [s for s in self.symbols if needle in s.name.lower()] if needle else list(self.symbols)
        results = self.query_one(OptionList)
        results.clear_options()
        options = []
        for index, symbol in enumerate(self.shown):
            label = Text(f"{KIND_MARK.get(symbol.kind, '?')} ", style="bold magenta")
            label.append(inert(symbol.name), style="bold" if symbol.kind in ("func", "method") else "")
            label.append(f"  L{symbol.start_line}-{symbol.end_line}", style="dim")
            options.append(Option(label, id=str(index)))
        results.add_options(options)
        if options:
            results.highlighted = 0

    @on(Input.Submitted, "#outline-input")
    def _submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and self.shown:
            self.dismiss(self.shown[results.highlighted])

    @on(OptionList.OptionSelected, "#outline-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[int(event.option.id)])

    def action_move(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            current = results.highlighted or 0
            results.highlighted = max(0, min(results.option_count - 1, current + delta))

    def action_close(self) -> None:
        self.dismiss(None)
