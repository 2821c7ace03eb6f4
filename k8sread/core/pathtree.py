"""A flat path list seen as folders, for a lazy tree view: children are computed per folder
on demand, so 23k paths cost one pass to index and nothing per expand beyond that folder."""

from __future__ import annotations

from collections import defaultdict


class PathTree:
    def __init__(self, paths: list[str]):
        self._dirs: dict[str, set[str]] = defaultdict(set)
        self._files: dict[str, list[str]] = defaultdict(list)
        for path in paths:
            parent, _, name = path.rpartition("/")
            self._files[parent].append(name)
            # Register each ancestor once; stop as soon as one is known.
            while parent:
                grand, _, dirname = parent.rpartition("/")
                known = dirname in self._dirs[grand]
                self._dirs[grand].add(dirname)
                if known:
                    break
                parent = grand
        self.paths = paths

    def children(self, folder: str = "") -> tuple[list[str], list[str]]:
        """(sub-folder names, file names) of `folder` ('' is the root), each sorted."""
        return sorted(self._dirs.get(folder, ())), sorted(self._files.get(folder, ()))


def folder_totals(counts: dict[str, int]) -> dict[str, int]:
    """Per-file counts summed into every ancestor folder ('' is the whole tree)."""
    totals: dict[str, int] = defaultdict(int)
    for path, count in counts.items():
        if not count:
            continue
        parent = path.rpartition("/")[0]
        while True:
            totals[parent] += count
            if not parent:
                break
            parent = parent.rpartition("/")[0]
    return dict(totals)
