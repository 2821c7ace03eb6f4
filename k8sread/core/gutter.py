"""The gutter marks of a file's notes: for each line, the packs whose notes cover it.

The reader drew them with a loop over every line of every note: 5000 notes (which one pack may
hold on one file) over a 67k-line file is 335 million steps, a 35 s freeze on every refresh.
Here each line is visited at most once per pack and kind: the work is the lines marked plus
the notes, whatever their overlap.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def gutter_marks(spans: Iterable[Span], *, work: list[int] | None = None) -> tuple[Marks, Marks]:
    """({line: [pack index, ...]} for notes in place, the same for moved notes), 1-based lines.

    Each line lists a pack once, in the order the spans first reach that line: exactly what
    marking every line of every span in order gives. `work`, when given, gets the number of
    steps taken appended (the tests bound it)."""
    markers: Marks = {}
    moved: Marks = {}
    jumps: dict[tuple[bool, int], dict[int, int]] = {}
    steps = 0
    for start, end, pack, is_moved in spans:
        steps += 1
        if end < start:
            continue
        target = moved if is_moved else markers
        jump = jumps.setdefault((is_moved, pack), {})
        line = _next_unmarked(jump, start)
        while line <= end:
            steps += 1
            target.setdefault(line, []).append(pack)
            jump[line] = line + 1
            line = _next_unmarked(jump, line + 1)
    if work is not None:
        work.append(steps)
    return markers, moved
