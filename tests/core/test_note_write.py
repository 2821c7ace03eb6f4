"""The one write path: merges, conflict copies, limits and reserved names, on real pack folders."""

from __future__ import annotations

import pytest

from k8sread.core.errors import NoteLimitError
from k8sread.core.note import ID_RE, Note
from k8sread.core.note_write import CONFLICT, DELETED, KEPT, MERGED, SAVED, NoteChange, conflict_id
from k8sread.core.pack import MAX_NOTES_PER_FILE, META_FILE, Pack, notes_relpath, source_relpath


@pytest.fixture
def pack(tmp_path):
    return Pack.create(tmp_path / "p", "p")


def bilingual(note_id="n", zh="原文", en="original", start=3, end=5) -> Note:
    return Note(id=note_id, start=start, end=end, title={"zh": zh, "en": en}, body={"zh": "正文", "en": "body"})


def test_edits_of_different_fields_are_merged(pack):
    base = bilingual()
    pack.upsert("a.go", base)
    # Another reader changes the Chinese title; we change the lines (a re-pin) and the English.
    Pack.open(pack.root).upsert("a.go", base.with_changes(title={"zh": "他们的", "en": "original"}), base=base)
    ours = base.with_changes(start=7, end=9, title={"zh": "原文", "en": "ours"})
    (outcome,) = pack.write("a.go", [NoteChange.edit(ours, base)])
    assert outcome.kind == MERGED
    (stored,) = Pack.open(pack.root).notes_for("a.go")
    assert stored.title == {"zh": "他们的", "en": "ours"} and (stored.start, stored.end) == (7, 9)


def test_same_field_changed_twice_keeps_both(pack):
    base = bilingual()
    pack.upsert("a.go", base)
    Pack.open(pack.root).upsert("a.go", base.with_changes(body={"zh": "他们", "en": "theirs"}), base=base)
    (outcome,) = pack.write("a.go", [NoteChange.edit(base.with_changes(body={"zh": "我们", "en": "ours"}), base)])
    assert outcome.kind == CONFLICT and outcome.fields == ("body.en", "body.zh")
    stored = {n.id: n for n in Pack.open(pack.root).notes_for("a.go")}
    assert stored["n"].body["en"] == "theirs" and stored[outcome.saved.id].body["en"] == "ours"
    assert "saved beside it as" in outcome.message


def test_a_repin_after_someone_edited_the_text_keeps_their_text(pack):
    """Reproduction 4: `p` used to write the old body back."""
    base = bilingual()
    pack.upsert("a.go", base)
    Pack.open(pack.root).upsert("a.go", base.with_changes(body={"zh": "新", "en": "new"}), base=base)
    pack.write("a.go", [NoteChange.edit(base.with_changes(start=10, end=12), base)])
    (stored,) = Pack.open(pack.root).notes_for("a.go")
    assert stored.body == {"zh": "新", "en": "new"} and stored.start == 10


def test_adding_over_an_existing_id_never_replaces_it(pack):
    pack.upsert("a.go", bilingual(en="theirs"))
    saved = pack.upsert("a.go", bilingual(en="mine"))
    assert saved.id != "n"
    assert sorted(n.title["en"] for n in Pack.open(pack.root).notes_for("a.go")) == ["mine", "theirs"]


def test_conflict_copy_of_a_very_long_id_is_a_valid_id(pack):
    """Reproduction 3b: ids over about 113 characters made the copy invalid and the save impossible."""
    long_id = "x" * 128
    assert ID_RE.match(conflict_id(long_id))
    base = Note(id=long_id, start=1, end=1, title="t")
    pack.upsert("a.go", base)
    Pack.open(pack.root).upsert("a.go", base.with_changes(title="theirs"), base=base)
    saved = pack.upsert("a.go", base.with_changes(title="ours"), base=base)
    assert saved.id != long_id and len(Pack.open(pack.root).notes_for("a.go")) == 2


def test_delete_of_a_note_changed_meanwhile_deletes_nothing(pack):
    base = bilingual()
    pack.upsert("a.go", base)
    Pack.open(pack.root).upsert("a.go", base.with_changes(body="changed"), base=base)
    (outcome,) = pack.write("a.go", [NoteChange.remove(base)])
    assert outcome.kind == KEPT and len(pack.notes_for("a.go")) == 1
    current = pack.notes_for("a.go")[0]
    assert pack.write("a.go", [NoteChange.remove(current)])[0].kind == DELETED
    assert not pack.notes_path("a.go").exists()


def test_a_stale_batch_does_not_drop_notes_added_meanwhile(pack):
    """Reproduction 5: `check --fix` wrote a file back from what it read before a note was added."""
    first = bilingual("first")
    pack.upsert("a.go", first)
    read_by_check = pack.notes_for("a.go")
    Pack.open(pack.root).upsert("a.go", bilingual("added", start=20, end=21))
    fixed = [n.with_changes(start=n.start + 1, end=n.end + 1) for n in read_by_check]
    outcomes = pack.write("a.go", [NoteChange.edit(new, old) for new, old in zip(fixed, read_by_check)])
    assert [o.kind for o in outcomes] == [SAVED]
    assert sorted(n.id for n in Pack.open(pack.root).notes_for("a.go")) == ["added", "first"]


def test_a_write_past_the_limits_is_refused_and_writes_nothing(pack, monkeypatch):
    """Reproduction 9: the 5001st note used to be written, and the file then never read again."""
    import k8sread.core.pack as pack_module

    monkeypatch.setattr(pack_module, "MAX_NOTES_PER_FILE", 3)
    for i in range(3):
        pack.upsert("a.go", Note(id=f"n{i}", start=1, end=1, title="t"))
    before = pack.notes_path("a.go").read_bytes()
    with pytest.raises(NoteLimitError, match="would hold 4 notes, over the 3"):
        pack.upsert("a.go", Note(id="n3", start=1, end=1, title="t"))
    assert pack.notes_path("a.go").read_bytes() == before
    monkeypatch.setattr(pack_module, "MAX_FILE_BYTES", len(before) + 10)
    monkeypatch.setattr(pack_module, "MAX_NOTES_PER_FILE", MAX_NOTES_PER_FILE)
    with pytest.raises(NoteLimitError, match="KiB, over the"):
        pack.upsert("a.go", Note(id="n0", start=1, end=1, title="t", body="x" * 100), base=pack.notes_for("a.go")[0])
    assert pack.notes_path("a.go").read_bytes() == before
    assert len(Pack.open(pack.root).notes_for("a.go")) == 3


def test_a_source_file_named_pack_cannot_write_over_pack_toml(pack):
    """Reproduction 7: notes on a root-level file `pack` went to pack.toml."""
    meta = (pack.root / META_FILE).read_bytes()
    pack.upsert("pack", Note(id="n", start=1, end=1, title="on the file named pack"))
    assert (pack.root / META_FILE).read_bytes() == meta
    reopened = Pack.open(pack.root)
    assert reopened.files() == ["pack"]
    assert [n.title for n in reopened.notes_for("pack")] == ["on the file named pack"]


@pytest.mark.parametrize("source", ["pack", "pack.toml/x.go", ".git/config", ".gitignore", "~x/y.go", "a/.hidden/b.go", "pkg/pack"])
def test_notes_paths_are_reversible_and_never_reserved(source):
    rel = notes_relpath(source)
    assert source_relpath(rel[: -len(".toml")]) == source
    assert rel != META_FILE and not rel.startswith(META_FILE + "/")
    assert not any(part.startswith(".") for part in rel.split("/"))


def test_notes_on_dot_paths_are_listed_and_kept_out_of_git_folders(pack):
    pack.upsert(".github/workflows/ci.go", Note(id="n", start=1, end=1, title="t"))
    assert not (pack.root / ".github").exists()
    assert Pack.open(pack.root).files() == [".github/workflows/ci.go"]


def test_a_write_the_reader_could_not_parse_back_is_refused(pack, monkeypatch):
    """The read side refuses files over MAX_TOML_TOKENS: the write side never makes one."""
    import k8sread.core.pack as pack_module

    pack.upsert("a.go", Note(id="n0", start=1, end=1, title="t"))
    before = pack.notes_path("a.go").read_bytes()
    monkeypatch.setattr(pack_module, "MAX_TOML_TOKENS", pack_module.toml_tokens(before) + 5)
    with pytest.raises(NoteLimitError, match="TOML tokens"):
        pack.upsert("a.go", Note(id="n1", start=2, end=2, title="t", tags=("a", "b", "c")))
    assert pack.notes_path("a.go").read_bytes() == before
