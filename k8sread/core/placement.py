"""Where each note of a file goes today: its stored lines, or where its anchor finds its code.

The reader, `check` and the exporters all ask the same question; this answers it once per
file for every pack, sharing one text index and one symbol scan between the notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8sread.core.anchors import Resolution, reanchored, resolve_all
from k8sread.core.note import Note
from k8sread.core.packset import PackNote
from k8sread.core.symbols import extract_symbols


@dataclass(frozen=True)
class PlacedNote:
    item: PackNote
    resolution: Resolution

    @property
    def note(self) -> Note:
        return self.item.note

    @property
    def status(self) -> str:
        return self.resolution.status

    @property
    def placed(self) -> bool:
        return self.resolution.placed

    @property
    def start(self) -> int:
        return self.resolution.start if self.resolution.placed else self.item.note.start

    @property
    def end(self) -> int:
        return self.resolution.end if self.resolution.placed else self.item.note.end

    @property
    def moved(self) -> bool:
        return self.resolution.status == "moved"


def place_notes(items: list[PackNote], lines: list[str], *, is_go: bool) -> list[PlacedNote]:
    if not items:
        return []
    needs_symbols = is_go and any(item.note.anchor.get("symbol") for item in items)
    symbols = extract_symbols("\n".join(lines)) if needs_symbols else ()
    resolutions = resolve_all([((i.note.start, i.note.end), i.note.anchor or None) for i in items], lines, symbols)
    placed = [PlacedNote(item, resolution) for item, resolution in zip(items, resolutions)]
    placed.sort(key=lambda p: (not p.placed, p.start, p.end, p.item.pack_index, p.note.id))
    return placed


def repinned(placed: PlacedNote, lines: list[str], *, is_go: bool) -> Note:
    """The note moved to where its code is now, with a fresh anchor computed there."""
    symbols = extract_symbols("\n".join(lines)) if is_go else ()
    anchor = reanchored(placed.note.anchor, lines, placed.start, placed.end, symbols)
    return placed.note.with_changes(start=placed.start, end=placed.end, anchor=anchor)


def anchored(note: Note, lines: list[str], *, is_go: bool) -> Note:
    """The note with an anchor computed from the lines it covers now (saving adds the fields)."""
    if note.end > len(lines):
        return note
    symbols = extract_symbols("\n".join(lines)) if is_go else ()
    return note.with_changes(anchor=reanchored(note.anchor, lines, note.start, note.end, symbols))
