"""What benchmark modules and the runner share: the Benchmark record, the result-file format,
machine facts. Kept apart from run.py so `import harness` is one module whether run.py is the
script or a test imports it."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"

Measurement = float | dict[str, float]  # ms, or {metric: ms} when one run yields several figures


@dataclass
class Benchmark:
    """One benchmark. `run(context)` makes one measurement and returns milliseconds (it times
    what matters itself, so a fresh process does not count interpreter start-up), or a dict
    {metric: ms}: each metric becomes its own row, named "<name>: <metric>" ("" = the name).

    `setup()` runs once in the runner and returns the context (JSON-able when fresh_process).
    `peer(context)` measures the comparison point: {"name": ..., "median_ms": ..., "runs": n},
    or {metric: that} for several rows.
    """

    name: str
    run: Callable[[Any], Measurement]
    target_ms: float | dict[str, float] | None = None
    setup: Callable[[], Any] | None = None
    peer: Callable[[Any], dict] | None = None
    fresh_process: bool = False
    warmup: int = 1
    notes: str | dict[str, str] = ""
    skip: Callable[[], str | None] | None = None  # a reason to skip (e.g. "no /work/k8s-122")
    env: dict[str, str] = field(default_factory=dict)  # extra environment for fresh processes


def elapsed_ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def summarize(name: str, values: list[float], *, target_ms: float | None = None, peer: dict | None = None, notes: str = "", extra: dict | None = None) -> dict:
    """One row of a results file (the format is in bench/README.md)."""
    row = {
        "benchmark": name,
        "median_ms": round(statistics.median(values), 3),
        "min_ms": round(min(values), 3),
        "max_ms": round(max(values), 3),
        "runs": len(values),
        "target_ms": target_ms,
        "peer": peer,
        "notes": notes,
    }
    if extra:
        row.update(extra)
    return row


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    memory_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    packages = {}
    for name in ("textual", "rich", "tree-sitter", "tree-sitter-go"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": packages,
    }


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_result_file(path: Path) -> tuple[list[dict], dict]:
    """(rows, report) of a results file. A file is either a list of rows, or an object with
    "rows" (a list) and/or a free-form report ("title", "summary", "table_markdown")."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return [row for row in data if isinstance(row, dict) and "benchmark" in row], {}
    if isinstance(data, dict):
        if "benchmark" in data and "median_ms" in data:
            return [data], {}
        rows = [row for row in data.get("rows", []) if isinstance(row, dict) and "benchmark" in row]
        return rows, data
    return [], {}


def write_result_file(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
