"""Per-tree reading state: where you were, what you have read. Resumed on the next start.

One JSON file per tree in the state dir, written atomically; an unreadable one is set aside
(renamed *.corrupt) and a fresh state starts, so a bad file never stops the reader.

File names that are not UTF-8 (Python holds their bytes as lone surrogates, PEP 383) are
stored as JSON `\\udcXX` escapes, which `json.loads` turns back into the same surrogates: the
file stays valid UTF-8 and the name round-trips exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8sread.core.atomic import atomic_write_text, set_aside
from k8sread.core.paths import state_dir

MAX_POSITIONS = 500  # per-file positions kept; the oldest are dropped beyond this
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogates(text: str) -> str:
    # Only JSON strings can hold them, and inside a string \uXXXX is the same character.
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


@dataclass
class Position:
    cursor: int = 1
    column: int = 0
    top: int = 0
    selection: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"cursor": self.cursor, "column": self.column, "top": self.top}
        if self.selection:
            data["selection"] = list(self.selection)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Position:
        if not isinstance(data, dict):
            return cls()

        def number(key: str, default: int, low: int) -> int:
            value = data.get(key, default)
            return value if isinstance(value, int) and not isinstance(value, bool) and value >= low else default

        selection = data.get("selection")
        if not (isinstance(selection, list) and len(selection) == 2 and all(isinstance(n, int) and n >= 1 for n in selection) and selection[0] <= selection[1]):
            selection = None
        return cls(number("cursor", 1, 1), number("column", 0, 0), number("top", 0, 0), tuple(selection) if selection else None)


@dataclass
class TreeSession:
    root: str
    last_file: str | None = None
    positions: dict[str, Position] = field(default_factory=dict)
    read_files: set[str] = field(default_factory=set)
    read_notes: set[str] = field(default_factory=set)
    trail_step: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @staticmethod
    def file_for(root: Path) -> Path:
        # fsencode: a root whose name is not UTF-8 has the same bytes as on disk (and a UTF-8
        # one hashes as before, so existing state files are still found).
        digest = hashlib.sha1(os.fsencode(Path(root).resolve())).hexdigest()[:16]
        return state_dir() / "trees" / f"{digest}.json"

    @classmethod
    def load(cls, root: Path) -> TreeSession:
        path = cls.file_for(root)
        session = cls(root=str(Path(root).resolve()), path=path)
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return session
        except (OSError, ValueError):
            set_aside(path, path.with_suffix(".corrupt"))
            return session
        if not isinstance(data, dict):
            set_aside(path, path.with_suffix(".corrupt"))
            return session
        last = data.get("last_file")
        session.last_file = last if isinstance(last, str) else None
        positions = data.get("positions", {})
        if isinstance(positions, dict):
            session.positions = {k: Position.from_json(v) for k, v in positions.items() if isinstance(k, str)}
        session.read_files = {p for p in data.get("read_files", []) if isinstance(p, str)} if isinstance(data.get("read_files"), list) else set()
        session.read_notes = {p for p in data.get("read_notes", []) if isinstance(p, str)} if isinstance(data.get("read_notes"), list) else set()
        step = data.get("trail_step")
        session.trail_step = step if isinstance(step, str) else None
        known = {"root", "last_file", "positions", "read_files", "read_notes", "trail_step"}
        session.extra = {k: v for k, v in data.items() if k not in known}
        return session

    def remember(self, file: str, position: Position) -> None:
        self.last_file = file
        self.positions.pop(file, None)
        self.positions[file] = position  # re-insert: dict order is recency
        while len(self.positions) > MAX_POSITIONS:
            self.positions.pop(next(iter(self.positions)))

    def position(self, file: str) -> Position | None:
        return self.positions.get(file)

    def save(self) -> None:
        data = {
            **self.extra,
            "root": self.root,
            "last_file": self.last_file,
            "positions": {k: v.to_json() for k, v in self.positions.items()},
            "read_files": sorted(self.read_files),
            "read_notes": sorted(self.read_notes),
            "trail_step": self.trail_step,
        }
        text = _escape_surrogates(json.dumps(data, ensure_ascii=False, indent=1))
        atomic_write_text(self.path or self.file_for(Path(self.root)), text)
