"""Run the benchmarks and rewrite bench/RESULTS.md.

    /tmp/v/bin/python bench/run.py                 # every benchmark, 5 runs each
    /tmp/v/bin/python bench/run.py --only finder   # those whose name or module contains "finder"
    /tmp/v/bin/python bench/run.py --runs 9 --list

A benchmark module is bench/bench_<topic>.py with a module-level `BENCHMARKS` list of
harness.Benchmark. Each benchmark's rows go to bench/results/<topic>.json; RESULTS.md is then
rebuilt from every bench/results/*.json, including files other scripts write (format in
bench/README.md), so it always holds every figure.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

import harness  # noqa: E402  (needs the path above when run.py is imported by a test)
from harness import Benchmark  # noqa: E402

RESULTS_MD = BENCH_DIR / "RESULTS.md"
HOW_TO_RUN = "`/tmp/v/bin/python bench/run.py` (all, 5 runs each) or `bench/run.py --only NAME --runs N`; the synthetic tree is built once into bench/.cache/."


# ---- discovery ----------------------------------------------------------------------------------


def discover(bench_dir: Path = BENCH_DIR) -> list[tuple[str, list[Benchmark]]]:
    """(module name, its benchmarks) for every bench_*.py declaring BENCHMARKS.

    Modules without it (standalone scripts writing their own results file) are not imported."""
    found = []
    for path in sorted(bench_dir.glob("bench_*.py")):
        if "BENCHMARKS" not in path.read_text(encoding="utf-8"):
            continue
        module = importlib.import_module(path.stem)
        benchmarks = getattr(module, "BENCHMARKS", None)
        if isinstance(benchmarks, list):
            found.append((path.stem, benchmarks))
    return found


def topic(module_name: str) -> str:
    return module_name.removeprefix("bench_")


# ---- measuring ----------------------------------------------------------------------------------


def _child(module_name: str, name: str) -> int:
    module = importlib.import_module(module_name)
    bench = next(b for b in module.BENCHMARKS if b.name == name)
    context = json.loads(sys.stdin.read() or "null")
    print(json.dumps({"result": bench.run(context)}))
    return 0


def _run_fresh(module_name: str, bench: Benchmark, context) -> harness.Measurement:
    env = {**os.environ, **bench.env}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", module_name, bench.name],
        input=json.dumps(context),
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{bench.name}: child failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["result"]


def _per_metric(measurements: list[harness.Measurement]) -> dict[str, list[float]]:
    metrics: dict[str, list[float]] = {}
    for m in measurements:
        for key, value in m.items() if isinstance(m, dict) else [("", m)]:
            metrics.setdefault(key, []).append(float(value))
    return metrics


def _pick(value, metric: str):
    """A per-metric setting: a dict keyed by metric, or one value for the plain row."""
    if isinstance(value, dict) and not ("name" in value and "median_ms" in value):
        return value.get(metric)
    return value if metric == "" or value is None or isinstance(value, str) else None


def rows_for(bench: Benchmark, measurements: list[harness.Measurement], peer: dict | None, *, load: dict | None = None) -> list[dict]:
    rows = []
    for metric, values in _per_metric(measurements).items():
        name = f"{bench.name}: {metric}" if metric else bench.name
        target = _pick(bench.target_ms, metric)
        notes = _pick(bench.notes, metric) or ""
        peer_row = _pick(peer, metric) if peer else None
        extra = {"group": bench.name, "date": harness.now_iso()}
        if load:
            extra.update(load)
        rows.append(harness.summarize(name, values, target_ms=target, peer=peer_row, notes=notes, extra=extra))
    return rows


def measure(module_name: str, bench: Benchmark, runs: int, log=print) -> list[dict]:
    context = bench.setup() if bench.setup else None
    load_before = harness.load_average()
    measurements = []
    for n in range(bench.warmup + runs):
        result = _run_fresh(module_name, bench, context) if bench.fresh_process else bench.run(context)
        if n >= bench.warmup:
            measurements.append(result)
        log(f"  {bench.name} run {n + 1 - bench.warmup}/{runs}: {result}" if n >= bench.warmup else f"  {bench.name} warm-up: {result}")
    peer = bench.peer(context) if bench.peer else None
    load = {"load_before": load_before, "load_after": harness.load_average()}
    return rows_for(bench, measurements, peer, load=load)


# ---- the table and RESULTS.md -------------------------------------------------------------------


def fmt_ms(value) -> str:
    if value is None:
        return ""
    value = float(value)
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 1:
        return f"{value:.0f} ms" if value == int(value) else f"{value:.1f} ms"
    return f"{value:.2f} ms"


def verdict(row: dict) -> str:
    target, median = row.get("target_ms"), row.get("median_ms")
    if target is None or median is None:
        return ""
    return "✓" if median <= target else "✗"


def peer_cell(peer) -> str:
    if not peer:
        return ""
    if isinstance(peer, dict):
        figure = fmt_ms(peer.get("median_ms"))
        return f"{peer.get('name', 'peer')}: {figure}" if figure else str(peer.get("name", ""))
    return str(peer)


def table(rows: list[dict]) -> str:
    lines = ["| benchmark | median | min | max | target | peer | pass |", "|---|---|---|---|---|---|---|"]
    for row in rows:
        target = row.get("target_ms")
        cells = [
            str(row.get("benchmark", "")).replace("|", "\\|"),
            fmt_ms(row.get("median_ms")),
            fmt_ms(row.get("min_ms")),
            fmt_ms(row.get("max_ms")),
            f"< {fmt_ms(target)}" if target is not None else "",
            peer_cell(row.get("peer")).replace("|", "\\|"),
            verdict(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _load_note(rows: list[dict], cores: int | None) -> str:
    loads = [row[key][0] for row in rows for key in ("load_before", "load_after") if isinstance(row.get(key), list) and row[key]]
    if not loads:
        return ""
    worst = max(loads)
    # The benchmark itself keeps about one core busy; more than half the cores on top of that
    # means other jobs competed with it.
    busy = cores and worst - 1 > 0.5 * cores
    note = f"1-minute load average {min(loads):.2f}–{worst:.2f} (the benchmark itself adds about 1)"
    return note + (": busy, other jobs shared the cores, figures are pessimistic" if busy else "")


# Results files shown first, in this order (the first rows); the rest alphabetically.
ORDER = ("tree", "pack", "finder", "source_view")


def _ordered(paths: list[Path]) -> list[Path]:
    return sorted(paths, key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.stem))


def render_results(results_dir: Path, *, machine: dict | None = None, date: str | None = None) -> str:
    """RESULTS.md from every results file: one table of all rows, then free-form reports."""
    machine = machine or harness.machine()
    date = date or harness.now_iso()
    all_rows: list[dict] = []
    sources: list[str] = []
    reports: list[tuple[str, dict]] = []
    for path in _ordered(list(results_dir.glob("*.json"))):
        try:
            rows, report = harness.read_result_file(path)
        except (OSError, ValueError) as error:
            sources.append(f"- `{path.name}`: unreadable ({error})")
            continue
        all_rows.extend(rows)
        dates = sorted({str(r.get("date", ""))[:16].replace("T", " ") for r in rows if r.get("date")})
        load = _load_note(rows, machine.get("cores"))
        if rows:
            when = f"measured {dates[0]}" + (f" to {dates[-1]}" if len(dates) > 1 else "") + " UTC" if dates else "date not recorded"
            sources.append(f"- `{path.name}`: {len(rows)} rows, {when}" + (f"; {load}" if load else ""))
        if report and report.get("table_markdown"):
            reports.append((path.name, report))
            if not rows:
                sources.append(f"- `{path.name}`: a report of its own, below")
    packages = ", ".join(f"{name} {version}" for name, version in machine.get("packages", {}).items() if version)
    out = [
        "# Benchmark results",
        "",
        f"Rewritten by `bench/run.py` on {date[:16].replace('T', ' ')} UTC from `bench/results/*.json`; do not edit by hand.",
        "",
        "## Machine",
        "",
        f"- CPU: {machine.get('cpu')}, {machine.get('cores')} cores, {machine.get('memory_gib')} GiB RAM",
        f"- {machine.get('platform', '')}",
        f"- Python {machine.get('python')}; {packages}",
        "",
        "## Figures",
        "",
        "Medians over the runs (each benchmark says whether a run is a fresh process); pass = median within target.",
        "",
        table(all_rows) if all_rows else "(no results yet)",
        "",
    ]
    notes = [(row["benchmark"], row["notes"]) for row in all_rows if row.get("notes")]
    if notes:
        out += ["Notes:", ""]
        out += [f"- {name}: {text}" for name, text in notes]
        out.append("")
    out += ["Sources:", "", *sources, ""]
    for name, report in reports:
        title = report.get("title") or name
        out += [
            f"## {title}",
            "",
            f"From `bench/results/{name}`"
            + (f" ({report['machine'].get('date', '')})" if isinstance(report.get("machine"), dict) and report["machine"].get("date") else "")
            + ".",
            "",
        ]
        if report.get("summary"):
            out += [str(report["summary"]), ""]
        out += [str(report["table_markdown"]), ""]
    out += ["## How to run", "", HOW_TO_RUN, ""]
    return "\n".join(out)


def write_results(results_dir: Path = harness.RESULTS_DIR, out: Path = RESULTS_MD, **kwargs) -> Path:
    text = render_results(results_dir, **kwargs)
    tmp = out.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out


def store(results_dir: Path, module_name: str, rows: list[dict]) -> Path:
    """Write a module's rows, keeping rows of its benchmarks that were not run this time."""
    path = results_dir / f"{topic(module_name)}.json"
    groups = {row.get("group") for row in rows}
    kept = []
    if path.exists():
        try:
            kept = [row for row in harness.read_result_file(path)[0] if row.get("group") not in groups]
        except (OSError, ValueError):
            kept = []
    harness.write_result_file(path, kept + rows)
    return path


def _selects(only: str, module_name: str, bench: Benchmark) -> bool:
    """A topic ("pack" for bench_pack.py) selects its module alone; anything else is looked
    for in benchmark and module names."""
    only = only.lower()
    topics = {topic(path.stem) for path in BENCH_DIR.glob("bench_*.py")}
    if only in topics:
        return topic(module_name) == only
    return only in bench.name.lower() or only in module_name.lower()


# ---- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the k8sread benchmarks and rewrite bench/RESULTS.md.")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="a topic (tree, pack, finder: bench_<topic>.py), or text in benchmark names (repeatable)"
    )
    parser.add_argument("--runs", type=int, default=5, help="measured runs per benchmark (default 5)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--child", nargs=2, metavar=("MODULE", "NAME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(*args.child)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    selected = []
    for module_name, benchmarks in discover():
        for bench in benchmarks:
            wanted = not args.only or any(_selects(o, module_name, bench) for o in args.only)
            if wanted:
                selected.append((module_name, bench))
    if args.list:
        for module_name, bench in selected:
            print(f"{module_name}: {bench.name}" + (" (fresh process per run)" if bench.fresh_process else ""))
        return 0
    if not selected:
        print("no benchmark matches", file=sys.stderr)
        return 2

    measured: list[dict] = []
    by_module: dict[str, list[dict]] = {}
    for module_name, bench in selected:
        reason = bench.skip() if bench.skip else None
        if reason:
            print(f"skip {bench.name}: {reason}", file=sys.stderr)
            continue
        print(f"{bench.name} ({module_name}) ...", file=sys.stderr)
        rows = measure(module_name, bench, args.runs, log=lambda line: print(line, file=sys.stderr))
        measured.extend(rows)
        by_module.setdefault(module_name, []).extend(rows)
    print(table(measured))
    if not args.no_write:
        for module_name, rows in by_module.items():
            store(harness.RESULTS_DIR, module_name, rows)
        print(f"\nwrote {write_results()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
