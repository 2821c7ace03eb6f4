"""A git merge driver for note files: merges note by note (by id), not line by line.

Plain git merges two people's notes cleanly when they land in different places of a file,
but two notes added in the same gap (both after the last note, say) touch the same lines and
conflict. Merging by id never has that problem:

- a note changed (or added, or deleted) on one side only: that side wins;
- the same change on both sides: taken once;
- changed differently on both sides, or edited on one and deleted on the other: both are
  kept, theirs under a `.theirs-<hash>` id, and the driver reports a conflict so git stops
  and the person merging looks (the file still parses: every note stays readable);
- line comments (`kind = "comment"`) are notes with an id like any other, merged the same
  way, so two people commenting the same function never conflict line by line;
- anything that is not a notes file (pack.toml, a file that does not parse, conflict markers
  already in it): git's own line merge, as if there were no driver.

Git runs drivers only when configured locally (never from a cloned repository's files), so
`install(repo)` writes `merge.k8sread-notes.*` into the repository's .git/config and the
pack's `.gitattributes` names it: `*.toml merge=k8sread-notes`. Without the configuration git
falls back to its line merge.
"""

from __future__ import annotations

import hashlib
import shlex
import subprocess
import sys
from pathlib import Path

from k8sread.core import git
from k8sread.core.atomic import atomic_write_text
from k8sread.core.errors import K8sreadError, PackFileError
from k8sread.core.note import Note, NoteError, note_from_table
from k8sread.core.pack import FORMAT, MAX_FILE_BYTES, META_FILE, SUFFIX, parse_toml_bytes, read_regular_file, render_notes_file

DRIVER = "k8sread-notes"
CLEAN = 0
CONFLICT = 1


class NotNotes(Exception):
    """The file is not a notes file this driver can merge by id."""


def _parse(path: Path) -> tuple[str | None, dict[str, Note]]:
    # Bounded as the reader reads (regular files only, size, tokens, depth): a merge pulls in
    # a stranger's side. What does not pass is left to git's own line merge.
    if not path.exists():
        return None, {}  # the file did not exist on that side
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
        if not raw.strip():
            return None, {}
        data, _ = parse_toml_bytes(path, raw)
    except PackFileError as error:
        raise NotNotes(str(error)) from None
    if not isinstance(data.get("format", FORMAT), int) or data.get("format", FORMAT) > FORMAT:
        raise NotNotes("newer format")
    if set(data) - {"format", "file", "notes"}:
        raise NotNotes("unknown top-level keys")
    tables = data.get("notes", [])
    if not isinstance(tables, list):
        raise NotNotes("notes is not an array")
    notes: dict[str, Note] = {}
    for table in tables:
        try:
            note = note_from_table(table)
        except (NoteError, TypeError) as error:
            raise NotNotes(str(error)) from None
        if note.id in notes:
            raise NotNotes(f"duplicate id {note.id}")
        notes[note.id] = note
    file = data.get("file")
    return (file if isinstance(file, str) else None), notes


def _copy_id(note: Note) -> str:
    digest = hashlib.sha1(repr(note).encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{note.id}.theirs-{digest}"


def merge_notes(base: dict[str, Note], ours: dict[str, Note], theirs: dict[str, Note]) -> tuple[list[Note], list[str]]:
    """The merged notes and the ids that conflicted."""
    merged: list[Note] = []
    conflicts: list[str] = []
    for note_id in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(note_id), ours.get(note_id), theirs.get(note_id)
        if o == t:
            chosen = [o]
        elif o == b:
            chosen = [t]
        elif t == b:
            chosen = [o]
        else:
            conflicts.append(note_id)
            # Keep every version that still exists; never lose an edit to a deletion.
            chosen = [o, t.with_changes(id=_copy_id(t)) if (o is not None and t is not None) else t]
        merged.extend(note for note in chosen if note is not None)
    return merged, conflicts


def merge_files(base: Path, ours: Path, theirs: Path, source_hint: str = "") -> tuple[int, list[str]]:
    """Merge into `ours` (git's %A) like a merge driver; (exit status, conflicting ids)."""
    hint = source_hint.replace("\\", "/")
    if hint == META_FILE or hint.endswith("/" + META_FILE) or not hint.endswith(SUFFIX):
        return _line_merge(base, ours, theirs), []
    try:
        base_file, base_notes = _parse(base)
        ours_file, ours_notes = _parse(ours)
        theirs_file, theirs_notes = _parse(theirs)
    except NotNotes:
        return _line_merge(base, ours, theirs), []
    declared = {name for name in (base_file, ours_file, theirs_file) if name}
    if len(declared) > 1:
        return _line_merge(base, ours, theirs), []
    source_path = declared.pop() if declared else hint[: -len(SUFFIX)]
    merged, conflicts = merge_notes(base_notes, ours_notes, theirs_notes)
    atomic_write_text(ours, render_notes_file(source_path, merged))
    return (CONFLICT if conflicts else CLEAN), conflicts


def _line_merge(base: Path, ours: Path, theirs: Path) -> int:
    """git's own three-way text merge, writing conflict markers into `ours` as git would."""
    for side in (base, ours, theirs):
        if not side.exists():
            side.write_text("")
    try:
        done = subprocess.run(["git", "merge-file", str(ours), str(base), str(theirs)], env=git.git_env(), capture_output=True)
    except FileNotFoundError:
        return CONFLICT
    return CLEAN if done.returncode == 0 else CONFLICT


def driver_command() -> str:
    """What git runs: this Python and this k8sread, so it works from a virtualenv too."""
    script = "import sys; from k8sread.cli import main; sys.exit(main())"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(script)} pack merge-driver %O %A %B %P"


def install(repo: Path) -> bool:
    """Configure the driver in the repository around `repo`; False when it is not in git."""
    location = git.tree_location(Path(repo))
    if location is None:
        return False
    top = location[0]
    try:
        git.run_git(["config", "--local", f"merge.{DRIVER}.name", "k8sread: merge note files note by note"], cwd=top)
        git.run_git(["config", "--local", f"merge.{DRIVER}.driver", driver_command()], cwd=top)
    except K8sreadError:
        return False
    return True
