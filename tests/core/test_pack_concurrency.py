"""Two readers on one pack, as real processes: nothing is lost, real conflicts are kept."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from k8sread.core.note import Note
from k8sread.core.note_write import RECREATED, NoteChange
from k8sread.core.pack import Pack

WRITER = textwrap.dedent(
    """
    import sys
    from k8sread.core.pack import Pack
    from k8sread.core.note import Note
    pack = Pack.open(sys.argv[1])
    who, count = sys.argv[2], int(sys.argv[3])
    for i in range(count):
        first = Note(id=f"{who}-{i}", start=i + 1, end=i + 1, title=f"{who} {i}")
        pack.upsert("shared.go", first)
        if i % 3 == 0:  # edit one of ours again, as a reader does
            pack.upsert("shared.go", Note(id=f"{who}-{i}", start=i + 1, end=i + 2, title=f"{who} {i} edited"), base=first)
    """
)


def test_two_processes_adding_and_editing_lose_nothing(tmp_path):
    pack = Pack.create(tmp_path / "p", "p")
    env = dict(os.environ)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(pack.root), who, "40"], env=env) for who in ("alice", "bob")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    notes = {n.id: n for n in Pack.open(pack.root).notes_for("shared.go")}
    assert len(notes) == 80
    for who in ("alice", "bob"):
        for i in range(0, 40, 3):
            assert notes[f"{who}-{i}"].title == f"{who} {i} edited"


def test_lock_of_a_killed_process_is_recovered(tmp_path):
    pack = Pack.create(tmp_path / "p", "p")
    holder = textwrap.dedent(
        f"""
        import time
        from k8sread.core.pack import Pack
        pack = Pack.open({str(pack.root)!r})
        with pack._locked("x.go"):
            print("locked", flush=True)
            time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"locked"
    proc.kill()
    proc.wait()
    # flock died with its holder: this must not hang.
    pack.upsert("x.go", Note(id="after", start=1, end=1, title="t"))
    assert [n.id for n in pack.notes_for("x.go")] == ["after"]


def test_conflicting_edit_is_kept_as_a_copy(tmp_path):
    pack = Pack.create(tmp_path / "p", "p")
    original = Note(id="n", start=1, end=2, title="original")
    pack.upsert("x.go", original)
    # Someone else edits the note after we opened it in the editor...
    Pack.open(pack.root).upsert("x.go", original.with_changes(title="theirs"), base=original)
    # ...then we save our edit of the original.
    saved = pack.upsert("x.go", original.with_changes(title="ours"), base=original)
    assert saved.id.startswith("n.conflict-")
    titles = sorted(n.title for n in Pack.open(pack.root).notes_for("x.go"))
    assert titles == ["ours", "theirs"]


def test_edit_of_a_note_deleted_meanwhile_is_kept(tmp_path):
    pack = Pack.create(tmp_path / "p", "p")
    original = Note(id="n", start=1, end=2, title="original")
    pack.upsert("x.go", original)
    Pack.open(pack.root).delete("x.go", "n")
    outcome = pack.write("x.go", [NoteChange.edit(original.with_changes(title="ours"), original)])[0]
    assert outcome.kind == RECREATED and "deleted meanwhile" in outcome.message
    assert [(n.id, n.title) for n in pack.notes_for("x.go")] == [("n", "ours")]


def test_unconflicted_edit_keeps_its_id(tmp_path):
    pack = Pack.create(tmp_path / "p", "p")
    original = Note(id="n", start=1, end=2, title="original")
    pack.upsert("x.go", original)
    assert pack.upsert("x.go", original.with_changes(title="ours"), base=original).id == "n"
