"""Two people share a pack over git (real git, tmp dirs): what merges, what conflicts, and
what the reader and `k8sread check` say about a conflict."""

from __future__ import annotations

import subprocess

import pytest

from k8sread.cli import main
from k8sread.core import notes_merge
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
SOURCE = "pkg/x.go"


def git(cwd, *args, check=True):
    done = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def note(note_id, start, end, title, body=""):
    return Note(id=note_id, start=start, end=end, title=title, body=body or f"About {title}.\nSecond line.", tags=("x",))


@pytest.fixture
def clones(tmp_path):
    """Alice's and Bob's clones of one pack with two notes on pkg/x.go and one on pkg/y.go."""
    bare = tmp_path / "pack.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    alice = tmp_path / "alice"
    git(tmp_path, "clone", "-q", str(bare), str(alice))
    pack = Pack.create(alice, "team")
    pack.upsert(SOURCE, note("n10", 10, 12, "ten"))
    pack.upsert(SOURCE, note("n40", 40, 42, "forty"))
    pack.upsert("pkg/y.go", note("y1", 1, 2, "why"))
    git(alice, "add", "-A")
    git(alice, "commit", "-qm", "base")
    git(alice, "push", "-q", "origin", "HEAD:main")
    bob = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(bare), str(bob))
    return Pack.open(alice), Pack.open(bob)


def publish(pack: Pack, message: str) -> None:
    git(pack.root, "add", "-A")
    git(pack.root, "commit", "-qm", message)
    git(pack.root, "push", "-q", "origin", "HEAD:main")


def merge_in(pack: Pack, message: str):
    git(pack.root, "add", "-A")
    git(pack.root, "commit", "-qm", message)
    return git(pack.root, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main", check=False)


def ids(pack: Pack, path: str = SOURCE) -> list[str]:
    return [n.id for n in Pack.open(pack.root).notes_for(path)]


def test_different_notes_in_different_places_of_one_file_merge_clean(clones):
    alice, bob = clones
    alice.upsert(SOURCE, note("a20", 20, 21, "alice twenty"))
    publish(alice, "alice")
    bob.upsert(SOURCE, note("b50", 50, 51, "bob fifty"))
    done = merge_in(bob, "bob")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ids(bob) == ["n10", "a20", "n40", "b50"]
    assert "<<<<<<<" not in (bob.root / (SOURCE + ".toml")).read_text()


def test_an_edit_and_a_delete_of_different_notes_merge_clean(clones):
    alice, bob = clones
    alice.upsert(SOURCE, note("n10", 10, 12, "ten, edited", "Alice rewrote this."), base=note("n10", 10, 12, "ten"))
    publish(alice, "alice edits")
    assert bob.delete(SOURCE, "n40")
    done = merge_in(bob, "bob deletes")
    assert done.returncode == 0, done.stdout + done.stderr
    notes = Pack.open(bob.root).notes_for(SOURCE)
    assert [(n.id, n.title, n.body) for n in notes] == [("n10", "ten, edited", "Alice rewrote this.")]


def test_two_notes_added_in_the_same_gap_conflict_in_plain_git_and_are_reported(clones, tmp_path, capsys):
    alice, bob = clones
    alice.upsert(SOURCE, note("a50", 50, 51, "alice fifty"))
    publish(alice, "alice")
    bob.upsert(SOURCE, note("b60", 60, 61, "bob sixty"))
    done = merge_in(bob, "bob")
    assert done.returncode != 0 and "CONFLICT" in done.stdout
    text = (bob.root / (SOURCE + ".toml")).read_text()
    marker_line = text.split("\n").index(next(line for line in text.split("\n") if line.startswith("<<<<<<<"))) + 1

    # The reader: that file is reported with the marker's line, the rest of the pack loads.
    pack = Pack.open(bob.root)
    assert pack.notes_for(SOURCE) == []
    error = pack.errors[SOURCE]
    assert error.line == marker_line and error.path.name == "x.go.toml"
    assert f"x.go.toml:{marker_line}:" in str(error) and "conflict" in str(error)
    assert [n.id for n in pack.notes_for("pkg/y.go")] == ["y1"]
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "y.go").write_text("package y\n\nfunc Y() {}\n")
    packs = PackSet.for_tree(tree, pack_dir=str(bob.root))
    assert [item.note.id for item in packs.notes_for("pkg/y.go")] == ["y1"]
    packs.notes_for(SOURCE)
    assert any(f"x.go.toml:{marker_line}" in problem for problem in packs.errors())

    # k8sread check names the file and line too, and still checks the other file.
    code = main(["check", "--repo", str(tree), str(bob.root)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"x.go.toml:{marker_line}:1: unresolved git merge conflict marker" in out
    assert "pkg/y.go" in out


def test_the_merge_driver_merges_notes_added_in_the_same_gap(clones):
    alice, bob = clones
    assert notes_merge.install(bob.root)
    (bob.root / ".gitattributes").write_text("*.toml text eol=lf\n*.toml merge=k8sread-notes\n")
    alice.upsert(SOURCE, note("a50", 50, 51, "alice fifty"))
    publish(alice, "alice")
    bob.upsert(SOURCE, note("b60", 60, 61, "bob sixty"))
    done = merge_in(bob, "bob")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ids(bob) == ["n10", "n40", "a50", "b60"]
    assert git(bob.root, "status", "--porcelain").stdout.strip() == ""


def test_the_merge_driver_keeps_both_versions_of_a_note_changed_on_both_sides(clones):
    alice, bob = clones
    assert notes_merge.install(bob.root)
    (bob.root / ".gitattributes").write_text("*.toml merge=k8sread-notes\n")
    alice.upsert(SOURCE, note("n10", 10, 12, "alice's ten"), base=note("n10", 10, 12, "ten"))
    publish(alice, "alice")
    bob.upsert(SOURCE, note("n10", 10, 12, "bob's ten"), base=note("n10", 10, 12, "ten"))
    done = merge_in(bob, "bob")
    assert done.returncode != 0  # git stops so someone looks
    notes = Pack.open(bob.root).notes_for(SOURCE)  # and yet the file parses
    titles = sorted(n.title for n in notes if n.id.startswith("n10"))
    assert titles == ["alice's ten", "bob's ten"]
    assert any(n.id.startswith("n10.theirs-") for n in notes)


def test_merge_notes_rules():
    base = {"a": note("a", 1, 1, "a"), "b": note("b", 2, 2, "b"), "c": note("c", 3, 3, "c")}
    ours = {"a": note("a", 1, 1, "a2"), "b": base["b"], "d": note("d", 4, 4, "d")}  # edit a, delete c, add d
    theirs = {"a": base["a"], "c": base["c"], "e": note("e", 5, 5, "e")}  # delete b, add e
    merged, conflicts = notes_merge.merge_notes(base, ours, theirs)
    assert conflicts == [] and [(n.id, n.title) for n in merged] == [("a", "a2"), ("d", "d"), ("e", "e")]
    # An edit against a delete keeps the edit, and is a conflict.
    merged, conflicts = notes_merge.merge_notes(base, {"a": note("a", 1, 1, "edited")}, {})
    assert conflicts == ["a"] and [n.title for n in merged] == ["edited"]


def test_pack_toml_falls_back_to_the_line_merge(tmp_path):
    base, ours, theirs = (tmp_path / name for name in ("o", "a", "b"))
    base.write_text('format = 1\nname = "x"\n')
    ours.write_text('format = 1\nname = "x"\ntitle = "ours"\n')
    theirs.write_text('format = 1\nname = "x"\n')
    status, _ = notes_merge.merge_files(base, ours, theirs, "pack.toml")
    assert status == notes_merge.CLEAN and 'title = "ours"' in ours.read_text()
