"""Gutter marks: the same as marking every line of every note, in work that does not grow with
the overlap (issue 15, item 4: 5000 notes over a 67k-line file froze the reader for 35 s)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from k8sread.core.gutter import gutter_marks, marks_by_kind


def naive(spans):
    """What the reader did: every line of every note, in order."""
    markers: dict[int, list[int]] = {}
    moved: dict[int, list[int]] = {}
    for start, end, pack, is_moved in spans:
        target = moved if is_moved else markers
        for number in range(start, end + 1):
            packs = target.setdefault(number, [])
            if pack not in packs:
                packs.append(pack)
    return markers, moved


spans = st.lists(
    st.tuples(st.integers(1, 60), st.integers(0, 30), st.integers(0, 3), st.booleans()).map(lambda t: (t[0], t[0] + t[1], t[2], t[3])),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(spans)
def test_same_marks_as_marking_every_line(items):
    assert gutter_marks(items) == naive(items)


def test_5000_notes_over_67k_lines_cost_the_lines_not_the_overlap():
    items = [(1, 67_000, i % 3, i % 7 == 0) for i in range(5000)]
    work: list[int] = []
    markers, moved = gutter_marks(items, work=work)
    assert markers[1] == [1, 2, 0] and moved[67_000] == [0, 1, 2]  # first reached: i = 1, 2, 3 and 0, 7, 14
    # Each line once per pack and kind (6 pairs here), plus one step per note; the loop it
    # replaces took 335,000,000.
    assert work[0] <= 6 * 67_000 + 5000


def test_ends_before_start_and_single_lines():
    assert gutter_marks([(5, 4, 0, False), (3, 3, 1, False)]) == ({3: [1]}, {})


def test_any_number_of_kinds():
    spans = [(1, 3, 0, "exact"), (2, 4, 1, "changed"), (3, 3, 0, "moved"), (1, 2, 1, "exact")]
    assert marks_by_kind(spans) == {
        "exact": {1: [0, 1], 2: [0, 1], 3: [0]},
        "changed": {2: [1], 3: [1], 4: [1]},
        "moved": {3: [0]},
    }
