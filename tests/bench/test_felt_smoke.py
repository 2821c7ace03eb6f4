"""bench/bench_felt.py's quick mode on the demo tree: the harness drives the real reader and vim
in tmux and produces figures. Nothing here judges the figures (timing targets live in bench/)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_quick_run_on_the_demo_tree_produces_numbers(tmp_path):
    out = tmp_path / "felt.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "bench_felt.py"), "--quick", "--out", str(out), "--no-results-md"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["quick"] is True
    [demo] = report["trees"]
    assert demo["tree"] == "demo" and demo["steps"] > 0
    ours = demo["k8sread"]["summary"]
    for action in ("]", "[", "j/k", "PgDn", "L", "ctrl+p", "finder keystroke"):
        assert ours[action]["n"] > 0, action
        assert ours[action]["median_ms"] is not None and ours[action]["median_ms"] >= 0, action
    assert demo["k8sread"]["start_code"]["start"]["median_ms"] > 0  # the code did come on screen
    rss = demo["k8sread"]["rss_mb"]
    assert rss["first screen"] > 0 and rss["after walk 1"] > 0
    if shutil.which("vim"):
        assert demo["vim"]["summary"]["]"]["median_ms"] is not None
    assert "| action |" in report["table_markdown"]
