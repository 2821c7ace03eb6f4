"""Check packs against a source tree: is every note still on its code?

examples:
  k8sread check                            the packs for the tree the reader would open
  k8sread check --repo ~/src/kubernetes series
  k8sread check --repo . ./my-pack         a pack folder (in CI: fails on orphans or errors)
  k8sread check --json ./my-pack | jq '.packs[].files[].notes[] | select(.status != "exact")'
  k8sread check --fix ./my-pack            re-pin moved notes, add anchors to old notes

Each note is resolved the way the reader resolves it (see k8sread.core.anchors): "exact"
(same lines, same text), "moved" (found elsewhere by its symbol, its text, or a close fuzzy
match: the pack still says the old lines), "orphaned" (its code is gone, or its file is not
in the tree: a renamed file orphans its notes), or "unanchored" (written before anchors
existed: shown at its lines, unchecked; a warning).

PACK is a pack folder or the name of a bundled pack; without PACK: the bundled packs meant
for the tree (the demo pack for the demo tree, the others for real checkouts) and your own
pack if you have one.

--fix rewrites, atomically, the files whose notes moved: new lines and a fresh anchor for
moved notes, an anchor for unanchored ones, a refreshed anchor where the symbol was renamed.
Orphans are left as they are. A pack file that does not parse is never written.

exit status: 0 all notes placed (moved notes and unanchored ones only warn), 1 orphans or
broken pack files (reported as file:line:column; the rest is still checked), 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8sread.core.anchors import ANCHOR_KEYS, EXACT, MOVED, ORPHAN, UNANCHORED, reanchored
from k8sread.core.errors import K8sreadError, PackFileError
from k8sread.core.note import Note
from k8sread.core.note_write import MERGED, SAVED, UNCHANGED, NoteChange
from k8sread.core.pack import Pack
from k8sread.core.packset import bundled_pack_dirs_for
from k8sread.core.paths import bundled_annotations_dir, user_pack_dir
from k8sread.core.placement import Placement, place_file
from k8sread.core.symbols import extract_symbols

HELP = "check that every note of a pack is still on its code (for CI); --fix re-pins"

STATUS_WORDS = {EXACT: "exact", MOVED: "moved", ORPHAN: "orphaned", UNANCHORED: "unanchored"}


def register(parser: argparse.ArgumentParser) -> None:
    from k8sread.core.tree_choice import add_repo_argument

    add_repo_argument(parser)
    parser.add_argument("packs", nargs="*", metavar="PACK", help="pack folder or bundled pack name (default: the packs for the tree)")
    parser.add_argument("--json", action="store_true", help="print one JSON document with every note's status, old and new lines")
    parser.add_argument("--fix", action="store_true", help="rewrite moved notes' lines and anchors, add missing anchors")


# ---- results --------------------------------------------------------------------------


@dataclass
class FileResult:
    path: str
    notes: list[Placement] = field(default_factory=list)
    missing: str | None = None  # why the source file could not be read
    fixed: int = 0
    skipped: list[str] = field(default_factory=list)  # --fix edits not made, and why

    def count(self, status: str) -> int:
        return sum(1 for item in self.notes if item.status == status)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "missing": self.missing,
            "counts": {STATUS_WORDS[s]: self.count(s) for s in STATUS_WORDS},
            "fixed": self.fixed,
            "notes": [{**item.to_json(), "kind": item.note.kind or "note"} for item in self.notes],
        }


@dataclass
class PackResult:
    name: str
    root: str
    files: list[FileResult] = field(default_factory=list)
    errors: list[PackFileError | K8sreadError] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "root": self.root,
            "errors": [_error_json(error) for error in self.errors],
            "files": [item.to_json() for item in self.files],
        }


def _error_json(error: K8sreadError) -> dict[str, Any]:
    if isinstance(error, PackFileError):
        return {"file": str(error.path), "line": error.line, "column": error.column, "message": error.reason}
    return {"file": None, "line": None, "column": None, "message": str(error)}


# ---- which packs ------------------------------------------------------------------------


def _pack_dirs(names: list[str], tree_root: Path) -> list[Path]:
    if names:
        found: list[Path] = []
        for name in names:
            given = Path(name).expanduser()
            if given.is_dir():
                found.append(given)
            elif "/" not in name and (bundled_annotations_dir() / name).is_dir():
                found.append(bundled_annotations_dir() / name)
            else:
                raise K8sreadError(f"{name}: no such pack folder, and no bundled pack of that name")
        return found
    # Like the reader: the demo pack goes with the demo tree, the series with Kubernetes.
    dirs: list[Path] = bundled_pack_dirs_for(tree_root)
    if (user_pack_dir() / "pack.toml").is_file():
        dirs.append(user_pack_dir())
    # Packs registered with `k8sread pack add`, as the reader shows them.
    from k8sread.core.registry import Registry

    for entry in Registry.load().packs.values():
        if (entry.path / "pack.toml").is_file() and entry.path.resolve() not in {d.resolve() for d in dirs}:
            dirs.append(entry.path)
    return dirs


# ---- checking -----------------------------------------------------------------------------


def _duplicate_ids(pack: Pack, notes_by_file: dict[str, list[Note]]) -> list[PackFileError]:
    seen: dict[str, str] = {}
    errors: list[PackFileError] = []
    for path, notes in notes_by_file.items():
        for note in notes:
            if note.id in seen and seen[note.id] != path:
                errors.append(PackFileError(pack.notes_path(path), f"note id {note.id!r} is also used in {seen[note.id]}; ids must be unique in a pack"))
            seen.setdefault(note.id, path)
    return errors


def _fixes(placements: list[Placement], lines: list[str], symbols) -> list[NoteChange]:
    """--fix: each note whose record is out of date, as an edit of the note as it was read,
    so the write merges with whatever another reader saved meanwhile."""
    changes: list[NoteChange] = []
    for placed in placements:
        note = placed.note
        if placed.status not in (MOVED, UNANCHORED, EXACT) or placed.start is None or placed.end is None:
            continue
        fresh = reanchored(note.anchor, lines, placed.start, placed.end, symbols)
        ours = {key: value for key, value in note.anchor.items() if key in ANCHOR_KEYS}
        theirs = {key: value for key, value in fresh.items() if key in ANCHOR_KEYS}
        if (placed.start, placed.end) != (note.start, note.end) or ours != theirs:
            changes.append(NoteChange.edit(note.with_changes(start=placed.start, end=placed.end, anchor=fresh), note))
    return changes


def check_file(pack: Pack, tree, path: str, notes: list[Note], fix: bool) -> FileResult:
    result = FileResult(path)
    try:
        source = tree.read_text(path)
    except K8sreadError as error:
        source = None
        result.missing = str(error)
    if source is not None and source.binary:
        source, result.missing = None, f"{path}: a binary file"
    items = [(0, pack, n) for n in notes]
    if source is None:
        result.notes = place_file(path, items, None)
        return result
    lines = source.lines()
    symbols = extract_symbols(source.text) if path.endswith(".go") else []
    result.notes = place_file(path, items, lines)
    if fix:
        changes = _fixes(result.notes, lines, symbols)
        if changes:
            outcomes = pack.write(path, changes)  # atomic, merged under the lock; refuses a broken file
            result.fixed = sum(1 for outcome in outcomes if outcome.kind in (SAVED, MERGED))
            result.skipped = [outcome.message for outcome in outcomes if outcome.kind not in (SAVED, MERGED, UNCHANGED)]
    return result


def check_pack(root: Path, tree, fix: bool) -> PackResult:
    try:
        pack = Pack.open(root, writable=True)
    except PackFileError as error:
        result = PackResult(root.name, str(root))
        result.errors.append(error)
        return result
    result = PackResult(pack.name, str(pack.root))
    notes_by_file: dict[str, list[Note]] = {}
    for path in pack.files():
        notes = pack.notes_for(path)
        if path in pack.errors:
            result.errors.append(pack.errors[path])
            continue
        notes_by_file[path] = notes
    result.errors.extend(_duplicate_ids(pack, notes_by_file))
    for path, notes in notes_by_file.items():
        try:
            result.files.append(check_file(pack, tree, path, notes, fix))
        except K8sreadError as error:  # --fix on a read-only or changed-under-us file
            result.errors.append(error)
    return result


# ---- output -------------------------------------------------------------------------------


def _range(start: int | None, end: int | None) -> str:
    return f"{start}-{end}" if start is not None else "?"


def _print_text(results: list[PackResult], tree_root: Path) -> None:
    out = sys.stdout
    for pack in results:
        print(f"pack {pack.name} ({pack.root}) against {tree_root}", file=out)
        for error in pack.errors:
            print(f"  error: {error}", file=out)
        for item in pack.files:
            counts = f"{item.count(EXACT)} exact, {item.count(MOVED)} moved, {item.count(ORPHAN)} orphaned"
            if item.count(UNANCHORED):
                counts += f", {item.count(UNANCHORED)} unanchored"
            suffix = "  (file not in the tree)" if item.missing else ""
            if item.fixed:
                suffix += f"  (fixed {item.fixed})"
            print(f"{item.path}: {counts}{suffix}", file=out)
            for message in item.skipped:
                print(f"  not fixed: {message}", file=out)
            for res in item.notes:
                note = res.note
                old = _range(note.start, note.end)
                name = f"{note.id} (line comment)" if note.is_comment else note.id
                if res.status == MOVED:
                    how = f"by {res.method}" + (f", similarity {res.score:.2f}" if res.method == "fuzzy" else "")
                    done = "; re-pinned" if item.fixed else ""
                    print(f"  moved     {name}: {old} -> {_range(res.start, res.end)} ({how}){done}", file=out)
                elif res.status == ORPHAN and not item.missing:
                    print(f"  orphaned  {name}: {old}: {res.reason}", file=out)
                elif res.status == UNANCHORED and item.fixed:
                    print(f"  anchored  {name}: {old}", file=out)
                elif res.status == UNANCHORED:
                    print(f"  warning   {name}: {old} has no anchor; `k8sread check --fix` adds one", file=out)


def _summary(results: list[PackResult]) -> dict[str, int]:
    files = [item for pack in results for item in pack.files]
    summary = {"packs": len(results), "files": len(files), "notes": sum(len(item.notes) for item in files)}
    # Line comments are notes (checked, anchored, orphaned the same way); "notes" counts them too.
    summary["comments"] = sum(1 for item in files for res in item.notes if res.note.is_comment)
    for status, word in STATUS_WORDS.items():
        summary[word] = sum(item.count(status) for item in files)
    summary["errors"] = sum(len(pack.errors) for pack in results)
    summary["fixed"] = sum(item.fixed for item in files)
    return summary


def run(args: argparse.Namespace) -> int:
    from k8sread.core.tree_choice import tree_from_args

    tree = tree_from_args(args)
    pack_dirs = _pack_dirs(args.packs, tree.root)
    if not pack_dirs:
        raise K8sreadError("no pack to check: name a pack folder (k8sread check PACK)")
    results = [check_pack(root, tree, args.fix) for root in pack_dirs]
    summary = _summary(results)
    failed = summary["orphaned"] > 0 or summary["errors"] > 0
    if args.json:
        document = {"tree": str(tree.root), "ok": not failed, "summary": summary, "packs": [pack.to_json() for pack in results]}
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_text(results, tree.root)
        comments = f" ({summary['comments']} of them line comments)" if summary["comments"] else ""
        line = (
            f"{summary['notes']} notes{comments} in {summary['files']} files, {summary['packs']} pack(s): "
            f"{summary['exact']} exact, {summary['moved']} moved, {summary['orphaned']} orphaned"
        )
        if summary["unanchored"]:
            line += f", {summary['unanchored']} unanchored"
        line += f", {summary['errors']} error(s)"
        if args.fix:
            line += f"; fixed {summary['fixed']} note(s)"
        print(line)
    return 1 if failed else 0
