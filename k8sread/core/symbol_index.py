"""Every package-level Go symbol of a checkout, cached in the platformdirs cache dir.

The index is refreshed incrementally: a file is re-scanned only when its mtime or size
changed. Building scans files in worker processes (the scan is CPU-bound Python), and the
result is one pickle per tree, written atomically, loaded in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from k8sread.core.atomic import atomic_write_bytes
from k8sread.core.go_decls import scan_raw
from k8sread.core.paths import cache_dir

VERSION = 1
CHUNK = 200  # files per task: big enough to amortise process hand-off, small for progress

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SymbolHit:
    name: str
    kind: str
    path: str
    line: int
    score: float


def index_file(root: Path) -> Path:
    digest = hashlib.sha1(str(Path(root).resolve()).encode()).hexdigest()[:16]
    return cache_dir() / "index" / f"{digest}.pickle"


def _scan_files(args: tuple[str, list[str]]) -> list[tuple[str, int, int, list[tuple[str, str, int]]]]:
    root, files = args
    out = []
    for rel in files:
        full = os.path.join(root, rel)
        try:
            stat = os.stat(full)
            with open(full, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        out.append((rel, stat.st_mtime_ns, stat.st_size, [(name, kind, line) for name, _, kind, line, _ in scan_raw(data)]))
    return out


class SymbolIndex:
    def __init__(self, root: Path, files: dict[str, tuple[int, int, list[tuple[str, str, int]]]] | None = None):
        self.root = Path(root).resolve()
        self.files = files or {}
        self._flat: list[tuple[str, str, str, int]] | None = None
        self._lower_blob: str | None = None
        self._row_starts: list[int] = []

    # ---- persistence -----------------------------------------------------------------

    @classmethod
    def load(cls, root: Path) -> SymbolIndex:
        """The cached index (empty when there is none or it is unreadable)."""
        path = index_file(root)
        try:
            with open(path, "rb") as handle:
                data = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return cls(root)
        if not isinstance(data, dict) or data.get("version") != VERSION or data.get("root") != str(Path(root).resolve()):
            return cls(root)
        return cls(root, data["files"])

    def save(self) -> None:
        data = {"version": VERSION, "root": str(self.root), "files": self.files}
        atomic_write_bytes(index_file(self.root), pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))

    # ---- building --------------------------------------------------------------------

    def refresh(self, go_files: Iterable[str], *, rebuild: bool = False, progress: Progress | None = None, workers: int | None = None) -> tuple[int, int]:
        """Bring the index up to date with `go_files`; returns (files scanned, files total)."""
        wanted = list(go_files)
        old = {} if rebuild else self.files
        fresh: dict[str, tuple[int, int, list[tuple[str, str, int]]]] = {}
        stale: list[str] = []
        root = str(self.root)
        for rel in wanted:
            entry = old.get(rel)
            if entry is not None:
                try:
                    stat = os.stat(os.path.join(root, rel))
                except OSError:
                    continue
                if (stat.st_mtime_ns, stat.st_size) == entry[:2]:
                    fresh[rel] = entry
                    continue
            stale.append(rel)
        total = len(stale)
        done = 0
        if progress:
            progress(0, total)
        chunks = [(root, stale[i : i + CHUNK]) for i in range(0, total, CHUNK)]
        workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        if workers > 1 and len(chunks) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for result in pool.map(_scan_files, chunks):
                    for rel, mtime, size, decls in result:
                        fresh[rel] = (mtime, size, decls)
                    done += len(result)
                    if progress:
                        progress(done, total)
        else:
            for chunk in chunks:
                for rel, mtime, size, decls in _scan_files(chunk):
                    fresh[rel] = (mtime, size, decls)
                done += len(chunk[1])
                if progress:
                    progress(done, total)
        self.files = fresh
        self._flat = None
        self._lower_blob = None
        return total, len(wanted)

    # ---- querying --------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(len(entry[2]) for entry in self.files.values())

    def _entries(self) -> list[tuple[str, str, str, int]]:
        if self._flat is None:
            self._flat = [(name, kind, path, line) for path, (_, _, decls) in self.files.items() for name, kind, line in decls]
            self._lower_blob = "\n".join(name.lower() for name, _, _, _ in self._flat)
            starts = [0]
            total = 0
            for name, _, _, _ in self._flat:
                total += len(name) + 1
                starts.append(total)
            self._row_starts = starts
        return self._flat

    def search(self, query: str, limit: int = 200) -> list[SymbolHit]:
        """Exact name first, then prefix, then substring, then in-order letters; shorter wins."""
        query = query.strip()
        if not query:
            return []
        entries = self._entries()
        assert self._lower_blob is not None
        lowered = query.lower()
        # One regex over a newline-joined blob finds candidate rows without a Python loop;
        # [^\n] keeps a match inside one name.
        pattern = "[^\n]*?".join(re.escape(ch) for ch in lowered)
        hits: list[SymbolHit] = []
        rows: list[int] = []
        from bisect import bisect_right

        last_row = -1
        for match in re.finditer(pattern, self._lower_blob):
            row = bisect_right(self._row_starts, match.start()) - 1
            if row != last_row:
                rows.append(row)
                last_row = row
                if len(rows) > 50000:
                    break
        for index in rows:
            name, kind, path, line = entries[index]
            short = name.rsplit(".", 1)[-1].lower()
            if short == lowered or name.lower() == lowered:
                score = 4.0
            elif short.startswith(lowered):
                score = 3.0
            elif lowered in short or lowered in name.lower():
                score = 2.0
            elif _is_subsequence(lowered, _initials(name.rsplit(".", 1)[-1])):
                score = 1.8  # spr -> syncProxyRules: the letters start its words
            else:
                score = 1.0
            score -= min(len(name), 80) / 1000 + (0.5 if "_test.go" in path else 0) + (0.2 if path.startswith("vendor/") else 0)
            hits.append(SymbolHit(name, kind, path, line, score))
        hits.sort(key=lambda hit: (-hit.score, hit.name, hit.path))
        return hits[:limit]


def _initials(name: str) -> str:
    """Letters that start a word: first, each upper case after lower case, after '_'."""
    out = []
    previous = ""
    for index, ch in enumerate(name):
        if index == 0 or (ch.isupper() and not previous.isupper()) or previous == "_" or (ch.isdigit() and not previous.isdigit()):
            out.append(ch.lower())
        previous = ch
    return "".join(out)


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)
