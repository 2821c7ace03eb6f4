"""Where a pack's notes are in one checkout, for the exporters and `k8sread notes`.

The same answer the reader draws (k8sread.core.placement): each note's anchor is resolved
against the file as it is in the tree, so a note on a changed file lands on its code
(exact / moved) or is an orphan; a missing or binary file orphans its notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8sread.core.anchors import ORPHAN
from k8sread.core.errors import K8sreadError
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.packset import PackNote
from k8sread.core.placement import place_notes
from k8sread.core.source_tree import SourceTree


@dataclass(frozen=True)
class Located:
    path: str
    note: Note
    status: str  # exact | moved | unanchored | orphan
    start: int | None  # the note's lines in this checkout (None for orphans)
    end: int | None
    reason: str = ""

    @property
    def orphan(self) -> bool:
        return self.start is None

    @property
    def moved(self) -> bool:
        return self.status == "moved" and (self.start, self.end) != (self.note.start, self.note.end)


@dataclass
class FileLines:
    lines: list[str] | None  # None: not readable in the tree
    problem: str = ""


@dataclass
class Locator:
    """Resolves a pack's notes file by file, reading each source file once."""

    pack: Pack
    tree: SourceTree
    _files: dict[str, FileLines] = field(default_factory=dict)
    _placed: dict[str, dict[str, Located]] = field(default_factory=dict)

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

    def file(self, path: str, notes: list[Note] | None = None) -> dict[str, Located]:
        """id -> where, for every note of `path` (the pack's notes unless `notes` is given)."""
        if notes is None and path in self._placed:
            return self._placed[path]
        notes = self.pack.notes_for(path) if notes is None else notes
        source = self.source(path)
        if source.lines is None:
            found = {n.id: Located(path, n, ORPHAN, None, None, "file not in the tree") for n in notes}
        else:
            items = [PackNote(0, self.pack, n) for n in notes]
            found = {}
            for placed in place_notes(items, source.lines, is_go=path.endswith(".go")):
                res = placed.resolution
                found[placed.note.id] = Located(path, placed.note, res.status, res.start, res.end, res.reason) if res.placed else Located(
                    path, placed.note, ORPHAN, None, None, res.reason or "its code was not found"
                )
        self._placed[path] = found
        return found

    def excerpt(self, where: Located) -> list[tuple[int, str]]:
        """The checkout's lines the note covers, numbered."""
        lines = self.source(where.path).lines
        if where.orphan or lines is None:
            return []
        return [(number, lines[number - 1]) for number in range(where.start, min(where.end, len(lines)) + 1)]

    def all(self) -> dict[str, dict[str, Located]]:
        return {path: self.file(path) for path in self.pack.files()}
