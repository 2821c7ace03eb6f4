"""A yes/no question in a small modal: y or Enter for yes, n or Escape for no.

API: `ConfirmScreen(message, *, yes="Yes", no="No")` -> ModalScreen[bool]; dismisses with True
or False. `message` may quote a note's title: it is shown as plain text, never as markup.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from k8sread.core.sanitize import inert


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #confirm-dialog {
        width: auto; min-width: 36; max-width: 80%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen #confirm-message { width: auto; max-width: 100%; height: auto; margin-bottom: 1; }
    ConfirmScreen #confirm-buttons { width: auto; height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; min-width: 8; }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, message: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.message = message
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(Content(inert(self.message)), id="confirm-message")
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(f"{self.yes_label} (y)"), id="yes", variant="error")
                yield Button(Content(f"{self.no_label} (n)"), id="no")

    def on_mount(self) -> None:
        # Enter presses the focused button: yes, unless the reader tabs to no.
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
