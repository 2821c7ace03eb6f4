"""Real reader processes: one killed mid-edit keeps its draft; two editing the same note at the
same time lose no edit (a real conflict becomes a copy, and the reader says so).

tests/core/test_pack_concurrency.py already races two processes adding and editing their own
notes, and recovers the lock of a killed process; this adds the same note edited by both.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from reader_support import sync

from k8sread.core.drafts import DraftStore
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet, writable_pack
from k8sread.core.source_tree import SourceTree
from k8sread.ui.screens.note_editor import NoteEditorScreen

GO = "package a\n\n// A does a thing.\nfunc A() int {\n\treturn 1\n}\n"

READER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from k8sread.core.packset import PackSet, writable_pack
    from k8sread.core.source_tree import SourceTree
    from k8sread.ui.app import ReaderApp

    root, first, rest = Path(sys.argv[1]), sys.argv[2], sys.argv[3]

    async def run():
        mine = writable_pack(None)
        app = ReaderApp(SourceTree.open(root), packs=PackSet(packs=[mine], writable=mine), open_path="pkg/a.go", lang="en")
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await pilot.press("a")
            await pilot.pause()
            await pilot.press(*first)
            await pilot.pause(0.8)  # the editor writes its draft 0.3 s after typing stops
            print("typed", flush=True)
            for key in rest:  # still typing when the kill comes
                await pilot.press(key)
                await pilot.pause(0.005)
            print("done", flush=True)
            await asyncio.sleep(600)

    asyncio.run(run())
    """
)


def make_tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/a.go").write_text(GO)
    return root


def reader_app(root: Path):
    from k8sread.ui.app import ReaderApp

    mine = writable_pack(None)
    return ReaderApp(SourceTree.open(root), packs=PackSet(packs=[mine], writable=mine), lang="en")


KILL_AFTER = (0.0, 0.15, 0.4)  # seconds after the first draft is on disk


@sync
async def test_a_reader_killed_while_typing_a_note_gets_it_back(tmp_path):
    root = make_tree(tmp_path)
    first, rest = "draftkept", "andmoretypedwhilethekillcomes"
    for delay in KILL_AFTER:
        process = subprocess.Popen([sys.executable, "-c", READER, str(root), first, rest], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert process.stdout.readline().strip() == "typed", process.stderr.read() if process.poll() is not None else ""
            time.sleep(delay)
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        store = DraftStore()
        (draft,) = store.load_all()
        assert store.problems == []
        assert draft.title.startswith(first) and (first + rest).startswith(draft.title)

        app = reader_app(root)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, NoteEditorScreen)
            assert app.screen.query_one("#editor-title").value == draft.title
            await pilot.press("ctrl+s")
            await pilot.pause()
        (saved,) = Pack.open(writable_pack(None).root).notes_for("pkg/a.go")
        assert saved.title == draft.title and saved.id == draft.note_id
        assert DraftStore().load_all() == []
        Pack.open(writable_pack(None).root).delete("pkg/a.go", saved.id)


EDITOR = textwrap.dedent(
    """
    import json, os, random, sys, time
    from k8sread.core.pack import Pack
    pack = Pack.open(sys.argv[1])
    who, rounds, go = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    rng = random.Random(who)
    log = []
    print("ready", flush=True)
    while not os.path.exists(go):  # both start together, whatever their start-up took
        time.sleep(0.001)
    for i in range(rounds):
        base = next(n for n in pack.notes_for("x.go") if n.id == "shared")
        time.sleep(rng.uniform(0, 0.004))  # the reader types
        title = f"{who}-{i}"
        saved = pack.upsert("x.go", base.with_changes(title=title, body=base.body + title + "\\n"), base=base)
        log.append({"title": title, "base": base.title, "id": saved.id})
    print(json.dumps(log))
    """
)
ROUNDS = 60


def test_two_processes_editing_the_same_note_lose_no_edit(tmp_path):
    pack = Pack.create(tmp_path / "p", "p")
    pack.upsert("x.go", Note(id="shared", start=1, end=2, title="original"))
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", EDITOR, str(pack.root), who, str(ROUNDS), str(go)], stdout=subprocess.PIPE, text=True)
        for who in ("alice", "bob")
    ]
    assert [p.stdout.readline().strip() for p in procs] == ["ready", "ready"]
    go.touch()
    logs = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    edits = [entry for log in logs for entry in log]
    final = {n.id: n for n in Pack.open(pack.root).notes_for("x.go")}
    seen_as_base = {entry["base"] for entry in edits}
    conflicts = [entry for entry in edits if entry["id"] != "shared"]
    for entry in edits:
        if entry["id"] == "shared":
            # Saved over the note: either it is the note now, or a later edit started from it.
            assert final["shared"].title == entry["title"] or entry["title"] in seen_as_base, entry
        else:
            # A real conflict: kept as a copy with its own id, holding exactly that edit.
            assert entry["id"].startswith("shared.conflict-") and final[entry["id"]].title == entry["title"], entry
    assert len(final) == 1 + len(conflicts)
    print(f"{len(edits)} edits, {len(conflicts)} kept as conflict copies")
    assert conflicts, "the two readers never collided; the test proved nothing"
    assert len(conflicts) < len(edits)


@sync
async def test_the_reader_saves_a_conflicting_edit_as_a_copy_and_says_so(tmp_path):
    root = make_tree(tmp_path)
    mine = writable_pack(None)
    mine.upsert("pkg/a.go", Note(id="n", start=4, end=6, title="original", author="me"))
    app = reader_app(root)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.pause()
        app.query_one("SourceView").go_to_line(5)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditorScreen)
        await pilot.press("end", *"ours")
        # Meanwhile another reader, another process, edits the same note.
        other = textwrap.dedent(
            f"""
            from k8sread.core.pack import Pack
            pack = Pack.open({str(mine.root)!r})
            note = pack.notes_for("pkg/a.go")[0]
            pack.upsert("pkg/a.go", note.with_changes(title="theirs"), base=note)
            """
        )
        subprocess.run([sys.executable, "-c", other], check=True, timeout=60)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert any("Someone changed note n meanwhile (title)" in n.message and "saved beside it" in n.message for n in app._notifications)
    titles = sorted(n.title for n in Pack.open(mine.root).notes_for("pkg/a.go"))
    assert titles == ["originalours", "theirs"]
