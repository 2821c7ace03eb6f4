"""Which source tree a command reads: the one named, else the Kubernetes checkout you are in,
else the last one read, else the bundled demo tree (with a banner saying how to get the real one).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from k8sread.core.errors import K8sreadError
from k8sread.core.paths import demo_tree_dir
from k8sread.core.series import SERIES_RELEASE
from k8sread.core.source_tree import SourceTree, is_kubernetes_checkout
from k8sread.core.state import load_state, update_state

DEMO_BANNER = f"Demo tree: run `k8sread clone` to get the real Kubernetes {SERIES_RELEASE} source"
_LAST_TREE = "last_tree"


@dataclass(frozen=True)
class TreeChoice:
    root: Path
    reason: Literal["argument", "cwd", "last", "demo"]
    banner: str | None = None


def choose_tree(path: str | None, cwd: Path | None) -> TreeChoice:
    if path:
        given = Path(path).expanduser()
        if not given.is_absolute() and cwd is not None:
            given = cwd / given
        if not given.exists():
            raise K8sreadError(f"{path}: no such folder")
        if not given.is_dir():
            raise K8sreadError(f"{path}: not a folder; give the root of a source tree")
        return TreeChoice(given.resolve(), "argument")
    if cwd is not None:
        checkout = enclosing_kubernetes_checkout(cwd)
        if checkout is not None:
            return TreeChoice(checkout, "cwd")
    last = last_tree()
    if last is not None:
        return TreeChoice(last, "last")
    demo = demo_tree_dir()
    if not demo.is_dir():
        raise K8sreadError("no source tree to open: give its PATH, or run `k8sread clone` to fetch Kubernetes")
    return TreeChoice(demo, "demo", DEMO_BANNER)


def enclosing_kubernetes_checkout(folder: Path) -> Path | None:
    """`folder` or the nearest parent that is a Kubernetes checkout (you may be in pkg/kubelet)."""
    try:
        folder = Path(folder).resolve()
    except OSError:
        return None
    for candidate in (folder, *folder.parents):
        if is_kubernetes_checkout(candidate):
            return candidate
    return None


def remember_tree(root: Path) -> None:
    update_state(**{_LAST_TREE: str(Path(root).resolve())})


def last_tree() -> Path | None:
    """The last tree read, if it is still there."""
    value = load_state().get(_LAST_TREE)
    if not isinstance(value, str) or not value:
        return None
    path = Path(value)
    return path if path.is_dir() else None


def add_repo_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo",
        metavar="PATH",
        help="source tree to use (default: a Kubernetes checkout here, else the last tree read, else the demo tree)",
    )


def tree_from_args(args: argparse.Namespace) -> SourceTree:
    """The tree for a subcommand: --repo, else as the reader chooses. Says so on stderr when
    falling back to the demo tree, so notes are not written against it unawares."""
    try:
        cwd: Path | None = Path.cwd()
    except OSError:  # the current folder was deleted
        cwd = None
    choice = choose_tree(getattr(args, "repo", None), cwd)
    if choice.banner:
        print(f"k8sread: {choice.banner}", file=sys.stderr)
    return SourceTree.open(choice.root)
