"""The packs a user has registered beyond the bundled ones and their own, and reader choices
about them (which are switched off, which one new notes go to).

Kept in `<data dir>/packs.toml`, rewritten atomically:

    format = 1
    disabled = ["series"]          # pack names switched off in the reader
    target = "team"                # where new notes go (absent: your own pack, "mine")

    [packs.team]
    path = "/home/me/.local/share/k8sread/packs/team"
    url = "https://github.com/someone/k8s-notes.git"    # only for cloned packs

Cloned packs live in `<data dir>/packs/<name>`, next to the user's own pack (`mine`).
A registry that does not parse is reported, never written over.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8sread.core import tomlfmt
from k8sread.core.atomic import atomic_write_text, file_lock
from k8sread.core.errors import K8sreadError, PackFileError
from k8sread.core.paths import bundled_annotations_dir, cache_dir, data_dir

FORMAT = 1
MINE = "mine"
# Names that always mean the bundled packs and the user's own pack.
RESERVED = frozenset({MINE, "series", "demo"})
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def registry_path() -> Path:
    return data_dir() / "packs.toml"


def clones_dir() -> Path:
    return data_dir() / "packs"


def reserved_names() -> set[str]:
    names = set(RESERVED)
    base = bundled_annotations_dir()
    if base.is_dir():
        names.update(folder.name for folder in base.iterdir() if (folder / "pack.toml").is_file())
    return names


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise K8sreadError(f"pack name {name!r} must be lowercase letters, digits, '.', '_' or '-' (at most 64)")
    return name


def name_from(text: str) -> str:
    """A pack name made from a folder name or a git URL's last part."""
    tail = text.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    tail = tail.removesuffix(".git")
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in tail.lower())
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-._")
    return cleaned[:64] or "pack"


@dataclass(frozen=True)
class Entry:
    name: str
    path: Path
    url: str | None = None

    @property
    def cloned(self) -> bool:
        return self.url is not None


@dataclass
class Registry:
    packs: dict[str, Entry] = field(default_factory=dict)
    disabled: set[str] = field(default_factory=set)
    target: str | None = None

    # ---- reading and writing ---------------------------------------------------------

    @classmethod
    def load(cls) -> Registry:
        from k8sread.core.pack import MAX_FILE_BYTES, parse_toml_bytes, read_regular_file

        path = registry_path()
        if not os.path.lexists(path):
            return cls()
        # The pack reader's bounded path: a regular file only, size, token and nesting limits
        # (`x = [[[[...` a few thousand deep made tomllib raise RecursionError at every start).
        try:
            data, _ = parse_toml_bytes(path, read_regular_file(path, MAX_FILE_BYTES))
        except PackFileError as error:
            raise K8sreadError(f"{error}: the pack registry cannot be read; fix or delete it") from None
        return cls._from_data(path, data)

    @classmethod
    def _from_data(cls, path: Path, data: dict[str, Any]) -> Registry:
        registry = cls()
        packs = data.get("packs", {})
        if not isinstance(packs, dict):
            raise K8sreadError(f"{path}: [packs] must be a table of pack names")
        for name, item in packs.items():
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                raise K8sreadError(f"{path}: packs.{name} needs a path")
            url = item.get("url")
            registry.packs[name] = Entry(name, Path(item["path"]), url if isinstance(url, str) and url else None)
        disabled = data.get("disabled", [])
        if isinstance(disabled, list):
            registry.disabled = {item for item in disabled if isinstance(item, str)}
        target = data.get("target")
        registry.target = target if isinstance(target, str) and target else None
        return registry

    def _to_text(self) -> str:
        head: dict[str, Any] = {"format": FORMAT, "disabled": sorted(self.disabled)}
        if self.target:
            head["target"] = self.target
        parts = ["\n".join(tomlfmt.assignments(head)) + "\n"]
        for name in sorted(self.packs):
            entry = self.packs[name]
            table: dict[str, Any] = {"path": str(entry.path)}
            if entry.url:
                table["url"] = entry.url
            parts.append(f"[packs.{tomlfmt.key(name)}]\n" + "\n".join(tomlfmt.assignments(table)) + "\n")
        return "\n".join(parts)

    def save(self) -> None:
        atomic_write_text(registry_path(), self._to_text())

    # ---- questions -------------------------------------------------------------------

    def get(self, name: str) -> Entry:
        entry = self.packs.get(name)
        if entry is None:
            known = ", ".join(sorted(self.packs)) or "none registered"
            raise K8sreadError(f"no registered pack named {name!r} ({known}); see `k8sread pack list`")
        return entry

    def entries(self) -> list[Entry]:
        return [self.packs[name] for name in sorted(self.packs)]

    def name_for_path(self, path: Path) -> str | None:
        resolved = Path(path).resolve()
        return next((e.name for e in self.packs.values() if e.path.resolve() == resolved), None)


def _locked():
    return file_lock(cache_dir() / "locks", str(registry_path()))


def update(change) -> Registry:
    """Load, apply `change(registry)`, save, under a lock: two commands at once keep both edits."""
    with _locked():
        registry = Registry.load()
        change(registry)
        registry.save()
        return registry


def register(name: str, path: Path, url: str | None = None) -> Entry:
    check_name(name)
    if name in reserved_names():
        raise K8sreadError(f"pack name {name!r} is taken by k8sread's own packs; choose another with --name")
    entry = Entry(name, Path(path).resolve(), url)

    def change(registry: Registry) -> None:
        if name in registry.packs:
            raise K8sreadError(f"a pack named {name!r} is already registered ({registry.packs[name].path}); choose another with --name")
        other = registry.name_for_path(entry.path)
        if other:
            raise K8sreadError(f"{entry.path} is already registered as {other!r}")
        registry.packs[name] = entry

    update(change)
    return entry


def unregister(name: str) -> Entry:
    removed: list[Entry] = []

    def change(registry: Registry) -> None:
        removed.append(registry.get(name))
        del registry.packs[name]
        registry.disabled.discard(name)
        if registry.target == name:
            registry.target = None

    update(change)
    return removed[0]


def set_enabled(name: str, enabled: bool) -> None:
    def change(registry: Registry) -> None:
        if enabled:
            registry.disabled.discard(name)
        else:
            registry.disabled.add(name)

    update(change)


def set_target(name: str | None) -> None:
    """Where new notes go; None (or "mine") is the user's own pack."""

    def change(registry: Registry) -> None:
        if name not in (None, MINE) and name not in registry.packs:
            registry.get(name)  # raises with the list of names
        registry.target = None if name in (None, MINE) else name

    update(change)
