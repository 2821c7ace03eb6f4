"""A modal list filtered as you type: the shape the file finder, symbol search and outline share.

Subclasses give `placeholder`, and `options(query) -> [(label Text, value)]` plus a status line;
Enter or a click dismisses with the chosen value, Escape with None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

T = TypeVar("T")

# One letter per Go declaration kind, in the outline and in symbol search alike.
KIND_MARK = {"func": "ƒ", "method": "m", "struct": "S", "interface": "I", "type": "T", "var": "v", "const": "c"}


class FilterInput(Input):
    """The picker's query line. The list is filtered as the value changes, in the same turn as
    the key: through Input.Changed the typed letter was drawn in one frame and the results a
    frame later (about 20 ms of Textual's frame pacing on every keystroke)."""

    def watch_value(self, value: str) -> None:
        if not self.is_mounted:
            return  # the picker shows its first list itself, once mounted
        screen = self.screen
        if isinstance(screen, PickerScreen):
            screen.show(value)


class PickerScreen(ModalScreen[T | None], Generic[T]):
    DEFAULT_CSS = """
    PickerScreen { align: center top; }
    PickerScreen > Vertical {
        width: 90%;
        max-width: 120;
        height: 80%;
        margin-top: 2;
        border: thick $accent;
        background: $surface;
    }
    /* A fixed width: an auto one changed with every count, a layout drawn a frame late. */
    PickerScreen .picker-status { width: 1fr; padding: 0 1; color: $text-muted; }
    PickerScreen OptionList { height: 1fr; border: none; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("down,ctrl+n", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    placeholder = ""

    def __init__(self) -> None:
        super().__init__()
        self._values: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield FilterInput(placeholder=self.placeholder, classes="picker-input")
            yield Label("", classes="picker-status")
            yield OptionList(classes="picker-list")

    def on_mount(self) -> None:
        self.show("")
        self.query_one(Input).focus()

    # ---- what subclasses give --------------------------------------------------------

    def options(self, query: str) -> Sequence[tuple[Text | Content, T]]:
        raise NotImplementedError

    def status(self, query: str, shown: int) -> str:
        return ""

    # ---- behaviour -------------------------------------------------------------------

    def show(self, query: str) -> None:
        found = self.options(query)
        self._values = [value for _, value in found]
        results = self.query_one(OptionList)
        # One replacement, not clear + add: emptying the list hid its scrollbar and adding
        # showed it again, a layout change Textual drew one frame late.
        results.set_options([Option(label, id=str(index)) for index, (label, _) in enumerate(found)])
        if found:
            results.highlighted = self.initial_highlight(query)
        self.query_one(".picker-status", Label).update(Content(self.status(query, len(found))))  # plain: statuses quote file names

    def initial_highlight(self, query: str) -> int:
        return 0

    @on(Input.Submitted, ".picker-input")
    def _submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and self._values:
            self.dismiss(self._values[results.highlighted])

    @on(OptionList.OptionSelected, ".picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._values[int(event.option.id or 0)])

    def action_move(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            current = results.highlighted or 0
            results.highlighted = max(0, min(results.option_count - 1, current + delta))

    def action_close(self) -> None:
        self.dismiss(None)
