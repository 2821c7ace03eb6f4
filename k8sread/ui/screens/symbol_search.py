"""ctrl+t: jump to any package-level symbol of the checkout."""

from __future__ import annotations

from rich.text import Text

from k8sread.core.sanitize import inert
from k8sread.core.symbol_index import SymbolHit, SymbolIndex
from k8sread.ui.screens.picker import KIND_MARK, PickerScreen

# As in the file finder: what a keystroke lays out; more are a narrower query away.
SHOWN = 100


class SymbolSearchScreen(PickerScreen[SymbolHit]):
    placeholder = "Symbol: a name, a prefix, or its word initials (spr -> syncProxyRules)"

    def __init__(self, index: SymbolIndex, status: str = "") -> None:
        super().__init__()
        self.index = index
        self.index_status = status

    def options(self, query: str) -> list[tuple[Text, SymbolHit]]:
        found = []
        for hit in self.index.search(query, limit=SHOWN):
            label = Text(f"{KIND_MARK.get(hit.kind, '?')} ", style="bold magenta")
            label.append(inert(hit.name), style="bold")
            label.append(f"  {inert(hit.path)}:{hit.line}", style="dim")
            found.append((label, hit))
        return found

    def status(self, query: str, shown: int) -> str:
        about = self.index_status or f"{len(self.index)} symbols"
        return f"{shown}{'+' if shown >= SHOWN else ''} matches · {about}" if query.strip() else about
