"""The gutter marks of a file's notes: for each line, the packs whose notes cover it.

The reader drew them with a loop over every line of every note: 5000 notes (which one pack may
hold on one file) over a 67k-line file is 335 million steps, a 35 s freeze on every refresh.
Here each line is visited at most once per pack and kind: the work is the lines marked plus
the notes, whatever their overlap. The reader's markers, for in place / moved / changed:

    marks = marks_by_kind((p.start, p.end, p.pack_index, p.status) for p in placements)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

# (start, end, pack index, moved): a placed note's lines, its pack, and whether it moved.
Span = tuple[int, int, int, bool]
Marks = dict[int, list[int]]


def _next_unmarked(jump: dict[int, int], line: int) -> int:
    """The first line at or after `line` not yet marked for this pack (a union-find 'next'
    pointer, compressed as it is followed, so long runs are skipped in one step)."""
    root = line
    while root in jump:
        root = jump[root]
    while line != root:
        jump[line], line = root, jump[line]
    return root


def marks_by_kind(spans: Iterable[tuple[int, int, int, Hashable]], *, work: list[int] | None = None) -> dict[Hashable, Marks]:
    """{kind: {line: [pack index, ...]}} for spans (start, end, pack index, kind), 1-based lines;
    a kind is whatever the gutter draws apart (in place, moved, changed...).

    Each line lists a pack once per kind, in the order the spans first reach that line: exactly
    what marking every line of every span in order gives. `work`, when given, gets the number
    of steps taken appended (the tests bound it)."""
    marks: dict[Hashable, Marks] = {}
    jumps: dict[tuple[Hashable, int], dict[int, int]] = {}
    steps = 0
    for start, end, pack, kind in spans:
        steps += 1
        if end < start:
            continue
        target = marks.setdefault(kind, {})
        jump = jumps.setdefault((kind, pack), {})
        line = _next_unmarked(jump, start)
        while line <= end:
            steps += 1
            target.setdefault(line, []).append(pack)
            jump[line] = line + 1
            line = _next_unmarked(jump, line + 1)
    if work is not None:
        work.append(steps)
    return marks


def gutter_marks(spans: Iterable[Span], *, work: list[int] | None = None) -> tuple[Marks, Marks]:
    """({line: [pack index, ...]} for notes in place, the same for moved notes): marks_by_kind
    with the kind a moved flag."""
    marks = marks_by_kind(spans, work=work)
    return marks.get(False, {}), marks.get(True, {})
