"""Pick one of several places (several definitions of a method name, for example)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from k8sread.core.sanitize import inert


class ChooserScreen(ModalScreen[int | None]):
    DEFAULT_CSS = """
    ChooserScreen { align: center middle; }
    ChooserScreen > Vertical {
        width: 90%;
        max-width: 120;
        height: auto;
        max-height: 80%;
        border: thick $accent;
        background: $surface;
    }
    ChooserScreen Label { padding: 0 1; color: $text-muted; }
    ChooserScreen OptionList { height: auto; max-height: 30; border: none; }
    """

    BINDINGS = [Binding("escape", "close", "Close"), Binding("j", "down", show=False), Binding("k", "up", show=False)]

    def __init__(self, title: str, items: list[tuple[str, str]]) -> None:
        """`items` are (label, detail) pairs; the screen returns the chosen index."""
        super().__init__()
        self.title_text = title
        self.items = items

    def compose(self) -> ComposeResult:
        options = []
        for number, (label, detail) in enumerate(self.items):
            text = Text(inert(label), style="bold")
            text.append(f"  {inert(detail)}", style="dim")
            options.append(Option(text, id=str(number)))
        with Vertical():
            yield Label(Content(inert(self.title_text)))
            yield OptionList(*options)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
