"""Line comments: notes with `kind = "comment"`, stored beside ordinary notes, validated,
written back unchanged, and merged note by note by the git merge driver."""

from __future__ import annotations

import tomllib

import pytest

from k8sread.core import notes_merge
from k8sread.core.note import COMMENT, Note, NoteError, note_from_table, note_to_table
from k8sread.core.pack import Pack, render_notes_file

OLD_FILE = """format = 1
file = "pkg/a.go"

[[notes]]
id = "n1"
lines = [3, 9]
title.en = "Run"
title.zh = "运行"
body = "Runs."
anchor.fingerprint = "0123456789abcdef"
anchor.offset = 0

[[notes]]
id = "n2"
lines = [12, 12]
title = "later"
future_key = "kept"
"""


def test_a_comment_needs_a_body_not_a_title():
    comment = Note(id="c1", start=4, end=4, kind=COMMENT, body={"zh": "兼容用原生 flag 库设置的命令行参数"})
    assert comment.is_comment and comment.title == ""
    table = note_to_table(comment)
    assert list(table) == ["id", "kind", "lines", "body"]
    assert note_from_table(tomllib.loads(render_notes_file("a.go", [comment]))["notes"][0]) == comment
    with pytest.raises(NoteError, match="body is empty"):
        Note(id="c2", start=1, end=1, kind=COMMENT)
    with pytest.raises(NoteError, match="title is empty"):
        Note(id="n", start=1, end=1)  # an ordinary note still needs its title
    with pytest.raises(NoteError, match="kind"):
        Note(id="c3", start=1, end=1, kind="Comment!", body="x")
    with pytest.raises(NoteError, match="kind"):
        note_from_table({"id": "c4", "lines": [1], "kind": 3, "title": "t"})
    with pytest.raises(NoteError, match="no title"):
        note_from_table({"id": "c5", "lines": [1], "body": "a note without kind needs a title"})


def test_a_kind_from_a_newer_k8sread_is_kept_and_shown_as_a_note():
    note = note_from_table({"id": "q", "lines": [2, 3], "kind": "question", "title": "why?"})
    assert not note.is_comment and note.kind == "question"
    assert note_to_table(note)["kind"] == "question"


def test_old_files_are_written_back_byte_for_byte(tmp_path):
    pack = Pack.create(tmp_path / "p", "p")
    path = pack.root / "pkg" / "a.go.toml"
    path.parent.mkdir(parents=True)
    path.write_text(OLD_FILE)
    notes = pack.notes_for("pkg/a.go")
    assert [n.kind for n in notes] == [None, None]
    assert render_notes_file("pkg/a.go", notes) == OLD_FILE
    pack.upsert("pkg/a.go", Note(id="c1", start=5, end=5, kind=COMMENT, body="why this line"))
    text = path.read_text()
    assert text.startswith(OLD_FILE.split('[[notes]]\nid = "n2"')[0])  # n1 untouched
    assert 'id = "c1"\nkind = "comment"\nlines = [5, 5]\nbody = "why this line"\n' in text
    assert 'future_key = "kept"' in text


def _write(path, notes):
    path.write_text(render_notes_file("pkg/a.go", notes))


def test_the_merge_driver_merges_comments_note_by_note(tmp_path):
    note = Note(id="n1", start=3, end=9, title="Run")
    base = [note, Note(id="c1", start=4, end=4, kind=COMMENT, body="old")]
    # Both sides add a comment in the same gap (a plain line merge conflicts there); ours
    # also edits c1, theirs leaves it.
    ours = [note, Note(id="c1", start=4, end=4, kind=COMMENT, body="edited"), Note(id="c-ours", start=6, end=6, kind=COMMENT, body="ours")]
    theirs = [*base, Note(id="c-theirs", start=6, end=6, kind=COMMENT, body="theirs")]
    files = {}
    for name, notes in (("base", base), ("ours", ours), ("theirs", theirs)):
        files[name] = tmp_path / name
        _write(files[name], notes)
    status, conflicts = notes_merge.merge_files(files["base"], files["ours"], files["theirs"], "pkg/a.go.toml")
    assert status == notes_merge.CLEAN and conflicts == []
    merged = {t["id"]: t for t in tomllib.loads(files["ours"].read_text())["notes"]}
    assert set(merged) == {"n1", "c1", "c-ours", "c-theirs"}
    assert merged["c1"]["body"] == "edited" and merged["c-theirs"]["kind"] == "comment"


def test_a_comment_changed_on_both_sides_keeps_both(tmp_path):
    base = [Note(id="c1", start=4, end=4, kind=COMMENT, body="old")]
    ours = [Note(id="c1", start=4, end=4, kind=COMMENT, body="mine")]
    theirs = [Note(id="c1", start=4, end=4, kind=COMMENT, body="yours")]
    merged, conflicts = notes_merge.merge_notes({n.id: n for n in base}, {n.id: n for n in ours}, {n.id: n for n in theirs})
    assert conflicts == ["c1"]
    assert sorted(n.body for n in merged) == ["mine", "yours"] and all(n.is_comment for n in merged)
    # A note turned into a comment on one side only is that side's change.
    as_note = Note(id="c1", start=4, end=4, title="now a note", body="old")
    merged, conflicts = notes_merge.merge_notes({"c1": base[0]}, {"c1": base[0]}, {"c1": as_note})
    assert merged == [as_note] and conflicts == []
