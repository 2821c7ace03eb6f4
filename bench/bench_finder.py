"""The ctrl+p file finder: time per keystroke while typing realistic queries character by
character over the 23,000 paths of the synthetic tree (vendor/ included).

Target (issue 3): at most 30 ms per keystroke. Peer: fzf filtering the same list for the whole
query as a whole process (`fzf --filter QUERY < list`), when fzf is installed.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from pathlib import Path

from gen_tree import layout
from harness import Benchmark, elapsed_ms

QUERIES = ["kubelet.go", "apply", "pkg/sched/generic", "storage/etcd3/store", "reflector", "types.go", "kubectl apply"]
REAL_TREE = Path("/work/k8s-122")
LIMIT = 200  # what the finder screen shows


def _synthetic_paths() -> list[str]:
    return [spec.path for spec in layout()]


def _real_paths() -> list[str]:
    done = subprocess.run(["git", "ls-files", "-z"], cwd=REAL_TREE, capture_output=True, check=True)
    return [p for p in done.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def type_queries(paths: list[str]) -> dict[str, float]:
    from k8sread.core.fuzzy import FuzzyIndex

    start = time.perf_counter()
    index = FuzzyIndex(paths)
    build = elapsed_ms(start)
    keystrokes = []
    for query in QUERIES:
        for n in range(1, len(query) + 1):
            start = time.perf_counter()
            index.search(query[:n], limit=LIMIT)
            keystrokes.append(elapsed_ms(start))
    cold = []
    for query in QUERIES:
        fresh = FuzzyIndex(paths)
        start = time.perf_counter()
        fresh.search(query, limit=LIMIT)
        cold.append(elapsed_ms(start))
    return {
        "keystroke median": statistics.median(keystrokes),
        "keystroke worst": max(keystrokes),
        "whole query, no cache": statistics.median(cold),
        "index build": build,
    }


def fzf_peer(paths: list[str]) -> dict:
    fzf = shutil.which("fzf")
    if fzf is None:
        return {}
    data = ("\n".join(paths) + "\n").encode()
    per_query = {}
    for query in QUERIES:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([fzf, "--filter", query], input=data, capture_output=True)
            times.append(elapsed_ms(start))
        per_query[query] = round(statistics.median(times), 2)
    version = subprocess.run([fzf, "--version"], capture_output=True, text=True).stdout.split()[0]
    peer = {
        "name": f"fzf {version} --filter (whole process)",
        "median_ms": round(statistics.median(per_query.values()), 3),
        "max_ms": max(per_query.values()),
        "runs": 5,
        "per_query_ms": per_query,
    }
    return {
        "keystroke median": peer,
        "keystroke worst": {**peer, "median_ms": peer["max_ms"], "name": peer["name"] + ", slowest query"},
        "whole query, no cache": peer,
    }


_NOTES = {
    "keystroke median": f"FuzzyIndex.search(prefix, limit={LIMIT}) for every prefix of {', '.join(QUERIES)}",
    "keystroke worst": "the slowest single keystroke of a run",
    "whole query, no cache": "each whole query on a new index (no narrowing from the previous keystroke)",
    "index build": "FuzzyIndex(paths): done when the finder opens",
}

BENCHMARKS = [
    Benchmark(
        name="finder 23k synthetic paths",
        setup=_synthetic_paths,
        run=type_queries,
        target_ms={"keystroke median": 30, "keystroke worst": 30},
        peer=fzf_peer,
        warmup=1,
        notes=_NOTES,
    ),
    Benchmark(
        name="finder real k8s 1.22 paths",
        setup=_real_paths,
        run=type_queries,
        target_ms={"keystroke median": 30, "keystroke worst": 30},
        peer=fzf_peer,
        warmup=1,
        skip=lambda: None if (REAL_TREE / ".git").exists() else f"no git checkout at {REAL_TREE}",
        notes={"keystroke median": "same queries over the 23,181 paths of /work/k8s-122"},
    ),
]

if __name__ == "__main__":
    import sys

    sys.exit(__import__("run").main(["--only", "finder", *sys.argv[1:]]))
