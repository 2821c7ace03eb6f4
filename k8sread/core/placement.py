"""Where a note sits now: one answer for the reader, `check`, `notes` and both exporters.

A Placement is a note, the pack it comes from and where its anchor finds its code in this
checkout (k8sread.core.anchors): exact, moved (found elsewhere, or its lines were edited in
place: the pack's record is out of date), changed (its declaration is here but its lines were
edited beyond recognition: placed on the part of the declaration its old lines point to),
unanchored (an old note without an anchor, shown at its stored lines) or orphan (its code is
gone: start and end are None, never drawn).

A note whose declaration moved to another file of the same Go package (same folder, same
build constraints in the file name) is placed in that file: `path` is where its code is now,
`note_path` the file of the pack that stores it (`stored_path`).

`place_file` resolves every note of one file at once, sharing one text index and one symbol
scan; `Locator` does it file by file for a whole pack, reading each source file once;
`Package` finds declarations that moved between the files of one folder.
"""

from __future__ import annotations

import posixpath
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from k8sread.core.anchors import CHANGED, EXACT, MOVED, ORPHAN, UNANCHORED, Resolution, reanchored, resolve_all
from k8sread.core.errors import K8sreadError
from k8sread.core.note import Note
from k8sread.core.note_write import SAVED, NoteChange, WriteOutcome
from k8sread.core.symbols import Symbol, extract_symbols

if TYPE_CHECKING:
    from k8sread.core.pack import Pack
    from k8sread.core.source_tree import SourceTree

STATUSES = (EXACT, MOVED, CHANGED, UNANCHORED, ORPHAN)


@dataclass(frozen=True, eq=False)
class Placement:
    note: Note
    path: str
    status: str  # exact | moved | changed | unanchored | orphan
    start: int | None  # the note's lines in this checkout; None for an orphan
    end: int | None
    pack: Pack | None = None
    pack_index: int = 0  # the pack's place in the reader's set: its marker and colour
    method: str | None = None  # how the anchor found it: unchanged | symbol | text | fuzzy | declaration
    score: float = 0.0
    reason: str = ""  # why an orphan is one
    note_path: str | None = None  # the pack file that stores the note, when not `path`

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
    def changed(self) -> bool:
        """Its declaration is here, its lines are not: the code changed since it was written."""
        return self.status == CHANGED

    @property
    def stale(self) -> bool:
        """Moved or changed: the pack's record is not this checkout's, so there is something
        to re-pin and, when the old lines can be had, a difference to show."""
        return self.status in (MOVED, CHANGED)

    @property
    def stored_path(self) -> str:
        """The source file whose notes file holds the note (the one to write to)."""
        return self.note_path or self.path

    @property
    def elsewhere(self) -> bool:
        """Placed in another file than the one the pack stores it under."""
        return self.note_path is not None and self.note_path != self.path

    @property
    def written_at(self) -> str:
        """The commit the note's lines are from: its anchor's, else its pack's ('' unknown)."""
        commit = self.note.anchor.get("commit")
        if isinstance(commit, str) and commit:
            return commit
        return self.pack.meta.commit if self.pack is not None else ""

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
            **({"stored_in": self.note_path} if self.elsewhere else {}),
        }

    @classmethod
    def of(cls, note: Note, path: str, resolution: Resolution, pack: Pack | None = None, pack_index: int = 0) -> Placement:
        if not resolution.placed:
            return cls(note, path, ORPHAN, None, None, pack, pack_index, resolution.method, resolution.score, resolution.reason or "its code was not found")
        if resolution.status == CHANGED and note.is_comment:
            # A line comment is about its line: drawn over a whole declaration it would sit on
            # code it does not describe.
            symbol = note.anchor.get("symbol") if isinstance(note.anchor, dict) else None
            where = f" ({symbol} was edited)" if isinstance(symbol, str) and symbol else ""
            return cls(note, path, ORPHAN, None, None, pack, pack_index, resolution.method, 0.0, f"its line is not in this checkout{where}")
        return cls(note, path, resolution.status, resolution.start, resolution.end, pack, pack_index, resolution.method, resolution.score)

    @classmethod
    def orphaned(cls, note: Note, path: str, reason: str, pack: Pack | None = None, pack_index: int = 0) -> Placement:
        return cls(note, path, ORPHAN, None, None, pack, pack_index, None, 0.0, reason)


_SYMBOLS: OrderedDict[str, Sequence[Symbol]] = OrderedDict()
_SYMBOLS_KEPT = 4


def symbols_of(text: str) -> Sequence[Symbol]:
    """extract_symbols, remembered for the last few texts: a refresh after a save, a language
    switch or a pack toggle places the same file again, and a full tree-sitter parse of a big
    file costs 0.2-0.7 s."""
    found = _SYMBOLS.get(text)
    if found is not None:
        _SYMBOLS.move_to_end(text)
        return found
    found = tuple(extract_symbols(text))
    _SYMBOLS[text] = found
    if len(_SYMBOLS) > _SYMBOLS_KEPT:
        _SYMBOLS.popitem(last=False)
    return found


def place_file(
    path: str, items: Iterable[tuple[int, Pack | None, Note]], lines: Sequence[str] | None, *, missing: str = "file not in the tree"
) -> list[Placement]:
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
        symbols = symbols_of("\n".join(lines)) if needs_symbols else ()
        resolutions = resolve_all([((note.start, note.end), note.anchor or None) for _, _, note in items], lines, symbols)
        placed = [Placement.of(note, path, res, pack, index) for (index, pack, note), res in zip(items, resolutions)]
    placed.sort(key=Placement.sort_key)
    return placed


def repinned(placement: Placement, lines: Sequence[str], *, commit: str | None = None, store_text: bool = False) -> Note:
    """The note moved to where its code is now (`lines`: the file `placement.path`), with a
    fresh anchor computed there. `commit`: the checkout's, recorded in the anchor when it is
    not the pack's (see `record_commit`)."""
    assert placement.start is not None and placement.end is not None
    symbols = symbols_of("\n".join(lines)) if placement.path.endswith(".go") else ()
    anchor = reanchored(placement.note.anchor, lines, placement.start, placement.end, symbols, commit=commit, store_text=store_text)
    return placement.note.with_changes(start=placement.start, end=placement.end, anchor=anchor)


def record_commit(pack: Pack | None, tree_commit: str | None) -> str | None:
    """The commit a re-pinned note records: the checkout's when it is known and is not the
    one the pack says its notes were written at (then the pack's own says it all)."""
    if not tree_commit or pack is None or pack.meta.commit == tree_commit:
        return None
    return tree_commit


def stores_text(pack: Pack | None) -> bool:
    """Whether the pack asks for its notes' lines to be kept (pack.toml: `store_text = true`
    under `[anchors]`), so "what changed" works without the tree's git history."""
    if pack is None:
        return False
    section = pack.meta.raw.get("anchors")
    return isinstance(section, dict) and section.get("store_text") is True


# ---- declarations that moved to another file of their package ------------------------

_GOOS = frozenset(
    [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "js",
        "linux",
        "nacl",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "wasip1",
        "windows",
        "zos",
    ]
)
_GOARCH = frozenset(
    [
        "386",
        "amd64",
        "amd64p32",
        "arm",
        "armbe",
        "arm64",
        "arm64be",
        "loong64",
        "mips",
        "mipsle",
        "mips64",
        "mips64le",
        "ppc",
        "ppc64",
        "ppc64le",
        "riscv",
        "riscv64",
        "s390",
        "s390x",
        "sparc",
        "sparc64",
        "wasm",
    ]
)


def build_key(path: str) -> tuple[str, str, bool]:
    """(GOOS, GOARCH, test) as a Go file's name constrains them: `x_linux_amd64.go`,
    `x_windows.go`, `x_test.go`. Two files of a folder with the same key are built together."""
    stem = posixpath.basename(path).removesuffix(".go")
    test = stem.endswith("_test")
    parts = stem.removesuffix("_test").split("_")
    goos = goarch = ""
    if len(parts) > 1 and parts[-1] in _GOARCH:
        goarch = parts.pop()
    if len(parts) > 1 and parts[-1] in _GOOS:
        goos = parts.pop()
    return goos, goarch, test


def bare_name(symbol: str) -> str:
    """`Run` of `(*Kubelet).Run`, `main` of `main`: what a declaration's text must contain."""
    return symbol.rsplit(".", 1)[-1] if symbol.startswith("(") else symbol


class Package:
    """The Go files of a tree's folders and what they declare, read lazily and once: where a
    note's declaration went when it left the note's file."""

    def __init__(self, files: Iterable[str], read: Callable[[str], list[str] | None]):
        self._read = read
        self._by_dir: dict[str, list[str]] = {}
        for path in files:
            if path.endswith(".go"):
                self._by_dir.setdefault(posixpath.dirname(path), []).append(path)
        self._lines: dict[str, list[str] | None] = {}
        self._texts: dict[str, str] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._symbols: dict[str, list[Symbol] | None] = {}

    def seed(self, path: str, lines: list[str]) -> None:
        """`path`'s lines as the caller just read them (what was derived from older ones goes)."""
        if self._lines.get(path) is not lines and self._lines.get(path) != lines:
            self._lines[path] = lines
            for cache in (self._texts, self._names, self._symbols):
                cache.pop(path, None)

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            self._lines[path] = self._read(path)
        return self._lines[path]

    def text(self, path: str) -> str | None:
        if path not in self._texts:
            lines = self.lines(path)
            if lines is None:
                return None
            self._texts[path] = "\n".join(lines)
        return self._texts[path]

    def symbols(self, path: str) -> list[Symbol] | None:
        if path not in self._symbols:
            text = self.text(path)
            self._symbols[path] = extract_symbols(text) if text is not None else None
        return self._symbols[path]

    def names(self, path: str) -> frozenset[str]:
        """Names the file may declare at package level (one pass over its lines, no parse)."""
        if path not in self._names:
            lines = self.lines(path)
            self._names[path] = declared_names(lines) if lines is not None else frozenset()
        return self._names[path]

    def declares(self, path: str, symbol: str) -> bool:
        if bare_name(symbol) not in self.names(path):
            return False  # cheap: no line that could declare it
        return any(found.name == symbol for found in self.symbols(path) or ())

    def declaring(self, symbol: str, near: str) -> list[str]:
        """The other files of `near`'s folder, built with it, that declare `symbol`."""
        key = build_key(near)
        return [path for path in self._by_dir.get(posixpath.dirname(near), ()) if path != near and build_key(path) == key and self.declares(path, symbol)]


_DECLARATION = re.compile(r"^(?:func\s*(?:\([^)]*\)\s*)?|type\s+|var\s+|const\s+)([A-Za-z_]\w*)")
_GROUP = re.compile(r"^(?:type|var|const)\s*\(\s*$")
_MEMBER = re.compile(r"^\s+([A-Za-z_]\w*)")


def declared_names(lines: Sequence[str]) -> frozenset[str]:
    """The names a Go file may declare at package level: funcs and methods, types, vars and
    consts, single or grouped. A superset (a grouped block's every first word), never missing
    one that gofmt'ed code declares; the parser confirms."""
    names: set[str] = set()
    in_group = False
    for line in lines:
        if in_group:
            if line.startswith(")"):
                in_group = False
            elif member := _MEMBER.match(line):
                names.add(member.group(1))
            continue
        if not line or line[0] not in "ftvc":
            continue
        if _GROUP.match(line):
            in_group = True
        elif found := _DECLARATION.match(line):
            names.add(found.group(1))
    return frozenset(names)


def relocated(placement: Placement, package: Package) -> Placement | None:
    """An orphan whose declaration left its file for exactly one other file of its package,
    placed in that file (moved, or changed when its lines were edited too); else None."""
    note = placement.note
    symbol = note.anchor.get("symbol") if isinstance(note.anchor, dict) else None
    if not placement.orphan or not isinstance(symbol, str) or not symbol or not placement.path.endswith(".go"):
        return None
    if package.lines(placement.path) is not None and package.declares(placement.path, symbol):
        return None  # still declared here: its lines are gone, not moved away
    found = package.declaring(symbol, placement.path)
    if len(found) != 1:
        return None
    target = found[0]
    lines, symbols = package.lines(target), package.symbols(target)
    if lines is None:
        return None
    (resolution,) = resolve_all([((note.start, note.end), note.anchor)], lines, symbols)
    if not resolution.placed or (resolution.status == CHANGED and note.is_comment):
        return None
    status = CHANGED if resolution.status == CHANGED else MOVED
    return Placement(
        note,
        target,
        status,
        resolution.start,
        resolution.end,
        placement.pack,
        placement.pack_index,
        resolution.method,
        resolution.score,
        note_path=placement.path,
    )


def moved_away(placement: Placement, to: Placement) -> Placement:
    """What the note's own file shows for a note now placed in another file: an orphan here
    that says where it went."""
    return Placement.orphaned(
        placement.note, placement.path, f"its declaration is now in {to.path} (L{to.start}-{to.end})", placement.pack, placement.pack_index
    )


def incoming(path: str, items: Iterable[tuple[int, Pack | None, Note, str]], package: Package) -> list[Placement]:
    """Notes stored under other files of `path`'s folder whose declaration is now in `path`
    (and no longer in their own file): placed here. `items`: (pack index, pack, note, the
    file the note is stored under)."""
    placed: list[Placement] = []
    key = build_key(path)
    here = package.names(path)
    for index, pack, note, stored in items:
        symbol = note.anchor.get("symbol") if isinstance(note.anchor, dict) else None
        if not isinstance(symbol, str) or not symbol or stored == path or posixpath.dirname(stored) != posixpath.dirname(path) or build_key(stored) != key:
            continue
        if bare_name(symbol) not in here or not package.declares(path, symbol):
            continue
        if package.lines(stored) is not None and package.declares(stored, symbol):
            continue
        orphan = Placement.orphaned(note, stored, "", pack, index)
        found = relocated(orphan, package)
        if found is not None and found.path == path:
            placed.append(found)
    return placed


def anchored(note: Note, lines: Sequence[str], *, is_go: bool) -> Note:
    """The note with an anchor computed from the lines it covers now (saving adds the fields)."""
    if note.end > len(lines):
        return note
    symbols = symbols_of("\n".join(lines)) if is_go else ()
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
    _package: Package | None = None

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
        """id -> placement, for every note of `path` (the pack's notes unless `notes` is given).
        A note whose declaration moved to another file of the package is placed there."""
        if notes is None and path in self._placed:
            return self._placed[path]
        notes = self.pack.notes_for(path) if notes is None else notes
        source = self.source(path)
        placed = place_file(path, [(self.pack_index, self.pack, n) for n in notes], source.lines)
        found = {p.note.id: relocated(p, self.package) or p for p in placed}
        self._placed[path] = found
        return found

    @property
    def package(self) -> Package:
        if self._package is None:
            self._package = Package(self.tree.list_files(), lambda path: self.source(path).lines)
        return self._package

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


def write_repin(placement: Placement, note: Note) -> WriteOutcome:
    """Store `note` (the placed note re-pinned, see `repinned`) through Pack.write: an edit of
    the note as read, merged with what another reader saved meanwhile. A note placed in
    another file of its package moves to that file's notes: added there, then removed from
    the file it was stored under (only when the add was stored as asked)."""
    assert placement.pack is not None
    if not placement.elsewhere:
        (outcome,) = placement.pack.write(placement.path, [NoteChange.edit(note, placement.note)])
        return outcome
    (added,) = placement.pack.write(placement.path, [NoteChange.add(note)])
    if added.kind == SAVED:
        placement.pack.write(placement.stored_path, [NoteChange.remove(placement.note)])
    return added
