"""The notes pane: the current file's notes from every active pack, in line order.

One Line-API view draws every note (k8sread.ui.widgets.note_entry lays each note out as rows):
no widget per note, so opening a file costs a layout of its notes' text, not the mounting of a
dozen widgets per note; a trail step inside the same file changes nothing here but which notes
are highlighted and where the view is scrolled, and that scroll happens at once, in the same
frame as the source view's (the layout is known, nothing waits for a refresh).

API:
- `show(path, items)`: items are placements with `.note`, `.pack_name`, `.pack_index`,
  `.writable`, `.status` ("exact" | "moved" | "changed" | "unanchored" | "orphan"), `.start`,
  `.end` (None for an orphan), `.moved`, `.orphan`, `.covers_any(first, last)` and `.pack`
  (handed back in messages); shown by line (placed notes first, orphans last), then pack.
  Showing the same notes of the same path again keeps everything as it is.
  An empty list shows how to add a note.
- `set_language(lang)`: titles, bodies and labels in `lang` (falling back as Note does).
- `follow(first_line, last_line)`: notes whose lines meet [first, last] are highlighted; the
  first of them is scrolled to the top of the pane (focus is not taken). While the pane has no
  focus its cursor moves there too, so focusing it and pressing Enter opens it.
- `path`, `items`, `entries -> list[NoteEntry]`, `cursor -> int | None`, `selected`,
  `on_screen -> list of items`, `select(index)`, `builds` (how many times the notes were laid
  out anew: a step inside one file must not add one), `list` (the view), `row_of(index)`.

Keys (when focused): up/down or k/j move between notes, home/end, Enter jumps, `e` edit,
`d` delete. A click selects a note and focuses the pane; a click on a link opens it, only
for http(s) URLs.

Messages (each carries `note`, `path`, `item`): `JumpTo` (+ `start`, `end`: where the note sits
now), `EditRequested` and `DeleteRequested` (+ `pack`: `item.pack`, the object the app gave,
or the pack name when it gave none).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from k8sread.core.note import Note
from k8sread.ui import textual_workarounds  # noqa: F401  (applied on import: every reader screen has this pane)
from k8sread.ui.palette import PACK_COLORS, pack_slot
from k8sread.ui.widgets.note_entry import BOLD, CODE, ITALIC, LINK, STRIKE, Key, NoteEntry

EMPTY = {
    "en": "No notes on this file. Select lines with v and press a to add one.",
    "zh": "这个文件还没有笔记。用 v 选中几行，按 a 添加一条。",
}
NO_FILE = {"en": "Open a file to see its notes.", "zh": "打开一个文件即可看到它的笔记。"}
# A pack may put 5000 notes on one file. Beyond this many the pane lists the first ones and
# says how many it left out (their markers are still in the gutter, and e/d on their lines
# still reach them).
MAX_ENTRIES = 100
MORE = {
    "en": "{count} more notes on this file are not listed: the pane lists {limit} at most.",
    "zh": "这个文件还有 {count} 条笔记未列出：笔记栏最多列出 {limit} 条。",
}
BORDER = "▌"
# Cells around a note's rows: the border and a space on the left, a space on the right.
LEFT, RIGHT = 2, 1


def _sort_key(item: Any) -> tuple:
    orphan = bool(item.orphan)
    start = item.start if item.start is not None else item.note.start
    end = item.end if item.end is not None else item.note.end
    # Line comments under the notes, compact (their text is their title), by line.
    comment = bool(getattr(item.note, "is_comment", False))
    return (orphan, comment, start, end, item.pack_index, item.note.id)


def _same_notes(a: Any, b: Any) -> bool:
    return (
        a.note == b.note
        and a.pack_name == b.pack_name
        and a.pack_index == b.pack_index
        and a.status == b.status
        and a.start == b.start
        and a.end == b.end
        and a.writable == b.writable
    )


class _NoteMessage(Message):
    def __init__(self, item: Any, path: str | None) -> None:
        super().__init__()
        self.item = item
        self.note: Note = item.note
        self.path = path
        self.pack: Any = item.pack if item.pack is not None else item.pack_name


class NotesList(ScrollView, can_focus=False):
    """Draws the pane's notes, row by row; the pane owns the state."""

    DEFAULT_CSS = """
    NotesList { height: 1fr; background: $surface; scrollbar-size-vertical: 1; scrollbar-gutter: stable; overflow-x: hidden; }
    NotesList > .notes-pane--border { color: $panel; }
    NotesList > .notes-pane--on-screen { background: $boost; }
    NotesList > .notes-pane--cursor { background: $primary 15%; }
    NotesList > .notes-pane--cursor-focused { background: $primary 30%; }
    NotesList > .notes-pane--title { text-style: bold; }
    NotesList > .notes-pane--meta { color: $text-muted; }
    NotesList > .notes-pane--meta-moved { color: $text-warning; }
    NotesList > .notes-pane--meta-orphan { color: $text-error; }
    NotesList > .notes-pane--tags { color: $text-muted; text-style: italic; }
    NotesList > .notes-pane--h1 { color: $text-primary; text-style: bold underline; }
    NotesList > .notes-pane--h2 { color: $text-primary; text-style: bold; }
    NotesList > .notes-pane--h3 { color: $text-secondary; text-style: bold; }
    NotesList > .notes-pane--quote { color: $text-muted; }
    NotesList > .notes-pane--codeblock { color: $text-warning; }
    NotesList > .notes-pane--code { color: $text-warning; background: $warning 10%; }
    NotesList > .notes-pane--link { color: $text-accent; text-style: underline; }
    NotesList > .notes-pane--rule { color: $text-muted; }
    """ + "\n".join(f"NotesList > .notes-pane--pack-{slot} {{ color: {color}; }}" for slot, color in enumerate(PACK_COLORS))

    COMPONENT_CLASSES = {
        "notes-pane--border",
        "notes-pane--on-screen",
        "notes-pane--cursor",
        "notes-pane--cursor-focused",
        "notes-pane--title",
        "notes-pane--meta",
        "notes-pane--meta-moved",
        "notes-pane--meta-orphan",
        "notes-pane--tags",
        "notes-pane--h1",
        "notes-pane--h2",
        "notes-pane--h3",
        "notes-pane--quote",
        "notes-pane--codeblock",
        "notes-pane--code",
        "notes-pane--link",
        "notes-pane--rule",
        *(f"notes-pane--pack-{slot}" for slot in range(len(PACK_COLORS))),
    }

    def __init__(self, pane: NotesPane) -> None:
        super().__init__(classes="notes-pane--list")
        self.pane = pane
        self.offsets: list[int] = []  # first row of each entry
        self.total = 0
        self.laid_out_width = 0
        self._styles: dict[tuple, Style] = {}
        self._strips: dict[tuple, Strip] = {}

    # ---- layout ----------------------------------------------------------------------

    @property
    def view_width(self) -> int:
        # Without the scrollbar's gutter (`size` counts it in a ScrollView).
        return self.scrollable_content_region.width

    @property
    def content_width(self) -> int:
        return max(1, self.view_width - LEFT - RIGHT)

    def relayout(self) -> bool:
        """Offsets of the entries for the current width; False while there is no width yet."""
        width = self.view_width
        if width <= 0:
            return False
        offsets, total = [], 0
        for entry in self.pane._entries:
            offsets.append(total)
            total += entry.height(self.content_width) + 1  # a blank row under each note
        self.offsets, self.total, self.laid_out_width = offsets, total, width
        self._strips.clear()
        self.virtual_size = Size(width, total)
        self.refresh()
        return True

    def entry_at(self, row: int) -> tuple[int, int] | None:
        """(entry index, row inside it) of a row of the view."""
        if not self.offsets or row < 0 or row >= self.total:
            return None
        index = bisect.bisect_right(self.offsets, row) - 1
        return index, row - self.offsets[index]

    def on_resize(self, event: events.Resize) -> None:
        if self.view_width != self.laid_out_width:
            self.pane._relayout(keep=True)

    # ---- drawing ---------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme) -> None:
        self._styles.clear()
        self._strips.clear()
        self.refresh()

    def _row_style(self, state: str) -> Style:
        key = ("row", state)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            if state:
                style = style + Style(bgcolor=self.get_component_rich_style(f"notes-pane--{state}").bgcolor)
            self._styles[key] = style
        return style

    def _component(self, name: str, row: Style) -> Style:
        full = self.get_component_rich_style(name)
        partial = self.get_component_rich_style(name, partial=True)
        style = row + partial.without_color + Style(color=full.color)
        if partial.bgcolor is not None:
            style += Style(bgcolor=full.bgcolor)
        return style

    def _style(self, key: Key, state: str) -> Style:
        cache_key = (key[0], key[1], state)
        style = self._styles.get(cache_key)
        if style is None:
            base, bits, _ = key
            name = f"notes-pane--pack-{base[7:]}" if base.startswith("marker-") else f"notes-pane--{base}"
            style = self._component(name, self._row_style(state)) if name in self.COMPONENT_CLASSES else self._row_style(state)
            if bits & CODE:
                style = self._component("notes-pane--code", style)
            if bits & LINK:
                style = self._component("notes-pane--link", style)
            if bits & (BOLD | ITALIC | STRIKE):
                style += Style(bold=True if bits & BOLD else None, italic=True if bits & ITALIC else None, strike=True if bits & STRIKE else None)
            self._styles[cache_key] = style
        return style

    def _border_style(self, index: int, state: str, on_screen: bool) -> Style:
        key = ("border", pack_slot(self.pane._entries[index].item.pack_index) if on_screen else None, state)
        style = self._styles.get(key)
        if style is None:
            name = f"notes-pane--pack-{key[1]}" if on_screen else "notes-pane--border"
            style = self._row_style(state) + Style(color=self.get_component_rich_style(name).color)
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.view_width
        row = self.scroll_offset.y + y
        found = self.entry_at(row)
        if found is None:
            return Strip.blank(width, self.rich_style)
        index, inner = found
        pane = self.pane
        on_screen = index in pane._on_screen
        cursor = index == pane._cursor
        state = ("cursor-focused" if pane.has_focus else "cursor") if cursor else "on-screen" if on_screen else ""
        cache_key = (index, inner, state, on_screen, width)
        strip = self._strips.get(cache_key)
        if strip is not None:
            return strip
        entry = pane._entries[index]
        rows = entry.rows(self.content_width)
        row_style = self._row_style(state)
        segments = [Segment(BORDER, self._border_style(index, state, on_screen)), Segment(" ", row_style)]
        if inner < len(rows):
            segments += [Segment(text, self._style(key, state)) for text, key in rows[inner] if text]
        strip = Strip(segments).crop(0, width - RIGHT).extend_cell_length(width, row_style)
        if len(self._strips) > 4096:
            self._strips.clear()
        self._strips[cache_key] = strip
        return strip

    # ---- mouse -----------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        found = self.entry_at(self.scroll_offset.y + offset.y)
        if found is None:
            return
        index, inner = found
        href = self.pane._entries[index].link_at(self.content_width, inner, offset.x - LEFT)
        self.pane._clicked(index, href)


class NotesPane(Vertical, can_focus=True):
    DEFAULT_CSS = """
    NotesPane { height: 1fr; }
    NotesPane > .notes-pane--empty { color: $text-muted; padding: 1 1; height: auto; }
    NotesPane > .notes-pane--empty.-more { dock: bottom; padding: 0 1; }
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

        def __init__(self, item: Any, path: str | None) -> None:
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
        self._on_screen: set[int] = set()
        self._follow_target: int | None = None
        self._home_pending = False
        self.builds = 0
        self.list = NotesList(self)
        self._message = Static(Content(""), classes="notes-pane--empty")

    def compose(self):
        yield self.list
        yield self._message

    def on_mount(self) -> None:
        self._show_message()

    # ---- state -----------------------------------------------------------------------

    @property
    def entries(self) -> list[NoteEntry]:
        return list(self._entries)

    @property
    def items(self) -> list[Any]:
        return [entry.item for entry in self._entries]

    @property
    def cursor(self) -> int | None:
        return self._cursor

    @property
    def selected(self) -> Any | None:
        return self._entries[self._cursor].item if self._cursor is not None else None

    @property
    def on_screen(self) -> list[Any]:
        return [self._entries[index].item for index in sorted(self._on_screen)]

    def row_of(self, index: int) -> int | None:
        """The view row where entry `index` starts (None before the first layout)."""
        offsets = self.list.offsets
        return offsets[index] if 0 <= index < len(offsets) else None

    # ---- API -------------------------------------------------------------------------

    @staticmethod
    def _shown(entries: Iterable[Any]) -> tuple[list[Any], int]:
        """The entries the pane lists, in order, and how many more it leaves out."""
        items = sorted(entries, key=_sort_key)
        return items[:MAX_ENTRIES], max(0, len(items) - MAX_ENTRIES)

    def show(self, path: str | None, entries: Iterable[Any]) -> None:
        shown, left_out = self._shown(entries)
        if (
            path == self.path
            and self.builds
            and len(shown) == len(self._entries)
            and left_out == self._left_out
            and all(_same_notes(entry.item, item) for entry, item in zip(self._entries, shown))
        ):
            # The same notes again (a trail step inside one file): keep the layout and scroll;
            # hand out the new objects in messages.
            for entry, item in zip(self._entries, shown):
                entry.item = item
            return
        self.path = path
        self._left_out = left_out
        self._entries = [NoteEntry(item, lang=self.lang) for item in shown]
        self._cursor = 0 if shown else None
        self._on_screen = set()
        self._follow_target = None
        self.builds += 1
        if self.is_mounted:
            self._show_message()
            self._relayout(keep=False)

    def prepare(self, entries: Iterable[Any]) -> None:
        """Lay out notes about to be shown (the next trail step's), at this pane's width: the
        layouts are kept (note_entry's cache), so show() then only looks them up."""
        if self.list.view_width <= 0:
            return
        width = self.list.content_width
        for item in self._shown(entries)[0]:
            NoteEntry(item, lang=self.lang).rows(width)

    def set_language(self, lang: str | None) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        changed = [entry.set_language(lang) for entry in self._entries]
        if self.is_mounted:
            self._show_message()
            if any(changed):
                self._relayout(keep=True)

    def follow(self, first_line: int, last_line: int) -> None:
        visible = {index for index, entry in enumerate(self._entries) if entry.item.covers_any(first_line, last_line)}
        if visible != self._on_screen:
            self._on_screen = visible
            self.list.refresh()
        target = min(visible) if visible else None
        if target is None or target == self._follow_target:
            # Scrolling within the same notes must not snap the pane back on every line.
            self._home_if_pending()
            return
        self._follow_target = target
        self._home_pending = False
        if not self.has_focus:
            self._set_cursor(target, scroll=False)
        self._scroll_to_row(self.row_of(target))

    def select(self, index: int) -> None:
        self._set_cursor(index, scroll=True)

    # ---- drawing ---------------------------------------------------------------------

    def _show_message(self) -> None:
        lang = (self.lang or "en")[:2]
        message = self._message
        if self._entries:
            self.list.display = True
            # Only what changes: each class set restyles the message and lays the pane out again
            # (a frame after the step's first one, for a message nobody sees).
            if message.has_class("-more") != bool(self._left_out):
                message.set_class(bool(self._left_out), "-more")
            message.display = bool(self._left_out)
            if self._left_out:
                message.update(Content(MORE.get(lang, MORE["en"]).format(count=self._left_out, limit=MAX_ENTRIES)))
        else:
            self.list.display = False
            message.remove_class("-more")
            message.display = True
            messages = NO_FILE if self.path is None else EMPTY
            message.update(Content(messages.get(lang, messages["en"])))

    def _relayout(self, *, keep: bool) -> None:
        view = self.list
        anchor = self._follow_target if self._follow_target is not None else self._cursor
        if not view.relayout():
            return  # not laid out yet: the first resize does it
        if keep and anchor is not None:
            self._scroll_to_row(self.row_of(anchor), retry=True)
        elif not keep:
            # New notes start at the top, unless the follow() that comes with them in the same
            # step scrolls elsewhere: one scroll per step, not home and then away.
            self._home_pending = True
            self.call_after_refresh(self._home_if_pending)

    def _home_if_pending(self) -> None:
        if self._home_pending:
            self._home_pending = False
            self._scroll_to_row(0)

    def _scroll_to_row(self, row: int | None, *, retry: bool = False) -> None:
        view = self.list
        if row is None or not view.offsets:
            return
        row = min(row, max(0, view.total - view.scrollable_content_region.height))
        if int(view.scroll_y) != row:
            view.scroll_to(y=row, animate=False, immediate=True)
            if retry and int(view.scroll_y) != row:
                # Right after a resize the view's new height is not in its scroll limits yet.
                self.call_after_refresh(self._scroll_to_row, row)

    def _set_cursor(self, index: int | None, *, scroll: bool) -> None:
        if not self._entries or index is None:
            self._cursor = None
            return
        index = max(0, min(len(self._entries) - 1, index))
        if index != self._cursor:
            self._cursor = index
            self.list.refresh()
        if scroll:
            self._follow_target = None
            self._scroll_into_view(index)

    def _scroll_into_view(self, index: int) -> None:
        view = self.list
        top = self.row_of(index)
        if top is None:
            return
        bottom = view.offsets[index + 1] if index + 1 < len(view.offsets) else view.total
        height = view.scrollable_content_region.height
        if top < view.scroll_y or bottom - top > height:
            view.scroll_to(y=top, animate=False, immediate=True)
        elif bottom > view.scroll_y + height:
            view.scroll_to(y=bottom - height, animate=False, immediate=True)

    def on_focus(self) -> None:
        self.list.refresh()  # the cursor is drawn stronger while focused

    def on_blur(self) -> None:
        self.list.refresh()

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

    def _clicked(self, index: int, href: str | None) -> None:
        self.select(index)
        self.focus()
        if href and href.lower().startswith(("https://", "http://")):
            self.app.open_url(href)
