"""What changed under a moved or changed note: its lines as written and as they are now, as a
unified diff (k8sread.core.note_diff), or why it cannot be shown."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from k8sread.core.note_diff import NoteDiff
from k8sread.core.sanitize import inert

STYLES = {"+": "green", "-": "red", "@": "cyan"}


def diff_text(diff: NoteDiff) -> Text:
    """The diff coloured line by line; Kubernetes code is shown inert (no markup, no escapes)."""
    text = Text()
    for number, line in enumerate(diff.text.split("\n")):
        if number:
            text.append("\n")
        if line.startswith(("---", "+++")):
            text.append(inert(line), style="bold")
        else:
            # Go is indented with tabs: four columns each, after the diff's own first column.
            text.append(inert(line[:1] + line[1:].expandtabs(4)), style=STYLES.get(line[:1], ""))
    return text


class NoteDiffScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    NoteDiffScreen { align: center middle; }
    NoteDiffScreen > VerticalScroll {
        width: 94%;
        max-width: 140;
        height: 86%;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    NoteDiffScreen .note-diff--why { margin-top: 1; }
    NoteDiffScreen .note-diff--code { margin-top: 1; }
    """

    BINDINGS = [Binding("escape,D,q", "close", "Close")]

    def __init__(self, diff: NoteDiff, title: str = "") -> None:
        """`title`: the note's title, in the reader's language."""
        super().__init__()
        self.diff = diff
        self.note_title = title

    def compose(self) -> ComposeResult:
        diff = self.diff
        with VerticalScroll():
            heading = Text()
            heading.append("What changed", style="bold")
            if self.note_title:
                heading.append(f" · {inert(self.note_title)}")
            yield Label(heading)
            yield Static(Text(inert(diff.title), style="dim"))
            if not diff.ok:
                yield Static(Text(inert(diff.reason)), classes="note-diff--why")
            elif diff.same:
                yield Static(Text(f"The lines are as they were written (from {inert(diff.source)}); only their place changed."), classes="note-diff--why")
            else:
                yield Static(Text(f"Old lines from {inert(diff.source)}; new lines from this checkout.", style="dim"))
                yield Static(diff_text(diff), classes="note-diff--code")
            yield Static(
                Text("Esc closes; then p re-pins the note where it is drawn (a changed note: once you have read it)", style="dim"), classes="note-diff--why"
            )

    def action_close(self) -> None:
        self.dismiss(None)
