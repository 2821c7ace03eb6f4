"""The bundled packs hold only text we wrote (issue 13): no Kubernetes code.

An anchor keeps its context as hashes (`before_hashes`, `after_hashes`, `line_hashes`), never as
lines (`before`, `after`, `text`), and no field a note shows (title, body, tags, a line comment)
is a line of the file it annotates. The demo pack is checked against the demo tree shipped with
k8sread; the series pack against a release-1.22 checkout when this machine has one
(K8SREAD_K8S_122, else /work/k8s-1.22), and its anchors in any case.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from k8sread.core.anchors import meaningful, normalise
from k8sread.core.paths import bundled_annotations_dir, demo_tree_dir

TEXT_KEYS = ("before", "after", "text")
HASH = re.compile(r"^[0-9a-f]{6}$")
CONTEXT = re.compile(r"^(~[0-9a-f]{6}|[0-9a-f]{6}(\.[0-9a-f]{8})?)$")
SHORTEST = 12  # shorter lines (`return nil`, `}`) are words anyone writes, not copied code


def packs() -> list[Path]:
    return sorted(p for p in bundled_annotations_dir().iterdir() if (p / "pack.toml").is_file())


def tree_for(pack: Path) -> Path | None:
    if pack.name == "demo":
        return demo_tree_dir()
    checkout = Path(os.environ.get("K8SREAD_K8S_122", "/work/k8s-1.22"))
    return checkout if (checkout / "go.mod").is_file() else None


def notes_files(pack: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(pack.rglob("*.toml")):
        if path.name != "pack.toml":
            yield path, tomllib.loads(path.read_text(encoding="utf-8"))


def shown_strings(value: Any) -> Iterator[str]:
    """Every string a note shows, and every line of each."""
    if isinstance(value, str):
        yield value
        yield from value.splitlines()
    elif isinstance(value, dict):
        for item in value.values():
            yield from shown_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from shown_strings(item)


def test_there_are_bundled_packs():
    assert {p.name for p in packs()} >= {"demo", "series"}


@pytest.mark.parametrize("pack", packs(), ids=lambda p: p.name)
def test_anchors_hold_hashes_never_lines(pack):
    problems: list[str] = []
    count = 0
    for path, data in notes_files(pack):
        for note in data.get("notes", []):
            count += 1
            anchor = note.get("anchor", {})
            where = f"{path.relative_to(pack)}: {note.get('id')}"
            problems += [f"{where}: anchor.{key} holds source lines" for key in TEXT_KEYS if key in anchor]
            problems += [f"{where}: anchor.line_hashes has {h!r}" for h in anchor.get("line_hashes", []) if not HASH.match(h)]
            for key in ("before_hashes", "after_hashes"):
                problems += [f"{where}: anchor.{key} has {h!r}" for h in anchor.get(key, []) if not CONTEXT.match(h)]
    assert count > 0
    assert not problems, "\n".join(problems[:20]) + f"\n({len(problems)} in all; convert with `k8sread check --fix`)"


@pytest.mark.parametrize("pack", packs(), ids=lambda p: p.name)
def test_no_note_field_is_a_line_of_the_code_it_annotates(pack):
    tree = tree_for(pack)
    if tree is None:
        pytest.skip(f"no tree to compare the {pack.name} pack with here (set K8SREAD_K8S_122)")
    problems: list[str] = []
    for path, data in notes_files(pack):
        source = tree / data["file"]
        if not source.is_file():
            continue
        code = {
            line for line in map(normalise, source.read_text(encoding="utf-8", errors="replace").splitlines()) if len(line) >= SHORTEST and meaningful(line)
        }
        for note in data.get("notes", []):
            shown = {key: value for key, value in note.items() if key not in ("anchor", "id", "lines", "created", "updated")}
            for text in shown_strings(shown):
                line = normalise(text.strip().strip("`"))
                if line in code:
                    problems.append(f"{path.relative_to(pack)}: {note.get('id')}: {line[:60]!r} is a line of {data['file']}")
    assert not problems, "\n".join(problems[:20])
