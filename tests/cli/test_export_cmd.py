"""`k8sread export` (Markdown and CodeTour) and `k8sread import codetour` from the shell."""

from __future__ import annotations

import json

import pytest

from k8sread.cli import main
from k8sread.core import registry
from k8sread.core.note import Note
from k8sread.core.pack import Pack

GO = "package a\n\nfunc A() int {\n\treturn 1\n}\n\nfunc B() {}\n"
PACK_TOML = """format = 1
name = "walk"
title.en = "A walk"
title.zh = "散步"
languages = ["zh", "en"]
[source]
repository = "https://github.com/kubernetes/kubernetes"
commit = "3333333333333333333333333333333333333333"
map = ["a"]
[[components]]
id = "a"
title = "Package a"
folders = ["pkg/a"]
[[chapters]]
component = "a"
title = "A"
steps = ["fa"]
"""


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "tree" / "pkg" / "a").mkdir(parents=True)
    (tmp_path / "tree" / "pkg" / "a" / "a.go").write_text(GO)
    return tmp_path / "tree"


@pytest.fixture
def pack_dir(tmp_path):
    root = tmp_path / "walk"
    root.mkdir()
    (root / "pack.toml").write_text(PACK_TOML)
    pack = Pack.open(root)
    pack.upsert("pkg/a/a.go", Note(id="fa", start=3, end=5, title={"en": "A returns one", "zh": "A 返回一"}, body={"en": "Simple.", "zh": "简单。"}))
    pack.upsert("pkg/a/a.go", Note(id="fb", start=7, end=7, title="B"))
    return root


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [["export"], ["import", "codetour"]])
def test_help_shows_examples(capsys, command):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    assert "example" in capsys.readouterr().out


def test_markdown_to_stdout_and_to_a_file(tree, pack_dir, tmp_path, capsys):
    code, out, err = cli(capsys, "export", "--repo", str(tree), "--pack", str(pack_dir), "--lang", "en")
    assert code == 0, err
    assert out.startswith("# A walk\n") and "### 1. A returns one" in out and "### B" in out
    assert "3 | func A() int {" in out and "/blob/3333333333333333333333333333333333333333/pkg/a/a.go#L3-L5" in out
    target = tmp_path / "out.md"
    code, out, err = cli(capsys, "export", "--repo", str(tree), "--pack", str(pack_dir), "--trail", "-o", str(target))
    assert code == 0 and out == ""
    text = target.read_text()
    # The default language is yours (en in tests) when the pack has it.
    assert "### 1. A returns one" in text and "### B" not in text
    assert f"wrote {target}: 1 note(s)" in err


def test_default_language_falls_back_to_the_packs_first(tree, pack_dir, capsys):
    meta = pack_dir / "pack.toml"
    meta.write_text(meta.read_text().replace('languages = ["zh", "en"]', 'languages = ["zh"]'))
    code, out, _ = cli(capsys, "export", "--repo", str(tree), "--pack", str(pack_dir))
    assert code == 0 and out.startswith("# 散步")


def test_registered_pack_by_name_and_component_scope(tree, pack_dir, capsys):
    registry.register("walk", pack_dir)
    code, out, _ = cli(capsys, "export", "--repo", str(tree), "--pack", "walk", "--component", "a", "--lang", "en")
    assert code == 0 and "### 1. A returns one" in out
    code, _, err = cli(capsys, "export", "--repo", str(tree), "--pack", "walk", "--component", "zz")
    assert code == 2 and "no component 'zz'" in err
    code, _, err = cli(capsys, "export", "--repo", str(tree), "--pack", "nope")
    assert code == 2 and "no such pack" in err


def test_scopes_are_exclusive(tree, pack_dir, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["export", "--repo", str(tree), "--pack", str(pack_dir), "--trail", "--file", "pkg/a/a.go"])
    assert stopped.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_codetour_goes_to_the_tree_tours_folder(tree, pack_dir, capsys):
    code, _, err = cli(capsys, "export", "--repo", str(tree), "--pack", str(pack_dir), "--format", "codetour", "--lang", "en")
    assert code == 0, err
    tour = json.loads((tree / ".tours" / "walk.tour").read_text())
    assert [(s["file"], s["line"]) for s in tour["steps"]] == [("pkg/a/a.go", 5), ("pkg/a/a.go", 7)]
    assert tour["ref"] == "3333333333333333333333333333333333333333"


def test_import_codetour(tree, tmp_path, capsys):
    tour = tmp_path / "x.tour"
    tour.write_text(
        json.dumps(
            {
                "title": "X",
                "steps": [
                    {"file": "pkg/a/a.go", "line": 7, "description": "B is empty."},
                    {"directory": "pkg/a", "description": "The folder."},
                ],
            }
        )
    )
    target = tmp_path / "imported"
    code, out, err = cli(capsys, "import", "codetour", str(tour), "--repo", str(tree), "--pack", str(target))
    assert code == 0  # a step on a folder is part of the tour: a text step
    assert "step 1: x-1 on pkg/a/a.go:7-7 (by line)" in out and "imported 2 of 2 step(s)" in out
    assert "step 2: text step x-2 (on a folder)" in out
    assert [n.title for n in Pack.open(target).notes_for("pkg/a/a.go")] == ["B is empty."]
    bad = tmp_path / "bad.tour"
    bad.write_text("[]")
    code, _, err = cli(capsys, "import", "codetour", str(bad), "--repo", str(tree))
    assert code == 2 and "not a CodeTour file" in err
