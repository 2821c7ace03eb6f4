"""The fuzzer, bounded: one hostile case of each family (bench/fuzz_packs.py), each in a fresh
process through the reader (11 keys) and every subcommand. Nothing may raise, print a
traceback or a live escape, exit with another code than 0/1/2, or exit 2 without a one-line
`k8sread: error: ...`. The only clock is a hang guard (a case still running after 120 s is
stuck); the budgets themselves are counted in the code (tokens, anchor units, files), and the
long run (`bench/fuzz_packs.py --cases 200`) reports the times."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import fuzz_packs  # noqa: E402

SEED = 7  # fixed: CI tries the same cases every time; the long run varies the seed


@pytest.mark.slow
def test_one_hostile_case_of_each_family_runs_clean():
    lines: list[str] = []
    results = fuzz_packs.fuzz(len(fuzz_packs.FAMILIES), SEED, log=lines.append)
    assert sorted(r["family"] for r in results) == sorted(fuzz_packs.FAMILIES)
    failures = [f"{r['family']} ({r['what']}): {failure}" for r in results for failure in r["failures"]]
    assert failures == [], "\n".join(lines)
    # Every case reached the reader and the subcommands (a case that died early has no steps).
    assert all(any(s["kind"] == "first screen" for s in r["steps"]) and sum(s["kind"] == "command" for s in r["steps"]) >= 7 for r in results), lines
