"""A CodeTour survives CodeTour -> k8sread -> CodeTour whole: content steps (text, no file),
steps on a folder or a URI, and file steps by line, selection and pattern, in tour order,
under the tour's own title and description; the command exits 0 for such a tour."""

from __future__ import annotations

import json

from k8sread.cli import main
from k8sread.core.codetour import export_tour, import_tour, read_tour
from k8sread.core.note import COMMENT, Note
from k8sread.core.pack import Pack
from k8sread.core.source_tree import SourceTree
from k8sread.core.trail import Trail

GO = """package demo

import "fmt"

// Hello greets.
func Hello(name string) string {
	return fmt.Sprintf("hello %s", name)
}

func main() {
	fmt.Println(Hello("k8s"))
}
"""

TOUR = {
    "$schema": "https://aka.ms/codetour-schema",
    "title": "Intro",
    "description": "A tour of the demo.",
    "steps": [
        {"title": "Welcome", "description": "This tour walks through **demo**."},
        {"file": "pkg/demo.go", "line": 10, "title": "main", "description": "The entry."},
        {"file": "pkg/demo.go", "selection": {"start": {"line": 5, "character": 1}, "end": {"line": 8, "character": 2}}, "description": "Greets."},
        {"file": "pkg/demo.go", "pattern": "^import", "description": "Imports."},
        {"directory": "pkg", "description": "All of the code is here."},
        {"uri": "https://example.com/docs", "title": "Docs", "description": "More to read."},
        {"description": "That's all."},
    ],
}


def _tree(tmp_path) -> SourceTree:
    (tmp_path / "tree" / "pkg").mkdir(parents=True)
    (tmp_path / "tree" / "pkg" / "demo.go").write_text(GO)
    return SourceTree.open(tmp_path / "tree")


def _tour_file(tmp_path, tour=TOUR):
    path = tmp_path / "intro.tour"
    path.write_text(json.dumps(tour))
    return path


def test_every_step_survives_import_and_export(tmp_path):
    tree = _tree(tmp_path)
    pack = Pack.create(tmp_path / "pack", "pack")
    report = import_tour(read_tour(_tour_file(tmp_path)), tree, pack)
    assert report.skipped == []
    assert [t.kind for t in report.texts] == ["content", "directory", "uri", "content"]
    trail = Trail.from_pack(Pack.open(pack.root))
    assert [c.title for c in trail.chapters] == ["Intro"] and trail.chapters[0].description == "A tour of the demo."
    assert [s.note_id for s in trail.steps] == ["text:intro-1", "intro-2", "intro-3", "intro-4", "text:intro-5", "text:intro-6", "text:intro-7"]
    assert trail.text("text:intro-5").extra == {"directory": "pkg"}

    text, _, _ = export_tour(Pack.open(pack.root), tree, lang="en")
    tour = json.loads(text)
    assert tour["title"] == "Intro" and tour["description"] == "A tour of the demo."
    steps = tour["steps"]
    assert len(steps) == len(TOUR["steps"])
    assert steps[0] == {"title": "Welcome", "description": "This tour walks through **demo**."}
    assert (steps[1]["file"], steps[1]["line"]) == ("pkg/demo.go", 10)
    assert steps[2]["selection"]["start"]["line"] == 5 and steps[2]["selection"]["end"]["line"] == 8
    assert (steps[3]["file"], steps[3]["line"]) == ("pkg/demo.go", 3)  # where the pattern matched
    assert steps[4] == {"directory": "pkg", "description": "All of the code is here."}
    assert steps[5] == {"uri": "https://example.com/docs", "title": "Docs", "description": "More to read."}
    assert steps[6] == {"description": "That's all."}

    # ... and CodeTour -> k8sread -> CodeTour -> k8sread keeps them all once more.
    again = Pack.create(tmp_path / "again", "again")
    second = import_tour(json.loads(text), tree, again)
    assert len(second.imported) + len(second.texts) == len(TOUR["steps"]) and second.skipped == []


def test_importing_a_tour_again_replaces_it(tmp_path):
    tree = _tree(tmp_path)
    pack = Pack.create(tmp_path / "pack", "pack")
    import_tour(read_tour(_tour_file(tmp_path)), tree, pack)
    shorter = {**TOUR, "steps": TOUR["steps"][:2]}
    import_tour(shorter, tree, Pack.open(pack.root))
    reopened = Pack.open(pack.root)
    trail = Trail.from_pack(reopened)
    assert [s.note_id for s in trail.steps] == ["text:intro-1", "intro-2"]
    assert [n.id for n in reopened.notes_for("pkg/demo.go")] == ["intro-2"]
    assert (pack.root / "pack.toml").read_text().count("[[chapters]]") == 1


def test_line_comments_fold_into_their_notes_step(tmp_path):
    tree = _tree(tmp_path)
    pack = Pack.create(tmp_path / "pack", "pack")
    pack.upsert("pkg/demo.go", Note(id="hello", start=5, end=8, title="Hello", body="Greets."))
    pack.upsert("pkg/demo.go", Note(id="c1", kind=COMMENT, start=7, end=7, body="formats the greeting"))
    pack.upsert("pkg/demo.go", Note(id="c2", kind=COMMENT, start=11, end=11, body="prints it"))
    tour = json.loads(export_tour(Pack.open(pack.root), tree, lang="en")[0])
    by_line = {step["line"]: step for step in tour["steps"]}
    assert by_line[8]["description"] == "Greets.\n\nLine comments:\n- line 7: formats the greeting"
    assert by_line[11] == {"file": "pkg/demo.go", "line": 11, "title": "// prints it", "description": "prints it"}


def test_the_command_exits_0_for_a_whole_tour(tmp_path, capsys):
    tree = _tree(tmp_path)
    code = main(["import", "codetour", str(_tour_file(tmp_path)), "--repo", str(tree.root), "--pack", str(tmp_path / "pack")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "step 1: text step intro-1 (a content step: text, no file)" in out
    assert "step 5: text step intro-5 (on a folder)" in out
    assert "imported 7 of 7 step(s)" in out
