"""Syntax spans for the source view, computed only for the lines on screen.

A 67k-line generated Go file takes 230-330 ms to parse with tree-sitter, far more than one frame.
So a file is shown in two steps:

1. before the full parse, each 128-line chunk is highlighted from a small "preview" parse of just
   the top-level declarations around it (1-2 ms; the same spans as the full tree in practice);
2. `parse_full()` (run it in a thread; `make_highlighter` runs it at once for files up to
   PARSE_AT_ONCE_BYTES, which is most of them) parses the whole file through the read-callback form of
   `Parser.parse`, which lets other Python threads run between 16 KiB reads (parsing from a
   `bytes` object holds the GIL for the whole parse and freezes the UI), then swaps the tree in.

Spans are (start_char, end_char, capture_name) per line, in characters (tree-sitter gives bytes),
resolved so they never overlap. Display helpers turn a line into cell-exact fragments: tabs
expanded to TAB_WIDTH, CJK counted double by rich's cell width, control characters replaced by
visible placeholders of the same character count so columns stay valid.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from functools import lru_cache
from itertools import groupby
from typing import Any

from rich.cells import cell_len, get_character_cell_size

TAB_WIDTH = 4
CHUNK_LINES = 128
# Chunks of spans kept; a screen touches at most two, paging back and forth a few more.
CACHE_CHUNKS = 64
# How far the preview parse looks for the enclosing top-level declaration.
PREVIEW_REACH = 2000
READ_SIZE = 16384
# Files up to this size are fully parsed at once, on the UI thread: about 0.05 ms a KiB (7 ms at
# this size), less than the second frame that swapping a thread's tree in costs a trail step.
PARSE_AT_ONCE_BYTES = 128 * 1024

Span = tuple[int, int, str]

# A line that starts a Go top-level declaration: the preview parse starts and stops on these.
_TOPLEVEL = re.compile(r"(?:func|type|var|const|import|package)\b")


# ---- display: tabs, wide characters, control characters ---------------------------------------


def _control_table() -> dict[int, str]:
    # One placeholder character per control character: columns computed on the raw line stay
    # valid for the displayed one. C0 -> the Unicode "control pictures" (ESC -> ␛).
    table = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x09}
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = "\ufffd"
    # Bidirectional overrides and isolates can reorder what the terminal shows.
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[code] = "\ufffd"
    table[0x2028] = "\ufffd"
    table[0x2029] = "\ufffd"
    return table


CONTROL_TABLE = _control_table()
_HAS_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert_text(line: str) -> str:
    """`line` with every control character replaced by one visible placeholder character."""
    if _HAS_CONTROL.search(line) is None:
        return line
    return line.translate(CONTROL_TABLE)


def _display_source(line: str) -> str:
    # A CRLF file keeps its \r at the end of each line after splitting on \n: show nothing there.
    if line.endswith("\r"):
        line = line[:-1]
    return inert_text(line)


def _char_cells(ch: str) -> int:
    return get_character_cell_size(ch)


def line_cells(line: str) -> int:
    """Width of `line` on screen, in cells."""
    text = _display_source(line)
    if text.isascii():
        return len(text.expandtabs(TAB_WIDTH)) if "\t" in text else len(text)
    if "\t" not in text:
        return cell_len(text)
    col = 0
    for ch in text:
        col += TAB_WIDTH - col % TAB_WIDTH if ch == "\t" else _char_cells(ch)
    return col


def max_line_cells(lines: Sequence[str]) -> int:
    """The widest line's width in cells."""
    best = 0
    for line in lines:
        if line.isascii():
            # Control characters keep their one cell as placeholders: only tabs change the width.
            width = len(line.expandtabs(TAB_WIDTH)) if "\t" in line else len(line)
        else:
            width = line_cells(line)
        if width > best:
            best = width
    return best


def cell_of_char(line: str, index: int) -> int:
    """The screen cell where character `index` of `line` starts."""
    text = _display_source(line)[:index]
    if text.isascii() and "\t" not in text:
        return len(text)
    return line_cells(text)


def char_at_cell(line: str, cell: int) -> int:
    """The character of `line` drawn at screen cell `cell` (len(line) past the end)."""
    text = _display_source(line)
    col = 0
    for index, ch in enumerate(text):
        width = TAB_WIDTH - col % TAB_WIDTH if ch == "\t" else _char_cells(ch)
        if cell < col + width:
            return index
        col += width
    return len(text)


def fragments(line: str, spans: Sequence[tuple[int, int, Hashable]]) -> list[tuple[str, Hashable | None]]:
    """Display text of `line` cut into (text, key) pieces; key is the span's, None between spans.

    `spans` must be sorted and must not overlap. Tabs are expanded, control characters replaced.
    """
    text = _display_source(line)
    n = len(text)
    if not n:
        return []
    pieces: list[tuple[str, Hashable | None]] = []
    pos = 0
    for start, end, key in spans:
        end = min(end, n)
        if start >= end:
            continue
        if start > pos:
            pieces.append((text[pos:start], None))
        pieces.append((text[start:end], key))
        pos = end
    if pos < n:
        pieces.append((text[pos:], None))
    if "\t" not in text:
        return pieces
    col = 0
    out = []
    for piece, key in pieces:
        if "\t" not in piece:
            out.append((piece, key))
            col += len(piece) if piece.isascii() else cell_len(piece)
            continue
        buf = []
        for ch in piece:
            if ch == "\t":
                width = TAB_WIDTH - col % TAB_WIDTH
                buf.append(" " * width)
            else:
                width = _char_cells(ch)
                buf.append(ch)
            col += width
        out.append(("".join(buf), key))
    return out


def split_lines(text: str) -> list[str]:
    """Lines as shown: a final newline does not make an extra empty line."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


# ---- tree-sitter ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _go():
    import tree_sitter_go
    from tree_sitter import Language, Query

    language = Language(tree_sitter_go.language())
    query = Query(language, tree_sitter_go.HIGHLIGHTS_QUERY)
    names = [query.capture_name(i) for i in range(query.capture_count)]
    # For one node matched by several patterns the first capture in the query wins (the query is
    # written that way: `(identifier) @variable` comes after the function patterns), except that a
    # refinement of a capture (`function.builtin` of `function`) wins over the capture it refines.
    rank: dict[str, float] = {}
    for index, name in enumerate(names):
        base = name.split(".")[0]
        rank[name] = (names.index(base) - 0.5) if base != name and base in names else float(index)
    return language, query, rank


def capture_names() -> list[str]:
    """Every capture name the Go highlight query can produce."""
    return list(_go()[2])


def _byte_to_char(line: str) -> list[int]:
    table: list[int] = []
    for index, ch in enumerate(line):
        table.extend([index] * len(ch.encode("utf-8", "surrogatepass")))
    table.append(len(line))
    return table


class PlainText:
    """A file shown without highlighting: non-Go files, and files too big to highlight."""

    highlighted = False

    def __init__(self, text: str) -> None:
        self.lines = split_lines(text)

    @property
    def full_parse_done(self) -> bool:
        return True

    def spans(self, row: int) -> list[Span]:
        """Spans of 0-based line `row`: none for plain text."""
        return []

    def parse_full(self) -> None:
        """Nothing to parse."""

    def cancel(self) -> None:
        """Nothing to cancel."""


class GoHighlighter(PlainText):
    """Go spans per line, chunk by chunk, from a preview parse until `parse_full()` has run.

    Thread use: `parse_full()` may run in a worker thread while `spans()` is called from the UI
    thread; every other method belongs to the UI thread.
    """

    highlighted = True

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._source = text.encode("utf-8", "surrogatepass")
        self._tree: Any = None  # a tree_sitter.Tree once parse_full() has run
        self._cache: OrderedDict[int, dict[int, list[Span]]] = OrderedDict()
        self._generation = 0
        self._lock = threading.Lock()
        # An Event, not a flag on self: parse_full's read callback must not reach self (below).
        self._cancelled = threading.Event()
        self._preview_parser: Any = None
        self._preview: tuple[int, int, Any] | None = None  # (first_row, end_row, tree) of the last preview parse

    @property
    def full_parse_done(self) -> bool:
        return self._tree is not None

    def parse_full(self) -> None:
        """Parse the whole file and use that tree from now on. Meant for a worker thread."""
        from tree_sitter import Parser

        language, _, _ = _go()
        # The tree keeps its read callback for its whole life, and a tree-sitter Tree is invisible
        # to the garbage collector: a callback reaching `self` (which holds the tree) made a cycle
        # the collector cannot break, so every fully parsed file stayed in memory (72 MB per open
        # of generated.pb.go). The callback sees only the bytes and the cancel event.
        tree = Parser(language).parse(_reader(self._source, self._cancelled))
        if self._cancelled.is_set():
            return
        with self._lock:
            self._tree = tree
            self._generation += 1
            self._cache = OrderedDict()
            self._preview = None

    def cancel(self) -> None:
        """Make a running `parse_full()` stop soon and keep nothing."""
        self._cancelled.set()

    def spans(self, row: int) -> list[Span]:
        """Spans of 0-based line `row`, sorted, not overlapping."""
        if not 0 <= row < len(self.lines):
            return []
        return self._chunk(row // CHUNK_LINES).get(row, [])

    def _chunk(self, index: int) -> dict[int, list[Span]]:
        cache = self._cache
        found = cache.get(index)
        if found is not None:
            cache.move_to_end(index)
            return found
        generation = self._generation
        first = index * CHUNK_LINES
        end = min(first + CHUNK_LINES, len(self.lines))
        tree = self._tree
        offset = 0
        if tree is None:
            tree, offset = self._preview_tree(first, end)
        spans = self._query(tree, offset, first, end)
        with self._lock:
            if generation == self._generation:
                cache[index] = spans
                if len(cache) > CACHE_CHUNKS:
                    cache.popitem(last=False)
        return spans

    def _preview_tree(self, first: int, end: int):
        if self._preview is not None:
            start, stop, tree = self._preview
            if start <= first and end <= stop:
                return tree, start
        lines = self.lines
        start = first
        floor = max(0, first - PREVIEW_REACH)
        while start > floor and not _TOPLEVEL.match(lines[start]):
            start -= 1
        stop = end
        ceiling = min(len(lines), end + PREVIEW_REACH)
        while stop < ceiling and not _TOPLEVEL.match(lines[stop]):
            stop += 1
        if self._preview_parser is None:
            from tree_sitter import Parser

            self._preview_parser = Parser(_go()[0])
        tree = self._preview_parser.parse("\n".join(lines[start:stop]).encode("utf-8", "surrogatepass"))
        self._preview = (start, stop, tree)
        return tree, start

    def _query(self, tree, offset: int, first: int, end: int) -> dict[int, list[Span]]:
        from tree_sitter import QueryCursor

        _, query, rank = _go()
        cursor = QueryCursor(query)
        cursor.set_point_range((first - offset, 0), (end - offset, 0))
        last = end - 1
        raw: dict[int, list[tuple[int, float, int, int | None, str]]] = {}
        for name, nodes in cursor.captures(tree.root_node).items():
            priority = rank[name]
            for node in nodes:
                (srow, scol), (erow, ecol) = node.start_point, node.end_point
                srow += offset
                erow += offset
                size = node.end_byte - node.start_byte
                for row in range(max(srow, first), min(erow, last) + 1):
                    start = scol if row == srow else 0
                    stop = ecol if row == erow else None
                    if stop is not None and stop <= start:
                        continue
                    raw.setdefault(row, []).append((size, priority, start, stop, name))
        return {row: self._resolve(self.lines[row], items) for row, items in raw.items()}

    @staticmethod
    def _resolve(line: str, items: list[tuple[int, float, int, int | None, str]]) -> list[Span]:
        n = len(line)
        table = None if line.isascii() else _byte_to_char(line)
        # Paint outer nodes first so inner ones override; for one node, the winning capture last.
        items.sort(key=lambda item: (-item[0], -item[1]))
        names: list[str | None] = [None] * n
        for _, _, start, stop, name in items:
            if table is not None:
                start = table[min(start, len(table) - 1)]
                stop = n if stop is None else table[min(stop, len(table) - 1)]
            else:
                stop = n if stop is None else min(stop, n)
            if start < stop:
                names[start:stop] = [name] * (stop - start)
        spans: list[Span] = []
        pos = 0
        for group, run in groupby(names):
            length = sum(1 for _ in run)
            if group is not None:
                spans.append((pos, pos + length, group))
            pos += length
        return spans


def _reader(source: bytes, cancelled: threading.Event):
    """The read callback of a full parse: 16 KiB at a time, so other threads run in between."""

    def read(offset: int, _point) -> bytes:
        # Stopping the input early is the only way to end a parse from outside.
        if cancelled.is_set():
            return b""
        return source[offset : offset + READ_SIZE]

    return read


def make_highlighter(text: str, *, go: bool) -> PlainText:
    """A GoHighlighter for Go source (already fully parsed when small), else plain text."""
    if not go:
        return PlainText(text)
    highlighter = GoHighlighter(text)
    if len(highlighter._source) <= PARSE_AT_ONCE_BYTES:
        highlighter.parse_full()
    return highlighter
