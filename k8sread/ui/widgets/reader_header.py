"""The top line: tree name, its commit, the current file, changed and orphan counts, the notes'
language; and the banner."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from k8sread.core.sanitize import inert


class ReaderHeader(Static):
    DEFAULT_CSS = """
    ReaderHeader {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    tree_name: reactive[str] = reactive("")
    commit: reactive[str | None] = reactive(None)
    file: reactive[str | None] = reactive(None)
    orphans: reactive[int] = reactive(0)
    changed: reactive[int] = reactive(0)  # notes whose code changed since they were written
    status: reactive[str] = reactive("")
    # The language bilingual notes are shown in (L switches it): always on screen, so a switch
    # needs no toast (mounting one cost `L` two more frames).
    lang: reactive[str | None] = reactive(None)

    def render(self) -> Text:
        text = Text()
        text.append("k8sread ", style="bold")
        text.append(inert(self.tree_name), style="bold cyan")
        if self.commit:
            text.append(f" @{self.commit[:10]}", style="dim")
        if self.file:
            text.append("  ›  ")
            text.append(inert(self.file))
        if self.changed:
            text.append(f"  ◐ {self.changed} changed", style="yellow")
        if self.orphans:
            text.append(f"  ⚠ {self.orphans} orphaned", style="bold yellow")
        if self.status:
            text.append("  ")
            text.append(inert(self.status), style="italic")
        if self.lang:
            text.append("  ")
            text.append(" 中文 " if self.lang.startswith("zh") else " EN ", style="bold reverse")
        return text


class Banner(Static):
    DEFAULT_CSS = """
    Banner {
        height: auto;
        max-height: 4;  # a read-only reason names a path: it must not be cut
        background: $warning 20%;
        color: $foreground;
        padding: 0 1;
    }
    Banner.-hidden { display: none; }
    """
