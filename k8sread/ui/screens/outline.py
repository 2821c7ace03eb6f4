"""`o`: the current file's declarations; type to filter, Enter jumps."""

from __future__ import annotations

from rich.text import Text

from k8sread.core.sanitize import inert
from k8sread.core.symbols import Symbol
from k8sread.ui.screens.picker import KIND_MARK, PickerScreen


class OutlineScreen(PickerScreen[Symbol]):
    DEFAULT_CSS = """
    OutlineScreen { align: right top; }
    OutlineScreen > Vertical { width: 70; max-width: 90%; height: 90%; margin: 1 2; }
    """
    placeholder = "filter declarations"

    def __init__(self, path: str, symbols: list[Symbol], current_line: int) -> None:
        super().__init__()
        self.path = path
        self.symbols = symbols
        self.current_line = current_line

    def options(self, query: str) -> list[tuple[Text, Symbol]]:
        needle = query.strip().lower()
        found = []
        for symbol in self.symbols:
            if needle and needle not in symbol.name.lower():
                continue
            label = Text(f"{KIND_MARK.get(symbol.kind, '?')} ", style="bold magenta")
            label.append(inert(symbol.name), style="bold" if symbol.kind in ("func", "method") else "")
            label.append(f"  L{symbol.start_line}-{symbol.end_line}", style="dim")
            found.append((label, symbol))
        return found

    def initial_highlight(self, query: str) -> int:
        # Unfiltered, start on the declaration the cursor is in.
        if query.strip():
            return 0
        inside = [i for i, s in enumerate(self.symbols) if s.first_line <= self.current_line <= s.end_line]
        return inside[-1] if inside else 0

    def status(self, query: str, shown: int) -> str:
        return f"{shown} of {len(self.symbols)} declarations in {inert(self.path)}"
