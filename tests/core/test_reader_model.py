"""The reader model without a terminal: intents in, Updates out (k8sread.core.reader)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from k8sread.core.drafts import Draft, DraftStore
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet, writable_pack
from k8sread.core.reader import EditorText, Reader
from k8sread.core.source_tree import SourceTree


def guide_and_mine(root: Path) -> PackSet:
    guide = Pack.open(root.parent / "guide", writable=False)
    mine = writable_pack(None)
    return PackSet(packs=[guide, mine], writable=mine)


@pytest.fixture
def reader(reader_tree) -> Reader:
    return Reader(SourceTree.open(reader_tree), guide_and_mine(reader_tree), lang="en")


def test_start_opens_the_first_file_with_its_notes_placed(reader):
    update = reader.start()
    assert update.ok and update.shown is not None and update.shown.path == "cmd/kubectl/kubectl.go"
    assert update.placements and update.counts and update.trail
    assert [p.note.id for p in reader.placed()] == ["g-main"]
    assert reader.placed()[0].status == "exact" and not reader.placed()[0].writable


def test_a_step_in_the_same_file_does_not_reload_or_replace_the_notes(reader):
    reader.start()
    first = reader.step(1)
    assert first.shown is None and not first.placements  # g-main is in the file already open
    assert first.cursor is not None and first.cursor.select == (reader.placed()[0].start, reader.placed()[0].end)
    second = reader.step(1)
    assert second.shown is not None and second.shown.path == "pkg/apply/apply.go" and second.placements
    assert reader.session.trail_step == "g-run" and reader.step_label() == "step 2/3"


def test_components_jump_and_history_goes_back(reader):
    reader.start()
    update = reader.component("2")
    assert update.ok and reader.current_path == "pkg/store/store.go"
    jumped = reader.jump_to("pkg/apply/apply.go", 5, here=10)
    assert jumped.ok and jumped.reveal == "pkg/apply/apply.go"
    back = reader.back(5)
    assert back.cursor is not None and back.cursor.line == 10 and reader.current_path == "pkg/store/store.go"
    assert not reader.component("9").ok


def test_an_unreadable_file_fails_with_its_reason(reader):
    reader.start()
    update = reader.open("no/such.go")
    assert not update.ok and update.notices and reader.current_path == "cmd/kubectl/kubectl.go"


def test_add_save_edit_and_delete_go_through_the_pack(reader):
    reader.start()
    draft = reader.begin_add(6, 8)
    assert isinstance(draft, Draft)
    update = reader.save(draft, EditorText("mine", "body", ("t",)))
    assert update.ok and update.placements
    (placed,) = [p for p in reader.placed() if p.writable]
    assert placed.note.title == "mine" and placed.note.anchor  # anchored as it was saved
    edit = reader.begin_edit(placed)
    assert isinstance(edit, Draft) and edit.base_note() == placed.note
    reader.save(edit, EditorText("mine, edited", "body", ("t",)))
    (edited,) = [p for p in reader.placed() if p.writable]
    assert edited.note.title == "mine, edited" and edited.note.id == placed.note.id
    deleted = reader.delete(edited)
    assert deleted.ok and not [p for p in reader.placed() if p.writable]


def test_a_read_only_pack_refuses_edits(reader):
    reader.start()
    refused = reader.begin_edit(reader.placed()[0])
    assert not isinstance(refused, Draft) and "read-only" in refused.notices[0].text


def test_a_restored_draft_saved_after_someone_else_edited_keeps_both(reader):
    """Reproduction 3: the restored draft had no base, and its save overwrote the other edit."""
    reader.start()
    draft = reader.begin_add(6, 8)
    reader.save(draft, EditorText("original", "body", ()))
    (placed,) = [p for p in reader.placed() if p.writable]
    editing = reader.begin_edit(placed)
    typed = editing.with_text(title="ours", body="body", tags="")
    DraftStore().save(typed)  # then the reader is killed
    restored = DraftStore().load_all(include_live=True)[-1]
    assert restored.base_note() == placed.note  # the draft remembers what it edits
    # Meanwhile another process saves its own edit of the same note.
    mine = Pack.open(writable_pack(None).root)
    mine.upsert("cmd/kubectl/kubectl.go", placed.note.with_changes(title="theirs"), base=placed.note)
    update = reader.save(restored, EditorText("ours", "body", ()))
    assert any("saved beside it" in n.text for n in update.notices)
    titles = sorted(n.title for n in Pack.open(mine.root).notes_for("cmd/kubectl/kubectl.go"))
    assert titles == ["ours", "theirs"]


def test_repin_after_someone_else_edited_keeps_their_text(reader_tree):
    """Reproduction 4: `p` wrote the old body back."""
    mine = writable_pack(None)
    path = "pkg/store/store.go"
    lines = (reader_tree / path).read_text().split("\n")
    from k8sread.core.placement import anchored

    start = next(i for i, line in enumerate(lines, 1) if "func (s *Store) Create" in line)
    mine.upsert(path, anchored(Note(id="m1", start=start, end=start + 2, title="ctor", body="old"), lines, is_go=True))
    # The code moves down two lines: the note is now `moved`.
    (reader_tree / path).write_text("// one\n// two\n" + (reader_tree / path).read_text())
    reader = Reader(SourceTree.open(reader_tree), PackSet(packs=[mine], writable=mine), lang="en")
    reader.open(path)
    (moved,) = reader.placed()
    assert moved.moved
    Pack.open(mine.root).upsert(path, moved.note.with_changes(body="theirs"), base=moved.note)
    update = reader.repin(moved)
    assert update.ok
    (stored,) = Pack.open(mine.root).notes_for(path)
    assert stored.body == "theirs" and stored.start == start + 2


def test_two_editors_of_one_note_keep_two_drafts(reader):
    """Reproduction 6: both editors shared one draft file, and A's save deleted B's text."""
    reader.start()
    draft = reader.begin_add(6, 8)
    reader.save(draft, EditorText("shared", "", ()))
    (placed,) = [p for p in reader.placed() if p.writable]
    a, b = reader.begin_edit(placed), reader.begin_edit(placed)
    assert isinstance(a, Draft) and isinstance(b, Draft) and a.key != b.key
    store = DraftStore()
    store.save(a.with_text(title="from A", body="", tags=""))
    store.save(b.with_text(title="from B", body="", tags=""))
    reader.save(a, EditorText("from A", "", ()))  # discards A's draft only
    assert [d.title for d in store.load_all(include_live=True)] == ["from B"]


def test_read_only_reader_reads_and_refuses_every_write(reader_tree):
    reader = Reader(SourceTree.open(reader_tree), guide_and_mine(reader_tree), lang="en", read_only="the disk is full")
    assert reader.start().ok and reader.placed()
    for update in (reader.begin_add(1, 2), reader.export({"file": "cmd/kubectl/kubectl.go"})):
        assert not isinstance(update, Draft) and not update.ok and "the disk is full" in update.notices[0].text
    reader.session.trail_step = "g-run"
    assert reader.persist() == [] and not reader.session.file_for(reader_tree).exists()


def test_a_read_only_packset_creates_no_pack_of_its_own(reader_tree):
    from k8sread.core.paths import user_pack_dir

    packs = PackSet.for_tree(reader_tree, read_only=True)
    assert packs.writable is None and not user_pack_dir().exists()


def test_core_never_imports_textual_or_the_ui():
    modules = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "k8sread" / "core").glob("*.py") if p.stem != "__init__")
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('k8sread.core.' + name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'k8sread.ui')))\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"k8sread.core pulls in {out}"


def test_a_text_step_is_a_page_and_the_walk_goes_on(reader_tree):
    guide_root = reader_tree.parent / "guide"
    meta = (guide_root / "pack.toml").read_text()
    meta = meta.replace('steps = ["g-main", "g-run"]', 'steps = ["g-main", "text:why", "g-run"]')
    meta += (
        '\n[[texts]]\nid = "why"\ntitle.en = "Why two steps"\ntitle.zh = "为什么是两步"\nbody.en = "Prose with **no** code."\nbody.zh = "没有代码的一段话。"\n'
    )
    (guide_root / "pack.toml").write_text(meta)
    reader = Reader(SourceTree.open(reader_tree), guide_and_mine(reader_tree), lang="en")
    reader.start()
    reader.step(1)
    page = reader.step(1)
    assert page.ok and page.page is not None and page.page.title == "Why two steps" and "**no** code" in page.page.body
    assert page.shown is None and reader.session.trail_step == "text:why" and page.page.step == "step 2/4"
    after = reader.step(1)
    assert after.shown is not None and after.shown.path == "pkg/apply/apply.go" and reader.session.trail_step == "g-run"
    assert reader.step(-1).page is not None  # and back onto it


def test_a_step_to_another_file_saves_the_session_once(reader, monkeypatch):
    reader.start()
    reader.step(1)  # g-main, in the file already open
    saves = []
    monkeypatch.setattr(reader.session, "save", lambda: saves.append(reader.session.trail_step))
    update = reader.step(1)  # g-run, in another file
    assert update.shown is not None and saves == ["g-run"]


def test_upcoming_works_out_the_next_step_and_changes_nothing(reader):
    reader.start()
    reader.step(1)  # g-main, in the open file
    before = (reader.current_path, reader.session.trail_step, [p.note.id for p in reader.placements])
    path, placements = reader.upcoming(1)
    assert path == "pkg/apply/apply.go"
    assert [p.note.id for p in placements if p.placed] == ["g-run"]
    assert (reader.current_path, reader.session.trail_step, [p.note.id for p in reader.placements]) == before
    assert reader.upcoming(-1) is None  # the step before is nothing (this is the first)
    reader.step(1)
    reader.step(1)  # g-create, in store.go: the last step
    assert reader.upcoming(1) is None
    assert reader.upcoming(-1)[0] == "pkg/apply/apply.go"


def test_upcoming_leaves_a_huge_notes_file_to_the_step_itself(reader, reader_tree):
    # Working a stranger's 2 MiB notes file out ahead would freeze the reader after each step.
    guide = reader_tree.parent / "guide"
    notes = guide / "pkg" / "apply" / "apply.go.toml"
    notes.write_text(notes.read_text() + "\n# " + "x" * (300 * 1024) + "\n")
    reader.start()
    reader.step(1)
    assert reader.upcoming(1) is None
    assert reader.step(1).ok and reader.current_path == "pkg/apply/apply.go"  # the step still goes
