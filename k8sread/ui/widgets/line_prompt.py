"""A one-line prompt at the bottom of the screen (`:` go to line, `/` search), vim style.

Dismisses with the typed text on Enter and None on Escape; `on_change` sees every edit so a search
can highlight matches while the user types.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class LinePrompt(ModalScreen[str | None]):
    DEFAULT_CSS = """
    LinePrompt {
        background: transparent;
        align: left bottom;
    }
    LinePrompt > Horizontal {
        height: 1;
        width: 100%;
        background: $panel;
    }
    LinePrompt Label {
        width: auto;
        padding: 0 0 0 1;
        color: $text-accent;
        text-style: bold;
    }
    LinePrompt Input {
        border: none;
        height: 1;
        padding: 0 1;
        width: 1fr;
        background: $panel;
    }
    LinePrompt Input:focus {
        border: none;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self,
        prompt: str,
        *,
        placeholder: str = "",
        value: str = "",
        integer: bool = False,
        on_change: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.prompt = prompt
        self.placeholder = placeholder
        self.initial = value
        self.integer = integer
        self.on_change = on_change

    def compose(self) -> ComposeResult:
        with Horizontal():
            # A Label parses markup: the prompt is one of our own constants (":" or "/").
            yield Label(self.prompt)
            yield Input(
                value=self.initial,
                placeholder=self.placeholder,
                type="integer" if self.integer else "text",
                select_on_focus=False,
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.on_change is not None:
            self.on_change(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
