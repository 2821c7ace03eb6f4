"""Per-tree reading state survives restarts and bad files."""

from __future__ import annotations

import hashlib
import os

from k8sread.core.session import MAX_POSITIONS, Position, TreeSession


def test_round_trip(tmp_path):
    session = TreeSession.load(tmp_path)
    session.remember("a.go", Position(cursor=40, column=3, top=20, selection=(40, 44)))
    session.read_files.update({"a.go", "b.go"})
    session.read_notes.add("n1")
    session.trail_step = "kubectl-main"
    session.save()
    again = TreeSession.load(tmp_path)
    assert again.last_file == "a.go"
    assert again.position("a.go") == Position(40, 3, 20, (40, 44))
    assert again.read_files == {"a.go", "b.go"} and again.read_notes == {"n1"}
    assert again.trail_step == "kubectl-main"


def test_trees_are_separate(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    s = TreeSession.load(one)
    s.remember("x.go", Position(cursor=5))
    s.save()
    assert TreeSession.load(two).last_file is None


def test_corrupt_state_set_aside_not_fatal(tmp_path):
    path = TreeSession.file_for(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ not json")
    session = TreeSession.load(tmp_path)
    assert session.last_file is None
    assert path.with_suffix(".corrupt").read_text() == "{ not json"


def test_wrong_types_ignored(tmp_path):
    path = TreeSession.file_for(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"last_file": 3, "positions": {"a.go": {"cursor": -4, "selection": [9, 2]}}, "read_files": "x", "future": 1}')
    session = TreeSession.load(tmp_path)
    assert session.last_file is None
    assert session.position("a.go") == Position()
    assert session.read_files == set()
    session.save()
    assert '"future": 1' in path.read_text()


def test_positions_bounded_most_recent_kept(tmp_path):
    session = TreeSession.load(tmp_path)
    for i in range(MAX_POSITIONS + 10):
        session.remember(f"f{i}.go", Position(cursor=i + 1))
    session.remember("f0.go", Position(cursor=99))
    assert len(session.positions) == MAX_POSITIONS
    assert "f1.go" not in session.positions and session.position("f0.go").cursor == 99


def test_file_names_that_are_not_utf8_round_trip(tmp_path):
    # Bytes that are not UTF-8 reach Python as lone surrogates (PEP 383); json.dumps keeps them
    # and the UTF-8 encode of the save used to raise UnicodeEncodeError.
    name = os.fsdecode(b"pkg/caf\xe9/\xff.go")
    session = TreeSession.load(tmp_path)
    session.remember(name, Position(cursor=3))
    session.read_files.add(name)
    session.trail_step = name
    session.save()
    path = TreeSession.file_for(tmp_path)
    path.read_bytes().decode("utf-8")  # the file itself stays valid UTF-8
    again = TreeSession.load(tmp_path)
    assert again.last_file == name and again.position(name) == Position(cursor=3)
    assert again.read_files == {name} and again.trail_step == name
    assert os.fsencode(again.last_file) == b"pkg/caf\xe9/\xff.go"


def test_a_tree_whose_path_is_not_utf8_has_its_own_session(tmp_path):
    root = tmp_path / os.fsdecode(b"tr\xe9e")
    root.mkdir()
    session = TreeSession.load(root)
    session.remember("a.go", Position(cursor=7))
    session.save()
    assert TreeSession.load(root).position("a.go") == Position(cursor=7)
    # A UTF-8 path hashes as it always did, so existing state files are still found.
    assert TreeSession.file_for(tmp_path).name == hashlib.sha1(str(tmp_path.resolve()).encode()).hexdigest()[:16] + ".json"
