"""The demo tree (k8sread/demo) and its pack (annotations/demo) are shipped data: these tests
hold them to what the reader and the trail expect. The pack is read with tomllib on purpose,
so a broken pack fails here with the TOML error, whatever the Pack class does with it."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_go

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "k8sread" / "demo"
PACK = ROOT / "annotations" / "demo"
LONG_FILE = "staging/src/k8s.io/api/core/v1/generated.pb.go"
MAINS = [
    "cmd/kubectl/kubectl.go",
    "cmd/kube-apiserver/apiserver.go",
    "cmd/kube-scheduler/scheduler.go",
    "cmd/kube-controller-manager/controller-manager.go",
    "cmd/kubelet/kubelet.go",
    "cmd/kube-proxy/proxy.go",
]
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
MAX_NOTE_LINES = 30

_parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))


def go_files() -> list[str]:
    return sorted(p.relative_to(DEMO).as_posix() for p in DEMO.rglob("*.go"))


def parse(rel: str) -> tree_sitter.Tree:
    return _parser.parse((DEMO / rel).read_bytes())


def first_error(node: tree_sitter.Node) -> tree_sitter.Node | None:
    if node.type == "ERROR" or node.is_missing:
        return node
    for child in node.children:
        if child.has_error:
            found = first_error(child)
            if found is not None:
                return found
    return None


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_demo_long_file", ROOT / "bench" / "gen_demo_long_file.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pack_meta() -> dict:
    return tomllib.loads((PACK / "pack.toml").read_text(encoding="utf-8"))


def note_files() -> dict[str, dict]:
    """source path -> parsed notes file, for every <path>.toml of the pack but pack.toml."""
    out = {}
    for path in sorted(PACK.rglob("*.toml")):
        if path == PACK / "pack.toml":
            continue
        source = path.relative_to(PACK).as_posix()[: -len(".toml")]
        out[source] = tomllib.loads(path.read_text(encoding="utf-8"))
    return out


def all_entries() -> list[tuple[str, dict]]:
    return [(source, note) for source, data in note_files().items() for note in data.get("notes", [])]


def all_notes() -> list[tuple[str, dict]]:
    """The notes proper (line comments are checked on their own)."""
    return [(source, note) for source, note in all_entries() if note.get("kind") != "comment"]


def all_comments() -> list[tuple[str, dict]]:
    return [(source, note) for source, note in all_entries() if note.get("kind") == "comment"]


# ---- the tree ---------------------------------------------------------------------------


@pytest.mark.parametrize("rel", go_files())
def test_every_go_file_parses_without_errors(rel):
    tree = parse(rel)
    error = first_error(tree.root_node)
    assert error is None, f"{rel}:{error.start_point[0] + 1}: {error.type} {error.text[:60]!r}"
    assert not tree.root_node.has_error


def test_tree_is_small_but_not_trivial():
    files = go_files()
    assert 20 <= len(files) <= 60
    assert any(f.startswith("pkg/") for f in files)
    assert any(f.startswith("staging/src/k8s.io/") for f in files)
    vendored = [f for f in files if f.startswith("vendor/")]
    assert vendored, "vendor/ needs a package so hiding it can be tested"


def test_go_mod_declares_the_kubernetes_module():
    text = (DEMO / "go.mod").read_text(encoding="utf-8")
    assert re.search(r"^module k8s\.io/kubernetes$", text, re.M)
    assert re.search(r"^go 1\.16$", text, re.M)


@pytest.mark.parametrize("rel", MAINS)
def test_each_command_has_package_main_and_func_main(rel):
    root = parse(rel).root_node
    package = next(c for c in root.children if c.type == "package_clause")
    assert package.named_children[-1].text == b"main"
    functions = [c.child_by_field_name("name").text for c in root.children if c.type == "function_declaration"]
    assert b"main" in functions
    # main calls into the rest of the tree, not just the standard library.
    imports = import_paths(rel)
    assert any(not is_stdlib(path) for path in imports), imports


def import_paths(rel: str) -> list[str]:
    paths = []
    for node in parse(rel).root_node.children:
        if node.type != "import_declaration":
            continue
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "interpreted_string_literal":
                paths.append(current.text.decode()[1:-1])
            stack.extend(current.children)
    return paths


def is_stdlib(import_path: str) -> bool:
    return "." not in import_path.split("/")[0]


def folder_for(import_path: str) -> str:
    # The same rule as Go with the staging replaces of go.mod and a vendor folder.
    if import_path == "k8s.io/kubernetes" or import_path.startswith("k8s.io/kubernetes/"):
        return import_path[len("k8s.io/kubernetes/") :]
    if import_path.startswith("k8s.io/"):
        return "staging/src/" + import_path
    return "vendor/" + import_path


def test_every_non_stdlib_import_resolves_inside_the_tree():
    checked = 0
    for rel in go_files():
        for path in import_paths(rel):
            if is_stdlib(path):
                continue
            folder = DEMO / folder_for(path)
            assert folder.is_dir() and any(folder.glob("*.go")), f"{rel}: import {path!r} has no package at {folder_for(path)}"
            checked += 1
    assert checked >= 40


def test_imports_cross_between_repo_root_staging_and_vendor():
    imports = {path for rel in go_files() for path in import_paths(rel)}
    assert any(p.startswith("k8s.io/kubernetes/pkg/") for p in imports)
    assert any(p.startswith("k8s.io/kubectl/pkg/") for p in imports)
    assert any(p.startswith("github.com/") for p in imports)


def test_go_constructs_the_reader_must_handle_are_present():
    text = "\n".join((DEMO / rel).read_text(encoding="utf-8") for rel in go_files() if rel != LONG_FILE)
    assert re.search(r"^func \(\w+ \*\w+\) \w+\(", text, re.M), "a pointer-receiver method"
    assert re.search(r"^func \(\w+ \w+\) \w+\(", text, re.M), "a value-receiver method"
    assert re.search(r"^func \(\w+\) \w+\(", text, re.M), "a method with an unnamed receiver"
    assert re.search(r"^type \w+ interface \{", text, re.M)
    assert re.search(r"^type \w+ struct \{", text, re.M)
    assert re.search(r"^const \(", text, re.M)
    assert re.search(r"^var \(", text, re.M)
    assert "func (o *ApplyOptions) Run() error" in text


def test_gofmt_style_tabs_and_no_trailing_blanks():
    for rel in go_files():
        for number, line in enumerate((DEMO / rel).read_text(encoding="utf-8").split("\n"), 1):
            assert not re.match(r"^ +\S", line), f"{rel}:{number}: indented with spaces"
            assert line == line.rstrip(), f"{rel}:{number}: trailing whitespace"


def test_gofmt_agrees_when_it_is_installed():
    gofmt = shutil.which("gofmt")
    if gofmt is None:
        pytest.skip("gofmt is not installed; the tabs test above still holds the style")
    result = subprocess.run([gofmt, "-l", str(DEMO)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_cjk_comments_and_a_line_mixing_tabs_with_cjk():
    with_cjk = [rel for rel in go_files() if CJK.search((DEMO / rel).read_text(encoding="utf-8"))]
    assert len(with_cjk) >= 5, with_cjk
    mixed = [(rel, line) for rel in with_cjk for line in (DEMO / rel).read_text(encoding="utf-8").splitlines() if "\t" in line and CJK.search(line)]
    assert mixed
    # A tab after CJK text: the hard case for tab stops with double-width characters.
    assert any(re.search(CJK.pattern + r"[^\t]*\t", line) for _, line in mixed)


def test_nothing_claims_kubernetes_authorship():
    for path in DEMO.rglob("*"):
        if path.is_file():
            assert "The Kubernetes Authors" not in path.read_text(encoding="utf-8"), path


def test_readme_says_it_is_an_original_miniature():
    text = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "original miniature written for k8sread" in text
    assert "not** Kubernetes source" in text


# ---- the long generated file -------------------------------------------------------------


def test_long_file_is_exactly_what_the_generator_writes():
    generator = load_generator()
    expected = generator.generate()
    assert expected == generator.generate(), "the generator must be deterministic"
    committed = (DEMO / LONG_FILE).read_text(encoding="utf-8")
    assert committed == expected, "run bench/gen_demo_long_file.py and commit its output"
    assert generator.OUTPUT == DEMO / LONG_FILE


def test_long_file_is_long_and_looks_generated():
    text = (DEMO / LONG_FILE).read_text(encoding="utf-8")
    assert text.count("\n") >= 5000
    assert text.startswith("// Code generated by ")
    assert "DO NOT EDIT." in text.splitlines()[0]


def test_generator_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    generator = load_generator()
    stale = tmp_path / "generated.pb.go"
    stale.write_text("package v1\n", encoding="utf-8")
    monkeypatch.setattr(generator, "OUTPUT", stale)
    assert generator.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == generator.generate()


def test_generated_messages_match_the_hand_written_structs():
    generator = load_generator()
    types_go = (DEMO / "staging/src/k8s.io/api/core/v1/types.go").read_text(encoding="utf-8")
    for message, fields in generator.SCHEMA:
        body = re.search(rf"^type {message} struct \{{\n(.*?)^\}}", types_go, re.M | re.S)
        assert body, f"types.go has no struct {message}"
        for field, kind, number, _ in fields:
            if kind == "meta":
                assert "metav1.ObjectMeta" in body.group(1), message
                continue
            line = re.search(rf"^\t{field} +\S+ +`[^`]*protobuf:\"\w+,{number},", body.group(1), re.M)
            assert line, f"{message}.{field} with protobuf field {number} is not in types.go"


# ---- the demo pack -----------------------------------------------------------------------


def test_pack_toml_has_the_shared_format():
    meta = pack_meta()
    assert meta["format"] == 1
    assert meta["name"] == "demo"
    assert meta["title"]["zh"] and meta["title"]["en"]
    assert meta["languages"] == ["zh", "en"]
    assert meta["authors"]
    assert meta["license"] == "CC-BY-4.0"
    assert meta["source"] == {
        "repository": "https://github.com/kubernetes/kubernetes",
        "commit": "b68064208b29e5956cdff79a94831b52dc50d89a",
    }


def test_components_map_and_entries():
    meta = pack_meta()
    components = meta["components"]
    assert [c["key"] for c in components] == ["1", "2", "3", "4", "5", "6"]
    ids = [c["id"] for c in components]
    assert meta["map"] == ["kubectl", "kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"]
    assert set(ids) <= set(meta["map"])
    for component in components:
        assert component["title"]["zh"] and component["title"]["en"]
        assert component["entry"] in MAINS
        assert component["entry_symbol"] == "main"
        assert component["entry"].startswith(component["folders"][0] + "/")
        for folder in component["folders"]:
            assert (DEMO / folder).is_dir(), f"{component['id']}: folder {folder} is not in the demo tree"


def owner_of(path: str, components: list[dict]) -> str | None:
    best, owner = 0, None
    for component in components:
        for folder in component["folders"]:
            prefix = folder.rstrip("/") + "/"
            if path.startswith(prefix) and len(prefix) > best:
                best, owner = len(prefix), component["id"]
    return owner


def test_chapters_follow_the_components_and_every_step_is_a_note():
    meta = pack_meta()
    notes = {note["id"]: source for source, note in all_notes()}
    chapters = meta["chapters"]
    assert [c["component"] for c in chapters] == [c["id"] for c in meta["components"]]
    steps = [step for chapter in chapters for step in chapter["steps"]]
    assert len(steps) == len(set(steps)), "a note appears twice in the trail"
    assert set(steps) <= set(notes), sorted(set(steps) - set(notes))
    for chapter in chapters:
        assert chapter["title"]["zh"] and chapter["title"]["en"]
        assert len(chapter["steps"]) >= 2, f"{chapter['component']} needs at least two notes"
        for step in chapter["steps"]:
            assert owner_of(notes[step], meta["components"]) == chapter["component"], (step, notes[step])
        # Each chapter opens at its component's entry point.
        entry = next(c["entry"] for c in meta["components"] if c["id"] == chapter["component"])
        assert notes[chapter["steps"][0]] == entry


def test_note_files_mirror_source_paths():
    files = note_files()
    assert len(files) >= 15
    for source, data in files.items():
        assert data["format"] == 1
        assert data["file"] == source
        assert (DEMO / source).is_file(), f"notes on {source}, which is not in the demo tree"
        assert data["notes"]


def test_line_comments_are_bilingual_one_line_and_inside_a_note():
    comments = all_comments()
    assert comments, "the demo shows line comments (README screenshot)"
    notes = all_notes()
    ids = [note["id"] for _, note in all_entries()]
    assert len(ids) == len(set(ids))
    for source, comment in comments:
        start, end = comment["lines"]
        assert start == end and "title" not in comment
        assert set(comment["body"]) == {"zh", "en"} and all("\n" not in text.strip() for text in comment["body"].values())
        assert CJK.search(comment["body"]["zh"]), comment["id"]
        assert any(src == source and n["lines"][0] <= start <= n["lines"][1] for src, n in notes), comment["id"]


def test_every_note_is_bilingual_and_well_formed():
    notes = all_notes()
    assert 15 <= len(notes) <= 25
    ids = [note["id"] for _, note in notes]
    assert len(ids) == len(set(ids))
    for _source, note in notes:
        assert re.fullmatch(r"demo-[A-Za-z0-9._-]+", note["id"]), note["id"]
        for field in ("title", "body"):
            assert set(note[field]) == {"zh", "en"}, (note["id"], field)
            assert note[field]["zh"].strip() and note[field]["en"].strip()
        assert CJK.search(note["body"]["zh"]), note["id"]
        assert note["author"] and note["tags"]
        assert note["created"] <= note["updated"]


def test_every_note_range_is_inside_its_file():
    for source, note in all_notes():
        start, end = note["lines"]
        line_count = len((DEMO / source).read_text(encoding="utf-8").splitlines())
        assert 1 <= start <= end <= line_count, (note["id"], start, end, line_count)
        assert end - start + 1 <= MAX_NOTE_LINES, (note["id"], "longer than", MAX_NOTE_LINES)


def test_every_note_covers_the_code_it_names():
    # A note's symbol is declared inside its range, or the range lies inside that declaration.
    for source, note in all_notes():
        start, end = note["lines"]
        name = note["symbol"].rpartition(".")[2]
        spans = [
            (node.start_point[0] + 1, node.end_point[0] + 1)
            for node in parse(source).root_node.children
            if node.type in ("function_declaration", "method_declaration") and node.child_by_field_name("name").text.decode() == name
        ]
        assert spans, f"{note['id']}: no declaration of {name} in {source}"
        assert any(start <= s <= end or s <= start <= e for s, e in spans), (note["id"], spans, (start, end))
