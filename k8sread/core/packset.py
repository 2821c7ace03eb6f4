"""The packs a reader sees at once: bundled ones (read-only) and the one new notes go to."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from k8sread.core.errors import K8sreadError
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.paths import bundled_annotations_dir, demo_tree_dir, user_pack_dir

DEMO_PACK = "demo"
SERIES_PACK = "series"


def writable_pack(pack_dir: str | Path | None) -> Pack:
    """`--pack DIR` when given (created if missing), else the user's own pack."""
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


def bundled_packs_for(tree_root: Path) -> list[Pack]:
    """The demo pack belongs to the demo tree; every other bundled pack to real checkouts."""
    is_demo = tree_root.resolve() == demo_tree_dir().resolve()
    base = bundled_annotations_dir()
    packs: list[Pack] = []
    if not base.is_dir():
        return packs
    for folder in sorted(base.iterdir()):
        if not (folder / "pack.toml").is_file():
            continue
        if (folder.name == DEMO_PACK) != is_demo:
            continue
        packs.append(Pack.open(folder, writable=False))
    return packs


@dataclass
class PackNote:
    pack_index: int
    pack: Pack
    note: Note


@dataclass
class PackSet:
    """Ordered packs; a pack's index is its marker colour in the gutter and the notes pane."""

    packs: list[Pack]
    writable: Pack | None = None
    disabled: set[str] = field(default_factory=set)

    @classmethod
    def for_tree(cls, tree_root: Path, pack_dir: str | Path | None = None, extra: list[Pack] | None = None) -> PackSet:
        packs = bundled_packs_for(tree_root) + list(extra or [])
        mine = writable_pack(pack_dir)
        if all(p.root != mine.root for p in packs):
            packs.append(mine)
        return cls(packs=packs, writable=mine)

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
        return [str(err) for _, p in self.active() for err in p.errors.values()]

    def note_counts(self) -> dict[str, int]:
        """Notes per source file across active packs (cheap: counts headers, parses nothing)."""
        counts: dict[str, int] = {}
        for _, pack in self.active():
            for path in pack.files():
                counts[path] = counts.get(path, 0) + pack.count_notes(path)
        return counts
