"""CodeTour export (checked against the published schema's required fields and types) and
import by line, selection and pattern, with unusable steps reported."""

from __future__ import annotations

import json

import pytest

from k8sread.core.codetour import export_tour, import_tour, read_tour, tour_problems
from k8sread.core.errors import K8sreadError
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.source_tree import SourceTree

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

PACK_TOML = """format = 1
name = "demo-tour"
title = "Demo tour"
description = "A walk."
[source]
repository = "https://github.com/kubernetes/kubernetes"
commit = "2222222222222222222222222222222222222222"
[[components]]
id = "demo"
title = "Demo"
folders = ["pkg"]
[[chapters]]
component = "demo"
title = "Demo"
steps = ["main", "hello", "orphan"]
"""


def schema_check(tour) -> list[str]:
    """The schema's structure, written out independently of the code under test:
    required title and steps; each step an object with a string description; typed fields."""
    errors = []
    if not isinstance(tour, dict):
        return ["not an object"]
    for key, kind in (("title", str), ("steps", list)):
        if not isinstance(tour.get(key), kind):
            errors.append(f"{key}: required {kind.__name__}")
    for key in ("description", "ref"):
        if key in tour and not isinstance(tour[key], str):
            errors.append(key)
    number = (int, float)
    for i, step in enumerate(tour.get("steps", [])):
        if not isinstance(step, dict) or not isinstance(step.get("description"), str):
            errors.append(f"step {i}: description")
            continue
        for key in ("file", "directory", "uri", "title"):
            if key in step and not isinstance(step[key], str):
                errors.append(f"step {i}: {key}")
        if "line" in step and (isinstance(step["line"], bool) or not isinstance(step["line"], number)):
            errors.append(f"step {i}: line")
        if "selection" in step:
            for end in ("start", "end"):
                pos = step["selection"].get(end)
                if not (isinstance(pos, dict) and isinstance(pos.get("line"), number) and isinstance(pos.get("character"), number)):
                    errors.append(f"step {i}: selection.{end}")
        unknown = set(step) - {"file", "directory", "view", "uri", "line", "title", "description", "selection", "commands", "pattern"}
        if unknown:
            errors.append(f"step {i}: unknown {unknown}")
    return errors


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "demo.go").write_text(GO)
    (root / "pkg" / "sub").mkdir()
    return SourceTree.open(root)


@pytest.fixture
def pack(tmp_path):
    root = tmp_path / "pack"
    root.mkdir()
    (root / "pack.toml").write_text(PACK_TOML)
    pack = Pack.open(root)
    pack.upsert("pkg/demo.go", Note(id="hello", start=5, end=8, title="Hello", body="Greets **by name**."))
    pack.upsert("pkg/demo.go", Note(id="main", start=10, end=10, title="main", body="Entry."))
    pack.upsert("pkg/gone.go", Note(id="orphan", start=1, end=1, title="gone"))
    return Pack.open(root)


def test_export_follows_the_schema_and_the_trail(pack, tree):
    text, _doc, left_out = export_tour(pack, tree, lang="en", trail_only=True)
    tour = json.loads(text)
    assert schema_check(tour) == [] and tour_problems(tour) == []
    assert tour["title"] == "Demo tour" and tour["description"] == "A walk."
    assert tour["ref"] == "2222222222222222222222222222222222222222"  # no git: the pack's commit
    assert [(s["file"], s["line"], s["title"]) for s in tour["steps"]] == [("pkg/demo.go", 10, "main"), ("pkg/demo.go", 8, "Hello")]
    assert "selection" not in tour["steps"][0]
    assert tour["steps"][1]["selection"] == {"start": {"line": 5, "character": 1}, "end": {"line": 8, "character": 2}}
    assert tour["steps"][1]["description"] == "Greets **by name**."
    assert len(left_out) == 1 and "orphan" in left_out[0]


def test_the_structural_check_catches_broken_tours():
    assert schema_check({"steps": []}) and tour_problems({"steps": []})
    bad_step = {"title": "t", "steps": [{"file": "a", "line": "3", "description": "d"}]}
    assert schema_check(bad_step) and tour_problems(bad_step)
    assert tour_problems({"title": "t", "steps": [{"description": "d", "selection": {"start": {"line": 1}}}]})


def write_tour(tmp_path, steps, **extra):
    path = tmp_path / "t.tour"
    path.write_text(json.dumps({"title": "Getting Started!", "steps": steps, **extra}))
    return path


def test_import_by_line_selection_and_pattern(tmp_path, tree):
    steps = [
        {"file": "pkg/demo.go", "line": 10, "title": "Main", "description": "The entry."},
        {"file": "./pkg/demo.go", "selection": {"start": {"line": 5, "character": 1}, "end": {"line": 8, "character": 2}}, "description": "## Hello\nGreets."},
        {"file": "pkg\\demo.go", "pattern": "^func main\\(\\)", "description": "By pattern."},
        {"file": "pkg/demo.go", "selection": {"start": {"line": 3, "character": 1}, "end": {"line": 5, "character": 1}}, "description": "Ends at column 1."},
    ]
    target = Pack.create(tmp_path / "target", "target")
    report = import_tour(read_tour(write_tour(tmp_path, steps)), tree, target, author="me")
    assert report.skipped == []
    got = [(i.step, i.how, i.note.id, i.note.start, i.note.end, i.note.title) for i in report.imported]
    assert got == [
        (1, "line", "getting-started-1", 10, 10, "Main"),
        (2, "selection", "getting-started-2", 5, 8, "Hello"),
        (3, "pattern", "getting-started-3", 10, 10, "By pattern."),
        (4, "selection", "getting-started-4", 3, 4, "Ends at column 1."),
    ]
    notes = {n.id: n for n in Pack.open(target.root).notes_for("pkg/demo.go")}
    assert notes["getting-started-2"].body == "## Hello\nGreets."
    assert notes["getting-started-2"].tags == ("codetour",) and notes["getting-started-2"].author == "me"
    assert [notes[f"getting-started-{i}"].trail for i in range(1, 5)] == [1, 2, 3, 4]
    assert notes["getting-started-1"].anchor.get("fingerprint")  # anchored like any new note


def test_unusable_steps_are_reported_not_dropped(tmp_path, tree):
    steps = [
        {"directory": "pkg/sub", "description": "A folder."},
        {"file": "pkg/missing.go", "line": 1, "description": "Gone."},
        {"file": "pkg/demo.go", "line": 99, "description": "Past the end."},
        {"file": "pkg/demo.go", "pattern": "nothing like this", "description": "No match."},
        {"file": "pkg/demo.go", "pattern": "([", "description": "Bad regex."},
        {"description": "Just text."},
        {"uri": "https://example.com", "description": "A link."},
        {"file": "../outside.go", "line": 1, "description": "Escapes."},
        {"file": "pkg/demo.go", "line": 1, "description": "Fine."},
    ]
    target = Pack.create(tmp_path / "target", "target")
    report = import_tour(read_tour(write_tour(tmp_path, steps)), tree, target)
    assert [i.step for i in report.imported] == [9]
    reasons = {s.step: s.reason for s in report.skipped}
    assert sorted(reasons) == [2, 3, 4, 5, 8]
    assert "missing.go" in reasons[2] and "past the end" in reasons[3]
    assert "matches nothing" in reasons[4] and "not a regular expression" in reasons[5] and "'..'" in reasons[8]
    # A folder, text alone and a URI are parts of a tour: text steps, not skipped.
    assert [(t.step, t.kind) for t in report.texts] == [(1, "directory"), (6, "content"), (7, "uri")]


def test_round_trip_export_then_import(pack, tree, tmp_path):
    text, _, _ = export_tour(pack, tree, lang="en")
    path = tmp_path / "round.tour"
    path.write_text(text)
    target = Pack.create(tmp_path / "again", "again")
    report = import_tour(read_tour(path), tree, target)
    assert [(i.note.start, i.note.end, i.note.title) for i in report.imported] == [(10, 10, "main"), (5, 8, "Hello")]


def test_not_a_tour(tmp_path):
    bad = tmp_path / "bad.tour"
    bad.write_text("{ not json")
    with pytest.raises(K8sreadError, match=r"bad\.tour:1:3: not valid JSON"):
        read_tour(bad)
    bad.write_text(json.dumps({"steps": []}))
    with pytest.raises(K8sreadError, match="not a CodeTour file: title"):
        read_tour(bad)
    with pytest.raises(K8sreadError, match="no such file"):
        read_tour(tmp_path / "none.tour")


# ---- a tour from anyone (issue 15, item 7) --------------------------------------------------


def test_nan_and_infinite_line_numbers_are_refused_before_anything_is_written(tmp_path, tree):
    """`line: NaN` and `1e400` (infinity to JSON) made int() raise a traceback, after the
    earlier steps had already been written."""
    target = Pack.create(tmp_path / "target", "target")
    for bad in ("NaN", "1e400", "-Infinity", "1e300"):
        path = tmp_path / "bad.tour"
        steps = '[{"file": "pkg/demo.go", "line": 3, "description": "ok"}, {"file": "pkg/demo.go", "line": ' + bad + ', "description": "bad"}]'
        path.write_text('{"title": "t", "steps": ' + steps + "}")
        with pytest.raises(K8sreadError, match="step 2: line must be a number"):
            read_tour(path)
        with pytest.raises(K8sreadError, match="step 2: line must be a number"):
            import_tour(json.loads(path.read_text()), tree, target)
    selection = {"start": {"line": 1, "character": float("nan")}, "end": {"line": 2, "character": 1}}
    with pytest.raises(K8sreadError, match="selection"):
        import_tour(
            {
                "title": "t",
                "steps": [{"file": "pkg/demo.go", "line": 3, "description": "ok"}, {"file": "pkg/demo.go", "selection": selection, "description": "x"}],
            },
            tree,
            target,
        )
    assert Pack.open(target.root).files() == []


def test_a_deeply_nested_tour_is_a_message(tmp_path):
    path = tmp_path / "deep.tour"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(K8sreadError, match="nested too deeply"):
        read_tour(path)


def test_a_catastrophic_pattern_is_given_up_and_the_rest_imported(tmp_path):
    """`^(\\s*\\S+)*@` backtracks exponentially on a line of words without '@' (30 words: minutes).
    It runs in a child process killed after PATTERN_SECONDS; the step is skipped with that
    reason, the other steps are imported, and the reader's process is never stuck."""
    from k8sread.core import codetour

    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "words.go").write_text("package words\n\n// " + " ".join(["ab"] * 30) + "\nfunc W() {}\n")
    tree = SourceTree.open(root)
    target = Pack.create(tmp_path / "target", "target")
    steps = [
        {"file": "pkg/words.go", "line": 4, "description": "before"},
        {"file": "pkg/words.go", "pattern": r"^(\s*\S+)*@", "description": "hostile"},
        {"file": "pkg/words.go", "pattern": r"^func W", "description": "after"},
    ]
    report = import_tour({"title": "t", "steps": steps}, tree, target)
    assert [(i.step, i.note.start) for i in report.imported] == [(1, 4), (3, 4)]
    (skipped,) = report.skipped
    assert skipped.step == 2 and f"took over {codetour.PATTERN_SECONDS:g} s" in skipped.reason


def test_every_step_is_placed_before_the_first_note_is_written(tmp_path, tree, monkeypatch):
    """Patterns are searched and files read for the whole tour first: a tour that fails or is
    interrupted half-way leaves the pack as it was."""
    from k8sread.core import codetour

    events: list[str] = []
    real_search = codetour._search_limited
    monkeypatch.setattr(codetour, "_search_limited", lambda *args: events.append("search") or real_search(*args))
    target = Pack.create(tmp_path / "target", "target")
    real_upsert = Pack.upsert
    monkeypatch.setattr(Pack, "upsert", lambda self, *args, **kwargs: events.append("write") or real_upsert(self, *args, **kwargs))
    steps = [
        {"file": "pkg/demo.go", "line": 3, "description": "one"},
        {"file": "pkg/demo.go", "pattern": "^func main", "description": "two"},
        {"file": "pkg/demo.go", "line": 5, "description": "three"},
        {"file": "pkg/demo.go", "pattern": "^func Hello", "description": "four"},
    ]
    report = import_tour({"title": "t", "steps": steps}, tree, target)
    assert len(report.imported) == 4
    assert events == ["search", "search", "write", "write", "write", "write"]


def test_a_tour_of_too_many_steps_or_a_huge_pattern_is_refused(tmp_path, tree):
    from k8sread.core.codetour import MAX_PATTERN_CHARS, MAX_TOUR_STEPS

    target = Pack.create(tmp_path / "target", "target")
    many = {"title": "t", "steps": [{"description": "d"}] * (MAX_TOUR_STEPS + 1)}
    with pytest.raises(K8sreadError, match=f"over the {MAX_TOUR_STEPS}"):
        import_tour(many, tree, target)
    huge = {"title": "t", "steps": [{"file": "pkg/demo.go", "pattern": "(" * (MAX_PATTERN_CHARS + 1), "description": "d"}]}
    with pytest.raises(K8sreadError, match="pattern is over"):
        import_tour(huge, tree, target)
