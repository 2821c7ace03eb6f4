"""Per-tree reading state survives restarts and bad files."""

from __future__ import annotations

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
