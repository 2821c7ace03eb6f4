"""Snapshots of the main screens on the demo tree, at 120x40 and 80x24.

They depend on Textual's rendering (pinned in pyproject.toml): after a Textual upgrade, run
`pytest tests/ui/test_snapshots.py --snapshot-update` and look at every changed SVG.
"""

from __future__ import annotations

import pytest
from reader_support import settle

from k8sread.core.packset import PackSet
from k8sread.core.paths import demo_tree_dir
from k8sread.core.source_tree import SourceTree
from k8sread.core.tree_choice import DEMO_BANNER

SIZES = [(120, 40), (80, 24)]


def demo_app(open_path="staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go", open_line=None):
    from k8sread.ui.app import ReaderApp

    tree = SourceTree.open(demo_tree_dir())
    return ReaderApp(tree, banner=DEMO_BANNER, packs=PackSet.for_tree(tree.root), lang="en", open_path=open_path, open_line=open_line, remember=False)


def keys_then_settle(*keys):
    async def run_before(pilot):
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_on_a_trail_step(snap_compare, size):
    assert snap_compare(demo_app(open_path=None), terminal_size=size, run_before=keys_then_settle("right_square_bracket", "right_square_bracket"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_file_finder(snap_compare, size):
    assert snap_compare(demo_app(), terminal_size=size, run_before=keys_then_settle("ctrl+p", *"kubelet"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_note_editor(snap_compare, size):
    assert snap_compare(demo_app(), terminal_size=size, run_before=keys_then_settle("v", "j", "j", "a", *"Why apply patches"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_trail_view(snap_compare, size):
    assert snap_compare(demo_app(open_path=None), terminal_size=size, run_before=keys_then_settle("1", "t"))


def test_help(snap_compare):
    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=keys_then_settle("question_mark"))


def test_chinese_notes_and_outline(snap_compare):
    app = demo_app(open_path="pkg/kubelet/kubelet.go")
    app.reader.lang = "zh"
    assert snap_compare(app, terminal_size=(120, 40), run_before=keys_then_settle("o"))
