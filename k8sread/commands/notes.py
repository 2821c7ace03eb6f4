"""Print the notes on a file, or on one line of it, for scripts and editor integrations.

examples:
  k8sread notes pkg/kubelet/kubelet.go                  every note on the file
  k8sread notes pkg/kubelet/kubelet.go:1970             the notes covering line 1970
  k8sread notes pkg/kubelet/kubelet.go:1960-1990 --json  notes overlapping a range, as JSON
  k8sread notes --repo ~/src/kubernetes --pack series "$PWD/pkg/kubelet/kubelet.go:1970" --json

FILE is relative to the tree, or an absolute path inside it (what an editor has at hand).
Notes come from every pack the reader shows (switched-off packs left out), or from --pack
alone. Lines are where each note's code is in this checkout (the reader's answer: a note on
changed code follows its anchor); notes whose code is gone are listed as orphaned.

Line comments (notes of kind "comment": a line of text on one line, no title) are listed
among the notes as `path:LINE  [pack] id (line comment): // text`.

--json prints one object: {"tree", "file", "lines", "commit", "notes": [{"pack", "id", "kind"
("note" or "comment"), "title", "body", "lines", "stored_lines", "status", "tags", "author", "symbol", "permalink"}],
"errors"}; "lines" of an orphan is null.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from k8sread.core.config import choose_language, load_config
from k8sread.core.errors import K8sreadError
from k8sread.core.export_markdown import DEFAULT_REPOSITORY, inert, permalink
from k8sread.core.note import COMMENT
from k8sread.core.packset import PackNote, PackSet, find_pack
from k8sread.core.placement import Placement, place_file
from k8sread.core.tree_choice import add_repo_argument, tree_from_args

HELP = "print the notes on FILE[:LINE] as text or JSON"
_LOCATION = re.compile(r"^(?P<path>.+?)(?::(?P<start>\d+)(?:-(?P<end>\d+))?)?$")


def register(parser: argparse.ArgumentParser) -> None:
    add_repo_argument(parser)
    parser.add_argument("--pack", metavar="NAME|DIR", help="only this pack (default: every pack the reader shows)")
    parser.add_argument("location", metavar="FILE[:LINE]", help="a file, optionally :LINE or :START-END")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of titles and bodies")


def parse_location(text: str) -> tuple[str, int | None, int | None]:
    match = _LOCATION.match(text)
    if not match:
        raise K8sreadError(f"{text!r} is not FILE, FILE:LINE or FILE:START-END")
    start = int(match["start"]) if match["start"] else None
    end = int(match["end"]) if match["end"] else start
    if start is not None and end is not None and (start < 1 or end < start):
        raise K8sreadError(f"{text!r}: lines must be START-END with 1 <= START <= END")
    return match["path"], start, end


def _relative(path: str, root: Path) -> str:
    given = Path(path).expanduser()
    if not given.is_absolute():
        return path.replace("\\", "/").removeprefix("./")
    try:
        return given.resolve().relative_to(root).as_posix()
    except ValueError:
        raise K8sreadError(f"{path} is not inside the tree {root}; give --repo or a path relative to it") from None


def run(args: argparse.Namespace) -> int:
    raw_path, start, end = parse_location(args.location)
    tree = tree_from_args(args)
    path = _relative(raw_path, tree.root)
    lang = args.lang or choose_language(None, load_config())
    errors: list[str] = []
    if args.pack:
        pack = find_pack(args.pack, tree.root)
        items = [PackNote(0, pack, note) for note in pack.notes_for(path)]
        errors += [str(error) for error in pack.errors.values()]
    else:
        packs = PackSet.for_tree(tree.root)
        items = packs.notes_for(path)
        errors += packs.errors()
    try:
        source = tree.read_text(path)
        lines = None if source.binary else source.lines()
    except K8sreadError:
        if not items:
            raise
        lines = None
    placed = place_file(path, items, lines)
    if start is not None and end is not None:
        placed = [p for p in placed if p.covers_any(start, end)]
    rows = [_row(p, path, lang, tree.commit) for p in placed]
    if args.json:
        document = {"tree": str(tree.root), "file": path, "lines": [start, end] if start else None, "commit": tree.commit, "notes": rows, "errors": errors}
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for error in errors:
        print(f"k8sread: warning: {error}", file=sys.stderr)
    if not rows:
        where = f"{path}:{start}" + (f"-{end}" if end != start else "") if start else path
        print(f"no notes on {where}")
        return 0
    for row in rows:
        lines_text = f"{row['lines'][0]}-{row['lines'][1]}" if row["lines"] else f"{row['stored_lines'][0]}-{row['stored_lines'][1]}, orphaned"
        status = " (moved)" if row["status"] == "moved" else ""
        if row["kind"] == COMMENT:
            # A line comment is its text, shown as the articles show it: `// ...` on its line.
            first, *rest = row["body"].split("\n") or [""]
            print(f"{path}:{lines_text}{status}  [{row['pack']}] {row['id']} (line comment): // {first}")
            for line in rest:
                print(f"    // {line}".rstrip())
            continue
        print(f"{path}:{lines_text}{status}  [{row['pack']}] {row['id']}: {row['title']}")
        for line in row["body"].split("\n") if row["body"] else []:
            print(f"    {line}".rstrip())
        print()
    return 0


def _row(placement: Placement, path: str, lang: str, commit: str | None) -> dict[str, Any]:
    note, pack, status = placement.note, placement.pack, placement.status
    start, end = placement.start, placement.end
    assert pack is not None
    at = commit if (commit and start is not None) else pack.meta.commit
    a, b = (start, end) if start is not None and end is not None else (note.start, note.end)
    return {
        "pack": pack.name,
        "id": note.id,
        "kind": note.kind or "note",
        "title": " ".join(inert(note.title_in(lang)).split()),
        "body": inert(note.body_in(lang)).strip(),
        "lines": [start, end] if start is not None else None,
        "stored_lines": [note.start, note.end],
        "status": status,
        "tags": list(note.tags),
        "author": note.author,
        "symbol": note.symbol,
        "permalink": permalink(pack.meta.repository or DEFAULT_REPOSITORY, at, path, a, b) if at else None,
    }
