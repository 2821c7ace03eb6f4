"""ctrl+p: fuzzy-find any path of the tree as you type."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.content import Content, Span

from k8sread.core.fuzzy import FuzzyIndex
from k8sread.core.sanitize import inert
from k8sread.ui.screens.picker import PickerScreen

# Results listed; the status says when there are more (type more to narrow). Each costs its
# share of every keystroke (200 took 4.5 ms of the frame).
SHOWN = 50


class FileFinderScreen(PickerScreen[str]):
    BINDINGS = [Binding("ctrl+p", "move(-1)", "Previous", show=False)]
    placeholder = "Find a file: type parts of its path (e.g. kubelet.go, sched/generic)"

    def __init__(self, paths: list[str] | None = None, *, index: FuzzyIndex | None = None) -> None:
        super().__init__()
        self.index = index if index is not None else FuzzyIndex(paths or [])
        self.total = len(self.index)

    def options(self, query: str) -> list[tuple[Text | Content, str]]:
        if not query.strip():
            return []
        found: list[tuple[Text | Content, str]] = []
        for match in self.index.search(query.strip(), limit=SHOWN):
            # Content, not rich Text: the list would convert each label on every keystroke
            # (a millisecond for 50 of them, of a frame the keystroke must fit in).
            shown = inert(match.path)
            spans = [Span(position, position + 1, "bold underline") for position in match.positions or () if position < len(shown)]
            found.append((Content(shown, spans=spans), match.path))
        return found

    def status(self, query: str, shown: int) -> str:
        if not query.strip():
            return f"{self.total} files"
        return f"{shown}{'+' if shown >= SHOWN else ''} of {self.total} files"
