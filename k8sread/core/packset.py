"""The packs a reader sees at once: bundled ones (read-only), the user's own, the extra packs
registered with `k8sread pack add`, and which of them new notes go to."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from k8sread.core import registry as pack_registry
from k8sread.core.errors import K8sreadError
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.paths import bundled_annotations_dir, demo_tree_dir, user_pack_dir

DEMO_PACK = "demo"
SERIES_PACK = "series"


def writable_pack(pack_dir: str | Path | None) -> Pack:
    """`--pack DIR` when given (created if missing), or `--pack NAME` of a registered pack
    (or `mine`) when no such folder exists; else the pack chosen as the target for new notes
    (`k8sread pack use NAME`), else the user's own pack."""
    if pack_dir is None:
        target = _registry_or_empty().target
        if target:
            return registered_pack(target)
    elif isinstance(pack_dir, str) and "/" not in pack_dir and not Path(pack_dir).exists():
        if pack_dir == pack_registry.MINE:
            pack_dir = None
        elif pack_dir in pack_registry.reserved_names():
            raise K8sreadError(f"--pack {pack_dir}: the bundled pack is read-only; notes go to your own pack or a pack folder")
        elif pack_dir in _registry_or_empty().packs:
            return registered_pack(pack_dir)
    if pack_dir is not None:
        root = Path(pack_dir).expanduser()
        if root.exists() and not root.is_dir():
            raise K8sreadError(f"--pack {root}: not a folder")
        if not (root / "pack.toml").exists():
            return Pack.create(root, _name_for(root), title=root.name)
        return Pack.open(root)
    return Pack.create(user_pack_dir(), "mine", title="My notes")


def _name_for(root: Path) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in root.resolve().name.lower()).strip("-._")
    return cleaned or "pack"


def _registry_or_empty() -> pack_registry.Registry:
    try:
        return pack_registry.Registry.load()
    except K8sreadError:
        return pack_registry.Registry()


def registered_pack(name: str, registry: pack_registry.Registry | None = None) -> Pack:
    """A registered pack, opened writable and named as registered (names are unique in a
    set; two packs may well both call themselves "notes" in their pack.toml)."""
    entry = (registry or pack_registry.Registry.load()).get(name)
    pack = Pack.open(entry.path, writable=True)
    if pack.meta.name != entry.name:
        pack.meta = dataclasses.replace(pack.meta, name=entry.name)
    return pack


def bundled_pack_dirs_for(tree_root: Path) -> list[Path]:
    """The demo pack belongs to the demo tree; the other bundled packs (written on
    Kubernetes) to Kubernetes checkouts. On any other Go tree they would only be orphans."""
    from k8sread.core.source_tree import is_kubernetes_checkout

    is_demo = tree_root.resolve() == demo_tree_dir().resolve()
    is_kubernetes = not is_demo and is_kubernetes_checkout(tree_root)
    base = bundled_annotations_dir()
    if not base.is_dir():
        return []
    dirs: list[Path] = []
    for folder in sorted(base.iterdir()):
        if not (folder / "pack.toml").is_file():
            continue
        if (is_demo and folder.name == DEMO_PACK) or (is_kubernetes and folder.name != DEMO_PACK):
            dirs.append(folder)
    return dirs


def bundled_packs_for(tree_root: Path) -> list[Pack]:
    return [Pack.open(folder, writable=False) for folder in bundled_pack_dirs_for(tree_root)]


class PackNote(NamedTuple):
    """A note and the pack it comes from, before it is placed (k8sread.core.placement)."""

    pack_index: int
    pack: Pack
    note: Note


@dataclass
class PackSet:
    """Ordered packs; a pack's index is its marker colour in the gutter and the notes pane."""

    packs: list[Pack]
    writable: Pack | None = None
    disabled: set[str] = field(default_factory=set)
    # Registered packs that could not be opened (moved away, broken pack.toml): said, not fatal.
    problems: list[str] = field(default_factory=list)
    _urls: dict[str, str] | None = field(default=None, repr=False)  # registered name -> git URL

    @classmethod
    def for_tree(
        cls,
        tree_root: Path,
        pack_dir: str | Path | None = None,
        extra: list[Pack] | None = None,
        *,
        registered: bool = True,
        read_only: bool = False,
    ) -> PackSet:
        """Bundled packs for the tree, `extra`, the user's own pack, then the registered
        packs by name; switched-off names come from the registry."""
        packs = bundled_packs_for(tree_root) + list(extra or [])
        problems: list[str] = []
        try:
            registry = pack_registry.Registry.load()
        except K8sreadError as error:
            registry = pack_registry.Registry()
            problems.append(str(error))
        if pack_dir is not None:
            chosen: Pack | None = writable_pack(pack_dir)
            own = chosen
        elif read_only and not (user_pack_dir() / "pack.toml").is_file():
            # Nothing may be written: no pack of one's own is created (it would be the first write).
            chosen = own = None
        else:
            chosen = None
            own = Pack.create(user_pack_dir(), "mine", title="My notes")
        if own is not None and all(p.root != own.root for p in packs):
            packs.append(own)
        if registered:
            for entry in registry.entries():
                try:
                    pack = registered_pack(entry.name, registry)
                except K8sreadError as error:
                    problems.append(f"pack {entry.name}: {error}")
                    continue
                if all(p.root != pack.root for p in packs):
                    packs.append(pack)
        if chosen is None and own is not None:
            chosen = own
            if registry.target:
                target = next((p for p in packs if p.name == registry.target and p.writable), None)
                if target is None:
                    problems.append(f"the pack for new notes, {registry.target!r}, is not available; they go to your own pack")
                else:
                    chosen = target
        names = {p.name for p in packs}
        packset = cls(packs=packs, writable=chosen, disabled=registry.disabled & names, problems=problems)
        packset._urls = {entry.name: entry.url for entry in registry.entries() if entry.url}
        return packset

    # ---- switching packs on and off, and choosing where new notes go ------------------

    def by_name(self, name: str) -> Pack | None:
        return next((p for p in self.packs if p.name == name), None)

    def is_enabled(self, name: str) -> bool:
        return name not in self.disabled

    def set_enabled(self, name: str, enabled: bool, *, persist: bool = True) -> None:
        """Show or hide a pack's notes; remembered across sessions unless `persist` is False."""
        if self.by_name(name) is None:
            raise K8sreadError(f"no pack named {name!r} in this reader")
        if enabled:
            self.disabled.discard(name)
        else:
            self.disabled.add(name)
        if persist:
            pack_registry.set_enabled(name, enabled)

    def set_writable(self, name: str, *, persist: bool = True) -> Pack:
        """Send new notes to pack `name` (a writable one); remembered unless `persist` is False."""
        pack = self.by_name(name)
        if pack is None:
            raise K8sreadError(f"no pack named {name!r} in this reader")
        if not pack.writable:
            raise K8sreadError(f"pack {name!r} is read-only; new notes cannot go there")
        self.writable = pack
        if persist:
            pack_registry.set_target(None if pack.root == user_pack_dir().resolve() else name)
        return pack

    def kind(self, pack: Pack) -> str:
        """bundled | mine | git | local: what the reader says next to a pack's marker."""
        if not pack.writable:
            return "bundled"
        if pack.root == user_pack_dir().resolve():
            return "mine"
        urls = self._urls if self._urls is not None else {e.name: e.url for e in _registry_or_empty().entries() if e.url}
        return "git" if pack.name in urls else "local"

    def active(self) -> list[tuple[int, Pack]]:
        return [(i, p) for i, p in enumerate(self.packs) if p.name not in self.disabled]

    def notes_for(self, source_path: str) -> list[PackNote]:
        found = [PackNote(i, p, n) for i, p in self.active() for n in p.notes_for(source_path)]
        found.sort(key=lambda item: (item.note.start, item.note.end, item.pack_index, item.note.id))
        return found

    def trail(self):
        """The trail of the first active pack that declares one (None when none does)."""
        from k8sread.core.trail import Trail

        for _, pack in self.active():
            raw = pack.meta.raw
            if raw.get("components") or raw.get("chapters"):
                return Trail.from_pack(pack)
        return None

    def index_of(self, pack: Pack) -> int:
        return next(i for i, p in enumerate(self.packs) if p is pack or p.root == pack.root)

    def errors(self) -> list[str]:
        return list(self.problems) + [str(err) for _, p in self.active() for err in p.errors.values()]

    def note_counts(self) -> dict[str, int]:
        """Notes per source file across active packs (cheap: counts headers, parses nothing)."""
        counts: dict[str, int] = {}
        for _, pack in self.active():
            for path in pack.files():
                counts[path] = counts.get(path, 0) + pack.count_notes(path)
        return counts


def find_pack(spec: str | Path | None, tree_root: Path | None = None) -> Pack:
    """The pack a read-only command (export, notes) means by `--pack`: a folder, `mine`, a
    bundled pack's name or a registered pack's name. Without it: the first pack for the tree
    that declares a trail, else the user's own pack."""
    if spec is None:
        if tree_root is None:
            raise K8sreadError("no pack given: use --pack NAME or --pack DIR")
        candidates = bundled_packs_for(tree_root)
        registry = _registry_or_empty()
        for entry in registry.entries():
            try:
                candidates.append(registered_pack(entry.name, registry))
            except K8sreadError:
                continue
        for pack in candidates:
            if pack.name not in registry.disabled and (pack.meta.raw.get("chapters") or pack.meta.raw.get("components")):
                return pack
        if (user_pack_dir() / "pack.toml").is_file():
            return Pack.open(user_pack_dir())
        if candidates:
            return candidates[0]
        raise K8sreadError("no pack to use: give --pack NAME or --pack DIR (see `k8sread pack list`)")
    text = str(spec)
    folder = Path(text).expanduser()
    if folder.is_dir():
        return Pack.open(folder)
    if "/" not in text:
        if text == pack_registry.MINE:
            if not (user_pack_dir() / "pack.toml").is_file():
                raise K8sreadError("your own pack is empty: add a note first (k8sread note add ...)")
            return Pack.open(user_pack_dir())
        bundled = bundled_annotations_dir() / text
        if (bundled / "pack.toml").is_file():
            return Pack.open(bundled, writable=False)
        registry = _registry_or_empty()
        if text in registry.packs:
            return registered_pack(text, registry)
    raise K8sreadError(f"--pack {text}: no such pack folder, bundled pack or registered pack (see `k8sread pack list`)")
