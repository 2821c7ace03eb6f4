"""The symbol index (issue 4) against universal-ctags on the same folders.

Targets: a cold build at most 1.0x the wall time of `ctags -R --languages=Go` over cmd, pkg,
plugin and staging (measured in the same run, one ctags run right after each build, so both
see the same machine load); a warm load at most 0.3 s.

- cold build: a fresh interpreter with K8SREAD_HOME in an empty temp dir lists the .go files
  of those folders with `git ls-files`, then SymbolIndex(root).refresh(files, rebuild=True)
  (worker processes, as the CLI and the reader use) and save(). "fresh process wall" is the
  whole process, compared with ctags' whole process.
- warm load: what the reader does at start: a fresh interpreter, SymbolIndex.load(root) and
  refresh(files) with nothing changed (one stat per file), on the cache built in setup.
- `k8sread index PATH` end to end on the whole tree (every tracked .go file outside vendor/),
  once cached: the CLI's process, for context.

Runs on /work/k8s-122 when present, else on the synthetic tree (same folders).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from harness import Benchmark, elapsed_ms

REAL_TREE = Path("/work/k8s-122")
FOLDERS = ["cmd", "pkg", "plugin", "staging"]
WARM_TARGET_MS = 300

CHILD_BUILD = r"""
import json, os, subprocess, sys, time
args = json.loads(sys.stdin.read())
started = time.perf_counter()
from k8sread.core.symbol_index import SymbolIndex
imported = time.perf_counter()
out = subprocess.run(["git", "ls-files", "-z", "--", *args["folders"]], cwd=args["root"], capture_output=True, check=True).stdout
files = [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p.endswith(".go")]
listed = time.perf_counter()
index = SymbolIndex(args["root"]) if args["rebuild"] else SymbolIndex.load(args["root"])
loaded = time.perf_counter()
scanned, total = index.refresh(files, rebuild=args["rebuild"])
refreshed = time.perf_counter()
if scanned:
    index.save()
saved = time.perf_counter()
ms = lambda a, b: (b - a) * 1000
print(json.dumps({"import": ms(started, imported), "list": ms(imported, listed), "load": ms(listed, loaded),
                  "refresh": ms(loaded, refreshed), "save": ms(refreshed, saved), "scanned": scanned, "files": total,
                  "symbols": len(index)}))
"""


def _root() -> Path:
    if REAL_TREE.is_dir():
        return REAL_TREE
    from gen_tree import cached_tree

    return cached_tree(git=True)


def _child(root: Path, home: str, rebuild: bool) -> tuple[dict, float]:
    payload = json.dumps({"root": str(root), "folders": FOLDERS, "rebuild": rebuild})
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD_BUILD], input=payload, capture_output=True, text=True, env={**os.environ, "K8SREAD_HOME": home}, timeout=600
    )
    wall = elapsed_ms(start)
    if done.returncode != 0:
        raise RuntimeError(f"index child failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def _ctags(root: Path) -> tuple[float, Path]:
    out = Path(tempfile.mkdtemp(prefix="k8sread-ctags-")) / "tags"
    start = time.perf_counter()
    subprocess.run(["ctags", "-R", "--languages=Go", "-f", str(out), *FOLDERS], cwd=root, check=True, capture_output=True)
    return elapsed_ms(start), out


def _tag_counts(tags: Path) -> Counter:
    kinds: Counter = Counter()
    with open(tags, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("!_"):
                continue
            _, _, extension = line.partition(';"\t')
            kinds[extension.split("\t", 1)[0].strip() or "?"] += 1
    return kinds


# ---- cold build vs ctags ------------------------------------------------------------------------


def _build_setup() -> dict:
    if not shutil.which("ctags"):
        raise RuntimeError("universal-ctags is not installed")
    version = subprocess.run(["ctags", "--version"], capture_output=True, text=True).stdout.split(",")[0].strip()
    return {
        "root": str(_root()),
        "ctags_version": version,
        "ctags_ms": [],
        "symbols": None,
        "files": None,
        "load_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def cold_build(context: dict) -> dict[str, float]:
    root = Path(context["root"])
    home = tempfile.mkdtemp(prefix="k8sread-bench-home-")
    try:
        result, wall = _child(root, home, rebuild=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if result["scanned"] != result["files"] or result["symbols"] < 1000:
        raise AssertionError(f"cold build scanned {result['scanned']} of {result['files']} files, {result['symbols']} symbols")
    ctags_ms, tags = _ctags(root)
    context["ctags_ms"].append(ctags_ms)
    if context.get("tag_kinds") is None:
        context["tag_kinds"] = dict(_tag_counts(tags))
    shutil.rmtree(tags.parent, ignore_errors=True)
    context["symbols"], context["files"] = result["symbols"], result["files"]
    return {"fresh process wall": wall, "refresh(rebuild) + save, in process": result["refresh"] + result["save"], "git ls-files": result["list"]}


def _build_peer(context: dict) -> dict:
    times = context["ctags_ms"][BUILD.warmup :] or context["ctags_ms"]
    ctags = statistics.median(times)
    kinds = context.get("tag_kinds") or {}
    tags = sum(kinds.values())
    peer = {
        "name": f"{context['ctags_version']} -R --languages=Go {' '.join(FOLDERS)} (whole process)",
        "median_ms": round(ctags, 3),
        "min_ms": round(min(times), 3),
        "max_ms": round(max(times), 3),
        "runs": len(times),
        "tags": tags,
        "tag_kinds": kinds,
    }
    # The target is relative (1.0x ctags' wall time), so it is known only now.
    BUILD.target_ms = {"fresh process wall": round(ctags, 3), "refresh(rebuild) + save, in process": round(ctags, 3)}
    kind_text = ", ".join(f"{kind} {count:,}" for kind, count in sorted(kinds.items(), key=lambda item: -item[1]))
    BUILD.notes = {
        "fresh process wall": (
            f"{context['files']:,} .go files of {', '.join(FOLDERS)} in {context['root']}; empty K8SREAD_HOME; whole process "
            f"(interpreter, import, git ls-files, scan in worker processes, pickle) vs ctags' whole process, ctags run right "
            f"after each build; target = ctags' median (1.0x). {context['symbols']:,} symbols (package-level: func, method, "
            f"type, var, const) vs ctags' {tags:,} tags, which also count struct members, interface methods, imports and "
            f"package clauses ({kind_text}). Load average at start {context['load_at_start']}"
        ),
        "refresh(rebuild) + save, in process": "the same build without interpreter start, import and git ls-files",
        "git ls-files": "listing the four folders, inside the build process; for context",
    }
    return {"fresh process wall": peer, "refresh(rebuild) + save, in process": peer}


BUILD = Benchmark(
    name="symbol index: cold build",
    setup=_build_setup,
    run=cold_build,
    peer=_build_peer,
    skip=lambda: None if shutil.which("ctags") else "universal-ctags (ctags) is not installed",
)


# ---- warm load ----------------------------------------------------------------------------------


def _warm_setup() -> dict:
    root = _root()
    home = tempfile.mkdtemp(prefix="k8sread-bench-warm-")
    result, _ = _child(root, home, rebuild=True)
    return {"root": str(root), "home": home, "symbols": result["symbols"], "files": result["files"], "load_at_start": [round(x, 2) for x in os.getloadavg()]}


def warm_load(context: dict) -> dict[str, float]:
    result, wall = _child(Path(context["root"]), context["home"], rebuild=False)
    if result["scanned"] != 0 or result["symbols"] != context["symbols"]:
        raise AssertionError(f"warm load rescanned {result['scanned']} files, {result['symbols']} symbols")
    return {
        "load + refresh, in process": result["load"] + result["refresh"],
        "load (unpickle)": result["load"],
        "refresh, nothing changed": result["refresh"],
        "fresh process wall": wall,
    }


def _warm_done(context: dict) -> None:
    shutil.rmtree(context["home"], ignore_errors=True)
    WARM.notes = {
        "load + refresh, in process": (
            f"SymbolIndex.load(root) + refresh(files) with nothing changed, {context['files']:,} files, {context['symbols']:,} "
            f"symbols, a fresh process each run: what the reader does at start. Load average at start {context['load_at_start']}"
        ),
        "load (unpickle)": "for context",
        "refresh, nothing changed": "one stat per file; for context",
        "fresh process wall": "interpreter, import, git ls-files, load, refresh; for context",
    }


WARM = Benchmark(
    name="symbol index: warm load",
    setup=_warm_setup,
    run=warm_load,
    target_ms={"load + refresh, in process": WARM_TARGET_MS},
    # No peer: the callback only cleans up and writes the notes, after the runs.
    peer=lambda context: _warm_done(context) or None,
)


# ---- the CLI ------------------------------------------------------------------------------------


def _cli() -> list[str]:
    """The installed `k8sread` script next to this interpreter, else the same entry point."""
    script = Path(sys.executable).parent / "k8sread"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from k8sread.cli import main; sys.exit(main())"]


def _cli_setup() -> dict:
    root = _root()
    home = tempfile.mkdtemp(prefix="k8sread-bench-cli-")
    subprocess.run([*_cli(), "index", str(root)], env={**os.environ, "K8SREAD_HOME": home}, check=True, capture_output=True, timeout=600)
    return {"root": str(root), "home": home}


def cli_cached(context: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run([*_cli(), "index", context["root"]], env={**os.environ, "K8SREAD_HOME": context["home"]}, capture_output=True, text=True, timeout=600)
    ms = elapsed_ms(start)
    if done.returncode != 0 or "(0 scanned)" not in done.stdout:
        raise AssertionError(f"k8sread index: {done.returncode} {done.stdout} {done.stderr[-2000:]}")
    context["output"] = done.stdout.strip()
    return ms


def _cli_done(context: dict) -> None:
    shutil.rmtree(context["home"], ignore_errors=True)
    CLI.notes = f"`k8sread index {context['root']}` once cached, whole process; it printed: {context.get('output', '')}; for context, no target"


CLI = Benchmark(
    name="symbol index: `k8sread index` CLI, cached",
    setup=_cli_setup,
    run=cli_cached,
    peer=lambda context: _cli_done(context) or None,
)

BENCHMARKS = [BUILD, WARM, CLI]

if __name__ == "__main__":
    sys.exit(__import__("run").main(["--only", "index", *sys.argv[1:]]))
