"""A trail step of prose on no code, shown as a page: `]` and `[` walk on, Esc goes back to the code."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from k8sread.core.reader import Page
from k8sread.core.sanitize import inert, inert_line


class TextStepScreen(ModalScreen[int | None]):
    """Dismisses with +1 / -1 to walk on, None to stay."""

    DEFAULT_CSS = """
    TextStepScreen { align: center middle; }
    TextStepScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 80%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    TextStepScreen #text-step-title { text-style: bold; height: auto; }
    TextStepScreen #text-step-where { color: $text-muted; height: 1; }
    """

    BINDINGS = [
        Binding("right_square_bracket", "walk(1)", "Next step"),
        Binding("left_square_bracket", "walk(-1)", "Prev step"),
        Binding("escape,q", "walk(0)", "Back to the code"),
    ]

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(inert_line(self.page.title or "(text)"), id="text-step-title", markup=False)
            yield Static(inert_line(f"{self.page.step} · a step with no code · ] next · [ previous · Esc back"), id="text-step-where", markup=False)
            # A stranger's pack: control characters become visible stand-ins before rendering.
            yield Markdown(inert(self.page.body), open_links=False)

    def action_walk(self, direction: int) -> None:
        self.dismiss(direction or None)
