"""Notes whose code could not be found in this checkout: listed, never drawn at a wrong place."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from k8sread.core.sanitize import inert


class OrphansScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    OrphansScreen { align: center middle; }
    OrphansScreen > VerticalScroll {
        width: 90%;
        max-width: 110;
        height: 80%;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    OrphansScreen .orphan { margin-bottom: 1; }
    """

    BINDINGS = [Binding("escape,O", "close", "Close")]

    def __init__(self, path: str, orphans: list[tuple[str, str, str, str]]) -> None:
        """`orphans`: (pack name, note title, stored range, why) for the current file."""
        super().__init__()
        self.path = path
        self.orphans = orphans

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(Text(f"Orphaned notes in {inert(self.path)}: their code is not in this checkout", style="bold"))
            if not self.orphans:
                yield Static("None: every note of this file found its code.")
            for pack, title, lines, why in self.orphans:
                text = Text()
                text.append(inert(title), style="bold")
                text.append(f"\n  pack {inert(pack)} · was at {lines}")
                if why:
                    text.append(f" · {inert(why)}", style="dim")
                yield Static(text, classes="orphan")
            yield Static(Text("Run `k8sread check --fix` on a writable pack to re-pin moved notes; orphans need a human.", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
