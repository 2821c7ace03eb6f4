"""The pack registry (data dir packs.toml) and the layered PackSet built from it."""

from __future__ import annotations

import tomllib

import pytest

from k8sread.core import registry
from k8sread.core.errors import K8sreadError
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.packset import PackSet, bundled_pack_dirs_for, find_pack, writable_pack
from k8sread.core.paths import data_dir, user_pack_dir


def make_pack(folder, name, notes=()):
    pack = Pack.create(folder, name, title=name.title())
    for path, note in notes:
        pack.upsert(path, note)
    return pack


def note(note_id, start=1, end=1, title="t"):
    return Note(id=note_id, start=start, end=end, title=title)


@pytest.fixture
def tree(tmp_path):
    # Shaped like a Kubernetes checkout, so the bundled series pack goes with it.
    root = tmp_path / "tree"
    (root / "cmd" / "kube-apiserver").mkdir(parents=True)
    (root / "go.mod").write_text("module k8s.io/kubernetes\n")
    (root / "a.go").write_text("package a\n\nfunc A() {}\n")
    return root


def test_register_round_trip_and_file_format(tmp_path):
    make_pack(tmp_path / "p1", "notes")
    entry = registry.register("team", tmp_path / "p1")
    registry.register("other", tmp_path / "p2", url="https://example.com/x.git")
    data = tomllib.loads((data_dir() / "packs.toml").read_text())
    assert data["packs"]["team"] == {"path": str((tmp_path / "p1").resolve())}
    assert data["packs"]["other"]["url"] == "https://example.com/x.git"
    loaded = registry.Registry.load()
    assert loaded.get("team") == entry and not entry.cloned and loaded.get("other").cloned
    assert registry.unregister("team").name == "team"
    assert list(registry.Registry.load().packs) == ["other"]


@pytest.mark.parametrize("name", ["mine", "series", "demo", "Bad Name", "../x", ""])
def test_reserved_and_invalid_names_are_refused(tmp_path, name):
    with pytest.raises(K8sreadError):
        registry.register(name, tmp_path)


def test_names_and_paths_are_unique(tmp_path):
    registry.register("a", tmp_path / "x")
    with pytest.raises(K8sreadError, match="already registered"):
        registry.register("a", tmp_path / "y")
    with pytest.raises(K8sreadError, match="already registered as 'a'"):
        registry.register("b", tmp_path / "x")


def test_unknown_name_lists_the_known_ones(tmp_path):
    registry.register("team", tmp_path / "x")
    with pytest.raises(K8sreadError, match="team"):
        registry.Registry.load().get("nope")


def test_name_from_urls_and_folders():
    assert registry.name_from("https://github.com/Some/K8s-Notes.git") == "k8s-notes"
    assert registry.name_from("git@github.com:me/notes.git") == "notes"
    assert registry.name_from("/home/me/My Pack/") == "my-pack"


def test_broken_registry_is_reported_and_the_reader_still_opens(tree):
    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "packs.toml").write_text("packs = [ broken")
    with pytest.raises(K8sreadError, match=r"packs\.toml"):
        registry.Registry.load()
    packs = PackSet.for_tree(tree)
    assert any("packs.toml" in problem for problem in packs.errors())
    assert packs.writable.root == user_pack_dir().resolve()


def test_registered_packs_join_the_set_under_their_registered_name(tree, tmp_path):
    make_pack(tmp_path / "p1", "notes", [("a.go", note("one", 3, 3))])
    make_pack(tmp_path / "p2", "notes", [("a.go", note("two", 1, 1))])
    registry.register("alice", tmp_path / "p1")
    registry.register("bob", tmp_path / "p2")
    packs = PackSet.for_tree(tree)
    names = [p.name for p in packs.packs]
    bundled = [folder.name for folder in bundled_pack_dirs_for(tree)]
    assert names == bundled + ["mine", "alice", "bob"]
    found = [(item.pack.name, item.note.id) for item in packs.notes_for("a.go")]
    assert found == [("bob", "two"), ("alice", "one")]
    assert packs.kind(packs.by_name("alice")) == "local" and packs.kind(packs.by_name("mine")) == "mine"
    assert all(packs.kind(packs.by_name(name)) == "bundled" for name in bundled)


def test_switching_a_pack_off_is_remembered(tree, tmp_path):
    make_pack(tmp_path / "p1", "team", [("a.go", note("one"))])
    registry.register("team", tmp_path / "p1")
    packs = PackSet.for_tree(tree)
    packs.set_enabled("team", False)
    assert packs.notes_for("a.go") == []
    again = PackSet.for_tree(tree)
    assert not again.is_enabled("team") and again.notes_for("a.go") == []
    again.set_enabled("team", True)
    assert [item.note.id for item in PackSet.for_tree(tree).notes_for("a.go")] == ["one"]
    with pytest.raises(K8sreadError):
        again.set_enabled("nope", False)


def test_choosing_where_new_notes_go(tree, tmp_path):
    make_pack(tmp_path / "p1", "team")
    registry.register("team", tmp_path / "p1")
    packs = PackSet.for_tree(tree)
    assert packs.writable.name == "mine"
    packs.set_writable("team")
    assert PackSet.for_tree(tree).writable.name == "team"
    assert writable_pack(None).root == (tmp_path / "p1").resolve()
    with pytest.raises(K8sreadError, match="read-only"):
        packs.set_writable("series")
    packs.set_writable("mine")
    assert PackSet.for_tree(tree).writable.name == "mine"
    assert registry.Registry.load().target is None


def test_pack_option_takes_a_registered_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_pack(tmp_path / "p1", "whatever")
    registry.register("team", tmp_path / "p1")
    assert writable_pack("team").root == (tmp_path / "p1").resolve()
    assert writable_pack("team").name == "team"
    assert writable_pack("mine").root == user_pack_dir().resolve()
    with pytest.raises(K8sreadError, match="read-only"):
        writable_pack("series")
    # A folder name that is not registered is still a new pack folder, as before.
    assert writable_pack("fresh").root == (tmp_path / "fresh").resolve()


def test_a_vanished_pack_is_a_problem_not_a_crash(tree, tmp_path):
    make_pack(tmp_path / "gone", "gone")
    make_pack(tmp_path / "kept", "kept", [("a.go", note("k"))])
    registry.register("gone", tmp_path / "gone")
    registry.register("kept", tmp_path / "kept")
    registry.set_target("gone")
    (tmp_path / "gone" / "pack.toml").unlink()
    packs = PackSet.for_tree(tree)
    assert [item.note.id for item in packs.notes_for("a.go")] == ["k"]
    assert any("gone" in problem for problem in packs.errors())
    assert packs.writable.name == "mine"


def test_find_pack_by_name_folder_and_default(tree, tmp_path):
    make_pack(tmp_path / "p1", "x")
    registry.register("team", tmp_path / "p1")
    assert find_pack("team").name == "team"
    assert find_pack(str(tmp_path / "p1")).name == "x"
    assert find_pack("series").writable is False
    assert find_pack(None, tree).name == "series"  # the bundled pack with a trail
    with pytest.raises(K8sreadError):
        find_pack("nope")


def test_kind_says_where_a_pack_came_from(tree, tmp_path):
    make_pack(tmp_path / "cloned", "cloned")
    registry.register("cloned", tmp_path / "cloned", url="https://example.com/cloned.git")
    packs = PackSet.for_tree(tree)
    assert packs.kind(packs.by_name("cloned")) == "git"


def test_bundled_packs_go_with_their_trees(tmp_path):
    from k8sread.core.paths import demo_tree_dir

    plain = tmp_path / "plain"
    plain.mkdir()
    kubernetes = tmp_path / "kubernetes"
    (kubernetes / "cmd" / "kube-apiserver").mkdir(parents=True)
    (kubernetes / "go.mod").write_text("module k8s.io/kubernetes\n")
    assert bundled_pack_dirs_for(plain) == []
    assert [d.name for d in bundled_pack_dirs_for(kubernetes)] == ["series"]
    assert [d.name for d in bundled_pack_dirs_for(demo_tree_dir())] == ["demo"]
