"""Packs shown together: switch each on or off, and choose where new notes go."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from k8sread.core.note import localized
from k8sread.core.packset import PackSet
from k8sread.core.sanitize import inert
from k8sread.ui.palette import PACK_GLYPHS


class PacksScreen(ModalScreen[bool]):
    """Returns True when something changed (the reader then redraws its notes)."""

    DEFAULT_CSS = """
    PacksScreen { align: center middle; }
    PacksScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 80%;
        border: thick $accent;
        background: $surface;
    }
    PacksScreen Label { padding: 0 1; color: $text-muted; }
    PacksScreen OptionList { height: auto; max-height: 20; border: none; }
    """

    BINDINGS = [
        Binding("space", "toggle", "On/off"),
        Binding("w", "target", "New notes here"),
        Binding("escape,P", "close", "Close"),
        Binding("j", "down", show=False),
        Binding("k", "up", show=False),
    ]

    def __init__(self, packs: PackSet, lang: str | None) -> None:
        super().__init__()
        self.packs = packs
        self.lang = lang
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("space: show or hide a pack · w: new notes go to this pack · Esc: close")
            yield OptionList(*self._options())

    def _options(self) -> list[Option]:
        options = []
        for index, pack in enumerate(self.packs.packs):
            on = self.packs.is_enabled(pack.name)
            text = Text()
            text.append("[x] " if on else "[ ] ", style="bold" if on else "dim")
            text.append(f"{PACK_GLYPHS[index % len(PACK_GLYPHS)]} ", style="bold")
            text.append(inert(pack.name), style="bold" if on else "dim")
            title = localized(pack.meta.title, self.lang)
            if title and title != pack.name:
                text.append(f"  {inert(title)}")
            text.append(f"  ({self.packs.kind(pack)}{', read-only' if not pack.writable else ''})", style="dim")
            if pack is self.packs.writable:
                text.append("  ← new notes", style="bold green")
            options.append(Option(text, id=pack.name))
        return options

    def _refresh(self) -> None:
        results = self.query_one(OptionList)
        highlighted = results.highlighted
        results.clear_options()
        results.add_options(self._options())
        results.highlighted = highlighted

    def on_mount(self) -> None:
        results = self.query_one(OptionList)
        results.focus()
        results.highlighted = 0

    def _current(self):
        results = self.query_one(OptionList)
        if results.highlighted is None:
            return None
        name = results.get_option_at_index(results.highlighted).id
        return self.packs.by_name(name) if name else None

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_toggle()

    def action_toggle(self) -> None:  # type: ignore[override]  # a pack's switch, not DOMNode.toggle
        pack = self._current()
        if pack is None:
            return
        self.packs.set_enabled(pack.name, not self.packs.is_enabled(pack.name))
        self.changed = True
        self._refresh()

    def action_target(self) -> None:
        pack = self._current()
        if pack is None:
            return
        if not pack.writable:
            self.notify(f"{pack.name} is read-only", severity="warning")
            return
        self.packs.set_writable(pack.name)
        self.changed = True
        self._refresh()

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(self.changed)
