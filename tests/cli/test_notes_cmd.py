"""`k8sread notes FILE[:LINE]` as text and JSON."""

from __future__ import annotations

import json

import pytest

from k8sread.cli import main
from k8sread.core import registry
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.paths import user_pack_dir
from k8sread.core.placement import anchored

GO = "package a\n\nfunc A() int {\n\treturn 1\n}\n\nfunc B() {}\n"


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "tree" / "pkg").mkdir(parents=True)
    (tmp_path / "tree" / "pkg" / "a.go").write_text(GO)
    return tmp_path / "tree"


@pytest.fixture
def packs(tmp_path):
    mine = Pack.create(user_pack_dir(), "mine")
    lines = GO.split("\n")[:-1]
    mine.upsert(
        "pkg/a.go", anchored(Note(id="a", start=3, end=5, title="A \x1b[1mreturns\x1b[0m one", body="Body of A.\nTwo lines.", tags=("t",)), lines, is_go=True)
    )
    team = Pack.create(tmp_path / "team", "team")
    team.upsert("pkg/a.go", Note(id="b", start=7, end=7, title="B"))
    team.upsert("pkg/a.go", Note(id="far", start=70, end=71, title="Too far"))
    registry.register("team", tmp_path / "team")
    return mine, team


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit):
        main(["notes", "--help"])
    assert "example" in capsys.readouterr().out


def test_text_for_a_line(tree, packs, capsys):
    code, out, _ = cli(capsys, "notes", "--repo", str(tree), "pkg/a.go:4")
    assert code == 0
    assert out.splitlines()[0] == "pkg/a.go:3-5  [mine] a: A \u241b[1mreturns\u241b[0m one"
    assert "\x1b" not in out
    assert "    Body of A.\n    Two lines." in out and "[team]" not in out


def test_json_for_the_whole_file_from_every_pack(tree, packs, capsys):
    code, out, _ = cli(capsys, "notes", "--repo", str(tree), "pkg/a.go", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["file"] == "pkg/a.go" and document["lines"] is None
    rows = {row["id"]: row for row in document["notes"]}
    assert set(rows) == {"a", "b", "far"}
    assert rows["a"]["pack"] == "mine" and rows["a"]["lines"] == [3, 5] and rows["a"]["status"] == "exact"
    assert rows["a"]["title"] == "A \u241b[1mreturns\u241b[0m one" and rows["a"]["tags"] == ["t"]
    assert rows["b"]["pack"] == "team" and rows["b"]["status"] == "unanchored"
    assert rows["far"]["lines"] is None and rows["far"]["stored_lines"] == [70, 71] and rows["far"]["status"] == "orphan"


def test_range_absolute_path_and_one_pack(tree, packs, capsys):
    code, out, _ = cli(capsys, "notes", "--repo", str(tree), "--pack", "team", f"{tree}/pkg/a.go:1-7", "--json")
    assert code == 0
    assert [row["id"] for row in json.loads(out)["notes"]] == ["b"]


def test_disabled_packs_are_left_out(tree, packs, capsys):
    registry.set_enabled("team", False)
    code, out, _ = cli(capsys, "notes", "--repo", str(tree), "pkg/a.go", "--json")
    assert code == 0
    assert [row["pack"] for row in json.loads(out)["notes"]] == ["mine"]


def test_no_notes_and_bad_input(tree, packs, capsys, tmp_path):
    code, out, _ = cli(capsys, "notes", "--repo", str(tree), "pkg/a.go:2")
    assert code == 0 and out == "no notes on pkg/a.go:2\n"
    code, _, err = cli(capsys, "notes", "--repo", str(tree), "pkg/none.go")
    assert code == 2 and "no such file" in err
    code, _, err = cli(capsys, "notes", "--repo", str(tree), str(tmp_path / "elsewhere.go"))
    assert code == 2 and "not inside the tree" in err
    code, _, err = cli(capsys, "notes", "--repo", str(tree), "pkg/a.go:5-2")
    assert code == 2
