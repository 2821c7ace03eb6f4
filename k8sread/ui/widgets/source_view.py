"""The source view: a read-only, highlighted, cursor-driven view of one file on the Line API.

Textual's TextArea needs about 4 s to open the largest Kubernetes file (67k lines) and 160 ms per
screen after that (see bench/); this view draws only the visible lines, highlights them chunk by
chunk (k8sread.core.highlight) and parses the whole file in a thread.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Hashable
from itertools import accumulate, groupby

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.actions import parse as _parse_action
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from k8sread.core.highlight import (
    PlainText,
    capture_names,
    cell_of_char,
    char_at_cell,
    fragments,
    line_cells,
    make_highlighter,
    max_line_cells,
)
from k8sread.core.keymap import SOURCE, Keymap, build_keymap, key_label
from k8sread.core.sanitize import inert_line
from k8sread.ui.keys import bindings_for, install_bindings

PACK_GLYPHS = "●◆▲■★✚"
MOVED_GLYPHS = "○◇△□☆✛"
CHANGED_GLYPHS = "◐⬖◭◩✬✜"  # the note's code changed since it was written (k8sread.ui.palette)
PACK_COLOURS = 6
MARKER_CELLS = 2
# Cells kept between the cursor and the left/right edge when scrolling sideways.
SIDE_MARGIN = 4
MAX_MATCHES = 50_000
# Lines longer than this (ASCII, no tabs) are cut to the visible window before styling.
WINDOW_FROM = 1024

_WORD = re.compile(r"[^\W\d]\w*|\d\w*")
_TOKEN = re.compile(r"\w+|[^\w\s]+")

# Capture name -> CSS component class, styled from the theme's colours in DEFAULT_CSS.
_SYNTAX_CLASS = {
    name: "source-view--" + name.replace(".", "-")
    for name in (
        "keyword",
        "function",
        "function.builtin",
        "function.method",
        "type",
        "string",
        "escape",
        "number",
        "constant.builtin",
        "comment",
        "operator",
        "property",
        "variable",
    )
}


DEFAULT_KEYMAP = build_keymap()


def parse_action(action: str) -> tuple[str, tuple[object, ...]]:
    _, name, args = _parse_action(action)
    return name, args


class SourceView(ScrollView, can_focus=True):
    """Read-only view of one source file.

    Public API (lines are 1-based, columns are 1-based characters, ranges inclusive):

    - `load(path, text, *, highlight=True)`: show `text`; Go highlighting when `highlight` and
      `path` ends in ``.go``. Resets cursor, scroll, selection, search and gutter markers.
    - `path`, `line_count`, `cursor_line`, `cursor_column`, `selection -> (start, end) | None`
    - `go_to_line(n, *, select_range=None, center=True)`: move the cursor (and select a range).
    - `restore_position(cursor, column, top, selection)`: put back a remembered place.
    - `visible_range() -> (first, last)`; `word_at_cursor() -> str | None`;
      `word_under_cursor() -> (word, line, col) | None` (col: where the word starts).
    - `set_markers(markers, *, moved=None, changed=None)`: {line: [pack index, ...]} drawn in the
      gutter, one glyph and colour per pack (index modulo 6); `moved` lines get the hollow
      variant, `changed` lines (code changed since the note was written) the half-filled one.
    - `highlighted_fully`: True once the whole-file parse is in use.
    - `action_toggle_wrap()`, `set_wrap(on)`, `wrapped`: long lines wrap, a ↪ in the gutter on
      their later rows; unwrapped, a › in the last column says a line goes on past the edge.

    Messages: `CursorMoved(line, col)`, `SelectionChanged(selection)`, `Scrolled(first_line,
    last_line)`, `GoToDefinition(line, col, word)` (gd, Enter), `FindReferences(line, col, word)`
    (gr), `Copied(text)` (y, Y: the app may confirm it).

    Keys: arrows/hjkl, w/b words, 0/$ line start/end, PgUp/PgDn, Home/End, gg/G, `:` line, `/`
    search with n/N, `v` or shift+arrows select lines, `y` copy selection or location, `Y` copy
    location, Escape clear.
    """

    DEFAULT_CSS = """
    /* Both scrollbars always there (the horizontal one goes while lines wrap). Shown only
       when a file needed them, a step from a file without long lines to one with them
       changed the view's size a frame after the step's first paint: the code was drawn
       twice. */
    SourceView {
        background: $surface;
        color: $foreground;
        overflow-x: scroll;
        overflow-y: scroll;
    }
    SourceView.-wrapped { overflow-x: hidden; }
    SourceView > .source-view--gutter { color: $text-muted; }
    SourceView > .source-view--gutter-cursor { color: $foreground; text-style: bold; }
    SourceView > .source-view--cursor-line { background: $primary 10%; }
    SourceView > .source-view--selection { background: $primary 30%; }
    SourceView > .source-view--cursor { text-style: reverse; }
    SourceView > .source-view--match { background: $warning 35%; }
    SourceView > .source-view--match-current { background: $warning 75%; color: $background; }
    SourceView > .source-view--status { background: $primary; color: $text; }
    SourceView > .source-view--pack-0 { color: $text-accent; }
    SourceView > .source-view--pack-1 { color: $text-success; }
    SourceView > .source-view--pack-2 { color: $text-warning; }
    SourceView > .source-view--pack-3 { color: $text-error; }
    SourceView > .source-view--pack-4 { color: $text-secondary; }
    SourceView > .source-view--pack-5 { color: $text-primary; }
    SourceView > .source-view--keyword { color: $text-accent; text-style: bold; }
    SourceView > .source-view--function { color: $text-primary; }
    SourceView > .source-view--function-method { color: $text-primary; }
    SourceView > .source-view--function-builtin { color: $text-primary; text-style: italic; }
    SourceView > .source-view--type { color: $text-secondary; }
    SourceView > .source-view--string { color: $text-success; }
    SourceView > .source-view--escape { color: $text-warning; }
    SourceView > .source-view--number { color: $text-warning; }
    SourceView > .source-view--constant-builtin { color: $text-warning; }
    SourceView > .source-view--comment { color: $text-muted; text-style: italic; }
    SourceView > .source-view--operator { color: $foreground; }
    SourceView > .source-view--property { color: $foreground; }
    SourceView > .source-view--variable { color: $foreground; }
    """

    COMPONENT_CLASSES = {
        "source-view--gutter",
        "source-view--gutter-cursor",
        "source-view--cursor-line",
        "source-view--selection",
        "source-view--cursor",
        "source-view--match",
        "source-view--match-current",
        "source-view--status",
        *(f"source-view--pack-{i}" for i in range(PACK_COLOURS)),
        *_SYNTAX_CLASS.values(),
    }

    # Made from the one key table (k8sread.core.keymap), remapped by [keymap] in config.toml.
    BINDINGS = bindings_for(DEFAULT_KEYMAP, SOURCE)

    class CursorMoved(Message):
        def __init__(self, line: int, col: int) -> None:
            super().__init__()
            self.line = line
            self.col = col

    class SelectionChanged(Message):
        def __init__(self, selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.selection = selection

    class Scrolled(Message):
        def __init__(self, first_line: int, last_line: int) -> None:
            super().__init__()
            self.first_line = first_line
            self.last_line = last_line

    class GoToDefinition(Message):
        def __init__(self, line: int, col: int, word: str) -> None:
            super().__init__()
            self.line = line
            self.col = col
            self.word = word

    class FindReferences(Message):
        def __init__(self, line: int, col: int, word: str) -> None:
            super().__init__()
            self.line = line
            self.col = col
            self.word = word

    class Copied(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None, keymap: Keymap | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if keymap is not None and keymap is not DEFAULT_KEYMAP:
            install_bindings(self, keymap, SOURCE)
        # Two-key commands: first key -> second key -> action (gg, gd, gr by default).
        self._chords = (keymap or DEFAULT_KEYMAP).chords(SOURCE)
        self.path = ""
        self._text = ""
        self._hl: PlainText = PlainText("")
        self._lines: list[str] = self._hl.lines
        self._row = 0  # cursor, 0-based
        self._col = 0
        self._want_col = 0  # the column vertical moves try to keep
        self._anchor: int | None = None  # selection anchor row while selecting
        self._visual = False  # `v` mode: plain moves extend the selection
        self._selection: tuple[int, int] | None = None  # 0-based rows, inclusive
        self._markers: dict[int, list[int]] = {}
        self._moved: dict[int, list[int]] = {}
        self._changed: dict[int, list[int]] = {}
        self._pending: str | None = None  # first key of a two-key command
        self._status = ""
        self._search_rx: re.Pattern[str] | None = None
        self._matches: list[tuple[int, int, int]] = []
        self._match_rows: dict[int, list[tuple[int, int]]] = {}
        self._match_index: int | None = None
        self._match_capped = False
        self._line_starts: list[int] | None = None
        self._styles: dict[Hashable, Style] = {}
        self._gutter_digits = 1
        self._last_scrolled: tuple[int, int] | None = None
        # Long lines wrap (toggle_wrap) instead of scrolling sideways; when they do, a line takes
        # several display rows: _row_starts holds each line's first row (and the total last).
        self._wrap = False
        self._row_starts: list[int] | None = None
        self._wrap_width = 0
        # Line comments (a second kind of note) drawn as dimmed rows above their line:
        # 0-based line -> [(text, pack index)]. They are rows, never lines: the cursor,
        # selection, search and copy only ever see the code.
        self._comments: dict[int, list[tuple[str, int]]] = {}
        # What waits for the first size (a cursor to centre, a top line to restore): run in
        # _size_updated, during the layout, so the first frame already shows the right lines.
        self._on_size: list[Callable[[], None]] = []

    # ---- loading ----------------------------------------------------------------------------

    def load(self, path: str, text: str, *, highlight: bool = True) -> None:
        """Show `text` as the content of `path`; the cursor goes to line 1."""
        self._hl.cancel()
        self._on_size = []  # what waited for the previous file's first size
        self.path = path
        self._text = text
        self._hl = make_highlighter(text, go=highlight and path.endswith(".go"))
        self._lines = self._hl.lines
        self._row = self._col = self._want_col = 0
        self._anchor = None
        self._visual = False
        self._selection = None
        self._pending = None
        self._status = ""
        self._clear_search()
        self._markers = {}
        self._moved = {}
        self._changed = {}
        self._comments = {}
        self._line_starts = None
        self._gutter_digits = len(str(len(self._lines)))
        self._set_virtual_size()
        self.refresh()
        if self.is_mounted:
            self.scroll_to(0, 0, animate=False, immediate=True)
            self._schedule_parse()
        self.post_message(self.CursorMoved(1, 1))
        self.post_message(self.SelectionChanged(None))
        self._emit_scrolled()

    def _schedule_parse(self) -> None:
        if not self._hl.full_parse_done:
            # After the first (preview-highlighted) frame is on screen.
            self.call_after_refresh(self._start_parse, self._hl)

    def _start_parse(self, hl: PlainText) -> None:
        if hl is not self._hl or not self.is_mounted:
            return
        self.run_worker(lambda: self._parse(hl), thread=True, group="source-parse", exit_on_error=False)

    def _parse(self, hl: PlainText) -> None:
        hl.parse_full()
        if hl.full_parse_done:
            self.app.call_from_thread(self._parsed, hl)

    def _parsed(self, hl: PlainText) -> None:
        if hl is self._hl:
            self.refresh()

    @property
    def highlighted_fully(self) -> bool:
        return self._hl.full_parse_done

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def lines(self) -> list[str]:
        """The file's lines (read-only: do not change the list)."""
        return self._lines

    # ---- public state -----------------------------------------------------------------------

    @property
    def cursor_line(self) -> int:
        return self._row + 1

    @property
    def cursor_column(self) -> int:
        return self._col + 1

    @property
    def selection(self) -> tuple[int, int] | None:
        if self._selection is None:
            return None
        return self._selection[0] + 1, self._selection[1] + 1

    @property
    def status(self) -> str:
        """The hint shown in the bottom-right corner (search position, pending `g`)."""
        return self._status

    def visible_range(self) -> tuple[int, int]:
        top = int(self.scroll_y)
        height = max(1, self.size.height)
        if self._row_starts is not None:
            first, last = self._row_line(top)[0], self._row_line(top + height - 1)[0]
            return first + 1, max(first + 1, min(len(self._lines), last + 1))
        return top + 1, max(top + 1, min(len(self._lines), top + height))

    def go_to_line(self, n: int, *, select_range: tuple[int, int] | None = None, center: bool = True) -> None:
        """Put the cursor on line `n` (clamped); select `select_range` if given."""
        self._visual = False
        self._anchor = None
        if select_range is not None:
            start, end = sorted(select_range)
            last = len(self._lines) - 1
            self._set_selection((max(0, min(start - 1, last)), max(0, min(end - 1, last))))
        else:
            self._set_selection(None)
        self._move_to(n - 1, 0, center=center, keep_selection=True)
        if select_range is not None and not center:
            self._after_layout(self._show_selection)

    def _show_selection(self) -> None:
        # The whole selected range on screen when it fits, its start otherwise.
        if self._selection is None:
            return
        start, end = self._line_row(self._selection[0]), self._line_last_row(self._selection[1])
        top, height = int(self.scroll_y), self.size.height
        if end >= top + height:
            self.scroll_to(y=min(start, end - height + 1), animate=False, immediate=True)
        elif start < top:
            self.scroll_to(y=start, animate=False, immediate=True)

    def restore_position(self, cursor: int, column: int = 1, top: int | None = None, selection: tuple[int, int] | None = None) -> None:
        """Put back a place remembered from `cursor_line`, `cursor_column`, `scroll_y`, `selection`."""
        self.go_to_line(cursor, select_range=selection, center=top is None)
        self._set_column(column - 1)
        if top is not None:
            self._after_layout(lambda: self._scroll_top(top))

    def _scroll_top(self, top: int) -> None:
        self.scroll_to(y=top, animate=False, immediate=True)
        self._keep_cursor_visible(center=False)

    def word_under_cursor(self) -> tuple[str, int, int] | None:
        """(word, line, col) of the identifier under the cursor; col is where it starts."""
        if not self._lines:
            return None
        line = self._lines[self._row]
        for match in _WORD.finditer(line):
            if match.start() <= self._col < match.end():
                return match.group(), self._row + 1, match.start() + 1
        return None

    def word_at_cursor(self) -> str | None:
        found = self.word_under_cursor()
        return found[0] if found else None

    def set_markers(self, markers: dict[int, list[int]], *, moved: dict[int, list[int]] | None = None, changed: dict[int, list[int]] | None = None) -> None:
        """Gutter marks: {1-based line: [pack index, ...]}; `moved` marks draw hollow glyphs,
        `changed` ones half-filled glyphs."""
        self._markers = {line - 1: list(packs) for line, packs in markers.items() if packs}
        self._moved = {line - 1: list(packs) for line, packs in (moved or {}).items() if packs}
        self._changed = {line - 1: list(packs) for line, packs in (changed or {}).items() if packs}
        self.refresh()

    # ---- geometry ---------------------------------------------------------------------------

    @property
    def _gutter_width(self) -> int:
        return self._gutter_digits + 2 + MARKER_CELLS

    @property
    def _code_width(self) -> int:
        # Without the scrollbar: `size` counts it in a ScrollView, and the last cells of code
        # were drawn under it.
        return max(1, self.scrollable_content_region.width - self._gutter_width)

    def _after_layout(self, callback: Callable[[], None]) -> None:
        if self.size.height:
            callback()
        else:
            self._on_size.append(callback)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # Called by the layout before the frame is rendered: scrolling here means the first
        # frame after a start or a resize shows the cursor's lines (a deferred scroll painted
        # line 1 first, then the cursor's lines a frame later). A private Textual hook: the
        # Textual version is pinned, and test_the_first_frame_shows_the_requested_line_...
        # fails if it stops being called.
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        if self._on_size and self.size.height:
            waiting, self._on_size = self._on_size, []
            for callback in waiting:
                callback()
        return resized

    def _keep_cursor_visible(self, *, center: bool = False) -> None:
        height = self.size.height
        if not height:
            self._after_layout(lambda: self._keep_cursor_visible(center=center))
            return
        top = int(self.scroll_y)
        cell = cell_of_char(self._lines[self._row], self._col) if self._lines else 0
        wrapped = self._wrap_width > 0
        # In display rows: a wrapped line takes several, the cursor is on the one with its cell.
        row = self._line_row(self._row) + (cell // self._wrap_width if wrapped else 0)
        selection = None if self._selection is None else (self._line_row(self._selection[0]), self._line_last_row(self._selection[1]))
        y = None
        if center and (not top <= row < top + height or (selection is not None and not (top <= selection[0] and selection[1] < top + height))):
            y = max(0, row - height // 2)
        elif row < top:
            y = row
        elif row >= top + height:
            y = row - height + 1
        x = None
        left = int(self.scroll_x)
        width = self._code_width
        if wrapped:
            x = 0 if left else None
        elif cell < left:
            x = max(0, cell - SIDE_MARGIN)
        elif cell >= left + width:
            x = cell - width + 1 + min(SIDE_MARGIN, width // 4)
        if x is not None or y is not None:
            # Now, not after the next refresh (Textual's default): a deferred scroll cost every
            # step that scrolls a second frame.
            self.scroll_to(x=x, y=y, animate=False, immediate=True)
            if (y is not None and int(self.scroll_y) != y) or (x is not None and int(self.scroll_x) != x):
                # Right after load() the new size is not laid out yet and the scroll was
                # clamped: do it again once the layout has caught up.
                self.call_after_refresh(self.scroll_to, x=x, y=y, animate=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._emit_scrolled()

    def on_resize(self, event: events.Resize) -> None:
        if self._wrap and self._code_width != self._wrap_width:
            self._rewrap()
        self._emit_scrolled()

    # ---- wrapping ---------------------------------------------------------------------------

    @property
    def wrapped(self) -> bool:
        """True while long lines wrap."""
        return self._wrap

    def action_toggle_wrap(self) -> None:
        """Wrap long lines (continuation rows carry ↪ in the gutter), or scroll them sideways
        (a › at the right edge says a line goes on)."""
        self.set_wrap(not self._wrap)

    def set_wrap(self, on: bool) -> None:
        if on == self._wrap:
            return
        first = self.visible_range()[0] - 1
        self._wrap = on
        self.set_class(on, "-wrapped")
        self._set_virtual_size()
        # The same line stays at the top.
        self.scroll_to(x=0, y=self._line_row(first), animate=False, immediate=True)
        self._keep_cursor_visible()
        self.refresh()

    def _set_virtual_size(self) -> None:
        if self._wrap:
            self._build_wrap()
        elif self._comments:
            self._build_rows(0)
        else:
            self._row_starts = None
            self._wrap_width = 0
            self.virtual_size = Size(self._gutter_width + max_line_cells(self._lines) + 1, len(self._lines))

    def _build_wrap(self) -> None:
        if not self.size.width:
            # Not laid out yet (a width of 1 would make a row per cell): the first resize wraps.
            self._build_rows(0)
            return
        self._build_rows(self._code_width)

    def _build_rows(self, width: int) -> None:
        """Each line's first display row: its comment rows, then the line (wrapped to `width`
        cells when width > 0). The fast path (no wrap, no comments) keeps no table at all."""
        comments = self._comments
        if not width and not comments:
            self._row_starts, self._wrap_width = None, 0
            self.virtual_size = Size(self._gutter_width + max_line_cells(self._lines) + 1, len(self._lines))
            return
        starts = [0]
        total = 0
        for index, line in enumerate(self._lines):
            total += len(comments.get(index, ())) + (max(1, -(-line_cells(line) // width)) if width else 1)
            starts.append(total)
        self._row_starts, self._wrap_width = starts, width
        code_width = self.size.width if width else self._gutter_width + max_line_cells(self._lines) + 1
        self.virtual_size = Size(code_width, total)

    def set_comments(self, comments: dict[int, list[tuple[str, int]]]) -> None:
        """Line comments to draw: 1-based line -> [(text, pack index)], above that line."""
        converted = {line - 1: list(items) for line, items in comments.items() if 0 < line <= len(self._lines) and items}
        if converted == self._comments:
            return
        first = self.visible_range()[0] - 1
        self._comments = converted
        self._set_virtual_size()
        if self.is_mounted:
            self.scroll_to(y=self._line_row(first) - len(converted.get(first, ())), animate=False, immediate=True)
        self.refresh()

    def _rewrap(self) -> None:
        first = self.visible_range()[0] - 1
        self._build_wrap()
        self.scroll_to(x=0, y=self._line_row(first), animate=False, immediate=True)

    def _line_row(self, line: int) -> int:
        """The display row of 0-based `line`'s code (below its comment rows; the line itself
        when nothing is wrapped or commented)."""
        starts = self._row_starts
        if starts is None:
            return line
        line = max(0, min(line, len(starts) - 1))
        return starts[line] + len(self._comments.get(line, ()))

    def _line_last_row(self, line: int) -> int:
        """The last display row of 0-based `line` (its last wrapped row)."""
        starts = self._row_starts
        if starts is None:
            return line
        return starts[max(0, min(line + 1, len(starts) - 1))] - 1

    def _row_line(self, row: int) -> tuple[int, int]:
        """(0-based line, its row) shown on display row `row`; the row is negative on the
        comment rows above the line (-1 the one right above it)."""
        starts = self._row_starts
        if starts is None:
            return row, 0
        line = max(0, min(bisect.bisect_right(starts, row) - 1, len(self._lines) - 1))
        return line, row - starts[line] - len(self._comments.get(line, ()))

    def _emit_scrolled(self) -> None:
        if not self.is_mounted:
            return
        visible = self.visible_range()
        if visible != self._last_scrolled:
            self._last_scrolled = visible
            self.post_message(self.Scrolled(*visible))

    # ---- cursor and selection ---------------------------------------------------------------

    def _move_to(self, row: int, col: int | None = None, *, center: bool = False, extend: bool = False, keep_selection: bool = False) -> None:
        if not self._lines:
            return
        row = max(0, min(row, len(self._lines) - 1))
        if extend or self._visual:
            if self._anchor is None:
                # Extending a selection made elsewhere (a note's range): keep its far end.
                if self._selection is not None:
                    start, end = self._selection
                    self._anchor = end if self._row <= start else start
                else:
                    self._anchor = self._row
            self._set_selection((min(self._anchor, row), max(self._anchor, row)))
        elif self._selection is not None and not keep_selection:
            # A plain move ends a selection, as in editors; `v` mode is the sticky one.
            self._anchor = None
            self._set_selection(None)
        moved = row != self._row
        self._row = row
        if col is not None:
            self._want_col = col
        self._col = self._clamp_col(self._want_col)
        self._keep_cursor_visible(center=center)
        self.refresh()
        if moved or col is not None:
            self.post_message(self.CursorMoved(self._row + 1, self._col + 1))

    def _clamp_col(self, col: int) -> int:
        length = len(self._lines[self._row].rstrip("\r"))
        return max(0, min(col, length - 1)) if length else 0

    def _set_column(self, col: int) -> None:
        if not self._lines:
            return
        self._want_col = max(0, col)
        self._col = self._clamp_col(self._want_col)
        self._keep_cursor_visible()
        self.refresh()
        self.post_message(self.CursorMoved(self._row + 1, self._col + 1))

    def _set_selection(self, selection: tuple[int, int] | None) -> None:
        if selection != self._selection:
            self._selection = selection
            self.refresh()
            self.post_message(self.SelectionChanged(self.selection))

    def _page(self) -> int:
        return max(1, self.size.height - 1)

    def action_move(self, delta: int) -> None:
        self._move_to(self._row + delta)

    def action_move_column(self, delta: int) -> None:
        self._set_column(self._col + delta)

    def action_line_edge(self, end: int) -> None:
        self._set_column(len(self._lines[self._row]) if end and self._lines else 0)

    def action_word(self, direction: int) -> None:
        if not self._lines:
            return
        row, col = self._row, self._col
        if direction > 0:
            while row < len(self._lines):
                starts = [m.start() for m in _TOKEN.finditer(self._lines[row]) if row != self._row or m.start() > col]
                if starts:
                    self._move_to(row, starts[0])
                    return
                row += 1
        else:
            while row >= 0:
                starts = [m.start() for m in _TOKEN.finditer(self._lines[row]) if row != self._row or m.start() < col]
                if starts:
                    self._move_to(row, starts[-1])
                    return
                row -= 1

    def action_page(self, direction: int, extend: bool = False) -> None:
        page = self._page()
        top = int(self.scroll_y) + direction * page
        self.scroll_to(y=max(0, min(top, self.max_scroll_y)), animate=False, immediate=True)
        self._move_to(self._row + direction * page, extend=extend)

    def action_extend_page(self, direction: int) -> None:
        self.action_page(direction, extend=True)

    def action_top(self) -> None:
        self._move_to(0, 0)

    def action_bottom(self) -> None:
        self._move_to(len(self._lines) - 1, 0)

    def action_extend(self, delta: int) -> None:
        self._move_to(self._row + delta, extend=True)

    def action_toggle_select(self) -> None:
        if self._visual:
            self._visual = False
            self._anchor = None
            self._set_selection(None)
        else:
            self._visual = True
            self._anchor = self._row
            self._set_selection((self._row, self._row))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear":
            # Let Escape reach the app when there is nothing here to clear.
            return bool(self._selection or self._search_rx or self._pending or self._visual)
        return True

    def action_clear(self) -> None:
        self._visual = False
        self._anchor = None
        self._pending = None
        self._set_selection(None)
        self._clear_search()
        self._set_status("")

    # ---- copy -------------------------------------------------------------------------------

    def _location(self) -> str:
        if self._selection is not None and self._selection[0] != self._selection[1]:
            return f"{self.path}:L{self._selection[0] + 1}-L{self._selection[1] + 1}"
        row = self._selection[0] if self._selection else self._row
        return f"{self.path}:L{row + 1}"

    def action_copy(self) -> None:
        if self._selection is not None:
            start, end = self._selection
            self._copy("\n".join(line.rstrip("\r") for line in self._lines[start : end + 1]))
            self._visual = False
            self._anchor = None
        else:
            self._copy(self._location())

    def action_copy_location(self) -> None:
        self._copy(self._location())

    def _copy(self, text: str) -> None:
        self.app.copy_to_clipboard(text)
        self.post_message(self.Copied(text))

    # ---- go to line -------------------------------------------------------------------------

    def action_prompt_line(self) -> None:
        from k8sread.ui.widgets.line_prompt import LinePrompt

        def chosen(value: str | None) -> None:
            if value and value.strip().lstrip("+-").isdigit():
                self.go_to_line(int(value))

        self.app.push_screen(LinePrompt(":", placeholder=f"line 1-{len(self._lines)}", integer=True), callback=chosen)

    # ---- search -----------------------------------------------------------------------------

    def action_search(self) -> None:
        from k8sread.ui.widgets.line_prompt import LinePrompt

        origin = (self._row, self._col, int(self.scroll_x), int(self.scroll_y))

        def typed(value: str) -> None:
            if not value:
                self._clear_search()
                self._set_status("")
                self._row, self._col = origin[0], origin[1]
                self.scroll_to(origin[2], origin[3], animate=False)
                self.refresh()
            # Incremental: one-character searches in a big file could stall the UI; wait for more.
            elif len(value) >= 2 or len(self._lines) < 20_000:
                self.search(value, origin=origin[:2])

        def chosen(value: str | None) -> None:
            if value is None:
                self._clear_search()
                self._set_status("")
                self._row, self._col = origin[0], origin[1]
                self.scroll_to(origin[2], origin[3], animate=False)
                self.refresh()
                return
            self.search(value, origin=origin[:2])

        self.app.push_screen(LinePrompt("/", placeholder="search (regex; Aa is case-sensitive)", value="", on_change=typed), callback=chosen)

    def search(self, pattern: str, *, origin: tuple[int, int] | None = None) -> int:
        """Highlight matches of `pattern` and move to the first one after `origin` (the cursor).

        A pattern that is not a valid regex is searched as plain text; it is case-sensitive only
        when it has an upper-case letter. Returns the number of matches found.
        """
        if not pattern:
            self._clear_search()
            self._set_status("")
            return 0
        flags = 0 if any(ch.isupper() for ch in pattern) else re.IGNORECASE
        try:
            rx = re.compile(pattern, flags)
        except re.error:
            rx = re.compile(re.escape(pattern), flags)
        self._search_rx = rx
        if self._line_starts is None:
            self._line_starts = [0, *accumulate(len(line) + 1 for line in self._lines)]
        starts = self._line_starts
        matches: list[tuple[int, int, int]] = []
        rows: dict[int, list[tuple[int, int]]] = {}
        self._match_capped = False
        for match in rx.finditer(self._text):
            begin, end = match.span()
            if begin == end:
                continue
            row = bisect.bisect_right(starts, begin) - 1
            if row >= len(self._lines):
                break
            col = begin - starts[row]
            stop = min(end - starts[row], len(self._lines[row]))
            if stop <= col:
                continue
            matches.append((row, col, stop))
            rows.setdefault(row, []).append((col, stop))
            if len(matches) >= MAX_MATCHES:
                self._match_capped = True
                break
        self._matches = matches
        self._match_rows = rows
        self._match_index = None
        if not matches:
            if origin is not None:
                self._row, self._col = origin
                self._keep_cursor_visible()
            self._set_status("no match")
            self.refresh()
            return 0
        row, col = origin if origin is not None else (self._row, self._col)
        index = bisect.bisect_left(matches, (row, col, -1))
        self._go_to_match(index % len(matches))
        return len(matches)

    def _go_to_match(self, index: int) -> None:
        self._match_index = index
        row, col, _ = self._matches[index]
        self._visual = False
        self._anchor = None
        self._set_selection(None)
        self._row = row
        self._want_col = self._col = col
        self._keep_cursor_visible(center=True)
        total = f"{len(self._matches)}+" if self._match_capped else str(len(self._matches))
        self._set_status(f"{index + 1}/{total}")
        self.post_message(self.CursorMoved(row + 1, col + 1))

    def action_search_next(self) -> None:
        self._step_match(1)

    def action_search_previous(self) -> None:
        self._step_match(-1)

    def _step_match(self, direction: int) -> None:
        if not self._matches:
            if self._search_rx is not None:
                self._set_status("no match")
            return
        here = (self._row, self._col)
        if direction > 0:
            index = bisect.bisect_right(self._matches, (*here, 1 << 30))
        else:
            index = bisect.bisect_left(self._matches, (*here, -1)) - 1
        self._go_to_match(index % len(self._matches))

    def _clear_search(self) -> None:
        if self._search_rx is None and not self._matches:
            return
        self._search_rx = None
        self._matches = []
        self._match_rows = {}
        self._match_index = None
        self.refresh()

    # ---- two-key commands (g prefix) and Enter ----------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if self._pending is not None:
            second = self._chords.get(self._pending, {}).get(event.key)
            self._pending = None
            self._set_status("")
            event.stop()
            event.prevent_default()
            if second is not None:
                # At once, as a single-key binding runs: the next key must see its effect.
                name, args = parse_action(second.action)
                getattr(self, f"action_{name}")(*args)
            return
        if event.key in self._chords:
            event.stop()
            event.prevent_default()
            self._pending = event.key
            hints = " · ".join(f"{key_label(second)} {action.description.lower()}" for second, action in self._chords[event.key].items())
            self._set_status(f"{key_label(event.key)}…  {hints}")

    def action_definition(self) -> None:
        found = self.word_under_cursor()
        if found:
            self.post_message(self.GoToDefinition(found[1], found[2], found[0]))

    def action_references(self) -> None:
        found = self.word_under_cursor()
        if found:
            self.post_message(self.FindReferences(found[1], found[2], found[0]))

    def _set_status(self, text: str) -> None:
        if text != self._status:
            self._status = text
            self.refresh()

    # ---- mouse ------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._lines:
            return
        row, sub = self._row_line(int(self.scroll_y) + offset.y)
        if row >= len(self._lines) or (self._row_starts is not None and int(self.scroll_y) + offset.y >= self._row_starts[-1]):
            return
        col = self._col
        cell = offset.x - self._gutter_width
        if cell >= 0 and sub >= 0:  # a comment row moves to its line, never into its text
            left = sub * self._wrap_width if self._wrap_width else int(self.scroll_x)
            col = char_at_cell(self._lines[row], left + cell)
        self._move_to(row, col, extend=event.shift)

    # ---- theme ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        capture_names()  # compile the highlight query now, not when the first file opens
        self._schedule_parse()  # a file loaded before the view was mounted

    def on_focus(self) -> None:
        self.refresh()  # the cursor cell is drawn only while focused

    def on_blur(self) -> None:
        self.refresh()

    def _theme_changed(self, _theme) -> None:
        self._styles.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, key: Hashable, line_kind: str) -> Style:
        cache_key = (key, line_kind)
        style = self._styles.get(cache_key)
        if style is not None:
            return style
        style = self.rich_style
        if line_kind:
            style = style + Style(bgcolor=self.get_component_rich_style(line_kind).bgcolor)
        name, overlay = key if isinstance(key, tuple) else (key, None)
        if name is not None and name in _SYNTAX_CLASS:
            # The full style has the colour blended (`$text-muted` is translucent); the partial one
            # has only what the class sets (bold, italic), not the widget's.
            full = self.get_component_rich_style(_SYNTAX_CLASS[name])
            partial = self.get_component_rich_style(_SYNTAX_CLASS[name], partial=True)
            style = style + partial.without_color + Style(color=full.color)
        if overlay == "cursor":
            style = style + Style(reverse=True)
        elif overlay is not None:
            full = self.get_component_rich_style(overlay)
            style = style + Style(bgcolor=full.bgcolor, color=full.color if overlay == "source-view--match-current" else None)
        self._styles[cache_key] = style
        return style

    def _plain(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name)
        return style

    # ---- drawing ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        base = self.rich_style
        starts = self._row_starts
        wrapped = self._wrap_width > 0
        sub = 0
        if starts is not None:
            row, sub = self._row_line(row) if row < starts[-1] else (len(self._lines), 0)
        if row >= len(self._lines):
            strip = Strip.blank(width, base)
        elif sub < 0:
            strip = self._comment_row(row, len(self._comments[row]) + sub, 0 if wrapped else scroll_x).extend_cell_length(width, base).crop(0, width)
        else:
            selected = self._selection is not None and self._selection[0] <= row <= self._selection[1]
            line_kind = "source-view--selection" if selected else "source-view--cursor-line" if row == self._row else ""
            gutter = self._gutter(row, line_kind) if sub == 0 else self._gutter_continued(line_kind)
            code = self._code(row, sub * self._wrap_width if wrapped else scroll_x, line_kind)
            if not wrapped and line_cells(self._lines[row]) > scroll_x + self._code_width:
                # The line goes on past the right edge: say so in its last cell.
                code = [*Strip(code).crop(0, self._code_width - 1), Segment("›", self._edge_style(line_kind))]
            strip = Strip([*gutter, *code], None)
            strip = strip.extend_cell_length(width, self._style(None, line_kind)).crop(0, width)
        if self._status and y == self.size.height - 1:
            status = f" {self._status} "
            keep = max(0, width - len(status))
            strip = Strip([*strip.crop(0, keep), Segment(status, self._plain("source-view--status"))]).crop(0, width)
        return strip

    def _gutter(self, row: int, line_kind: str) -> list[Segment]:
        number_style = self._plain("source-view--gutter-cursor" if row == self._row else "source-view--gutter")
        if line_kind:
            number_style = number_style + Style(bgcolor=self.get_component_rich_style(line_kind).bgcolor)
        segments = [Segment(f"{row + 1:>{self._gutter_digits}} ", number_style)]
        marks = [(pack, PACK_GLYPHS) for pack in self._markers.get(row, ())]
        marks += [(pack, MOVED_GLYPHS) for pack in self._moved.get(row, ()) if pack not in self._markers.get(row, ())]
        marks += [(pack, CHANGED_GLYPHS) for pack in self._changed.get(row, ()) if all(pack != other for other, _ in marks)]
        for slot in range(MARKER_CELLS):
            if slot < len(marks):
                pack, glyphs = marks[slot]
                glyph = glyphs[pack % len(glyphs)]
                if slot == MARKER_CELLS - 1 and len(marks) > MARKER_CELLS:
                    glyph = "+"
                style = self._plain(f"source-view--pack-{pack % PACK_COLOURS}")
                segments.append(Segment(glyph, number_style + Style(color=style.color, bold=True)))
            else:
                segments.append(Segment(" ", number_style))
        segments.append(Segment(" ", self._style(None, line_kind)))
        return segments

    def _comment_row(self, row: int, index: int, scroll_x: int) -> Strip:
        """One line comment above code line `row`, as the articles show them: at the line's
        indentation, `// text`, dimmed, in its pack's colour, with no line number."""
        text, pack = self._comments[row][index]
        text = inert_line(text)  # a stranger's pack: no escape sequence reaches the terminal
        line = self._lines[row]
        indent = line_cells(line[: len(line) - len(line.lstrip(" \t"))])
        colour = self._plain(f"source-view--pack-{pack % PACK_COLOURS}").color
        style = self._plain("source-view--gutter") + Style(color=colour, italic=True, dim=True)
        code = Strip([Segment(" " * indent + "// " + text, style)])
        width = self._code_width
        goes_on = code.cell_length > scroll_x + width
        code = code.crop(scroll_x, scroll_x + width) if scroll_x else code.crop(0, width)
        if goes_on:  # as for code: the comment goes on past the edge
            code = Strip([*code.crop(0, width - 1), Segment("›", self._edge_style(""))])
        return Strip([Segment(" " * self._gutter_width, self._plain("source-view--gutter")), *code])

    def _gutter_continued(self, line_kind: str) -> list[Segment]:
        # A wrapped line's later rows: ↪ where the number would be, no pack marks.
        style = self._edge_style(line_kind)
        return [Segment(f"{'↪':>{self._gutter_digits}} " + " " * MARKER_CELLS, style), Segment(" ", self._style(None, line_kind))]

    def _edge_style(self, line_kind: str) -> Style:
        style = self._plain("source-view--gutter")
        return style + Style(bgcolor=self.get_component_rich_style(line_kind).bgcolor) if line_kind else style

    def _code(self, row: int, scroll_x: int, line_kind: str) -> list[Segment]:
        line = self._lines[row]
        spans: list = self._hl.spans(row)
        width = self._code_width
        overlays: list[tuple[int, int, str]] = []
        for start, end in self._match_rows.get(row, ()):
            current = self._match_index is not None and self._matches[self._match_index][:2] == (row, start)
            overlays.append((start, end, "source-view--match-current" if current else "source-view--match"))
        cursor_past_end = False
        if row == self._row and self.has_focus:
            if self._col < len(line.rstrip("\r")):
                overlays.append((self._col, self._col + 1, "cursor"))
            else:
                cursor_past_end = True
        offset = scroll_x
        if len(line) > WINDOW_FROM and line.isascii() and "\t" not in line:
            # A very long plain line: style only the visible window.
            first, stop = scroll_x, scroll_x + width
            line = line[first:stop]
            spans = [(max(s, first) - first, min(e, stop) - first, k) for s, e, k in spans if e > first and s < stop]
            overlays = [(max(s, first) - first, min(e, stop) - first, k) for s, e, k in overlays if e > first and s < stop]
            offset = 0
        if overlays:
            spans = _overlay(len(line), spans, overlays)
        segments = [Segment(text, self._style(key, line_kind)) for text, key in fragments(line, spans)]
        if cursor_past_end:
            segments.append(Segment(" ", self._style((None, "cursor"), line_kind)))
        strip = Strip(segments)
        if offset:
            strip = strip.crop(offset, offset + width)
        else:
            strip = strip.crop(0, width)
        return list(strip)


def _overlay(length: int, spans: list, overlays: list[tuple[int, int, str]]) -> list[tuple[int, int, Hashable]]:
    """Spans keyed (capture name, overlay) where overlays cover parts of the line."""
    names: list = [None] * length
    for start, end, name in spans:
        names[start:end] = [name] * (max(0, min(end, length) - start))
    kinds: list = [None] * length
    for start, end, kind in overlays:
        end = min(end, length)
        if start < end:
            kinds[start:end] = [kind] * (end - start)
    merged = []
    pos = 0
    for key, run in groupby(zip(names, kinds)):
        size = sum(1 for _ in run)
        if key != (None, None):
            merged.append((pos, pos + size, key if key[1] is not None else key[0]))
        pos += size
    return merged
