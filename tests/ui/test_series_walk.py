"""On a real release-1.22 checkout: 1 lands on kubectl's first step, ] walks the whole series
trail to kube-proxy, every step's note sits exactly where it was written, the map follows.

Needs a Kubernetes 1.22 tree: $K8SREAD_TEST_KUBERNETES, or /work/k8s-1.22 on the project's
machines. Skipped without one (the tree is not ours to ship)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reader_support import sync

from k8sread.core.source_tree import SourceTree, is_kubernetes_checkout

TREE = Path(os.environ.get("K8SREAD_TEST_KUBERNETES", "/work/k8s-1.22"))

pytestmark = pytest.mark.skipif(not is_kubernetes_checkout(TREE), reason=f"no Kubernetes checkout at {TREE}")


@sync
async def test_walk_the_whole_series_trail():
    from k8sread.core.packset import PackSet
    from k8sread.ui.app import ReaderApp
    from k8sread.ui.widgets.component_map import ComponentMap
    from k8sread.ui.widgets.source_view import SourceView

    tree = SourceTree.open(TREE)
    app = ReaderApp(tree, packs=PackSet.for_tree(tree.root), lang="zh", remember=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        trail = app.reader.trail
        assert trail is not None and trail.pack.name == "series" and len(trail.steps) >= 80
        await pilot.press("1")
        await pilot.pause()
        seen_components = []
        for index, step in enumerate(trail.steps):
            if index:
                await pilot.press("right_square_bracket")
                await pilot.pause()
            path, note = trail.locate(step.note_id)
            assert app.reader.session.trail_step == step.note_id
            assert app.current_path == path
            placed = next(p for p in app.reader.placements if p.note.id == note.id)
            assert placed.status == "exact", f"{note.id}: {placed.status}"
            assert app.query_one(SourceView).selection == (note.start, note.end)
            first, last = app.query_one(SourceView).visible_range()
            assert first <= note.start <= last, note.id
            assert app.query_one(ComponentMap).current == step.component
            if not seen_components or seen_components[-1] != step.component:
                seen_components.append(step.component)
        assert seen_components == ["kubectl", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"]
        await pilot.press("right_square_bracket")  # the end: stays put
        await pilot.pause()
        assert app.reader.session.trail_step == trail.steps[-1].note_id
        pane = app.query_one("NotesPane")
        await pilot.press("L")
        await pilot.pause()
        assert app.reader.lang == "en" and pane.entries[0].lang == "en"
