"""One note in the notes pane, laid out as rows of styled text for a width.

A note used to be a dozen widgets (a head row, marker, title, meta, a Markdown widget with a
widget per block, tags): mounting and laying those out was most of a cross-file step. Now a note
is this plain object: it turns the note into rows once per (width, language) and the pane's one
Line-API view (k8sread.ui.widgets.notes_pane) draws the rows that are on screen.

Rows, top to bottom: pack marker and title (bold; continuation rows indented under the title),
lines · pack · author · status, the Markdown body, #tags.

Everything shown comes from a pack someone else may have written, so no string here is ever
parsed as Textual/Rich markup, control characters are made visible first
(k8sread.core.sanitize), and links are drawn but never emitted as terminal hyperlinks (the pane
opens http(s) links on click). Markdown is rendered from markdown-it's tokens: headings,
paragraphs, emphasis, inline code, links, bullet and numbered lists (nested), quotes, code
blocks, rules and tables; raw HTML is shown as text.

Wrapping follows the gist of Unicode line breaking, which Rich's word wrap does not: a line may
break at spaces and on either side of a wide (CJK) character, never inside a run of narrow
characters (a word, or inline code such as `syncPod` in a Chinese sentence), never before
closing punctuation (，。）etc.) or after opening punctuation (（「 etc.). A unit wider than the
line is folded by cells. Tabs count as spaces.

API: `NoteEntry(item, *, lang)`; `item`, `lang`; `set_language(lang) -> bool` (changed);
`title_content() / meta_content() / tags_content() -> Content`; `body_markdown() -> str`;
`rows(width) -> list[Row]` (cached; a Row is a list of (text, Key)); `links(width)`;
`plain_rows(width) -> list[str]`.
A Key is (base, bits, href): base names the row's kind ("title", "meta", "meta-moved",
"meta-orphan", "body", "h1", "h2", "h3", "quote", "codeblock", "rule", "tags", "marker-N"),
bits are BOLD | ITALIC | CODE | LINK | STRIKE, href the link's target or None.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from rich.cells import cell_len
from textual.content import Content

from k8sread.core.sanitize import inert, inert_line
from k8sread.ui.palette import pack_glyph, pack_slot

BOLD, ITALIC, CODE, LINK, STRIKE = 1, 2, 4, 8, 16
Key = tuple[str, int, "str | None"]
Row = list[tuple[str, Key]]

TITLE_INDENT = 2  # the marker and a space
INDENT = 2  # meta, body and tags sit under the title

_LABELS = {
    "en": {
        "moved": "moved from L{start}",
        "changed": "the code changed since this note was written (at {commit}); D shows what changed",
        "orphan": "code not found",
        "unanchored": "",
        "untitled": "(untitled)",
    },
    "zh": {
        "moved": "原在 L{start}",
        "changed": "代码在笔记写下后改过(写于 {commit});按 D 看改了什么",
        "orphan": "找不到对应代码",
        "unanchored": "",
        "untitled": "(无标题)",
    },
}


def _labels(lang: str | None) -> dict[str, str]:
    return _LABELS.get((lang or "en")[:2], _LABELS["en"])


def line_range(start: int, end: int) -> str:
    return f"L{start}" if start == end else f"L{start}-L{end}"


# ---- wrapping ---------------------------------------------------------------------------------

# A wide character (CJK ideographs, kana, hangul, full-width forms, emoji) is a unit of its own.
_WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001faff\U00020000-\U0003fffd"
)
_ATOM = re.compile(f"([ \t]+)|(\n)|([{_WIDE}])|([^ \t\n{_WIDE}]+)")
_CLOSING = set("，。、；：？！）」』】》〉〕…‥・～,.;:!?)]}%’”")
_OPENING = set("（「『【《〈〔‘“([{")


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def wrap(pieces: list[tuple[str, Key]], width: int, rest_width: int | None = None) -> list[Row]:
    """`pieces` broken into rows of at most `width` cells (`rest_width` after the first);
    "\\n" in a piece forces a break. Spaces at the end of a row are dropped."""
    width = max(1, width)
    rest_width = width if rest_width is None else max(1, rest_width)
    # Units: atoms glued where no break is allowed: (body, its cells, trailing spaces, hard break).
    # An atom is a run of spaces, a newline, one wide character, or a run of narrow ones.
    units: list[tuple[list[tuple[str, Key, int]], int, list[tuple[str, Key, int]], bool]] = []
    body: list[tuple[str, Key, int]] = []
    cells = 0
    tail: list[tuple[str, Key, int]] = []
    last_kind = 0  # 3: wide, 4: narrow (the regex group of the last non-space atom)
    last_char = ""
    for text, key in pieces:
        for match in _ATOM.finditer(text):
            kind = match.lastindex or 0
            atom = match.group()
            if kind == 1:  # spaces
                if body:
                    tail.append((" " * len(atom), key, len(atom)))
                continue
            if kind == 2:  # a forced break
                if body:
                    units.append((body, cells, tail, False))
                units.append(([], 0, [], True))
                body, cells, tail, last_kind, last_char = [], 0, [], 0, ""
                continue
            size = 2 if kind == 3 else (len(atom) if atom.isascii() else cell_len(atom))
            # No break between narrow runs (one word, or a word and inline code), before closing
            # punctuation or after opening punctuation; a break is allowed around wide characters.
            glued = body and not tail and ((last_kind == 4 and kind == 4) or atom[0] in _CLOSING or last_char in _OPENING)
            if body and not glued:
                units.append((body, cells, tail, False))
                body, cells, tail = [], 0, []
            body.append((atom, key, size))
            cells += size
            last_kind, last_char = kind, atom[-1]
    if body:
        units.append((body, cells, tail, False))

    rows: list[list[tuple[str, Key, int]]] = [[]]
    used = 0
    room = width
    pending: list[tuple[str, Key, int]] = []  # spaces after the last unit, kept only if more follows on the row
    for body, cells, tail, hard in units:
        if hard:
            rows.append([])
            used, room, pending = 0, rest_width, []
            continue
        gap = sum(c for _, _, c in pending) if pending else 0
        if used and used + gap + cells > room:
            rows.append([])
            used, room, gap = 0, rest_width, 0
        if used and gap:
            rows[-1].extend(pending)
            used += gap
        if cells > room - used:
            # Wider than a whole row: fold by cells.
            for text, key, _ in body:
                for ch in text:
                    size = _cells(ch)
                    if used + size > room and used:
                        rows.append([])
                        used, room = 0, rest_width
                    rows[-1].append((ch, key, size))
                    used += size
        else:
            rows[-1].extend(body)
            used += cells
        pending = tail
    return [_merge(row) for row in rows]


def fold(text: str, width: int) -> list[str]:
    """`text` cut every `width` cells, spaces kept (code keeps its indentation)."""
    if _cells(text) <= width:
        return [text]
    out: list[str] = []
    row: list[str] = []
    used = 0
    for ch in text:
        size = _cells(ch)
        if used + size > width and row:
            out.append("".join(row))
            row, used = [], 0
        row.append(ch)
        used += size
    out.append("".join(row))
    return out


def _merge(row: list[tuple[str, Key, int]]) -> Row:
    out: Row = []
    for text, key, _ in row:
        if out and out[-1][1] == key:
            out[-1] = (out[-1][0] + text, key)
        else:
            out.append((text, key))
    return out


def row_cells(row: Row) -> int:
    return sum(_cells(text) for text, _ in row)


# ---- Markdown ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _inline_pieces(token, base: str, bits: int = 0) -> list[tuple[str, Key]]:
    pieces: list[tuple[str, Key]] = []
    href: str | None = None
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "html_inline"):
            pieces.append((child.content.replace("\t", " "), (base, bits, href)))
        elif kind == "code_inline":
            pieces.append((child.content, (base, bits | CODE, href)))
        elif kind == "softbreak":
            pieces.append((" ", (base, bits, href)))
        elif kind == "hardbreak":
            pieces.append(("\n", (base, bits, href)))
        elif kind in ("strong_open", "strong_close"):
            bits ^= BOLD
        elif kind in ("em_open", "em_close"):
            bits ^= ITALIC
        elif kind in ("s_open", "s_close"):
            bits ^= STRIKE
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            bits |= LINK
        elif kind == "link_close":
            href = None
            bits &= ~LINK
        elif kind == "image":
            pieces.append((f"[{child.content or 'image'}]", (base, bits, href)))
        elif child.content:
            pieces.append((child.content, (base, bits, href)))
    return pieces


def _prefixed(rows: list[Row], first: Row, rest: Row) -> list[Row]:
    return [(first if i == 0 else rest) + row for i, row in enumerate(rows)]


def _blocks(node, width: int, *, tight: bool = False) -> list[Row]:
    """Rows of the block children of `node`, a blank row between blocks (none in a tight list)."""
    out: list[Row] = []
    for child in node.children:
        rows = _block(child, width)
        if not rows:
            continue
        if out and not tight:
            out.append([])
        out.extend(rows)
    return out


def _block(node, width: int) -> list[Row]:
    kind = node.type
    plain: Key = ("body", 0, None)
    if kind == "paragraph":
        return wrap(_inline_pieces(node.children[0].token, "body"), width) if node.children else []
    if kind == "heading":
        level = min(3, int(node.tag[1:]) if node.tag[1:].isdigit() else 3)
        return wrap(_inline_pieces(node.children[0].token, f"h{level}", BOLD), width) if node.children else []
    if kind in ("bullet_list", "ordered_list"):
        rows: list[Row] = []
        tight = all(child.hidden for item in node.children for child in item.children if child.type == "paragraph")
        number = int(node.attrs.get("start", 1) or 1)
        for item in node.children:
            marker = "• " if kind == "bullet_list" else f"{number}. "
            number += 1
            size = _cells(marker)
            inner = _blocks(item, width - size, tight=tight) or [[]]
            if rows and not tight:
                rows.append([])
            rows.extend(_prefixed(inner, [(marker, plain)], [(" " * size, plain)]))
        return rows
    if kind == "blockquote":
        bar: Row = [("▎ ", ("quote", 0, None))]
        return _prefixed(_restyle(_blocks(node, width - 2), "quote"), bar, bar)
    if kind in ("fence", "code_block"):
        return [[(text, ("codeblock", 0, None))] for line in node.content.rstrip("\n").split("\n") for text in fold(line.expandtabs(4), width)]
    if kind == "hr":
        return [[("─" * width, ("rule", 0, None))]]
    if kind == "html_block":
        rows = []
        for line in node.content.rstrip("\n").split("\n"):
            rows.extend(wrap([(line.replace("\t", " "), plain)], width))
        return rows
    if kind == "table":
        rows = []
        for section in node.children:
            for tr in section.children:
                bits = BOLD if section.type == "thead" else 0
                pieces: list[tuple[str, Key]] = []
                for n, cell in enumerate(tr.children):
                    if n:
                        pieces.append((" │ ", ("rule", 0, None)))
                    if cell.children:
                        pieces.extend(_inline_pieces(cell.children[0].token, "body", bits))
                rows.extend(wrap(pieces, width))
        return rows
    if node.children:
        return _blocks(node, width)
    return wrap([(node.content.replace("\t", " "), plain)], width) if node.content else []


def _restyle(rows: list[Row], base: str) -> list[Row]:
    return [[(text, (base if key[0] == "body" else key[0], key[1], key[2])) for text, key in row] for row in rows]


def markdown_rows(text: str, width: int) -> list[Row]:
    """`text` (already inert) rendered as rows of at most `width` cells."""
    from markdown_it.tree import SyntaxTreeNode

    if not text.strip():
        return []
    return _blocks(SyntaxTreeNode(_markdown().parse(text)), max(4, width))


# ---- the note ---------------------------------------------------------------------------------

LAID_OUT_MAX = 512
_LAID_OUT: OrderedDict[tuple, tuple[Any, list[Row]]] = OrderedDict()


# Characters of a note's body the pane lays out; beyond, it says how much more there is.
BODY_SHOWN = 20_000


class NoteEntry:
    """One note of the pane: its item, its language, and its rows per width."""

    def __init__(self, item: Any, *, lang: str | None = None) -> None:
        self.item = item
        self.lang = lang
        self._rows: dict[int, list[Row]] = {}

    def set_language(self, lang: str | None) -> bool:
        if lang == self.lang:
            return False
        self.lang = lang
        self._rows.clear()
        return True

    # ---- what the rows say -------------------------------------------------------------

    @property
    def lines(self) -> tuple[int, int]:
        """The lines shown: where the note sits now, its stored lines for an orphan."""
        item = self.item
        if item.start is None or item.end is None:
            return item.note.start, item.note.end
        return item.start, item.end

    def title_content(self) -> Content:
        title = inert_line(self.item.note.title_in(self.lang))
        return Content(title or _labels(self.lang)["untitled"])

    def meta_content(self) -> Content:
        item = self.item
        parts = [line_range(*self.lines), inert_line(item.pack_name)]
        if item.note.author:
            parts.append(inert_line(item.note.author))
        status = _labels(self.lang).get(item.status, "")
        if status:
            written = getattr(item, "written_at", "") or ""
            parts.append(status.format(start=item.note.start, commit=inert_line(written[:12]) or "?"))
        return Content(" · ".join(part for part in parts if part))

    def tags_content(self) -> Content:
        tags = [inert_line(tag) for tag in self.item.note.tags]
        return Content(" ".join(f"#{tag}" for tag in tags if tag))

    def body_markdown(self) -> str:
        body = self.item.note.body_in(self.lang)
        if len(body) > BODY_SHOWN:
            # A stranger's pack may hold a 2 MB body: laying it out took 1.9 s. The pane shows
            # the start; the editor and the exports have all of it.
            cut = body.rfind("\n", 0, BODY_SHOWN)
            body = body[: cut if cut > BODY_SHOWN // 2 else BODY_SHOWN] + f"\n\n… {len(body) - BODY_SHOWN:,} more characters: `e` or `x` for the whole note"
        return inert(body)

    # ---- rows ------------------------------------------------------------------------

    def rows(self, width: int) -> list[Row]:
        """The note's rows at `width` cells, cached until the language changes."""
        found = self._rows.get(width)
        if found is None:
            if len(self._rows) > 4:  # a pane is resized now and then; keep the last few widths
                self._rows.pop(next(iter(self._rows)))
            item = self.item
            # Walking a trail back and forth shows the same notes again: their rows are kept
            # across files (the pack hands out the same Note objects; the note itself is held
            # in the value, so its id cannot be reused while the entry is cached).
            key = (id(item.note), self.lang, width, item.status, item.start, item.end, item.pack_index, item.pack_name)
            cached = _LAID_OUT.get(key)
            if cached is not None and cached[0] is item.note:
                _LAID_OUT.move_to_end(key)
                found = cached[1]
            else:
                found = self._layout(max(TITLE_INDENT + 4, width))
                _LAID_OUT[key] = (item.note, found)
                if len(_LAID_OUT) > LAID_OUT_MAX:
                    _LAID_OUT.popitem(last=False)
            self._rows[width] = found
        return found

    def _layout(self, width: int) -> list[Row]:
        item = self.item
        moved = item.status in ("moved", "changed")
        marker: Key = (f"marker-{pack_slot(item.pack_index)}", BOLD, None)
        glyph: Row = [(pack_glyph(item.pack_index, moved, changed=item.status == "changed") + " ", marker)]
        meta_base = "meta-orphan" if item.status == "orphan" else "meta-moved" if moved else "meta"
        pad_meta: Row = [(" " * INDENT, (meta_base, 0, None))]
        meta = _prefixed(wrap([(self.meta_content().plain, (meta_base, 0, None))], width - INDENT), pad_meta, pad_meta)
        pad: Row = [(" " * INDENT, ("body", 0, None))]
        body = markdown_rows(self.body_markdown(), width - INDENT)
        if getattr(item.note, "is_comment", False) and not item.note.title_in(self.lang).strip() and body:
            # A line comment is its text: it stands where a title would, its lines under it.
            rows = _prefixed(body, glyph, pad) + meta
        else:
            title = wrap([(self.title_content().plain, ("title", BOLD, None))], width - TITLE_INDENT)
            rows = _prefixed(title, glyph, [(" " * TITLE_INDENT, ("title", 0, None))]) + meta
            rows += _prefixed(body, pad, pad)
        tags = self.tags_content().plain
        if tags:
            pad_tags: Row = [(" " * INDENT, ("tags", 0, None))]
            rows += _prefixed(wrap([(tags, ("tags", ITALIC, None))], width - INDENT), pad_tags, pad_tags)
        return rows

    def height(self, width: int) -> int:
        return len(self.rows(width))

    def plain_rows(self, width: int) -> list[str]:
        return ["".join(text for text, _ in row) for row in self.rows(width)]

    def link_at(self, width: int, row: int, cell: int) -> str | None:
        """The href of the link drawn at (`row`, `cell`) of this note, if any."""
        rows = self.rows(width)
        if not 0 <= row < len(rows):
            return None
        x = 0
        for text, key in rows[row]:
            size = _cells(text)
            if x <= cell < x + size:
                return key[2]
            x += size
        return None
