"""Tree search (issue 4): k8sread's search against ripgrep alone on the same query.

Target: at most 1.5x ripgrep's own time on the same query. ripgrep runs as a whole process
with exactly the flags k8sread passes (k8sread.core.search._ripgrep builds the command), one
ripgrep run right after each k8sread search so both see the same machine load; the target is
1.5x ripgrep's median, measured in the same run.

k8sread is timed in process, after import: `list(search(root, Query(...)))` (the ripgrep
process, reading its output, one Match per line), and the time to the first match (search()
is a generator; the UI shows results as they stream). The git-grep and pure-Python backends
are timed too, for context (they are the fallbacks when rg is missing).

Runs on /work/k8s-122 when present, else on the synthetic tree (different queries).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import Benchmark, elapsed_ms

REAL_TREE = Path("/work/k8s-122")
RATIO = 1.5

# (label, Query keyword arguments)
REAL_QUERIES = [
    ("function signature", {"pattern": "func (kl *Kubelet) syncPod("}),
    ("plain word, smart case, many matches", {"pattern": "informer"}),
    ("regex, Go files", {"pattern": r"func \(\w+ \*\w+\) [Ss]ync\w*\(", "regex": True, "go_only": True}),
]
SYNTHETIC_QUERIES = [
    ("function signature", {"pattern": "func (m *"}),
    ("plain word, smart case, many matches", {"pattern": "context"}),
    ("regex, Go files", {"pattern": r"func \(\w+ \*\w+\) \w*Sync\w*\(", "regex": True, "go_only": True}),
]


def _root() -> Path:
    if REAL_TREE.is_dir():
        return REAL_TREE
    from gen_tree import cached_tree

    return cached_tree(git=True)


def _queries() -> list[tuple[str, dict]]:
    return REAL_QUERIES if REAL_TREE.is_dir() else SYNTHETIC_QUERIES


def _rg_args(root: Path, fields: dict) -> list[str]:
    """The command k8sread runs, taken from its own code so the two cannot drift apart."""
    from k8sread.core import search as search_module

    captured: list[list[str]] = []

    def capture(args, cwd, parse):
        captured.append(list(args))
        return iter(())

    original = search_module._stream
    search_module._stream = capture
    try:
        list(search_module._ripgrep(root, search_module.Query(**fields)))
    finally:
        search_module._stream = original
    return captured[0]


def _time_search(root: Path, fields: dict, use: str) -> tuple[float, float, int]:
    """(ms to the first match, ms to the last, matches)."""
    from k8sread.core.search import Query, search

    start = time.perf_counter()
    first = None
    count = 0
    for _ in search(root, Query(**fields), use=use):
        if first is None:
            first = elapsed_ms(start)
        count += 1
    total = elapsed_ms(start)
    return (first if first is not None else total), total, count


def _benchmark(index: int, label: str) -> Benchmark:
    bench = Benchmark(name=f"search: {label}", run=lambda context: None)

    def setup() -> dict:
        root = _root()
        fields = _queries()[index][1]
        version = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        return {
            "root": str(root),
            "fields": fields,
            "rg_args": _rg_args(root, fields),
            "rg_ms": [],
            "rg_version": version,
            "matches": {},
            "load_at_start": [round(x, 2) for x in os.getloadavg()],
        }

    def run(context: dict) -> dict[str, float]:
        import k8sread.core.search  # noqa: F401  (imported before the clock: timed after import)

        root = Path(context["root"])
        out = {}
        first, total, count = _time_search(root, context["fields"], "rg")
        out["rg backend, all matches"] = total
        out["rg backend, first match"] = first
        context["matches"]["rg"] = count
        start = time.perf_counter()
        done = subprocess.run(context["rg_args"], cwd=root, capture_output=True)
        context["rg_ms"].append(elapsed_ms(start))
        rg_lines = done.stdout.count(b"\n")
        if rg_lines != count:
            raise AssertionError(f"{label}: ripgrep printed {rg_lines} lines, k8sread yielded {count} matches")
        for use in ("git", "python"):
            _, total, found = _time_search(root, context["fields"], use)
            out[f"{use} backend, all matches"] = total
            context["matches"][use] = found
        return out

    def peer(context: dict) -> dict:
        times = context["rg_ms"][bench.warmup :] or context["rg_ms"]
        rg = statistics.median(times)
        bench.target_ms = {"rg backend, all matches": round(RATIO * rg, 3)}
        matches = context["matches"]
        query = ", ".join(f"{key}={value!r}" for key, value in context["fields"].items())
        bench.notes = {
            "rg backend, all matches": (
                f"list(search(root, Query({query}))) in process, {matches.get('rg')} matches, {context['root']}; peer: "
                f"`{' '.join(context['rg_args'])}` as a whole process, run right after each search; target = {RATIO}x its "
                f"median. Load average at start {context['load_at_start']}"
            ),
            "rg backend, first match": "time to the first Match out of the generator (the UI shows it at once); for context",
            "git backend, all matches": f"`git grep` backend, {matches.get('git')} matches (tracked and untracked files); for context",
            "python backend, all matches": f"pure-Python scan backend, {matches.get('python')} matches; for context",
        }
        row = {
            "name": f"{context['rg_version']} alone (whole process)",
            "median_ms": round(rg, 3),
            "min_ms": round(min(times), 3),
            "max_ms": round(max(times), 3),
            "runs": len(times),
        }
        return {"rg backend, all matches": row, "rg backend, first match": row}

    bench.setup, bench.run, bench.peer = setup, run, peer
    bench.skip = lambda: None if shutil.which("rg") else "ripgrep (rg) is not installed"
    return bench


BENCHMARKS = [_benchmark(i, label) for i, (label, _) in enumerate(REAL_QUERIES if REAL_TREE.is_dir() else SYNTHETIC_QUERIES)]

if __name__ == "__main__":
    sys.exit(__import__("run").main(["--only", "search", *sys.argv[1:]]))
