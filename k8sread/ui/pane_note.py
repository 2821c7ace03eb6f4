"""What the notes pane shows for one note: the note, its pack, and where it sits now.

Pure data (no Textual), so the app can build it from whatever it has.

API: `PaneNote(note, pack_name, pack_index, writable=False, status="exact", start=None,
end=None, pack=None)`; `start`/`end` default to the note's own lines (anchors may place a moved
note elsewhere); `pack` is handed back untouched in the pane's Edit/Delete messages (the app
passes its Pack object). `PaneNote.of(item)` accepts a PaneNote, a packset.PackNote
(pack_index, pack, note) or a placement.PlacedNote (item, resolution).
`moved` / `orphan` properties; `covers_any(first, last)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from k8sread.core.note import Note


@dataclass(frozen=True, eq=False)
class PaneNote:
    note: Note
    pack_name: str
    pack_index: int
    writable: bool = False
    status: str = "exact"  # exact | moved | orphan | unanchored
    start: int | None = None
    end: int | None = None
    pack: Any = None

    def __post_init__(self) -> None:
        if self.start is None:
            object.__setattr__(self, "start", self.note.start)
        if self.end is None:
            object.__setattr__(self, "end", self.note.end)

    @property
    def moved(self) -> bool:
        return self.status == "moved"

    @property
    def orphan(self) -> bool:
        return self.status == "orphan"

    def covers_any(self, first: int, last: int) -> bool:
        return self.start is not None and self.end is not None and not self.orphan and self.start <= last and self.end >= first

    @classmethod
    def of(cls, item: Any) -> Any:
        if isinstance(item, PaneNote):
            return item
        if hasattr(item, "status") and hasattr(item, "pack_name") and hasattr(item, "covers_any"):
            return item  # a core.placement.Placement: already what the pane needs
        if hasattr(item, "resolution") and hasattr(item, "item"):  # placement.PlacedNote
            base = cls.of(item.item)
            return cls(
                note=base.note, pack_name=base.pack_name, pack_index=base.pack_index, writable=base.writable,
                status=item.status if item.placed else "orphan", start=item.start, end=item.end, pack=base.pack,
            )
        if hasattr(item, "pack_index") and hasattr(item, "pack"):  # packset.PackNote
            pack = item.pack
            return cls(note=item.note, pack_name=pack.name, pack_index=item.pack_index, writable=bool(getattr(pack, "writable", False)), pack=pack)
        raise TypeError(f"cannot show {type(item).__name__} in the notes pane")
