"""Adding chapters and text steps to a pack's trail (pack.toml), for the importers.

An import (an article, a CodeTour) adds `[[chapters]]` whose steps are its notes and
`text:<id>` steps, and the `[[texts]]` those name. Each added chapter carries `import = KEY`
so importing the same source again replaces its chapters and texts instead of adding a second
copy. Appending keeps the file as its author wrote it (comments and all); only a re-import,
which must remove old tables, writes the whole file again (deterministically, comments lost).

A pack whose trail was numbered on its notes (`trail = N`, no chapters) would lose that trail
once it has a chapter, so its numbered notes are first written out as chapters of their own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

from k8sread.core import tomlfmt
from k8sread.core.atomic import atomic_write_text, file_lock
from k8sread.core.errors import K8sreadError, PackFileError
from k8sread.core.note import Note
from k8sread.core.pack import META_FILE, Pack, parse_meta, read_toml
from k8sread.core.paths import cache_dir
from k8sread.core.trail import TEXT_STEP, Trail

# Top-level tables written as `key.lang = "..."` lines rather than a [section].
_TEXT_LIKE = ("title", "description", "summary")


@dataclass
class TrailAddition:
    chapters: list[dict[str, Any]] = field(default_factory=list)  # each with component, title, steps (+ description)
    texts: list[dict[str, Any]] = field(default_factory=list)  # each with id, body (+ title, directory, ...)


@dataclass
class Replaced:
    """What a re-import took out: the steps of the old chapters (so stale notes can go too)."""

    note_ids: list[str] = field(default_factory=list)
    text_ids: list[str] = field(default_factory=list)


def previous_import(pack: Pack, key: str) -> Replaced:
    """The steps of the chapters an earlier import with `key` added."""
    found = Replaced()
    chapters = pack.meta.raw.get("chapters", [])
    for chapter in chapters if isinstance(chapters, list) else []:
        if isinstance(chapter, dict) and chapter.get("import") == key:
            for step in chapter.get("steps", []):
                if isinstance(step, str):
                    (found.text_ids if step.startswith(TEXT_STEP) else found.note_ids).append(step.removeprefix(TEXT_STEP))
    return found


def text_ids_in_use(pack: Pack) -> set[str]:
    texts = pack.meta.raw.get("texts", [])
    return {t["id"] for t in texts if isinstance(t, dict) and isinstance(t.get("id"), str)} if isinstance(texts, list) else set()


def add_to_trail(pack: Pack, addition: TrailAddition, *, key: str) -> Pack:
    """Write the chapters (each tagged `import = key`) and texts into pack.toml, replacing what
    an earlier import with the same key wrote; returns the pack opened again."""
    if not pack.writable:
        raise K8sreadError(f"pack {pack.name!r} ({pack.root}) is read-only")
    path = pack.root / META_FILE
    with file_lock(cache_dir() / "locks", str(path)):
        text = path.read_text("utf-8")
        data = read_toml(path)
        old_chapters = [c for c in data.get("chapters", []) if isinstance(c, dict) and c.get("import") == key]
        chapters = [{**chapter, "import": key} for chapter in addition.chapters]
        prefix: list[dict[str, Any]] = []
        if not data.get("chapters"):
            # Numbered notes made the trail until now: keep them as chapters ahead of ours.
            # (Without [[chapters]], the trail Trail.from_pack reads is the numbered notes'.)
            trail = Trail.from_pack(Pack(pack.root, parse_meta(path, data), writable=True))
            prefix = [{"component": c.component, "title": c.title, "steps": list(c.steps)} for c in trail.chapters]
        if old_chapters:
            old_texts = {
                step.removeprefix(TEXT_STEP) for c in old_chapters for step in c.get("steps", []) if isinstance(step, str) and step.startswith(TEXT_STEP)
            }
            data["chapters"] = [c for c in data.get("chapters", []) if c not in old_chapters] + chapters
            data["texts"] = [t for t in data.get("texts", []) if not (isinstance(t, dict) and t.get("id") in old_texts)] + addition.texts
            if not data["texts"]:
                del data["texts"]
            new_text = render_meta(data)
        else:
            tables = [("chapters", c) for c in prefix + chapters] + [("texts", t) for t in addition.texts]
            new_text = text.rstrip("\n") + "\n" + "".join("\n" + render_table(name, table) for name, table in tables)
        _check(path, new_text)
        atomic_write_text(path, new_text)
    return Pack.open(pack.root, writable=pack.writable)


def _check(path, text: str) -> None:
    """What is about to be written must read back as a pack with a valid trail."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # a bug here, not the user's input
        raise K8sreadError(f"{path}: the new trail would not be valid TOML ({error}); nothing was written") from None
    try:
        Trail.from_pack(Pack(path.parent, parse_meta(path, data), writable=False))
    except PackFileError as error:
        raise K8sreadError(f"{path}: the new trail would not load ({error.reason}); nothing was written") from None


def _value(name: str, item: Any) -> list[str]:
    if name == "steps" and isinstance(item, list) and len(item) > 2:
        # One step a line: adding a step to a chapter changes one line of the diff.
        return [f"{name} = ["] + [f"  {tomlfmt.value(step)}," for step in item] + ["]"]
    return tomlfmt.assignments({name: item})


def render_table(name: str, table: dict[str, Any]) -> str:
    lines = [f"[[{name}]]"]
    for key, item in table.items():
        lines += _value(key, item)
    return "\n".join(lines) + "\n"


def render_meta(data: dict[str, Any]) -> str:
    """pack.toml from its parsed data: plain keys, then [tables], then [[arrays of tables]]."""
    head: list[str] = []
    sections: list[str] = []
    arrays: list[str] = []
    for key, item in data.items():
        if isinstance(item, list) and item and all(isinstance(element, dict) for element in item):
            arrays += [render_table(key, element) for element in item]
        elif isinstance(item, dict) and key not in _TEXT_LIKE:
            sections.append(f"[{tomlfmt.key(key)}]\n" + "\n".join(tomlfmt.assignments(item)) + "\n")
        else:
            head += tomlfmt.assignments({key: item})
    return "\n".join(["\n".join(head) + "\n", *sections, *arrays]).rstrip("\n") + "\n"


def save_replacing(pack: Pack, source_path: str, note: Note) -> Note:
    """Save an imported note over the one an earlier import of the same source saved under its
    id (an edit of that note, so the write path replaces it rather than keeping a copy)."""
    current = next((existing for existing in pack.notes_for(source_path) if existing.id == note.id), None)
    return pack.upsert(source_path, note, base=current)
