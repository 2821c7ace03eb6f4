"""What changed under a note: its lines as they were written against and as they are in this
checkout, as a unified diff with the files' own line numbers.

The old lines come from the tree's own git history when it holds the commit the note was
written at (the note's `anchor.commit`, else its pack's `source.commit`; a `k8sread clone` has
the history), else from the lines a pack stored for its notes (`anchor.text`, packs that ask
for it). Either is trusted only when it matches the note's fingerprint. When neither can be
had, the answer says why.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from k8sread.core.anchors import fingerprint
from k8sread.core.git import file_at, has_commit
from k8sread.core.placement import Placement
from k8sread.core.source_tree import SourceTree

_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


@dataclass(frozen=True)
class NoteDiff:
    """A diff to show, or why there is none (`reason`)."""

    title: str  # the note, where it was and where it is
    text: str = ""  # unified diff; "" with a reason when it cannot be shown
    reason: str = ""
    source: str = ""  # where the old lines came from
    same: bool = False  # the lines did not change, only their place

    @property
    def ok(self) -> bool:
        return not self.reason


def short(commit: str) -> str:
    return commit[:12] if commit else "an unknown commit"


def old_lines(placement: Placement, tree: SourceTree) -> tuple[list[str] | None, str, str]:
    """(the note's lines when it was written, where they came from, why not when None)."""
    note = placement.note
    want = note.anchor.get("fingerprint")
    commit = placement.written_at
    reasons: list[str] = []
    if commit and tree.is_git:
        if not has_commit(tree.root, commit):
            reasons.append(f"this tree's git history does not hold {short(commit)} (a `k8sread clone` of the full history has it)")
        else:
            data = file_at(tree.root, commit, placement.stored_path)
            if data is None:
                reasons.append(f"{placement.stored_path} could not be read at {short(commit)} from git")
            else:
                lines = data.decode("utf-8", "replace").split("\n")
                if note.end > len(lines):
                    reasons.append(f"{placement.stored_path} at {short(commit)} has only {len(lines)} lines")
                else:
                    found = lines[note.start - 1 : note.end]
                    if want is None or fingerprint(found) == want:
                        return found, f"git, {short(commit)}", ""
                    reasons.append(f"the lines at {short(commit)} are not the ones this note was written on (its fingerprint differs)")
    elif not commit:
        reasons.append("neither the note nor its pack says which commit it was written at")
    else:
        reasons.append("this tree is not a git checkout, so its history cannot be read")
    text = note.anchor.get("text")
    if isinstance(text, list) and all(isinstance(line, str) for line in text) and len(text) == note.end - note.start + 1:
        if want is None or fingerprint(text) == want:
            return list(text), "the pack", ""
        reasons.append("the lines the pack stored do not match the note's fingerprint")
    else:
        reasons.append("the pack stores no text for its notes")
    return None, "", "; ".join(reasons)


def unified(old: Sequence[str], new: Sequence[str], old_start: int, new_start: int, old_label: str, new_label: str, context: int = 3) -> str:
    """difflib's unified diff of two excerpts, its hunk headers in the files' line numbers."""
    out: list[str] = []
    for line in difflib.unified_diff(list(old), list(new), fromfile=old_label, tofile=new_label, lineterm="", n=context):
        match = _HUNK.match(line)
        if match:
            a, a_len, b, b_len = match.groups()
            # Shifted by where each excerpt starts (an empty side names the line before it).
            line = f"@@ -{int(a) + old_start - 1}{a_len or ''} +{int(b) + new_start - 1}{b_len or ''} @@" + line[match.end() :]
        out.append(line)
    return "\n".join(out)


def note_diff(placement: Placement, tree: SourceTree, lines: Sequence[str] | None = None) -> NoteDiff:
    """The difference under a moved or changed note (`lines`: the placed file's lines when the
    caller has them)."""
    note = placement.note
    commit = placement.written_at
    where_now = f"L{placement.start}-{placement.end}" + (f" of {placement.path}" if placement.elsewhere else "")
    title = f"{note.id}: L{note.start}-{note.end} at {short(commit)} → {where_now} now"
    if not placement.placed:
        return NoteDiff(title, reason="this note's code is not in this checkout (an orphan): there is nothing to compare with")
    old, source, why = old_lines(placement, tree)
    if old is None:
        return NoteDiff(title, reason=f"The lines as written cannot be shown: {why}.")
    if lines is None:
        lines = tree.read_text(placement.path).lines()
    assert placement.start is not None and placement.end is not None
    new = list(lines[placement.start - 1 : placement.end])
    if [line.rstrip() for line in old] == [line.rstrip() for line in new]:
        return NoteDiff(title, reason="", source=source, same=True, text="")
    text = unified(old, new, note.start, placement.start, f"{placement.stored_path} at {short(commit)}", f"{placement.path} now")
    return NoteDiff(title, text=text, source=source)
