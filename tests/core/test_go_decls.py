"""The fast declaration scanner against a plain line-by-line reading, and the finder's caches."""

from __future__ import annotations

import re

from k8sread.core.definitions import DefinitionFinder, Reference
from k8sread.core.go_decls import import_specs, scan, scan_raw

SAMPLE = """func atOffsetZero() {}
// Package demo is not gofmt'd at the top on purpose: a declaration on line 1.
package demo

import "fmt"

import (
	"os"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
)

const ()

func afterEmptyBlock() {}

type (
	Pod struct {
		Name string
	}
	podList []Pod
)

var (
	a, b, _ = 1, 2, 3
	// comment inside a block
	c = fmt.Sprint(os.Args)
)

func (p *Pod) Start() error { return kerrors.NewBadRequest("x") }

func (l podList) Len() int {
	x := func() {}
	_ = x
	return len(l)
}

type Single int
var Global = 1
const Limit = 10
"""


def line_reading(text: str) -> list[tuple[str, str, int]]:
    """(name, kind, line) the slow obvious way, to check the regex scan against."""
    found = []
    block = None
    for number, line in enumerate(text.splitlines(), 1):
        if block:
            if line.startswith(")"):
                block = None
            elif re.match(r"\t\w", line):
                names = re.match(r"\t(\w+(?:\s*,\s*\w+)*)", line).group(1)
                found += [(n.strip(), block, number) for n in names.split(",") if n.strip() != "_"]
            continue
        if m := re.match(r"func \((?:\w+ )?(\*?)(\w+)\) (\w+)", line):
            found.append((f"({m.group(1)}{m.group(2)}).{m.group(3)}", "method", number))
        elif m := re.match(r"func (\w+)", line):
            found.append((m.group(1), "func", number))
        elif m := re.match(r"(type|var|const) \((.*)$", line):
            if not m.group(2).strip().startswith(")"):
                block = m.group(1)
        elif m := re.match(r"(type|var|const) (\w+)", line):
            found.append((m.group(2), m.group(1), number))
    return found


def test_scan_matches_a_line_by_line_reading():
    got = [(d.name, d.kind, d.line) for d in scan(SAMPLE.encode())]
    assert got == line_reading(SAMPLE)
    names = [name for name, _, _ in got]
    assert names[0] == "atOffsetZero"  # a match at byte 0, before any newline
    assert "afterEmptyBlock" in names  # `const ()` closes on its own line
    assert {"Pod", "podList", "a", "b", "c", "(*Pod).Start", "(podList).Len", "Single", "Global", "Limit"} <= set(names)
    assert "Name" not in names and "x" not in names and "_" not in names


def test_scan_raw_is_scan_as_tuples():
    assert [(d.name, d.short, d.kind, d.line, d.receiver) for d in scan(SAMPLE.encode())] == scan_raw(SAMPLE.encode())
    assert ("(*Pod).Start", "Start", "method", 29, "Pod") in scan_raw(SAMPLE.encode())


def test_scan_on_windows_line_endings_and_empty_input():
    assert scan_raw(b"") == []
    assert [(d.name, d.line) for d in scan(b"package x\r\n\r\nfunc F() {}\r\n")] == [("F", 3)]


def test_import_specs_single_and_block_and_at_offset_zero():
    assert import_specs(SAMPLE.encode()) == [(None, "fmt"), (None, "os"), ("kerrors", "k8s.io/apimachinery/pkg/api/errors")]
    assert import_specs(b'import "strings"\n') == [(None, "strings")]


def _tree(tmp_path):
    files = {
        "pkg/a/a.go": 'package a\n\nimport (\n\t"k8s.io/kubernetes/pkg/b"\n)\n\nvar _ = b.Thing\n',
        "pkg/b/b.go": "package b\n\nvar Thing = 1\n",
        "pkg/c/c.go": "package c\n\nvar Thing = 2\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def test_finder_rereads_imports_when_the_source_changes(tmp_path):
    root = _tree(tmp_path)
    finder = DefinitionFinder(root)
    before = (root / "pkg/a/a.go").read_bytes()
    assert [loc.path for loc in finder.find("pkg/a/a.go", before, Reference("Thing", "b"))] == ["pkg/b/b.go"]
    # Same path, edited in the buffer: b is now pkg/c (aliased).
    after = before.replace(b'\t"k8s.io/kubernetes/pkg/b"', b'\tb "k8s.io/kubernetes/pkg/c"')
    assert [loc.path for loc in finder.find("pkg/a/a.go", after, Reference("Thing", "b"))] == ["pkg/c/c.go"]


def test_finder_sees_files_added_to_and_removed_from_a_package(tmp_path):
    root = _tree(tmp_path)
    finder = DefinitionFinder(root)
    source = (root / "pkg/a/a.go").read_bytes()
    assert finder.find("pkg/a/a.go", source, Reference("Other", "b")) == []
    (root / "pkg/b/other.go").write_text("package b\n\n\nfunc Other() {}\n")
    (root / "pkg/b/other_test.go").write_text("package b\n\nfunc Other() {}\n")
    (root / "pkg/b/dir.go").mkdir()  # a folder named like a Go file is not read
    assert [(loc.path, loc.line) for loc in finder.find("pkg/a/a.go", source, Reference("Other", "b"))] == [("pkg/b/other.go", 4)]
    (root / "pkg/b/other.go").unlink()
    assert finder.find("pkg/a/a.go", source, Reference("Other", "b")) == []
