"""Tree search gives the same matches whichever backend runs it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from k8sread.core.errors import K8sreadError
from k8sread.core.search import Query, backend, group_by_file, search

BACKENDS = [b for b in ("rg", "git", "python") if b == "python" or shutil.which(b)]


@pytest.fixture
def tree(tmp_path):
    files = {
        "pkg/a/run.go": "package a\n\nfunc Run() error {\n\treturn nil\n}\n\nfunc RunAll() {\n\tRun()\n}\n",
        "pkg/b/other.go": "package b\n\n// run is lower case here; 运行 in Chinese\nvar rerun = 1\n",
        "docs/readme.md": "Run the thing.\n",
        "vendor/x/run.go": "package x\n\nfunc Run() {}\n",
        "bin/blob.go": "Run\0binary",
    }
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    return tmp_path


def found(root, query, use):
    return sorted((m.path, m.line) for m in search(root, query, use=use))


@pytest.mark.parametrize("use", BACKENDS)
def test_plain_text_smart_case(tree, use):
    assert found(tree, Query("Run()"), use) == [("pkg/a/run.go", 3), ("pkg/a/run.go", 8)]
    lower = found(tree, Query("run"), use)
    assert ("pkg/b/other.go", 3) in lower and ("docs/readme.md", 1) in lower and ("pkg/a/run.go", 7) in lower


@pytest.mark.parametrize("use", BACKENDS)
def test_word_boundary_go_only_is_references(tree, use):
    refs = found(tree, Query("Run", word=True, go_only=True, case_sensitive=True), use)
    assert refs == [("pkg/a/run.go", 3), ("pkg/a/run.go", 8)]


@pytest.mark.parametrize("use", BACKENDS)
def test_regex_and_cjk(tree, use):
    assert found(tree, Query(r"func Run\w*\(", regex=True), use) == [("pkg/a/run.go", 3), ("pkg/a/run.go", 7)]
    assert found(tree, Query("运行"), use) == [("pkg/b/other.go", 3)]


@pytest.mark.parametrize("use", BACKENDS)
def test_vendor_hidden_unless_asked(tree, use):
    assert not any(p.startswith("vendor/") for p, _ in found(tree, Query("Run"), use))
    assert ("vendor/x/run.go", 3) in found(tree, Query("Run", include_hidden=True), use)


@pytest.mark.parametrize("use", BACKENDS)
def test_binary_files_skipped(tree, use):
    assert not any(p == "bin/blob.go" for p, _ in found(tree, Query("Run"), use))


def test_bad_regex_is_a_clear_error(tree):
    with pytest.raises(K8sreadError, match="invalid regular expression"):
        list(search(tree, Query("(unclosed", regex=True)))


def test_stopping_early_kills_the_search(tree):
    stream = search(tree, Query("Run"))
    first = next(stream)
    stream.close()
    assert first.path


def test_grouping_keeps_file_order():
    from k8sread.core.search import Match

    grouped = group_by_file([Match("b.go", 1, ""), Match("a.go", 2, ""), Match("b.go", 5, "")])
    assert list(grouped) == ["b.go", "a.go"] and [m.line for m in grouped["b.go"]] == [1, 5]


def test_backend_preference(tree, tmp_path):
    assert backend(tree) in ("rg", "git")
