"""Listing a Kubernetes-scale tree: SourceTree.open(root).list_files(), in a fresh process per
run (the app lists the tree once, at start). Targets (issue 2): < 50 ms with git (git
ls-files), < 300 ms without (a scandir walk). The real release-1.22 tree is an extra row."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from gen_tree import cached_tree
from harness import Benchmark, elapsed_ms

REAL_TREE = Path("/work/k8s-122")


def _git_tree() -> dict:
    return {"root": str(cached_tree(git=True))}


def _plain_tree() -> dict:
    return {"root": str(cached_tree(git=False))}


def list_tree(context: dict) -> float:
    from k8sread.core.source_tree import SourceTree

    start = time.perf_counter()
    tree = SourceTree.open(context["root"])
    files = tree.list_files()
    ms = elapsed_ms(start)
    if len(files) < 1000:
        raise AssertionError(f"only {len(files)} files listed under {context['root']}")
    return ms


def _git_ls_files_peer(context: dict) -> dict:
    """The floor with git: the bare `git ls-files` process the listing runs."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(["git", "ls-files", "-z"], cwd=context["root"], capture_output=True, check=True)
        times.append(elapsed_ms(start))
    times.sort()
    return {"name": "git ls-files -z", "median_ms": round(times[len(times) // 2], 3), "runs": len(times)}


def _find_peer(context: dict) -> dict:
    """The floor without git: `find -type f` over the same tree (vendor/ included)."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(["find", context["root"], "-type", "f"], capture_output=True, check=True)
        times.append(elapsed_ms(start))
    times.sort()
    return {"name": "find -type f", "median_ms": round(times[len(times) // 2], 3), "runs": len(times)}


BENCHMARKS = [
    Benchmark(
        name="list synthetic tree (git)",
        setup=_git_tree,
        run=list_tree,
        target_ms=50,
        peer=_git_ls_files_peer,
        fresh_process=True,
        notes="23,000 files (15,000 Go); SourceTree.open + list_files() (vendor/ hidden), git ls-files underneath",
    ),
    Benchmark(
        name="list synthetic tree (no git)",
        setup=_plain_tree,
        run=list_tree,
        target_ms=300,
        peer=_find_peer,
        fresh_process=True,
        # bench/.cache/ sits inside the k8sread checkout: stop git's search there, as for a
        # tree outside any repository.
        env={"GIT_CEILING_DIRECTORIES": str(Path(__file__).resolve().parent / ".cache")},
        notes="same tree without .git: a scandir walk that skips vendor/",
    ),
    Benchmark(
        name="list real k8s 1.22 tree (git)",
        setup=lambda: {"root": str(REAL_TREE)},
        run=list_tree,
        target_ms=50,
        peer=_git_ls_files_peer,
        fresh_process=True,
        skip=lambda: None if (REAL_TREE / ".git").exists() else f"no git checkout at {REAL_TREE}",
        notes="/work/k8s-122, 23,181 tracked paths",
    ),
]

if __name__ == "__main__":
    import sys

    sys.exit(__import__("run").main(["--only", "list ", *sys.argv[1:]]))
