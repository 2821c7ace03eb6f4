"""Check packs against a source tree: is every note still on its code?

examples:
  k8sread check                            the packs for the tree the reader would open
  k8sread check --repo ~/src/kubernetes series
  k8sread check --repo . ./my-pack         a pack folder (in CI: fails on orphans or errors)
  k8sread check --json ./my-pack | jq '.packs[].files[].notes[] | select(.status != "exact")'
  k8sread check --fix ./my-pack            re-pin moved notes, add anchors to old notes
  k8sread check --fix --accept-changed ./my-pack   also re-pin changed notes where they are drawn

Each note is resolved the way the reader resolves it (see k8sread.core.anchors): "exact"
(same lines, same text), "moved" (found elsewhere by its symbol, its text, or a close fuzzy
match, or its declaration moved to another file of its package: the pack still says the old
lines), "changed" (its declaration is here but its lines were edited beyond recognition: it
is drawn on the part of the declaration its old lines point to; worth a human look),
"orphaned" (its code is gone, or its file is not in the tree: a renamed file orphans its
notes), or "unanchored" (written before anchors existed: shown at its lines, unchecked; a
warning).

PACK is a pack folder or the name of a bundled pack; without PACK: the bundled packs meant
for the tree (the demo pack for the demo tree, the others for real checkouts) and your own
pack if you have one.

--fix rewrites, atomically, the files whose notes moved: new lines and a fresh anchor for
moved notes, an anchor for unanchored ones, a refreshed anchor where the symbol was renamed or
the anchor is stored in an older form (context as text: now hashes). --accept-changed also
re-pins changed notes on the lines they are drawn on: say so only once you have read them
(`D` in the reader shows what changed). A re-pinned note records the checkout's commit
(anchor.commit) when it is not the pack's. A note whose declaration moved to another file
moves to that file's notes. Orphans are left as they are. A pack file that does not parse is
never written; every write goes through the pack's merging write path.

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

from k8sread.core.anchors import ANCHOR_KEYS, CHANGED, EXACT, MOVED, ORPHAN, UNANCHORED, reanchored
from k8sread.core.errors import K8sreadError, PackFileError
from k8sread.core.note import Note
from k8sread.core.note_write import MERGED, SAVED, UNCHANGED, NoteChange
from k8sread.core.pack import Pack
from k8sread.core.packset import bundled_pack_dirs_for
from k8sread.core.paths import bundled_annotations_dir, user_pack_dir
from k8sread.core.placement import Package, Placement, place_file, record_commit, relocated, repinned, stores_text, symbols_of, write_repin

HELP = "check that every note of a pack is still on its code (for CI); --fix re-pins"

STATUS_WORDS = {EXACT: "exact", MOVED: "moved", CHANGED: "changed", ORPHAN: "orphaned", UNANCHORED: "unanchored"}


def register(parser: argparse.ArgumentParser) -> None:
    from k8sread.core.tree_choice import add_repo_argument

    add_repo_argument(parser)
    parser.add_argument("packs", nargs="*", metavar="PACK", help="pack folder or bundled pack name (default: the packs for the tree)")
    parser.add_argument("--json", action="store_true", help="print one JSON document with every note's status, old and new lines")
    parser.add_argument("--fix", action="store_true", help="rewrite moved notes' lines and anchors, add missing anchors")
    parser.add_argument("--accept-changed", action="store_true", help="with --fix: also re-pin changed notes where they are drawn (read them first)")


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


def _fixes(placements: list[Placement], lines: list[str], symbols, *, accept_changed: bool = False, commit: str | None = None) -> list[NoteChange]:
    """--fix: each note of this file whose record is out of date, as an edit of the note as it
    was read, so the write merges with whatever another reader saved meanwhile. `commit`: the
    checkout's, recorded by notes re-pinned here (see placement.record_commit)."""
    changes: list[NoteChange] = []
    for placed in placements:
        note = placed.note
        if placed.start is None or placed.end is None or placed.elsewhere:
            continue
        if placed.status not in (MOVED, UNANCHORED, EXACT) and not (placed.status == CHANGED and accept_changed):
            continue
        keep_text = stores_text(placed.pack)
        if placed.status == EXACT:
            # Same lines, same code: the anchor may be in an older form, its commit stays.
            old_commit = note.anchor.get("commit")
            fresh = reanchored(
                note.anchor,
                lines,
                placed.start,
                placed.end,
                symbols,
                commit=old_commit if isinstance(old_commit, str) else None,
                store_text=keep_text or "text" in note.anchor,
            )
        else:
            fresh = reanchored(note.anchor, lines, placed.start, placed.end, symbols, commit=record_commit(placed.pack, commit), store_text=keep_text)
        ours = {key: value for key, value in note.anchor.items() if key in ANCHOR_KEYS}
        theirs = {key: value for key, value in fresh.items() if key in ANCHOR_KEYS}
        if (placed.start, placed.end) != (note.start, note.end) or ours != theirs:
            changes.append(NoteChange.edit(note.with_changes(start=placed.start, end=placed.end, anchor=fresh), note))
    return changes


def _fix_elsewhere(placed: Placement, tree, accept_changed: bool) -> str | None:
    """--fix for a note placed in another file of its package: it moves to that file's notes.
    None when done (or not asked for), else why not."""
    if placed.status == CHANGED and not accept_changed:
        return None
    try:
        lines = tree.read_text(placed.path).lines()
        outcome = write_repin(placed, repinned(placed, lines, commit=record_commit(placed.pack, tree.commit), store_text=stores_text(placed.pack)))
    except K8sreadError as error:
        return str(error)
    return None if outcome.kind in (SAVED, MERGED) else outcome.message or outcome.kind


def check_file(pack: Pack, tree, path: str, notes: list[Note], fix: bool, *, accept_changed: bool = False, package: Package | None = None) -> FileResult:
    result = FileResult(path)
    try:
        source = tree.read_text(path)
    except K8sreadError as error:
        source = None
        result.missing = str(error)
    if source is not None and source.binary:
        source, result.missing = None, f"{path}: a binary file"
    items = [(0, pack, n) for n in notes]
    lines = source.lines() if source is not None else None
    placed = place_file(path, items, lines)
    # A declaration that left for another file of its package takes its notes along.
    result.notes = [relocated(p, package) or p for p in placed] if package is not None and path.endswith(".go") else placed
    if lines is None or source is None:
        if fix:
            _fix_moved_files(result, tree, accept_changed)
        return result
    # The same text place_file parses: its symbols are reused, not parsed a second time.
    symbols = symbols_of("\n".join(lines)) if path.endswith(".go") else ()
    if fix:
        changes = _fixes(result.notes, lines, symbols, accept_changed=accept_changed, commit=tree.commit)
        if changes:
            outcomes = pack.write(path, changes)  # atomic, merged under the lock; refuses a broken file
            result.fixed = sum(1 for outcome in outcomes if outcome.kind in (SAVED, MERGED))
            result.skipped = [outcome.message for outcome in outcomes if outcome.kind not in (SAVED, MERGED, UNCHANGED)]
        _fix_moved_files(result, tree, accept_changed)
    return result


def _fix_moved_files(result: FileResult, tree, accept_changed: bool) -> None:
    for placed in result.notes:
        if placed.elsewhere and placed.placed:
            problem = _fix_elsewhere(placed, tree, accept_changed)
            if problem:
                result.skipped.append(f"{placed.note.id}: {problem}")
            elif placed.status != CHANGED or accept_changed:
                result.fixed += 1


def check_pack(root: Path, tree, fix: bool, accept_changed: bool = False) -> PackResult:
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
    package = Package(tree.list_files(), lambda path: _lines_or_none(tree, path))
    for path, notes in notes_by_file.items():
        try:
            result.files.append(check_file(pack, tree, path, notes, fix, accept_changed=accept_changed, package=package))
        except K8sreadError as error:  # --fix on a read-only or changed-under-us file
            result.errors.append(error)
    return result


def _lines_or_none(tree, path: str) -> list[str] | None:
    try:
        text = tree.read_text(path)
    except K8sreadError:
        return None
    return None if text.binary else text.lines()


# ---- output -------------------------------------------------------------------------------


def _range(start: int | None, end: int | None) -> str:
    return f"{start}-{end}" if start is not None else "?"


def _print_text(results: list[PackResult], tree_root: Path, fixed_changed: bool = False) -> None:
    out = sys.stdout
    for pack in results:
        print(f"pack {pack.name} ({pack.root}) against {tree_root}", file=out)
        for error in pack.errors:
            print(f"  error: {error}", file=out)
        for item in pack.files:
            changed = f"{item.count(CHANGED)} changed, " if item.count(CHANGED) else ""
            counts = f"{item.count(EXACT)} exact, {item.count(MOVED)} moved, {changed}{item.count(ORPHAN)} orphaned"
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
                new = _range(res.start, res.end) + (f" of {res.path}" if res.elsewhere else "")
                if res.status == MOVED:
                    how = "its declaration moved there" if res.elsewhere else f"by {res.method}"
                    how += f", similarity {res.score:.2f}" if res.method == "fuzzy" else ""
                    done = "; re-pinned" if item.fixed else ""
                    print(f"  moved     {name}: {old} -> {new} ({how}){done}", file=out)
                elif res.status == CHANGED:
                    found = f"{res.score:.0%} of its lines found" if res.score else "none of its lines found: the whole declaration"
                    written = res.written_at[:12] or "it was written"
                    done = "; re-pinned" if item.fixed and fixed_changed else ""
                    print(f"  changed   {name}: {old} -> {new} (code changed since {written}; {found}){done}", file=out)
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
    if args.accept_changed and not args.fix:
        raise K8sreadError("--accept-changed goes with --fix (it re-pins changed notes)")
    results = [check_pack(root, tree, args.fix, args.accept_changed) for root in pack_dirs]
    summary = _summary(results)
    failed = summary["orphaned"] > 0 or summary["errors"] > 0
    if args.json:
        document = {"tree": str(tree.root), "ok": not failed, "summary": summary, "packs": [pack.to_json() for pack in results]}
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_text(results, tree.root, fixed_changed=args.accept_changed)
        comments = f" ({summary['comments']} of them line comments)" if summary["comments"] else ""
        line = (
            f"{summary['notes']} notes{comments} in {summary['files']} files, {summary['packs']} pack(s): "
            f"{summary['exact']} exact, {summary['moved']} moved, "
            + (f"{summary['changed']} changed, " if summary["changed"] else "")
            + f"{summary['orphaned']} orphaned"
        )
        if summary["unanchored"]:
            line += f", {summary['unanchored']} unanchored"
        line += f", {summary['errors']} error(s)"
        if args.fix:
            line += f"; fixed {summary['fixed']} note(s)"
        if summary["changed"] and not args.accept_changed:
            print(
                f"{summary['changed']} changed note(s): read each (`D` in the reader shows what changed), then `k8sread check --fix --accept-changed` re-pins them"
            )
        print(line)
    return 1 if failed else 0
