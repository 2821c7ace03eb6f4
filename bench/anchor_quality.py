"""How well anchors find their code after synthetic edits: context stored as text (packs before
issue 13) against context stored as hashes (now).

For every note of the series pack, its file from a release-1.22 checkout is edited in one of
several ways, and the note is resolved twice: with its anchor as the pack stored it before
(`before`/`after` text, resolved by the code of that time, read from git) and with the anchor
k8sread computes now (hashes only). A note counts as found when it is placed on the lines it
was moved to (exact, moved) or, for `changed`, inside the same declaration over its lines.

    python bench/anchor_quality.py [--tree /work/k8s-1.22] [--old-rev 722d4ba]

Prints one table; nothing is written.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from k8sread.core import anchors as new_anchors  # noqa: E402
from k8sread.core.pack import Pack  # noqa: E402
from k8sread.core.symbols import extract_symbols  # noqa: E402


def old_module(rev: str):
    """k8sread.core.anchors as it was at `rev` (text context)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:k8sread/core/anchors.py"], capture_output=True, text=True, check=True).stdout
    folder = Path(tempfile.mkdtemp())
    path = folder / "anchors_old.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("anchors_old", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["anchors_old"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def text_anchor(lines: list[str], start: int, end: int, symbols) -> dict:
    """The anchor as packs stored it before: the same fields, with the context as text."""
    anchor = new_anchors.compute_anchor(lines, start, end, symbols)
    anchor.pop("before_hashes")
    anchor.pop("after_hashes")
    anchor["before"] = [line for line in lines[max(0, start - 1 - 3) : start - 1]]
    anchor["after"] = [line for line in lines[end : end + 3]]
    return anchor


def edit_line(line: str, rng: random.Random) -> str:
    """A small edit that changes the normalised text: a renamed identifier or an added argument."""
    words = line.split()
    if len(words) >= 2:
        i = rng.randrange(len(words))
        words[i] = words[i] + "X"
        indent = line[: len(line) - len(line.lstrip())]
        return indent + " ".join(words)
    return line + " // edited"


def perturb(lines: list[str], start: int, end: int, kind: str, rng: random.Random) -> tuple[list[str], int]:
    """The file edited; returns (new lines, shift of the note's first line)."""
    new = list(lines)
    shift = 0
    if kind in ("shift", "shift+edit", "shift+edit+context"):
        header = [f"// inserted line {i}" for i in range(7)]
        new = header + new
        shift = len(header)
    s, e = start + shift, end + shift
    if kind in ("edit", "shift+edit", "shift+edit+context"):
        for number in range(s, e + 1):
            if (number - s) % 4 == 1 and new_anchors.meaningful(new_anchors.normalise(new[number - 1])):
                new[number - 1] = edit_line(new[number - 1], rng)
    if kind in ("context", "shift+edit+context"):
        for number in (s - 1, s - 2, s - 3, e + 1, e + 2, e + 3):
            if 1 <= number <= len(new) and new_anchors.meaningful(new_anchors.normalise(new[number - 1])):
                new[number - 1] = edit_line(new[number - 1], rng)
                break
    return new, shift


def judge(resolution, start: int, end: int, shift: int, symbol_name: str | None, symbols) -> str:
    if not resolution.placed:
        return "orphan"
    if resolution.status == "changed":
        holder = [sym for sym in symbols if sym.name == symbol_name and sym.overlaps(resolution.start, resolution.end)]
        return "changed-right" if holder else "WRONG"
    if (resolution.start, resolution.end) == (start + shift, end + shift):
        return "found"
    if resolution.method == "fuzzy" and abs(resolution.start - (start + shift)) <= 1:
        return "found"
    return "WRONG"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", default="/work/k8s-1.22")
    parser.add_argument("--old-rev", default="722d4ba", help="a commit whose anchors.py reads text context")
    parser.add_argument("--pack", default=str(ROOT / "annotations" / "series"))
    args = parser.parse_args()
    tree = Path(args.tree)
    old = old_module(args.old_rev)
    pack = Pack.open(args.pack, writable=False)
    kinds = ("shift", "edit", "context", "shift+edit", "shift+edit+context")
    table: dict[tuple[str, str], Counter] = {}
    rng = random.Random(13)
    for path in pack.files():
        file = tree / path
        if not file.is_file():
            continue
        lines = file.read_text(errors="replace").split("\n")
        symbols = extract_symbols("\n".join(lines)) if path.endswith(".go") else []
        for note in pack.notes_for(path):
            if note.end > len(lines):
                continue
            start, end = note.start, note.end
            for kind in kinds:
                new, shift = perturb(lines, start, end, kind, rng)
                new_symbols = extract_symbols("\n".join(new)) if path.endswith(".go") else []
                as_text = text_anchor(lines, start, end, symbols)
                as_hashes = new_anchors.compute_anchor(lines, start, end, symbols)
                name = as_hashes.get("symbol")
                for label, module, anchor in (("text (before)", old, as_text), ("hashes (now)", new_anchors, as_hashes)):
                    resolution = module.resolve((start, end), anchor, new, new_symbols)
                    table.setdefault((kind, label), Counter())[judge(resolution, start, end, shift, name, new_symbols)] += 1
    print(f"{'edit':22} {'anchor':15} {'found':>6} {'changed':>8} {'orphan':>7} {'WRONG':>6}")
    for kind in kinds:
        for label in ("text (before)", "hashes (now)"):
            c = table[(kind, label)]
            print(f"{kind:22} {label:15} {c['found']:6} {c['changed-right']:8} {c['orphan']:7} {c['WRONG']:6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
