"""The pack store: round-trip, deterministic output, atomic save, malformed files, escapes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from k8sread.core.errors import K8sreadError, PackFileError, PathEscapeError
from k8sread.core.note import Note, NoteError
from k8sread.core.pack import Pack, parse_notes_file, render_notes_file

WHEN = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("K8SREAD_HOME", str(tmp_path / "home"))


def make_note(note_id: str = "n1", start: int = 10, end: int = 12, **changes) -> Note:
    fields = dict(
        id=note_id,
        start=start,
        end=end,
        title={"zh": "创建 Deployment", "en": "Create the Deployment"},
        body={"zh": "这里把对象 POST 给 apiserver。\n\n第二段。", "en": "Here the object is POSTed.\n\nSecond paragraph."},
        tags=("kubectl", "apply"),
        author="alice",
        created=WHEN,
        updated=WHEN,
        symbol="(*ApplyOptions).Run",
        anchor={"symbol": "(*ApplyOptions).Run", "offset": 4, "fingerprint": "abc123", "before": ["\tx := 1"], "after": ["}"]},
    )
    fields.update(changes)
    return Note(**fields)


@pytest.fixture
def pack(tmp_path) -> Pack:
    return Pack.create(tmp_path / "pack", "mine", title="Mine", languages=("zh", "en"))


def test_round_trip_keeps_every_field(pack):
    note = make_note(extra={"future_field": {"x": 1}, "weight": 0.5})
    pack.upsert("staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go", note)
    reopened = Pack.open(pack.root)
    assert reopened.files() == ["staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go"]
    assert reopened.notes_for("staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go") == [note]


def test_round_trip_awkward_text(pack):
    body = 'quotes " and """ triple, back\\slash, tab\tand CR\r\nand ESC \x1b[2J and 中文\n'
    note = make_note(title="one language", body=body)
    pack.upsert("a.go", note)
    assert Pack.open(pack.root).notes_for("a.go")[0].body == body


def test_output_is_deterministic_and_sorted(pack):
    notes = [make_note("b", 5, 6), make_note("a", 5, 6), make_note("c", 1, 2)]
    first = render_notes_file("x.go", notes)
    second = render_notes_file("x.go", list(reversed(notes)))
    assert first == second
    ids = [line.split('"')[1] for line in first.splitlines() if line.startswith("id = ")]
    assert ids == ["c", "a", "b"]
    # one blank line between notes, none doubled
    assert "\n\n[[notes]]\n" in first and "\n\n\n" not in first


def test_one_note_change_diffs_as_that_note_only(pack, tmp_path):
    notes = [make_note(f"n{i}", i * 10, i * 10 + 2) for i in range(1, 6)]
    pack.save_notes("x.go", notes)
    path = pack.notes_path("x.go")
    subprocess.run(["git", "init", "-q", str(pack.root)], check=True)
    git = ["git", "-C", str(pack.root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    pack.upsert("x.go", notes[2].with_changes(title="changed title"), base=notes[2])
    diff = subprocess.run([*git, "diff", "-U0", "--", str(path)], capture_output=True, text=True, check=True).stdout
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed[0].startswith("-title.en") and len(changed) == 3  # two title lines out, one in


def test_datetimes_written_in_rfc3339_utc(pack):
    pack.upsert("x.go", make_note())
    assert "created = 2026-11-26T08:30:00Z" in pack.notes_path("x.go").read_text()


def test_files_lists_without_parsing(pack):
    pack.notes_path("deep/dir/f.go").parent.mkdir(parents=True)
    pack.notes_path("deep/dir/f.go").write_text("this is [[ not toml")
    pack.upsert("a.go", make_note())
    assert Pack.open(pack.root).files() == ["a.go", "deep/dir/f.go"]


def test_malformed_file_named_with_line_and_column_rest_loads(pack):
    pack.upsert("good.go", make_note())
    bad = pack.notes_path("bad.go")
    bad.write_text('format = 1\n\n[[notes]]\nid = "x"\nlines = [1, 2\ntitle = "t"\n')
    reopened = Pack.open(pack.root)
    assert reopened.notes_for("bad.go") == []
    error = reopened.errors["bad.go"]
    assert error.path == bad and error.line == 6 and error.column is not None
    assert str(error).startswith(f"{bad}:6:")
    assert reopened.notes_for("good.go") == [make_note()]


def test_malformed_file_is_never_overwritten(pack):
    bad = pack.notes_path("bad.go")
    bad.parent.mkdir(parents=True, exist_ok=True)
    broken = 'format = 1\n[[notes]]\nid = "x"\nlines = [1, 2]\ntitle = "unterminated\n'
    bad.write_text(broken)
    with pytest.raises(PackFileError):
        pack.upsert("bad.go", make_note())
    with pytest.raises(PackFileError):
        pack.save_notes("bad.go", [make_note()])
    assert bad.read_text() == broken


def test_invalid_note_names_its_line(pack):
    path = pack.notes_path("v.go")
    path.write_text('format = 1\n\n[[notes]]\nid = "ok"\nlines = [1, 2]\ntitle = "t"\n\n[[notes]]\nid = "bad"\nlines = [9, 3]\ntitle = "t"\n')
    pack.notes_for("v.go")
    error = pack.errors["v.go"]
    assert error.line == 8 and "end before they start" in str(error)


def test_conflict_markers_named(pack):
    path = pack.notes_path("c.go")
    path.write_text('format = 1\n[[notes]]\nid = "a"\nlines = [1, 1]\n<<<<<<< HEAD\ntitle = "ours"\n=======\ntitle = "theirs"\n>>>>>>> other\n')
    pack.notes_for("c.go")
    error = pack.errors["c.go"]
    assert error.line == 5 and "conflict" in str(error)


def test_duplicate_ids_rejected(pack):
    path = pack.notes_path("d.go")
    path.write_text('[[notes]]\nid = "a"\nlines = [1, 1]\ntitle = "t"\n\n[[notes]]\nid = "a"\nlines = [2, 2]\ntitle = "u"\n')
    pack.notes_for("d.go")
    assert pack.errors["d.go"].line == 6


def test_declared_file_must_match_place(pack):
    path = pack.notes_path("real.go")
    path.write_text('format = 1\nfile = "other.go"\n')
    pack.notes_for("real.go")
    assert "does not match" in str(pack.errors["real.go"])


def test_newer_format_refused(pack):
    path = pack.notes_path("n.go")
    path.write_text("format = 99\n")
    pack.notes_for("n.go")
    assert "newer" in str(pack.errors["n.go"])


def test_oversized_file_refused(pack):
    path = pack.notes_path("big.go")
    path.write_bytes(b"# " + b"x" * (5 * 1024 * 1024))
    pack.notes_for("big.go")
    assert "MiB" in str(pack.errors["big.go"])


@pytest.mark.parametrize("escape", ["../outside.go", "/etc/passwd", "a/../../b.go", "a//b.go", "./a.go", "a\\..\\b.go"])
def test_path_escapes_refused(pack, escape):
    with pytest.raises(PathEscapeError):
        pack.upsert(escape, make_note())
    assert pack.notes_for(escape) == []


def test_symlink_out_of_pack_refused(pack, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (pack.root / "linked").symlink_to(outside)
    with pytest.raises(PathEscapeError):
        pack.upsert("linked/x.go", make_note())
    assert list(outside.iterdir()) == []
    # and a symlinked notes file is neither listed nor read
    (outside / "y.go.toml").write_text('[[notes]]\nid = "s"\nlines = [1, 1]\ntitle = "secret"\n')
    (pack.root / "y.go.toml").symlink_to(outside / "y.go.toml")
    assert "y.go" not in Pack.open(pack.root).files()


def test_upsert_keeps_notes_saved_by_someone_else(pack):
    pack.upsert("x.go", make_note("mine"))
    other = Pack.open(pack.root)
    other.upsert("x.go", make_note("theirs", 30, 31))
    pack.upsert("x.go", make_note("mine", 10, 14), base=make_note("mine"))  # pack's cache is stale; it must re-read
    assert [n.id for n in Pack.open(pack.root).notes_for("x.go")] == ["mine", "theirs"]


def test_delete(pack):
    pack.upsert("x.go", make_note("a"))
    pack.upsert("x.go", make_note("b", 20, 21))
    assert pack.delete("x.go", "a") is True
    assert pack.delete("x.go", "a") is False
    assert [n.id for n in pack.notes_for("x.go")] == ["b"]
    pack.delete("x.go", "b")
    assert not pack.notes_path("x.go").exists()
    assert pack.files() == []


def test_read_only_pack_refuses_writes(pack):
    ro = Pack.open(pack.root, writable=False)
    with pytest.raises(K8sreadError, match="read-only"):
        ro.upsert("x.go", make_note())


def test_atomic_save_leaves_old_or_new_never_partial(pack, monkeypatch):
    pack.upsert("x.go", make_note("a"))
    before = pack.notes_path("x.go").read_text()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        pack.upsert("x.go", make_note("b", 40, 41))
    assert pack.notes_path("x.go").read_text() == before
    leftovers = [p.name for p in pack.notes_path("x.go").parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_killed_writer_leaves_a_parseable_file(pack, tmp_path):
    """SIGKILL a process in the middle of many saves: the file is always old or new."""
    script = textwrap.dedent(
        f"""
        import sys
        from k8sread.core.pack import Pack
        from k8sread.core.note import Note
        pack = Pack.open({str(pack.root)!r})
        i = 0
        base = next((n for n in pack.notes_for("k.go") if n.id == "n"), None)
        while True:
            i += 1
            note = Note(id="n", start=1, end=1, title="x" * (i % 5000 + 1), body="y" * 20000)
            pack.upsert("k.go", note, base=base)
            base = note
            if i == 3:
                print("ready", flush=True)
        """
    )
    env = {**os.environ, "K8SREAD_HOME": str(tmp_path / "home")}
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env)
        assert proc.stdout.readline().strip() == b"ready"
        proc.kill()
        proc.wait()
        notes = parse_notes_file(pack.notes_path("k.go"), "k.go")
        assert len(notes) == 1 and notes[0].body == "y" * 20000


def test_note_validation():
    with pytest.raises(NoteError):
        make_note(start=0)
    with pytest.raises(NoteError):
        make_note(note_id="has space")
    with pytest.raises(NoteError):
        make_note(title="  ")
    with pytest.raises(NoteError):
        make_note(title={"not a lang!": "x"})


def test_open_errors_are_clear(tmp_path):
    with pytest.raises(K8sreadError, match="does not exist"):
        Pack.open(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(K8sreadError, match=r"no pack\.toml"):
        Pack.open(tmp_path / "empty")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "pack.toml").write_text("name = \n")
    with pytest.raises(PackFileError) as info:
        Pack.open(tmp_path / "broken")
    assert info.value.line == 1


def test_count_notes_matches_parsed(pack):
    for i in range(7):
        pack.upsert("x.go", make_note(f"n{i}", i + 1, i + 1))
    assert pack.count_notes("x.go") == 7 == len(pack.notes_for("x.go"))


def test_cache_picks_up_outside_edits(pack):
    pack.upsert("x.go", make_note("a"))
    assert len(pack.notes_for("x.go")) == 1
    path: Path = pack.notes_path("x.go")
    path.write_text(path.read_text() + '\n[[notes]]\nid = "z"\nlines = [50, 51]\ntitle = "added by git pull"\n')
    assert [n.id for n in pack.notes_for("x.go")] == ["a", "z"]


def test_error_at_end_of_document_still_names_a_line(pack):
    path = pack.notes_path("e.go")
    path.write_text('format = 1\n[[notes]]\nid = "a"\nlines = [1, 1]\ntitle = ')
    pack.notes_for("e.go")
    assert pack.errors["e.go"].line == 5
