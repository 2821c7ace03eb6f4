"""Where a note sits now: one answer for the reader, `check`, `notes` and both exporters.

A Placement is a note, the pack it comes from and where its anchor finds its code in this
checkout (k8sread.core.anchors): exact, moved (found elsewhere, or its lines were edited in
place: the pack's record is out of date), unanchored (an old note without an anchor, shown at
its stored lines) or orphan (its code is gone: start and end are None, never drawn).

`place_file` resolves every note of one file at once, sharing one text index and one symbol
scan; `Locator` does it file by file for a whole pack, reading each source file once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from k8sread.core.anchors import EXACT, MOVED, ORPHAN, UNANCHORED, Resolution, reanchored, resolve_all
from k8sread.core.errors import K8sreadError
from k8sread.core.note import Note
from k8sread.core.symbols import extract_symbols

if TYPE_CHECKING:
    from k8sread.core.pack import Pack
    from k8sread.core.source_tree import SourceTree

STATUSES = (EXACT, MOVED, UNANCHORED, ORPHAN)


@dataclass(frozen=True, eq=False)
class Placement:
    note: Note
    path: str
    status: str  # exact | moved | unanchored | orphan
    start: int | None  # the note's lines in this checkout; None for an orphan
    end: int | None
    pack: Pack | None = None
    pack_index: int = 0  # the pack's place in the reader's set: its marker and colour
    method: str | None = None  # how the anchor found it: unchanged | symbol | text | fuzzy
    score: float = 0.0
    reason: str = ""  # why an orphan is one

    @property
    def placed(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def orphan(self) -> bool:
        return not self.placed

    @property
    def moved(self) -> bool:
        """The one rule: the anchor found the code, but not as the pack records it (other
        lines, or the same lines edited). A re-pin or `check --fix` brings the record up to date."""
        return self.status == MOVED

    @property
    def pack_name(self) -> str:
        return self.pack.name if self.pack is not None else ""

    @property
    def writable(self) -> bool:
        return bool(self.pack is not None and self.pack.writable)

    def covers(self, line: int) -> bool:
        return self.placed and self.start <= line <= self.end  # type: ignore[operator]

    def covers_any(self, first: int, last: int) -> bool:
        return self.placed and self.start <= last and self.end >= first  # type: ignore[operator]

    def sort_key(self) -> tuple[bool, int, int, int, str]:
        start = self.start if self.start is not None else self.note.start
        end = self.end if self.end is not None else self.note.end
        return (self.orphan, start, end, self.pack_index, self.note.id)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.note.id,
            "pack": self.pack_name,
            "path": self.path,
            "status": self.status,
            "old": [self.note.start, self.note.end],
            "new": [self.start, self.end] if self.placed else None,
            "method": self.method,
            "score": round(self.score, 3),
            "reason": self.reason or None,
        }

    @classmethod
    def of(cls, note: Note, path: str, resolution: Resolution, pack: Pack | None = None, pack_index: int = 0) -> Placement:
        if not resolution.placed:
            return cls(note, path, ORPHAN, None, None, pack, pack_index, resolution.method, resolution.score, resolution.reason or "its code was not found")
        return cls(note, path, resolution.status, resolution.start, resolution.end, pack, pack_index, resolution.method, resolution.score)

    @classmethod
    def orphaned(cls, note: Note, path: str, reason: str, pack: Pack | None = None, pack_index: int = 0) -> Placement:
        return cls(note, path, ORPHAN, None, None, pack, pack_index, None, 0.0, reason)


def place_file(path: str, items: Iterable[tuple[int, Pack | None, Note]], lines: Sequence[str] | None, *, missing: str = "file not in the tree") -> list[Placement]:
    """Every note of one file, placed against its lines (None: the file cannot be read here,
    so every note is an orphan with `missing` as the reason). Sorted: placed by line, then
    orphans."""
    items = list(items)
    if not items:
        return []
    if lines is None:
        placed = [Placement.orphaned(note, path, missing, pack, index) for index, pack, note in items]
    else:
        is_go = path.endswith(".go")
        needs_symbols = is_go and any(note.anchor.get("symbol") for _, _, note in items)
        symbols = extract_symbols("\n".join(lines)) if needs_symbols else ()
        resolutions = resolve_all([((note.start, note.end), note.anchor or None) for _, _, note in items], lines, symbols)
        placed = [Placement.of(note, path, res, pack, index) for (index, pack, note), res in zip(items, resolutions)]
    placed.sort(key=Placement.sort_key)
    return placed


def repinned(placement: Placement, lines: Sequence[str]) -> Note:
    """The note moved to where its code is now, with a fresh anchor computed there."""
    assert placement.start is not None and placement.end is not None
    symbols = extract_symbols("\n".join(lines)) if placement.path.endswith(".go") else ()
    anchor = reanchored(placement.note.anchor, lines, placement.start, placement.end, symbols)
    return placement.note.with_changes(start=placement.start, end=placement.end, anchor=anchor)


def anchored(note: Note, lines: Sequence[str], *, is_go: bool) -> Note:
    """The note with an anchor computed from the lines it covers now (saving adds the fields)."""
    if note.end > len(lines):
        return note
    symbols = extract_symbols("\n".join(lines)) if is_go else ()
    return note.with_changes(anchor=reanchored(note.anchor, lines, note.start, note.end, symbols))


@dataclass
class FileLines:
    lines: list[str] | None  # None: not readable in the tree
    problem: str = ""


@dataclass
class Locator:
    """Places a pack's notes file by file against a tree, reading each source file once."""

    pack: Pack
    tree: SourceTree
    pack_index: int = 0
    _files: dict[str, FileLines] = field(default_factory=dict)
    _placed: dict[str, dict[str, Placement]] = field(default_factory=dict)

    def source(self, path: str) -> FileLines:
        cached = self._files.get(path)
        if cached is None:
            try:
                text = self.tree.read_text(path)
                cached = FileLines(None, f"{path} is a binary file") if text.binary else FileLines(text.lines())
            except K8sreadError as error:
                cached = FileLines(None, str(error))
            self._files[path] = cached
        return cached

    def file(self, path: str, notes: list[Note] | None = None) -> dict[str, Placement]:
        """id -> placement, for every note of `path` (the pack's notes unless `notes` is given)."""
        if notes is None and path in self._placed:
            return self._placed[path]
        notes = self.pack.notes_for(path) if notes is None else notes
        source = self.source(path)
        placed = place_file(path, [(self.pack_index, self.pack, n) for n in notes], source.lines)
        found = {p.note.id: p for p in placed}
        self._placed[path] = found
        return found

    def excerpt(self, where: Placement) -> list[tuple[int, str]]:
        """The checkout's lines the note covers, numbered."""
        lines = self.source(where.path).lines
        if where.start is None or where.end is None or lines is None:
            return []
        return [(number, lines[number - 1]) for number in range(where.start, min(where.end, len(lines)) + 1)]

    def all(self) -> dict[str, dict[str, Placement]]:
        return {path: self.file(path) for path in self.pack.files()}


def counts(placements: Iterable[Placement]) -> dict[str, int]:
    """How many notes per status, every status present."""
    found = dict.fromkeys(STATUSES, 0)
    for placement in placements:
        found[placement.status] = found.get(placement.status, 0) + 1
    return found
