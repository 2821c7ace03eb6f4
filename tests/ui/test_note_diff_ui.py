"""`D` in the real app (issue 13): on a changed note, what changed, from the tree's git history;
on a note whose code did not change, a message instead. The Go is ours; the tree is a real git
repository in a temporary folder."""

from __future__ import annotations

import sys
from pathlib import Path

from reader_support import settle, sync

from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet
from k8sread.core.source_tree import SourceTree
from k8sread.ui.widgets.source_view import SourceView

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))

from test_changed_notes import POP_BODY, PUSH_BODY, V1, V2, commit_files, git, make_pack, note_at


def versions(tmp_path: Path) -> tuple[Path, Pack]:
    repo = tmp_path / "tree"
    repo.mkdir()
    git(repo, "init", "-q")
    one = commit_files(repo, {"pkg/queue/queue.go": V1}, "one")
    pack = make_pack(tmp_path / "pack", one, {"pkg/queue/queue.go": [note_at(V1, "push", *PUSH_BODY, "Push sorts"), note_at(V1, "pop", *POP_BODY, "Pop")]})
    commit_files(repo, {"pkg/queue/queue.go": V2}, "two")
    return repo, pack


def make_app(repo: Path, pack: Pack):
    from k8sread.ui.app import ReaderApp

    return ReaderApp(SourceTree.open(repo), packs=PackSet(packs=[pack], writable=pack), lang="en", open_path="pkg/queue/queue.go")


@sync
async def test_d_on_a_changed_note_shows_what_changed(tmp_path):
    from k8sread.ui.screens.note_diff import NoteDiffScreen

    repo, pack = versions(tmp_path)
    app = make_app(repo, pack)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        push = next(p for p in app.reader.placements if p.note.id == "push")
        assert push.changed
        view = app.query_one(SourceView)
        assert push.start in view._changed or (push.start - 1) in view._changed  # drawn half-filled
        view.go_to_line(push.start)
        await pilot.press("D")
        await settle(pilot)
        for _ in range(20):  # the diff is read off the UI thread
            if isinstance(app.screen, NoteDiffScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, NoteDiffScreen)
        diff = app.screen.diff
        assert diff.ok and "sort.Slice" in diff.text and "heap.Push" in diff.text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, NoteDiffScreen)


@sync
async def test_d_where_nothing_changed_says_so(tmp_path):
    from k8sread.ui.screens.note_diff import NoteDiffScreen

    repo, pack = versions(tmp_path)
    git(repo, "checkout", "-q", "HEAD~1")  # back to release one: every note exact
    app = make_app(repo, pack)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.query_one(SourceView).go_to_line(POP_BODY[0])
        await pilot.press("D")
        await settle(pilot)
        assert not isinstance(app.screen, NoteDiffScreen)
        assert any("only moved and changed notes" in str(n.message) for n in app._notifications)
