"""The notes pane: the current file's notes from every active pack, in line order.

API:
- `show(path, entries)`: entries are PaneNote, packset.PackNote or placement.PlacedNote (see
  k8sread.ui.pane_note); shown by line (placed notes first, orphans last), then pack.
  An empty list shows how to add a note.
- `set_language(lang)`: titles, bodies and labels in `lang` (falling back as Note does).
- `follow(first_line, last_line)`: entries whose lines meet [first, last] get the `-on-screen`
  class; the first of them is scrolled to the top of the pane (focus is not taken). While the
  pane has no focus its cursor moves there too, so focusing it and pressing Enter opens it.
- `path`, `items -> list[PaneNote]`, `entries -> list[NoteEntry]`, `cursor -> int | None`,
  `selected -> PaneNote | None`, `on_screen -> list[PaneNote]`, `select(index)`.

Keys (when focused): up/down or k/j move between notes, home/end, Enter jumps, `e` edit,
`d` delete. A click selects a note and focuses the pane.

Messages (each carries `note`, `path`, `item: PaneNote`): `JumpTo` (+ `start`, `end`: where
the note sits now), `EditRequested` and `DeleteRequested` (+ `pack`: `item.pack`, the object
the app gave, or the pack name when it gave none). Links in bodies open only when clicked
and only for http(s) URLs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Markdown, Static

from k8sread.core.note import Note
from k8sread.ui.pane_note import PaneNote
from k8sread.ui.widgets.note_entry import NoteEntry

EMPTY = {
    "en": "No notes on this file. Select lines with v and press a to add one.",
    "zh": "这个文件还没有笔记。用 v 选中几行，按 a 添加一条。",
}
NO_FILE = {"en": "Open a file to see its notes.", "zh": "打开一个文件即可看到它的笔记。"}
# Each entry is a dozen widgets: 500 took 8 s to mount and a pack may put 5000 notes on one
# file. Beyond this many the pane lists the first ones and says how many it left out (their
# markers are still in the gutter, and e/d on their lines still reach them).
MAX_ENTRIES = 100
MORE = {
    "en": "{count} more notes on this file are not listed: the pane lists {limit} at most.",
    "zh": "这个文件还有 {count} 条笔记未列出：笔记栏最多列出 {limit} 条。",
}


class _NoteMessage(Message):
    def __init__(self, item: PaneNote, path: str | None) -> None:
        super().__init__()
        self.item = item
        self.note: Note = item.note
        self.path = path
        self.pack: Any = item.pack if item.pack is not None else item.pack_name


class NotesPane(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    NotesPane { height: 1fr; }
    NotesPane > .notes-pane--empty { color: $text-muted; padding: 1 1; height: auto; }
    """

    BINDINGS = [
        Binding("down,j", "move(1)", "Next note", show=False),
        Binding("up,k", "move(-1)", "Previous note", show=False),
        Binding("home", "move_to(0)", "First note", show=False),
        Binding("end", "move_to(-1)", "Last note", show=False),
        Binding("enter", "jump", "Go to note"),
        Binding("e", "edit", "Edit"),
        Binding("d", "delete", "Delete"),
    ]

    class JumpTo(_NoteMessage):
        """Show the note's lines in the source view and select them."""

        def __init__(self, item: PaneNote, path: str | None) -> None:
            super().__init__(item, path)
            self.start: int = item.start
            self.end: int = item.end

    class EditRequested(_NoteMessage):
        """Open the editor on this note."""

    class DeleteRequested(_NoteMessage):
        """Delete this note (the app confirms first)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.path: str | None = None
        self.lang: str | None = None
        self._entries: list[NoteEntry] = []
        self._left_out = 0
        self._cursor: int | None = None
        self._follow_target: NoteEntry | None = None

    def on_mount(self) -> None:
        self._render_entries()

    # ---- state -----------------------------------------------------------------------

    @property
    def entries(self) -> list[NoteEntry]:
        return list(self._entries)

    @property
    def items(self) -> list[PaneNote]:
        return [entry.item for entry in self._entries]

    @property
    def cursor(self) -> int | None:
        return self._cursor

    @property
    def selected(self) -> PaneNote | None:
        return self._entries[self._cursor].item if self._cursor is not None else None

    @property
    def on_screen(self) -> list[PaneNote]:
        return [entry.item for entry in self._entries if entry.has_class("-on-screen")]

    # ---- API -------------------------------------------------------------------------

    def show(self, path: str | None, entries: Iterable[Any]) -> None:
        items = [PaneNote.of(entry) for entry in entries]
        items.sort(key=lambda i: (i.orphan, i.start, i.end, i.pack_index, i.note.id))
        self.path = path
        self._left_out = max(0, len(items) - MAX_ENTRIES)
        self._entries = [NoteEntry(item, lang=self.lang) for item in items[:MAX_ENTRIES]]
        self._cursor = 0 if items else None
        self._follow_target = None
        if self.is_mounted:
            self._render_entries()

    def set_language(self, lang: str | None) -> None:
        self.lang = lang
        for entry in self._entries:
            entry.set_language(lang)
        if not self._entries and self.is_mounted:
            self._render_entries()

    def follow(self, first_line: int, last_line: int) -> None:
        target: NoteEntry | None = None
        for entry in self._entries:
            visible = entry.item.covers_any(first_line, last_line)
            entry.set_class(visible, "-on-screen")
            if visible and target is None:
                target = entry
        if target is None or target is self._follow_target:
            # Scrolling within the same notes must not snap the pane back on every line.
            return
        self._follow_target = target
        if not self.has_focus_within:
            self._set_cursor(self._entries.index(target), scroll=False)
        self.call_after_refresh(self._scroll_to_follow_target)

    def select(self, index: int) -> None:
        self._set_cursor(index, scroll=True)

    # ---- drawing ---------------------------------------------------------------------

    def _render_entries(self) -> None:
        self.remove_children()
        if self._entries:
            self.mount_all(self._entries)
            if self._left_out:
                text = MORE.get((self.lang or "en")[:2], MORE["en"]).format(count=self._left_out, limit=MAX_ENTRIES)
                self.mount(Static(Content(text), classes="notes-pane--empty"))
            self._set_cursor(self._cursor, scroll=False)
        else:
            messages = NO_FILE if self.path is None else EMPTY
            text = messages.get((self.lang or "en")[:2], messages["en"])
            self.mount(Static(Content(text), classes="notes-pane--empty"))
        self.scroll_home(animate=False)

    def _set_cursor(self, index: int | None, *, scroll: bool) -> None:
        if not self._entries or index is None:
            self._cursor = None
            return
        index = max(0, min(len(self._entries) - 1, index))
        self._cursor = index
        for number, entry in enumerate(self._entries):
            entry.set_class(number == index, "-cursor")
        if scroll:
            self._follow_target = None
            self.scroll_to_widget(self._entries[index], animate=False)

    def _scroll_to_follow_target(self) -> None:
        target = self._follow_target
        if target is not None and target.is_mounted:
            self.scroll_to_widget(target, animate=False, top=True)

    def on_markdown_table_of_contents_updated(self, event: Markdown.TableOfContentsUpdated) -> None:
        # A body finished laying out: heights above the target may have changed.
        event.stop()
        if self._follow_target is not None:
            self.call_after_refresh(self._scroll_to_follow_target)

    # ---- input -----------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if self._cursor is not None:
            self.select(self._cursor + step)

    def action_move_to(self, index: int) -> None:
        if self._entries:
            self.select(index % len(self._entries))

    def _post(self, kind: type[_NoteMessage]) -> None:
        item = self.selected
        if item is not None:
            self.post_message(kind(item, self.path))

    def action_jump(self) -> None:
        self._post(NotesPane.JumpTo)

    def action_edit(self) -> None:
        self._post(NotesPane.EditRequested)

    def action_delete(self) -> None:
        self._post(NotesPane.DeleteRequested)

    def on_click(self, event: events.Click) -> None:
        widget = event.widget
        while widget is not None and widget is not self and not isinstance(widget, NoteEntry):
            widget = widget.parent
        if isinstance(widget, NoteEntry) and widget in self._entries:
            self.select(self._entries.index(widget))
            self.focus()

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        if event.href.lower().startswith(("https://", "http://")):
            self.app.open_url(event.href)
