"""ctrl+t: jump to any package-level symbol of the checkout."""

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
from k8sread.core.symbol_index import SymbolHit, SymbolIndex

KIND_MARK = {"func": "ƒ", "method": "m", "type": "T", "var": "v", "const": "c"}


class SymbolSearchScreen(ModalScreen[SymbolHit | None]):
    DEFAULT_CSS = """
    SymbolSearchScreen { align: center top; }
    SymbolSearchScreen > Vertical {
        width: 90%;
        max-width: 130;
        height: 80%;
        margin-top: 2;
        border: thick $accent;
        background: $surface;
    }
    SymbolSearchScreen #symbol-status { padding: 0 1; color: $text-muted; }
    SymbolSearchScreen OptionList { height: 1fr; border: none; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, index: SymbolIndex, status: str = "") -> None:
        super().__init__()
        self.index = index
        self.status = status
        self.hits: dict[str, SymbolHit] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder="Symbol: a name, a prefix, or its word initials (spr -> syncProxyRules)", id="symbol-input")
            yield Label(self.status or f"{len(self.index)} symbols", id="symbol-status")
            yield OptionList(id="symbol-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed, "#symbol-input")
    def _changed(self, event: Input.Changed) -> None:
        results = self.query_one(OptionList)
        results.clear_options()
        self.hits.clear()
        hits = self.index.search(event.value, limit=200)
        options = []
        for number, hit in enumerate(hits):
            key = str(number)
            self.hits[key] = hit
            label = Text(f"{KIND_MARK.get(hit.kind, '?')} ", style="bold magenta")
            label.append(inert(hit.name), style="bold")
            label.append(f"  {inert(hit.path)}:{hit.line}", style="dim")
            options.append(Option(label, id=key))
        results.add_options(options)
        if options:
            results.highlighted = 0
        self.query_one("#symbol-status", Label).update(f"{len(hits)}{'+' if len(hits) >= 200 else ''} matches · {self.status or str(len(self.index)) + ' symbols'}")

    @on(Input.Submitted, "#symbol-input")
    def _submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and results.option_count:
            self.dismiss(self.hits[results.get_option_at_index(results.highlighted).id])

    @on(OptionList.OptionSelected, "#symbol-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option.id])

    def action_move(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            current = results.highlighted or 0
            results.highlighted = max(0, min(results.option_count - 1, current + delta))

    def action_close(self) -> None:
        self.dismiss(None)
