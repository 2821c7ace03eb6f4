"""Notes being written, kept on disk so quitting or a crash mid-edit loses nothing.

The note editor saves its state here as the reader types; the app discards the draft once the
note is saved to its pack. On the next start the app finds what is left and reopens it.

API:
- `Draft`: tree_root, path (source path in the tree), start, end, note_id, is_new, pack (name
  of the pack it goes to), lang (language the title and body are in; None for one-language
  notes), title, body, tags (the tags field as typed), initial_title/initial_body/initial_tags
  (what the editor started from), saved_at (ISO time, set by `save`).
  `Draft.new(tree_root=, path=, start=, end=, pack=, lang=None)`: a new note. It gets its note
  id now, so a save retried after a crash updates the note instead of adding a second one.
  `Draft.from_note(tree_root=, path=, note=, pack=, lang=None)`: editing `note`.
  `draft.key` (tree root + path + note id), `draft.changed` (differs from where it started),
  `draft.tag_list` (tags parsed), `draft.with_text(title=, body=, tags=)`.
- `parse_tags(text) -> tuple[str, ...]`: comma and/or whitespace separated, '#' dropped,
  duplicates dropped, order kept.
- `DraftStore(folder=None)` (default `paths.state_dir()/drafts`): `save(draft) -> Draft` (atomic;
  returns the draft with saved_at), `load_all() -> list[Draft]` (oldest first; an unreadable
  draft is renamed to `*.broken`, named in `store.problems`, and skipped), `discard(key)`,
  `path_for(key)`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import secrets
import time
import tomllib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from k8sread.core import tomlfmt
from k8sread.core.atomic import atomic_write_text, set_aside
from k8sread.core.note import Note, new_id, note_from_table, note_to_table
from k8sread.core.paths import state_dir

FORMAT = 1
SUFFIX = ".json"
# Temp files left by a write that was killed halfway; swept once they are surely abandoned.
STALE_TEMP_SECONDS = 3600
_TAG_SPLIT = re.compile(r"[\s,，、]+")


def parse_tags(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for raw in _TAG_SPLIT.split(text or ""):
        tag = raw.lstrip("#").strip()
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Draft:
    tree_root: str
    path: str
    start: int
    end: int
    note_id: str
    pack: str
    is_new: bool = True
    lang: str | None = None
    title: str = ""
    body: str = ""
    tags: str = ""
    initial_title: str = ""
    initial_body: str = ""
    initial_tags: str = ""
    # The note as it was when editing began (its TOML), "" for a new note: a restored draft
    # saves as an edit of that version, so an edit made meanwhile is merged or kept, never
    # overwritten.
    base: str = ""
    # One editor's draft: two readers editing the same note each keep their own file.
    editor: str = field(default_factory=lambda: secrets.token_hex(6))
    pid: int = field(default_factory=os.getpid, compare=False)
    saved_at: str = field(default="", compare=False)

    @classmethod
    def new(cls, *, tree_root: str, path: str, start: int, end: int, pack: str, lang: str | None = None) -> Draft:
        return cls(tree_root=str(tree_root), path=path, start=start, end=end, note_id=new_id(), pack=pack, is_new=True, lang=lang)

    @classmethod
    def from_note(cls, *, tree_root: str, path: str, note: Note, pack: str, lang: str | None = None) -> Draft:
        title, body, tags = note.title_in(lang), note.body_in(lang), " ".join(note.tags)
        return cls(
            tree_root=str(tree_root),
            path=path,
            start=note.start,
            end=note.end,
            note_id=note.id,
            pack=pack,
            is_new=False,
            lang=lang,
            title=title,
            body=body,
            tags=tags,
            initial_title=title,
            initial_body=body,
            initial_tags=tags,
            base=note_as_text(note),
        )

    @property
    def key(self) -> str:
        return f"{self.tree_root}\n{self.path}\n{self.note_id}\n{self.editor}"

    def base_note(self) -> Note | None:
        """The note this draft edits, as it was when editing began (None for a new note)."""
        if not self.base:
            return None
        return note_from_text(self.base)

    @property
    def changed(self) -> bool:
        return (self.title, self.body, parse_tags(self.tags)) != (self.initial_title, self.initial_body, parse_tags(self.initial_tags))

    @property
    def tag_list(self) -> tuple[str, ...]:
        return parse_tags(self.tags)

    def with_text(self, *, title: str, body: str, tags: str) -> Draft:
        return replace(self, title=title, body=body, tags=tags)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **dataclasses.asdict(self)}

    @classmethod
    def from_json(cls, data: Any) -> Draft:
        """Raises ValueError naming the first field that is missing or of the wrong type."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(f"format {data.get('format')!r} is not {FORMAT}")
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            if spec.name not in data:
                if spec.default is dataclasses.MISSING:
                    raise ValueError(f"{spec.name} is missing")
                continue
            value = data[spec.name]
            expected = {"start": int, "end": int, "is_new": bool, "pid": int}.get(spec.name, str)
            if (spec.name == "lang" and value is None) or (spec.name == "pid" and isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                pass
            elif not isinstance(value, expected) or (expected is int and isinstance(value, int) and (isinstance(value, bool) or value < 1)):
                raise ValueError(f"{spec.name} has the wrong type")
            values[spec.name] = value
        if values["end"] < values["start"]:
            raise ValueError("end is before start")
        if values.get("base"):
            try:
                note_from_text(values["base"])
            except ValueError as error:
                raise ValueError(f"base is not a note: {error}") from None
        values.setdefault("editor", "")  # drafts from before editors had their own file
        values.setdefault("pid", 0)
        return cls(**values)


def note_as_text(note: Note) -> str:
    return "\n".join(tomlfmt.assignments(note_to_table(note))) + "\n"


def note_from_text(text: str) -> Note:
    """Raises ValueError (NoteError and TOMLDecodeError are ValueErrors) when it is not one."""
    return note_from_table(tomllib.loads(text))


def _alive(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DraftStore:
    def __init__(self, folder: Path | str | None = None):
        self.folder = Path(folder) if folder is not None else state_dir() / "drafts"
        self.problems: list[str] = []

    def path_for(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + SUFFIX)

    def save(self, draft: Draft) -> Draft:
        stamped = replace(draft, saved_at=_now_iso())
        text = json.dumps(stamped.to_json(), ensure_ascii=False, indent=1) + "\n"
        atomic_write_text(self.path_for(draft.key), text)
        return stamped

    def discard(self, key: str) -> None:
        try:
            self.path_for(key).unlink()
        except FileNotFoundError:
            pass

    def load_all(self, *, include_live: bool = False) -> list[Draft]:
        """Drafts left behind, oldest first. Drafts of another reader still running are its
        own business and skipped, unless `include_live`."""
        self.problems = []
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return []
        drafts: list[Draft] = []
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                self._sweep(entry)
                continue
            if not entry.name.endswith(SUFFIX) or not entry.is_file(follow_symlinks=False):
                continue
            try:
                with open(entry.path, encoding="utf-8") as handle:
                    draft = Draft.from_json(json.load(handle))
                if include_live or not _alive(draft.pid):
                    drafts.append(draft)
            except (OSError, UnicodeDecodeError, ValueError) as error:
                self._set_aside(Path(entry.path), error)
        drafts.sort(key=lambda draft: draft.saved_at)
        return drafts

    def _set_aside(self, path: Path, error: Exception) -> None:
        # Renamed, not deleted: the text may still be worth recovering by hand, and the
        # reader is told once instead of on every start.
        broken = path.with_name(path.name + ".broken")
        where = broken if set_aside(path, broken) else path
        self.problems.append(f"draft {where} could not be read ({error}); it was set aside")

    @staticmethod
    def _sweep(entry: os.DirEntry) -> None:
        try:
            if time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS:
                os.unlink(entry.path)
        except OSError:
            pass
