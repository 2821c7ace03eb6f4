"""Packs: a folder of TOML notes, one file per annotated source file, loaded lazily.

`<pack>/pkg/kubelet/kubelet.go.toml` holds the notes on `pkg/kubelet/kubelet.go`.
Opening a pack reads pack.toml and lists the note files; a file's notes are parsed the first
time they are asked for. A malformed file is reported (file, line, column) and skipped, and
never written over: the reader keeps working with the rest of the pack.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from k8sread.core import tomlfmt
from k8sread.core.atomic import atomic_write_bytes, atomic_write_text, file_lock
from k8sread.core.errors import K8sreadError, NoteLimitError, PackFileError, PathEscapeError
from k8sread.core.note import Note, NoteError, check_text, note_from_table, note_to_table
from k8sread.core.note_write import DELETED, NoteChange, WriteOutcome, decide
from k8sread.core.paths import cache_dir

FORMAT = 1
META_FILE = "pack.toml"
SUFFIX = ".toml"
# Beyond these a file is refused rather than parsed: a pack from a stranger must not be able
# to stall or exhaust the reader.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NOTES_PER_FILE = 5000
# tomllib is pure Python: its time follows the number of keys, values and tables far more than
# the bytes (4 MiB of `1,1,1,...` took 3 s, 4 MiB of prose 0.2 s). A pack file is refused when
# it holds more than this many of them (`toml_tokens`), which keeps any one file's parse under
# about 0.2 s: 1.8 µs a token at worst (`[t1]` tables, `1,` integers), 0.07 µs a byte. A note
# of the series pack costs 130 tokens on average (its prose counts: commas, dots), so a file
# holds 750 such notes.
MAX_TOML_TOKENS = 100_000
# Values nested deeper than this are refused: tomllib recurses per level (5000 '[' raised
# RecursionError), and so would everything that walks the values later.
MAX_TOML_DEPTH = 16
# Listing a pack stops here: a pack is read whole at start (the tree's note badges), so the
# number of its files bounds the reader's start, whatever their sizes.
MAX_PACK_FILES = 5_000
MAX_PACK_ENTRIES = 50_000  # files and folders looked at while listing, notes files or not
# Folders deeper than this are not listed (Kubernetes' deepest source paths have 15 parts):
# each notes file's path is checked part by part on every read, and 5000 files 300 folders
# deep made `check` and `export` take 15 s.
MAX_PACK_DEPTH = 24
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7})(\s|$)", re.MULTILINE)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_NOTES_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*notes[ \t]*\]\]", re.MULTILINE)
_NOTES_HEADER_BYTES = re.compile(rb"^[ \t]*\[\[[ \t]*notes[ \t]*\]\]", re.MULTILINE)
# `id = "..."` and `trail =` anywhere in a file's bytes, found without parsing it. A superset
# (a body may quote them, `valid = "x"` ends in one): they choose the files worth parsing, the
# parse decides. Each starts with a literal, which re finds 30 times faster than a pattern
# starting with an alternation (20 MB: 5 ms instead of 180).
_ID_ASSIGN = re.compile(rb"""id["']?[ \t]*=[ \t]*["']([A-Za-z0-9._-]{1,128})["']""")
_TRAIL_ASSIGN = re.compile(rb"""trail["']?[ \t]*=""")


@dataclass(frozen=True)
class FileScan:
    """What a quick look at a notes file's bytes says, without parsing it (C-speed regexes)."""

    notes: int  # `[[notes]]` headers: the tree's badge
    ids: frozenset[str]  # every `id = "..."` (a superset of the file's note ids)
    trail_numbers: bool  # some `trail =` key
    tokens: int  # toml_tokens: what parsing the file would cost


@dataclass(frozen=True)
class PackMeta:
    name: str
    title: Any = ""
    description: Any = ""
    languages: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    license: str = ""
    repository: str = ""
    commit: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def primary_language(self) -> str | None:
        return self.languages[0] if self.languages else None


def _toml_error(path: Path, error: tomllib.TOMLDecodeError, text: str) -> PackFileError:
    message = str(error)
    match = _TOML_POSITION.search(message)
    line = int(match.group(1)) if match else None
    column = int(match.group(2)) if match else None
    if match is None and "end of document" in message:
        # tomllib gives no position here; the problem is on the last line.
        line = text.rstrip("\n").count("\n") + 1
        column = len(text.rstrip("\n").rsplit("\n", 1)[-1]) + 1
    reason = _TOML_POSITION.sub("", message).strip() or "invalid TOML"
    return PackFileError(path, f"invalid TOML: {reason}", line, column)


def toml_tokens(data: bytes) -> int:
    """What parsing `data` costs tomllib, roughly: one per newline, comma, '=', bracket, brace,
    dot, backslash (escapes are decoded one by one), '-' and ':' (a date costs as much as five
    integers). Counted with bytes.count (C speed: a few ms for 2 MiB) before anything is parsed."""
    return sum(data.count(token) for token in (b"\n", b",", b"=", b"[", b"]", b"{", b".", b"\\", b"-", b":"))


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes; PackFileError if not.

    Only regular files are read: a FIFO blocks open() and read() until someone writes to it
    (the reader froze on a blank screen, deaf to q and ctrl+c), a device may never end. The
    type is checked before opening, and again on the open descriptor (opened non-blocking, so
    a FIFO swapped in between cannot block us either); reading stops past `limit` even if the
    file grows meanwhile."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise PackFileError(path, f"cannot read: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise PackFileError(path, "not a regular file (a FIFO, device, socket or folder); only regular files are read")
    if info.st_size > limit:
        raise PackFileError(path, f"file is {info.st_size // 1024} KiB, over the {limit // 1024 // 1024} MiB a pack file may have")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise PackFileError(path, f"cannot read: {error.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PackFileError(path, "not a regular file (a FIFO, device, socket or folder); only regular files are read")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise PackFileError(path, f"file grew over the {limit // 1024 // 1024} MiB a pack file may have while it was read")
    except OSError as error:
        raise PackFileError(path, f"cannot read: {error.strerror}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _depth_error(data: Any) -> str | None:
    """Why `data` is nested too deeply, or None. Iterative: the check must not recurse itself."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_TOML_DEPTH:
            return f"values nested more than {MAX_TOML_DEPTH} levels deep"
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values() if isinstance(item, (dict, list)))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value if isinstance(item, (dict, list)))
    return None


def parse_toml_bytes(path: Path, raw: bytes) -> tuple[dict[str, Any], str]:
    """Parse a pack file's bytes (and return its text), or raise PackFileError naming file,
    line and column. Bounded before tomllib sees it: tokens, then nesting depth."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PackFileError(path, "not UTF-8 text", line) from None
    conflict = _CONFLICT_RE.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise PackFileError(path, "unresolved git merge conflict marker; resolve it and save", line, 1)
    tokens = toml_tokens(raw)
    if tokens > MAX_TOML_TOKENS:
        raise PackFileError(path, f"too many keys, values and tables to read ({tokens} TOML tokens, over the {MAX_TOML_TOKENS} a pack file may have)")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(path, error, text) from None
    except RecursionError:
        # tomllib recurses once per '[' or '{': `x = [[[[...` thousands deep exhausts the stack.
        raise PackFileError(path, f"values nested more than {MAX_TOML_DEPTH} levels deep") from None
    problem = _depth_error(data)
    if problem:
        raise PackFileError(path, problem)
    return data, text


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one pack file, or raise PackFileError naming file, line and column."""
    return parse_toml_bytes(path, read_regular_file(path, MAX_FILE_BYTES))[0]


def _notes_header_lines(text: str) -> list[int]:
    return [text.count("\n", 0, match.start()) + 1 for match in _NOTES_HEADER.finditer(text)]


def check_source_path(source_path: str) -> str:
    """A note file's source path must stay inside the tree: relative, no '..', POSIX."""
    if not isinstance(source_path, str) or not source_path or "\x00" in source_path or "\\" in source_path:
        raise PathEscapeError(f"invalid source path {source_path!r}")
    pure = PurePosixPath(source_path)
    if pure.is_absolute() or any(part in ("..", "", ".") for part in source_path.split("/")):
        raise PathEscapeError(f"source path {source_path!r} leaves the tree or is not a plain relative path")
    return str(pure)


def parse_notes_file(path: Path, source_path: str) -> list[Note]:
    # The text read once is the text parsed and the text searched for line numbers: the file
    # is never opened a second time (it could have been swapped for a FIFO meanwhile).
    data, text = parse_toml_bytes(path, read_regular_file(path, MAX_FILE_BYTES))
    version = data.get("format", FORMAT)
    if not isinstance(version, int) or version > FORMAT:
        raise PackFileError(path, f"format {version!r} is newer than this k8sread understands ({FORMAT}); upgrade k8sread", 1)
    declared = data.get("file")
    if declared is not None and declared != source_path:
        raise PackFileError(path, f"file = {declared!r} does not match its place in the pack ({source_path!r})", 1)
    tables = data.get("notes", [])
    if not isinstance(tables, list):
        raise PackFileError(path, "notes must be an array of tables ([[notes]])")
    if len(tables) > MAX_NOTES_PER_FILE:
        raise PackFileError(path, f"{len(tables)} notes in one file, over the {MAX_NOTES_PER_FILE} allowed")
    notes: list[Note] = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        try:
            note = note_from_table(table)
        except (NoteError, TypeError) as error:
            headers = _notes_header_lines(text)
            line = headers[index] if index < len(headers) else None
            raise PackFileError(path, f"note {index + 1}: {error}", line) from None
        if note.id in seen:
            headers = _notes_header_lines(text)
            line = headers[index] if index < len(headers) else None
            raise PackFileError(path, f"duplicate note id {note.id!r}", line)
        seen.add(note.id)
        notes.append(note)
    notes.sort(key=Note.sort_key)
    return notes


def render_notes_file(source_path: str, notes: list[Note]) -> str:
    """The file's text: deterministic, notes by line then id, one blank line between them."""
    parts = [f"format = {FORMAT}\nfile = {tomlfmt.value(source_path)}\n"]
    for note in sorted(notes, key=Note.sort_key):
        parts.append("[[notes]]\n" + "\n".join(tomlfmt.assignments(note_to_table(note))) + "\n")
    return "\n".join(parts)


def parse_meta(path: Path, data: dict[str, Any]) -> PackMeta:
    version = data.get("format", FORMAT)
    if not isinstance(version, int) or version > FORMAT:
        raise PackFileError(path, f"format {version!r} is newer than this k8sread understands ({FORMAT}); upgrade k8sread", 1)
    name = data.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise PackFileError(path, f"name {name!r} must be lowercase letters, digits, '.', '_' or '-'", 1)
    source = data.get("source", {})
    if not isinstance(source, dict):
        raise PackFileError(path, "[source] must be a table")
    languages = data.get("languages", [])
    authors = data.get("authors", [])
    if not isinstance(languages, list) or not all(isinstance(item, str) for item in languages):
        raise PackFileError(path, "languages must be a list of language codes")
    if not isinstance(authors, list) or not all(isinstance(item, str) for item in authors):
        raise PackFileError(path, "authors must be a list of strings")
    for key in ("title", "description"):
        # Shown by the reader and the exports, which expect text: `title = 5` must not crash them.
        if key in data:
            try:
                check_text(key, data[key], required=False)
            except NoteError as error:
                raise PackFileError(path, str(error), 1) from None
    return PackMeta(
        name=name,
        title=data.get("title", name),
        description=data.get("description", ""),
        languages=tuple(languages),
        authors=tuple(authors),
        license=str(data.get("license", "")),
        repository=str(source.get("repository", "")),
        commit=str(source.get("commit", "")),
        raw=data,
    )


class Pack:
    """One pack folder. Cheap to open; note files are parsed on first use and cached by
    (mtime, size) so edits from git or another reader are picked up."""

    def __init__(self, root: Path, meta: PackMeta, *, writable: bool = True):
        self.root = root
        self.meta = meta
        self.writable = writable
        self._files: list[str] | None = None
        # Where files() found each notes file: scan() needs no path checks for these (the
        # listing follows no symlink), which made the start's 10,000 note counts take seconds.
        self._listed: dict[str, str] = {}
        # scan() results by (mtime, size): the start's note counts and the trail's search for
        # its steps read each file once between them.
        self._scans: dict[str, tuple[tuple[int, int], FileScan]] = {}
        self._cache: dict[str, tuple[tuple[int, int], list[Note]]] = {}
        # Files that failed, by the same stamp: a broken or oversized file is not parsed
        # again on every redraw, only once it changes.
        self._failed: dict[str, tuple[int, int]] = {}
        self.errors: dict[str, PackFileError] = {}

    @property
    def name(self) -> str:
        return self.meta.name

    @classmethod
    def open(cls, root: Path | str, *, writable: bool = True) -> Pack:
        root = Path(root)
        if not root.is_dir():
            raise K8sreadError(f"pack {root} does not exist or is not a folder")
        meta_path = root / META_FILE
        if not meta_path.is_file():
            raise K8sreadError(f"{root} is not a pack: it has no {META_FILE} (create one with `k8sread note add --pack {root} ...`)")
        meta = parse_meta(meta_path, read_toml(meta_path))
        return cls(root.resolve(), meta, writable=writable)

    @classmethod
    def create(cls, root: Path | str, name: str, *, title: str = "", languages: tuple[str, ...] = (), authors: tuple[str, ...] = ()) -> Pack:
        """Make a new empty pack (or open the one already there)."""
        root = Path(root)
        if (root / META_FILE).exists():
            return cls.open(root)
        data: dict[str, Any] = {"format": FORMAT, "name": name, "title": title or name}
        if languages:
            data["languages"] = list(languages)
        if authors:
            data["authors"] = list(authors)
        text = "\n".join(tomlfmt.assignments(data)) + "\n"
        atomic_write_text(root / META_FILE, text)
        return cls.open(root)

    # ---- which files have notes ------------------------------------------------------

    def files(self) -> list[str]:
        """Source paths that have a notes file, sorted. Lists the folder; parses nothing."""
        if self._files is None:
            found: list[str] = []
            listed: dict[str, str] = {}
            root = str(self.root)
            stack = [(root, 0)]
            seen = 0
            while stack and len(found) < MAX_PACK_FILES:
                folder, depth = stack.pop()
                try:
                    entries = os.scandir(folder)
                except OSError:
                    continue
                with entries:
                    for entry in entries:
                        seen += 1
                        if seen > MAX_PACK_ENTRIES or len(found) >= MAX_PACK_FILES:
                            # Bounded, and said: the rest of the pack is not read.
                            self.errors[""] = PackFileError(
                                self.root, f"over {MAX_PACK_FILES} notes files or {MAX_PACK_ENTRIES} entries; the rest of the pack is not read"
                            )
                            stack.clear()
                            break
                        name = entry.name
                        if name.startswith("."):
                            continue
                        # Symlinks are not followed: a pack must not reach outside its folder.
                        if entry.is_dir(follow_symlinks=False):
                            if depth + 1 < MAX_PACK_DEPTH:
                                stack.append((entry.path, depth + 1))
                            else:
                                self.errors[""] = PackFileError(self.root, f"folders over {MAX_PACK_DEPTH} levels deep are not read")
                        elif name.endswith(SUFFIX) and entry.is_file(follow_symlinks=False):
                            rel = entry.path[len(root) + 1 :].replace(os.sep, "/")
                            if rel != META_FILE:
                                source = source_relpath(rel[: -len(SUFFIX)])
                                found.append(source)
                                listed[source] = entry.path
            found.sort()
            self._files = found
            self._listed = listed
        return list(self._files)

    def refresh(self) -> None:
        self._files = None
        self._listed = {}

    def notes_path(self, source_path: str) -> Path:
        """Where the notes on `source_path` live; refuses paths that leave the pack.

        Source names that would land on the pack's own files are escaped (see
        `notes_relpath`); notes written by an older k8sread at an unescaped dot-path stay
        where they are."""
        rel = check_source_path(source_path)
        target = self.root / notes_relpath(rel)
        legacy = self.root / (rel + SUFFIX)
        if legacy != target and not target.exists() and legacy.name != META_FILE and legacy.is_file() and not legacy.is_symlink():
            target = legacy
        # A symlinked folder inside the pack could still point outside it.
        parent = target.parent
        while not parent.exists() and parent != self.root:
            parent = parent.parent
        resolved = parent.resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise PathEscapeError(f"{source_path!r} resolves outside the pack {self.root}")
        if target.is_symlink():
            raise PathEscapeError(f"{target} is a symlink; pack files must be plain files")
        return target

    # ---- reading ---------------------------------------------------------------------

    def notes_for(self, source_path: str) -> list[Note]:
        """The notes on one source file, by line; [] when it has none or its file is broken
        (then `self.errors[source_path]` says why)."""
        try:
            path = self.notes_path(source_path)
        except PathEscapeError:
            return []
        try:
            info = path.stat()
        except OSError:
            self._cache.pop(source_path, None)
            self._failed.pop(source_path, None)
            self.errors.pop(source_path, None)
            return []
        stamp = (info.st_mtime_ns, info.st_size)
        cached = self._cache.get(source_path)
        if cached and cached[0] == stamp:
            return list(cached[1])
        if self._failed.get(source_path) == stamp and source_path in self.errors:
            return []
        try:
            notes = parse_notes_file(path, source_path)
        except PackFileError as error:
            self.errors[source_path] = error
            self._failed[source_path] = stamp
            self._cache.pop(source_path, None)
            return []
        self.errors.pop(source_path, None)
        self._failed.pop(source_path, None)
        self._cache[source_path] = (stamp, notes)
        return list(notes)

    def load_all(self) -> dict[str, list[Note]]:
        """Every file's notes (for check and export); broken files land in `errors`."""
        return {path: notes for path in self.files() if (notes := self.notes_for(path))}

    def find(self, note_id: str) -> tuple[str, Note] | None:
        for path in self.files():
            for note in self.notes_for(path):
                if note.id == note_id:
                    return path, note
        return None

    def scan(self, source_path: str) -> FileScan | None:
        """A look at a file's notes without parsing them (None when it has none, or they are
        refused: not a regular file, over the size limit, a path that leaves the pack). For the
        tree's badges and for choosing which files are worth parsing."""
        listed = self._listed.get(source_path)
        try:
            path = Path(listed) if listed else self.notes_path(source_path)
            info = os.stat(path)
        except (OSError, PathEscapeError):
            return None
        stamp = (info.st_mtime_ns, info.st_size)
        cached = self._scans.get(source_path)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            # Only a regular file within the size limit (a FIFO would block the reader's start).
            raw = read_regular_file(path, MAX_FILE_BYTES)
        except PackFileError:
            return None
        found = FileScan(
            notes=len(_NOTES_HEADER_BYTES.findall(raw)),
            ids=frozenset(match.decode("ascii") for match in _ID_ASSIGN.findall(raw)),
            trail_numbers=_TRAIL_ASSIGN.search(raw) is not None,
            tokens=toml_tokens(raw),
        )
        self._scans[source_path] = (stamp, found)
        return found

    def count_notes(self, source_path: str) -> int:
        """How many notes a file holds without building Note objects (for tree badges); a
        refused file counts 0 here and is reported when opened."""
        found = self.scan(source_path)
        return found.notes if found else 0

    # ---- writing ---------------------------------------------------------------------

    def _require_writable(self) -> None:
        if not self.writable:
            raise K8sreadError(f"pack {self.name!r} ({self.root}) is read-only")

    def _store(self, source_path: str, path: Path, notes: list[Note]) -> None:
        """Replace the file's notes, or refuse (writing nothing) when the result would be a
        file this k8sread could not read back."""
        ids = [note.id for note in notes]
        if len(ids) != len(set(ids)):
            raise K8sreadError(f"duplicate note ids in {source_path}")
        if len(notes) > MAX_NOTES_PER_FILE:
            raise NoteLimitError(f"not saved: {path} would hold {len(notes)} notes, over the {MAX_NOTES_PER_FILE} a notes file may have; nothing was written")
        if notes:
            data = render_notes_file(source_path, notes).encode("utf-8")
            if toml_tokens(data) > MAX_TOML_TOKENS:
                raise NoteLimitError(
                    f"not saved: {path} would hold {toml_tokens(data)} TOML tokens, over the {MAX_TOML_TOKENS} a notes file may have; nothing was written"
                )
            if len(data) > MAX_FILE_BYTES:
                raise NoteLimitError(
                    f"not saved: {path} would be {len(data) // 1024} KiB, over the {MAX_FILE_BYTES // 1024 // 1024} MiB a notes file may have; nothing was written"
                )
            atomic_write_bytes(path, data)
        elif path.exists():
            path.unlink()
        self._cache.pop(source_path, None)
        self._files = None

    def save_notes(self, source_path: str, notes: list[Note]) -> None:
        """Replace a file's notes wholesale, for fixtures and tools that own the file. No
        command of k8sread's writes this way: they go through `write`, which merges."""
        self._require_writable()
        with self._locked(source_path):
            path = self.notes_path(source_path)
            if path.exists():
                parse_notes_file(path, source_path)  # never write over a file that does not parse
            self._store(source_path, path, list(notes))

    def _locked(self, source_path: str) -> AbstractContextManager[None]:
        return file_lock(cache_dir() / "locks", str(self.notes_path(source_path)))

    def write(self, source_path: str, changes: list[NoteChange]) -> list[WriteOutcome]:
        """The one write path for notes: read the file again under a lock, decide each change
        against what is there now (k8sread.core.note_write), and write the result atomically.
        A file that does not parse is never written over (PackFileError); a result too big
        to read back is refused (NoteLimitError); either way nothing is written."""
        self._require_writable()
        with self._locked(source_path):
            path = self.notes_path(source_path)
            current = parse_notes_file(path, source_path) if path.exists() else []
            by_id = {note.id: note for note in current}
            outcomes: list[WriteOutcome] = []
            for change in changes:
                keep, copy, outcome = decide(by_id.get(change.note_id), change)
                if keep is None:
                    by_id.pop(change.note_id, None)
                else:
                    by_id[change.note_id] = keep
                if copy is not None:
                    by_id[copy.id] = copy
                outcomes.append(outcome)
            notes = list(by_id.values())
            if sorted(notes, key=Note.sort_key) != current:
                self._store(source_path, path, notes)
            return outcomes

    def upsert(self, source_path: str, note: Note, *, base: Note | None = None) -> Note:
        """Add `note` (base None) or store an edit of `base`; returns the note as saved, whose
        id differs when it had to be kept as a conflict copy. See `write`."""
        change = NoteChange.add(note) if base is None else NoteChange.edit(note, base)
        outcome = self.write(source_path, [change])[0]
        return outcome.saved if outcome.saved is not None else note

    def delete(self, source_path: str, note_id: str, *, base: Note | None = None) -> bool:
        """Delete a note; with `base`, only if nobody changed it since (else False)."""
        if base is None:
            found = next((n for n in self.notes_for(source_path) if n.id == note_id), None)
            if found is None:
                return False
            base = found
        return self.write(source_path, [NoteChange.remove(base)])[0].kind == DELETED


def notes_relpath(source_path: str) -> str:
    """The notes file for a source path, relative to the pack. A name starting with '.' (the
    pack's own .git, .gitignore) or '~' gets a '~' in front, and so does a root-level `pack`
    (whose notes would be pack.toml), so no source file can write over the pack's own
    files; '~' keeps the mapping reversible (see `source_relpath`)."""
    parts = source_path.split("/")
    escaped = [f"~{part}" if part.startswith((".", "~")) else part for part in parts]
    if escaped[0] + (SUFFIX if len(escaped) == 1 else "") == META_FILE or (len(escaped) > 1 and escaped[0] == META_FILE):
        escaped[0] = f"~{escaped[0]}"
    return "/".join(escaped) + SUFFIX


def source_relpath(notes_rel: str) -> str:
    """The inverse of notes_relpath (without the .toml suffix)."""
    return "/".join(part[1:] if part.startswith("~") else part for part in notes_rel.split("/"))
