"""Exporting a pack as Markdown (and as a CodeTour).

Target (issue 6): exporting the whole series pack takes at most 1 s.

Rows:
- the bundled series pack against /work/k8s-122 (a real release-1.22 checkout), Markdown,
  whole pack: pack opened, every note parsed and resolved against the checkout (its file
  read, its anchor checked), the document rendered. Timed inside a fresh process, so nothing
  is cached; interpreter start-up is not counted (the CLI row counts it).
- the same as a CodeTour.
- the same through the CLI, `k8sread export ... -o FILE`, process start to exit.
- a generated pack, 100 anchored notes over 30 Go files of the checkout, exported against a
  copy of those files with lines inserted at the top: every note has moved, so every note
  is found again through its anchor (tree-sitter symbols, fingerprints). This is the harder
  case, and the one the series pack would be in after a change to the tree.

    /tmp/v/bin/python bench/bench_export.py          # 5 runs, writes bench/results/export.json
    /tmp/v/bin/python bench/run.py --only export     # the same through the shared runner
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from harness import Benchmark, elapsed_ms  # noqa: E402

K8S = Path("/work/k8s-122")
CACHE = BENCH_DIR / ".cache" / "export-v1"
GENERATED_NOTES = 100
GENERATED_FILES = 30
SHIFT = "// A header the benchmark inserted,\n// so that every note has moved\n// and is found by its anchor.\n\n"


def _skip() -> str | None:
    return None if (K8S / "go.mod").is_file() else f"{K8S} is not here"


def _series_dir() -> str:
    from k8sread.core.paths import bundled_pack_dir

    return str(bundled_pack_dir("series"))


def _home(context) -> None:
    # Keep the user's registry and own pack out of it.
    os.environ["K8SREAD_HOME"] = context["home"]


def _series_setup() -> dict:
    home = CACHE / "home"
    home.mkdir(parents=True, exist_ok=True)
    return {"pack": _series_dir(), "tree": str(K8S), "home": str(home)}


def _export(context, fmt: str) -> float:
    _home(context)
    from k8sread.core.codetour import export_tour
    from k8sread.core.export_markdown import export_markdown
    from k8sread.core.pack import Pack
    from k8sread.core.source_tree import SourceTree

    start = time.perf_counter()
    pack = Pack.open(context["pack"], writable=False)
    tree = SourceTree.open(context["tree"])
    if fmt == "codetour":
        text, doc, _ = export_tour(pack, tree, lang="en")
    else:
        text, doc = export_markdown(pack, tree, lang="en")
    took = elapsed_ms(start)
    assert doc.items and len(text) > 1000, "the export came out empty"
    return took


def _cli(context) -> float:
    out = Path(context["home"]) / "series.md"
    env = {**os.environ, "K8SREAD_HOME": context["home"]}
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from k8sread.cli import main; sys.exit(main())",
            "export",
            "--repo",
            context["tree"],
            "--pack",
            context["pack"],
            "--lang",
            "en",
            "-o",
            str(out),
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    return elapsed_ms(start)


def _generated_setup() -> dict:
    """100 anchored notes over 30 Go files, and a copy of those files with a header inserted."""
    _home({"home": str(CACHE / "home")})
    (CACHE / "home").mkdir(parents=True, exist_ok=True)
    pack_dir, tree_dir = CACHE / "pack", CACHE / "tree"
    if not (pack_dir / "pack.toml").is_file():
        from k8sread.core.note import Note
        from k8sread.core.pack import Pack
        from k8sread.core.placement import anchored
        from k8sread.core.source_tree import SourceTree

        shutil.rmtree(pack_dir, ignore_errors=True)
        shutil.rmtree(tree_dir, ignore_errors=True)
        source = SourceTree.open(K8S)
        candidates = sorted(p for p in source.list_files() if p.startswith("pkg/kubelet/") and p.endswith(".go") and not p.endswith("_test.go"))
        sized = [(len(source.read_text(p).lines()), p) for p in candidates]
        files = [p for n, p in sorted(sized, reverse=True) if n >= 200][:GENERATED_FILES]
        staging = CACHE / "pack.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        pack = Pack.create(staging, "generated", title="Generated for the export benchmark")
        for index in range(GENERATED_NOTES):
            path = files[index % len(files)]
            lines = source.read_text(path).lines()
            step = index // len(files)
            start = 20 + step * (len(lines) // 5)
            end = min(start + 12, len(lines))
            note = Note(
                id=f"g{index:03d}", start=start, end=end, title=f"Generated note {index}", body=f"Body {index}: *Markdown*, `code`.\n\nSecond paragraph."
            )
            pack.upsert(path, anchored(note, lines, is_go=True))
        for path in files:
            target = tree_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(SHIFT + (K8S / path).read_text("utf-8"))
        staging.rename(pack_dir)
    return {"pack": str(pack_dir), "tree": str(tree_dir), "home": str(CACHE / "home")}


def _generated(context) -> float:
    took = _export(context, "markdown")
    return took


BENCHMARKS = [
    Benchmark(
        name="export: series pack, Markdown, whole pack",
        setup=_series_setup,
        run=lambda context: _export(context, "markdown"),
        target_ms=1000.0,
        fresh_process=True,
        skip=_skip,
        notes="bundled series pack vs /work/k8s-122; open + resolve every note + render, fresh process, start-up not counted",
    ),
    Benchmark(
        name="export: series pack, CodeTour",
        setup=_series_setup,
        run=lambda context: _export(context, "codetour"),
        target_ms=1000.0,
        fresh_process=True,
        skip=_skip,
        notes="the same notes as a .tour",
    ),
    Benchmark(
        name="export: series pack, CLI process start to exit",
        setup=_series_setup,
        run=_cli,
        target_ms=1000.0,
        skip=_skip,
        notes="k8sread export --repo /work/k8s-122 --pack series -o FILE, including Python start-up and imports",
    ),
    Benchmark(
        name="export: 100 anchored notes, 30 files, all moved",
        setup=_generated_setup,
        run=_generated,
        target_ms=1000.0,
        fresh_process=True,
        skip=_skip,
        notes="generated pack over 30 pkg/kubelet files; the tree copy has 4 lines inserted at the top of each file, so every note is re-found through its anchor",
    ),
]


if __name__ == "__main__":
    import run

    sys.exit(run.main(["--only", "bench_export", *sys.argv[1:]]))
