"""Which tree opens, and the state file that remembers the last one."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from k8sread.core import paths, tree_choice
from k8sread.core.errors import K8sreadError
from k8sread.core.state import load_state, state_path, update_state
from k8sread.core.tree_choice import DEMO_BANNER, add_repo_argument, choose_tree, last_tree, remember_tree, tree_from_args


def kubernetes_checkout(root: Path) -> Path:
    (root / "cmd" / "kube-apiserver").mkdir(parents=True)
    (root / "cmd" / "kube-apiserver" / "apiserver.go").write_text("package main\n")
    (root / "go.mod").write_text("// generated\nmodule k8s.io/kubernetes\n")
    return root


@pytest.fixture
def demo(tmp_path, monkeypatch):
    """A demo tree of our own: the bundled one is written elsewhere and may change."""
    folder = tmp_path / "demo"
    (folder / "pkg").mkdir(parents=True)
    (folder / "pkg" / "demo.go").write_text("package demo\n")
    monkeypatch.setattr(tree_choice, "demo_tree_dir", lambda: folder)
    return folder


@pytest.fixture
def elsewhere(tmp_path):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_argument_wins_and_is_relative_to_cwd(tmp_path, demo, elsewhere):
    kubernetes_checkout(elsewhere / "k")
    (tmp_path / "mine").mkdir()
    remember_tree(demo)
    choice = choose_tree("../../mine", elsewhere / "k")
    assert choice.root == (tmp_path / "mine").resolve()
    assert (choice.reason, choice.banner) == ("argument", None)


def test_argument_that_is_not_a_folder_is_a_clear_error(tmp_path, demo):
    with pytest.raises(K8sreadError, match="nope: no such folder"):
        choose_tree("nope", tmp_path)
    (tmp_path / "f.go").write_text("x")
    with pytest.raises(K8sreadError, match="not a folder"):
        choose_tree("f.go", tmp_path)


def test_cwd_kubernetes_checkout_beats_last_tree(tmp_path, demo):
    checkout = kubernetes_checkout(tmp_path / "kubernetes")
    remember_tree(demo)
    assert choose_tree(None, checkout) == tree_choice.TreeChoice(checkout.resolve(), "cwd")
    # From deep inside the checkout too.
    deep = checkout / "pkg" / "kubelet"
    deep.mkdir(parents=True)
    assert choose_tree(None, deep).root == checkout.resolve()


def test_cwd_that_is_not_kubernetes_falls_to_last_tree(tmp_path, demo, elsewhere):
    last = tmp_path / "last"
    last.mkdir()
    remember_tree(last)
    choice = choose_tree(None, elsewhere)
    assert (choice.root, choice.reason, choice.banner) == (last.resolve(), "last", None)


def test_vanished_last_tree_is_skipped(tmp_path, demo, elsewhere):
    last = tmp_path / "last"
    last.mkdir()
    remember_tree(last)
    shutil.rmtree(last)
    assert last_tree() is None
    assert choose_tree(None, elsewhere).reason == "demo"


def test_demo_fallback_has_a_one_line_banner(demo, elsewhere):
    choice = choose_tree(None, elsewhere)
    assert (choice.root, choice.reason) == (demo, "demo")
    assert choice.banner == DEMO_BANNER
    assert "\n" not in choice.banner and "k8sread clone" in choice.banner


def test_no_demo_and_nothing_else_is_a_clear_error(tmp_path, monkeypatch, elsewhere):
    monkeypatch.setattr(tree_choice, "demo_tree_dir", lambda: tmp_path / "missing")
    with pytest.raises(K8sreadError, match="k8sread clone"):
        choose_tree(None, elsewhere)


def test_bundled_demo_dir_is_the_default(monkeypatch, tmp_path, elsewhere):
    # Without the fixture: whatever paths.demo_tree_dir() says is what the demo choice uses.
    if not paths.demo_tree_dir().is_dir():
        pytest.skip("the bundled demo tree is not there yet")
    assert choose_tree(None, elsewhere).root == paths.demo_tree_dir()


def test_remember_tree_writes_state_json_in_the_state_dir(tmp_path, isolated_home):
    tree = tmp_path / "tree"
    tree.mkdir()
    remember_tree(tree)
    assert state_path() == isolated_home / "state" / "state.json"
    assert json.loads(state_path().read_text())["last_tree"] == str(tree.resolve())
    assert last_tree() == tree.resolve()


def test_state_keeps_keys_it_does_not_know(tmp_path):
    update_state(theme="dark", counter=3)
    tree = tmp_path / "tree"
    tree.mkdir()
    remember_tree(tree)
    update_state(counter=None)
    assert load_state() == {"theme": "dark", "last_tree": str(tree.resolve())}
    assert not list(state_path().parent.glob("*.tmp"))


def test_corrupt_state_is_set_aside(tmp_path):
    state_path().parent.mkdir(parents=True, exist_ok=True)
    state_path().write_text("{not json")
    assert load_state() == {}
    assert state_path().with_suffix(".corrupt").read_text() == "{not json"
    tree = tmp_path / "tree"
    tree.mkdir()
    remember_tree(tree)
    assert last_tree() == tree.resolve()


def test_repo_argument_and_tree_from_args(tmp_path, demo, monkeypatch, capsys):
    parser = argparse.ArgumentParser()
    add_repo_argument(parser)
    mine = tmp_path / "mine"
    (mine / "pkg").mkdir(parents=True)
    tree = tree_from_args(parser.parse_args(["--repo", str(mine)]))
    assert tree.root == mine.resolve()
    assert capsys.readouterr().err == ""
    monkeypatch.chdir(tmp_path)
    tree = tree_from_args(parser.parse_args([]))
    assert tree.root == demo
    assert capsys.readouterr().err.strip() == f"k8sread: {DEMO_BANNER}"
