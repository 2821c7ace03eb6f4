"""The one way a note reaches disk: a change that knows the version it started from.

Every writer (the editor, a restored draft, re-pin, `check --fix`, `note add`, the importers)
describes what it wants as a NoteChange and hands it to `Pack.write`, which reads the file
again under a lock and decides here, note by note, what to store:

- the note on disk is still the base: the change is stored as it is;
- someone else changed the note meanwhile, in other fields (or other languages of a
  bilingual title or body): both edits are kept, merged into one note;
- both changed the same field differently: theirs stays, ours is kept beside it as a copy
  with a new id (`<id>.conflict-<hex>`), and the writer is told;
- a delete of a note someone else changed meanwhile deletes nothing, and says so.

Nothing here does I/O: `decide` is a pure function of (what is on disk, the change).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from k8sread.core.note import Note

MAX_ID = 128

# Outcomes, for messages and tests.
SAVED = "saved"  # stored as asked
MERGED = "merged"  # stored, merged with someone else's edit of other fields
CONFLICT = "conflict"  # ours kept beside theirs as a copy
RECREATED = "recreated"  # the note had been deleted meanwhile; ours brings it back
DELETED = "deleted"
KEPT = "kept"  # a delete refused: the note changed since it was read
GONE = "gone"  # a delete of a note that is already gone
UNCHANGED = "unchanged"


class _New:
    def __repr__(self) -> str:
        return "NEW"


NEW: Any = _New()  # the base of a note that did not exist when the writer started


@dataclass(frozen=True)
class NoteChange:
    """`note` is what the writer wants stored (None to delete `base`); `base` is the note as
    it was when the writer read it, or NEW for a note it creates."""

    note: Note | None
    base: Note | Any = NEW

    @classmethod
    def add(cls, note: Note) -> NoteChange:
        return cls(note, NEW)

    @classmethod
    def edit(cls, note: Note, base: Note) -> NoteChange:
        return cls(note, base)

    @classmethod
    def remove(cls, base: Note) -> NoteChange:
        return cls(None, base)

    @property
    def note_id(self) -> str:
        if self.note is not None:
            return self.note.id
        assert isinstance(self.base, Note)
        return self.base.id


@dataclass(frozen=True)
class WriteOutcome:
    kind: str
    note_id: str  # the id the writer asked for
    saved: Note | None = None  # the note as stored (its id differs for a conflict copy)
    fields: tuple[str, ...] = ()  # for MERGED and CONFLICT: the fields in question

    @property
    def message(self) -> str:
        if self.kind == CONFLICT:
            assert self.saved is not None
            clash = ", ".join(self.fields) or "the note"
            return f"Someone changed note {self.note_id} meanwhile ({clash}): theirs is kept, yours is saved beside it as {self.saved.id}"
        if self.kind == MERGED:
            return f"Someone changed note {self.note_id} meanwhile ({', '.join(self.fields)}): both edits are kept"
        if self.kind == RECREATED:
            return f"Note {self.note_id} had been deleted meanwhile: your version brings it back"
        if self.kind == KEPT:
            return f"Note {self.note_id} changed since you opened it: it was not deleted"
        if self.kind == GONE:
            return f"Note {self.note_id} was already deleted"
        return ""


def conflict_id(note_id: str) -> str:
    """A fresh id for a conflict copy, valid however long the original is."""
    suffix = f".conflict-{secrets.token_hex(3)}"
    return note_id[: MAX_ID - len(suffix)] + suffix


def _fields(note: Note) -> dict[str, Any]:
    """A note as independent fields: each language of a bilingual title or body is its own
    field, so one reader editing the Chinese and another the English both win. Lines and
    anchor go together: a re-pin and an edit of the text do not clash."""
    fields: dict[str, Any] = {}
    for name in ("title", "body"):
        value = getattr(note, name)
        if isinstance(value, dict):
            for lang, text in value.items():
                fields[f"{name}.{lang}"] = text
        else:
            fields[name] = value
    fields["lines"] = (note.start, note.end, tuple(sorted(note.anchor.items(), key=lambda kv: kv[0])) if note.anchor else ())
    fields["tags"] = note.tags
    fields["symbol"] = note.symbol
    fields["trail"] = note.trail
    for key, value in note.extra.items():
        fields[f"extra.{key}"] = value
    return fields


def _changed(base: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Fields that differ; a field absent on one side counts as None there."""
    missing = object()
    changed: dict[str, Any] = {}
    for key in base.keys() | other.keys():
        if base.get(key, missing) != other.get(key, missing):
            changed[key] = other.get(key, missing)
    return changed


def _apply(target: Note, changes: dict[str, Any], source: Note) -> Note:
    """`target` with the fields in `changes` taken from `source`."""
    updates: dict[str, Any] = {}
    for name in ("title", "body"):
        keys = [key for key in changes if key == name or key.startswith(name + ".")]
        if not keys:
            continue
        ours, theirs = getattr(source, name), getattr(target, name)
        if isinstance(ours, dict) and isinstance(theirs, dict):
            merged = dict(theirs)
            for key in keys:
                lang = key.split(".", 1)[1] if "." in key else None
                if lang is None:
                    continue
                if lang in ours:
                    merged[lang] = ours[lang]
                else:
                    merged.pop(lang, None)
            updates[name] = merged
        else:
            updates[name] = ours
    if "lines" in changes:
        updates.update(start=source.start, end=source.end, anchor=source.anchor)
    for name in ("tags", "symbol", "trail"):
        if name in changes:
            updates[name] = getattr(source, name)
    extra_keys = [key for key in changes if key.startswith("extra.")]
    if extra_keys:
        extra = dict(target.extra)
        for key in extra_keys:
            name = key.split(".", 1)[1]
            if name in source.extra:
                extra[name] = source.extra[name]
            else:
                extra.pop(name, None)
        updates["extra"] = extra
    updates["updated"] = max((d for d in (target.updated, source.updated) if d is not None), default=None)
    return target.with_changes(**updates)


def _same_content(a: Note, b: Note) -> bool:
    # A save retried after a crash carries a new `updated` stamp: it is still the same note.
    return a.with_changes(updated=None, created=None) == b.with_changes(updated=None, created=None)


def decide(on_disk: Note | None, change: NoteChange) -> tuple[Note | None, Note | None, WriteOutcome]:
    """(note to store under the change's id or None to leave/remove it, an extra note to add
    (a conflict copy) or None, the outcome). `on_disk` is the note with the change's id as
    the file holds it now, under the lock."""
    note, base = change.note, change.base
    note_id = change.note_id
    if note is None:  # delete
        if on_disk is None:
            return None, None, WriteOutcome(GONE, note_id)
        if on_disk == base:
            return None, None, WriteOutcome(DELETED, note_id)
        return on_disk, None, WriteOutcome(KEPT, note_id)
    if base is NEW:
        if on_disk is None or _same_content(on_disk, note):
            return note, None, WriteOutcome(SAVED, note_id, note)
        # The id is taken by a note we never saw (an import run twice, a retried save whose
        # first attempt was edited since): never replace it.
        copy = note.with_changes(id=conflict_id(note.id))
        return on_disk, copy, WriteOutcome(CONFLICT, note_id, copy, ("id",))
    if on_disk is None:
        return note, None, WriteOutcome(RECREATED, note_id, note)
    if on_disk == base:
        return note, None, WriteOutcome(SAVED if note != base else UNCHANGED, note_id, note)
    base_fields = _fields(base)
    ours = _changed(base_fields, _fields(note))
    theirs = _changed(base_fields, _fields(on_disk))
    clash = tuple(sorted(key for key in ours.keys() & theirs.keys() if ours[key] != theirs[key]))
    if clash:
        copy = note.with_changes(id=conflict_id(note.id))
        return on_disk, copy, WriteOutcome(CONFLICT, note_id, copy, clash)
    if not ours:
        return on_disk, None, WriteOutcome(UNCHANGED, note_id, on_disk)
    merged = _apply(on_disk, ours, note)
    return merged, None, WriteOutcome(MERGED, note_id, merged, tuple(sorted(theirs)))
