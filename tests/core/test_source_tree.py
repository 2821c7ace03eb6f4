"""SourceTree against real folders and real git repositories in tmp dirs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from k8sread.core import source_tree as st
from k8sread.core.errors import K8sreadError, PathEscapeError
from k8sread.core.source_tree import SourceTree, is_kubernetes_checkout


def write(root: Path, rel: str, data: str | bytes = "x\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)
    return path


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def make_tree(root: Path) -> Path:
    for rel in ["go.mod", "cmd/kube-apiserver/apiserver.go", "pkg/kubelet/kubelet.go", "vendor/github.com/x/y.go", "_output/bin/kubelet", "README.md"]:
        write(root, rel)
    return root


def commit_all(root: Path) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "c")
    return git(root, "rev-parse", "HEAD")


VISIBLE = ["README.md", "cmd/kube-apiserver/apiserver.go", "go.mod", "pkg/kubelet/kubelet.go"]
ALL = ["README.md", "_output/bin/kubelet", "cmd/kube-apiserver/apiserver.go", "go.mod", "pkg/kubelet/kubelet.go", "vendor/github.com/x/y.go"]


# ---- opening -------------------------------------------------------------------------


def test_open_refuses_missing_path_and_files(tmp_path):
    with pytest.raises(K8sreadError, match="no such folder"):
        SourceTree.open(tmp_path / "nope")
    write(tmp_path, "file.txt")
    with pytest.raises(K8sreadError, match="not a folder"):
        SourceTree.open(tmp_path / "file.txt")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_open_refuses_unreadable_folder(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        with pytest.raises(K8sreadError, match="cannot read"):
            SourceTree.open(locked)
    finally:
        locked.chmod(0o755)


def test_open_resolves_root_and_names_it(tmp_path):
    make_tree(tmp_path / "kubernetes")
    (tmp_path / "link").symlink_to(tmp_path / "kubernetes")
    tree = SourceTree.open(tmp_path / "link")
    assert tree.root == (tmp_path / "kubernetes").resolve()
    assert tree.name == "kubernetes"


# ---- listing -------------------------------------------------------------------------


def test_listing_without_git_hides_vendor_output_and_git(tmp_path):
    root = make_tree(tmp_path / "t")
    write(root, ".git/config")  # a stray .git folder where git is not usable: still not source
    tree = SourceTree.open(root)
    assert not tree.is_git
    assert tree.commit is None
    assert tree.list_files() == VISIBLE
    assert tree.list_files(include_hidden=True) == ALL


def test_listing_with_git_uses_the_index(tmp_path):
    root = make_tree(tmp_path / "t")
    git(root, "init", "-q")
    head = commit_all(root)
    write(root, "untracked.go")  # git ls-files lists what is tracked
    tree = SourceTree.open(root)
    assert tree.is_git
    assert tree.commit == head
    assert tree.list_files() == VISIBLE
    assert tree.list_files(include_hidden=True) == ALL


def test_listing_is_cached_until_refresh(tmp_path):
    root = make_tree(tmp_path / "t")
    tree = SourceTree.open(root)
    first = tree.list_files()
    write(root, "pkg/new.go")
    assert tree.list_files() is first
    tree.refresh()
    assert "pkg/new.go" in tree.list_files()


def test_git_paths_with_spaces_and_unicode_are_not_quoted(tmp_path):
    root = tmp_path / "t"
    write(root, "docs/a b.md")
    write(root, "docs/中文.md")
    write(root, 'docs/q"uote.md')
    git(root, "init", "-q")
    commit_all(root)
    assert SourceTree.open(root).list_files() == ["docs/a b.md", 'docs/q"uote.md', "docs/中文.md"]


def test_tree_inside_a_bigger_repository_lists_only_itself(tmp_path):
    outer = tmp_path / "k8sread"
    write(outer, "pyproject.toml")
    write(outer, "k8sread/cli.py")
    make_tree(outer / "k8sread" / "demo")
    git(outer, "init", "-q")
    commit_all(outer)
    write(outer, "k8sread/demo/pkg/not_committed_yet.go")
    tree = SourceTree.open(outer / "k8sread" / "demo")
    assert tree.is_git
    assert tree.commit is None  # the enclosing repo's HEAD says nothing about this subtree
    assert tree.list_files() == ["README.md", "cmd/kube-apiserver/apiserver.go", "go.mod", "pkg/kubelet/kubelet.go", "pkg/not_committed_yet.go"]


def test_tree_ignored_by_an_enclosing_repository_is_walked(tmp_path):
    outer = tmp_path / "home"
    write(outer, ".gitignore", "src/\n")
    git(outer, "init", "-q")
    commit_all(outer)
    root = make_tree(outer / "src" / "kubernetes")
    assert SourceTree.open(root).list_files() == VISIBLE


def test_walk_survives_symlink_loops_and_keeps_links_inside(tmp_path):
    root = make_tree(tmp_path / "t")
    outside = tmp_path / "outside"
    write(outside, "secret.go")
    (root / "pkg" / "loop").symlink_to(root / "pkg")  # pkg/loop -> pkg
    (root / "a").mkdir()
    (root / "b").mkdir()
    (root / "a" / "to_b").symlink_to(root / "b")  # a/to_b -> b, b/to_a -> a
    (root / "b" / "to_a").symlink_to(root / "a")
    write(root, "b/real.go")
    (root / "staging").symlink_to(root / "cmd")  # inside the tree: followed
    (root / "escape").symlink_to(outside)  # outside: not followed
    files = SourceTree.open(root).list_files()
    assert "pkg/kubelet/kubelet.go" in files
    assert not any(f.startswith("pkg/loop/") for f in files)
    assert "a/to_b/real.go" in files and "b/real.go" in files
    assert not any("to_b/to_a" in f or "to_a/to_b" in f for f in files)
    assert "staging/kube-apiserver/apiserver.go" in files
    assert not any(f.startswith("escape") for f in files)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder, so chmod cannot make one unreadable")
def test_walk_skips_unreadable_folders(tmp_path):
    root = make_tree(tmp_path / "t")
    write(root, "private/hidden.go")
    (root / "private").chmod(0)
    try:
        assert SourceTree.open(root).list_files() == VISIBLE
    finally:
        (root / "private").chmod(0o755)


# ---- reading -------------------------------------------------------------------------


def test_read_text_plain_utf8(tmp_path):
    write(tmp_path, "a.go", "package a\n// 中文\n")
    source = SourceTree.open(tmp_path).read_text("a.go")
    assert source.text == "package a\n// 中文\n"
    assert source.lines() == ["package a", "// 中文"]
    assert (source.lossy, source.binary, source.too_big_to_highlight) == (False, False, False)
    assert source.size == len("package a\n// 中文\n".encode())


def test_read_text_strips_bom_and_normalises_crlf(tmp_path):
    write(tmp_path, "w.go", b"\xef\xbb\xbfpackage w\r\n\r\nfunc f() {}\r\n")
    source = SourceTree.open(tmp_path).read_text("w.go")
    assert source.text == "package w\n\nfunc f() {}\n"
    assert source.line_count == 3


def test_lines_do_not_split_on_form_feed_or_line_separator(tmp_path):
    write(tmp_path, "f.go", "a\x0cb\nc\u2028d\n")
    assert SourceTree.open(tmp_path).read_text("f.go").lines() == ["a\x0cb", "c\u2028d"]


def test_read_text_flags_undecodable_bytes(tmp_path):
    write(tmp_path, "latin1.txt", b"caf\xe9\nok\n")
    source = SourceTree.open(tmp_path).read_text("latin1.txt")
    assert source.lossy
    assert source.text == "caf\ufffd\nok\n"
    assert not source.binary


def test_read_text_detects_binary(tmp_path):
    write(tmp_path, "bin/kubelet", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64)
    source = SourceTree.open(tmp_path).read_text("bin/kubelet")
    assert source.binary
    assert source.text == ""
    assert source.size == 72


def test_read_text_nul_after_sniff_window_is_text(tmp_path):
    write(tmp_path, "late.txt", b"a" * st.BINARY_SNIFF + b"\x00")
    assert not SourceTree.open(tmp_path).read_text("late.txt").binary


def test_size_caps(tmp_path, monkeypatch):
    write(tmp_path, "big.go", "// line\n" * 200)  # 1600 bytes
    tree = SourceTree.open(tmp_path)
    monkeypatch.setattr(st, "HIGHLIGHT_CAP", 1000)
    big = tree.read_text("big.go")
    assert big.too_big_to_highlight and not big.binary and big.line_count == 200
    monkeypatch.setattr(st, "READ_CAP", 1500)
    with pytest.raises(K8sreadError, match="too big to open"):
        tree.read_text("big.go")


def test_read_text_clear_errors(tmp_path):
    make_tree(tmp_path)
    tree = SourceTree.open(tmp_path)
    with pytest.raises(K8sreadError, match="no such file"):
        tree.read_text("pkg/nope.go")
    with pytest.raises(K8sreadError, match="folder, not a file"):
        tree.read_text("pkg")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(K8sreadError, match="not a regular file"):
        tree.read_text("fifo")


# ---- staying inside ------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["../outside.go", "pkg/../../outside.go", "/etc/passwd", "", "a\0b"])
def test_resolve_refuses_paths_leaving_the_tree(tmp_path, bad):
    write(tmp_path, "outside.go")
    root = make_tree(tmp_path / "t")
    with pytest.raises(PathEscapeError):
        SourceTree.open(root).read_text(bad)


def test_resolve_refuses_symlinks_out_and_allows_links_within(tmp_path):
    write(tmp_path, "secret.txt", "secret\n")
    root = make_tree(tmp_path / "t")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "outdir").symlink_to(tmp_path)
    (root / "alias.go").symlink_to(root / "pkg" / "kubelet" / "kubelet.go")
    tree = SourceTree.open(root)
    with pytest.raises(PathEscapeError, match="symlink"):
        tree.read_text("leak.txt")
    with pytest.raises(PathEscapeError):
        tree.read_text("outdir/secret.txt")
    assert tree.read_text("alias.go").text == "x\n"
    assert tree.resolve("./pkg/kubelet/kubelet.go") == root.resolve() / "pkg/kubelet/kubelet.go"


def test_path_escape_error_is_a_k8sread_error():
    assert issubclass(PathEscapeError, K8sreadError)


# ---- kubernetes checkout detection ---------------------------------------------------


def test_is_kubernetes_checkout(tmp_path):
    root = make_tree(tmp_path / "k")
    assert not is_kubernetes_checkout(root)  # go.mod without the module line
    write(root, "go.mod", "// generated\n\nmodule k8s.io/kubernetes\n\ngo 1.16\n")
    assert is_kubernetes_checkout(root)
    write(root, "go.mod", "module k8s.io/kubernetes-fork\n")
    assert not is_kubernetes_checkout(root)
    write(root, "go.mod", "module k8s.io/kubernetes\n")
    (root / "cmd" / "kube-apiserver" / "apiserver.go").unlink()
    (root / "cmd" / "kube-apiserver").rmdir()
    assert not is_kubernetes_checkout(root)


def test_git_checkout_opens_without_git_installed(tmp_path, monkeypatch):
    root = make_tree(tmp_path / "t")
    git(root, "init", "-q")
    commit_all(root)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    tree = SourceTree.open(root)
    assert (tree.is_git, tree.commit) == (False, None)
    assert tree.list_files() == VISIBLE


def test_repository_without_commits_is_walked(tmp_path):
    root = make_tree(tmp_path / "t")
    git(root, "init", "-q")
    tree = SourceTree.open(root)
    assert tree.is_git and tree.commit is None
    assert tree.list_files() == VISIBLE


def test_hidden_toggle_gives_the_same_lists_in_either_order(tmp_path):
    root = make_tree(tmp_path / "t")
    first_all = SourceTree.open(root)
    first_visible = SourceTree.open(root)
    assert first_all.list_files(include_hidden=True) == ALL
    assert first_all.list_files() == VISIBLE
    assert first_visible.list_files() == VISIBLE
    assert first_visible.list_files(include_hidden=True) == ALL
