"""The benchmark tools on tiny inputs: the tree generator and the runner's result files, table
and RESULTS.md. The benchmarks themselves never run in the test suite."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import gen_tree  # noqa: E402
import harness  # noqa: E402
import run  # noqa: E402
from harness import Benchmark  # noqa: E402

from k8sread.core.go_parse import parse_go  # noqa: E402


def tree_files(root: Path) -> dict[str, str]:
    """path -> sha1 of every file outside .git."""
    out = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] != ".git":
            out[rel.as_posix()] = hashlib.sha1(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def small_tree(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("bench") / "tree"
    return gen_tree.generate(dest, files=300, go_files=195, seed=3, git=True, big_file=False, cache=False)


def test_small_tree_has_the_requested_size_and_shape(small_tree):
    files = tree_files(small_tree)
    paths = sorted(files)
    assert len(paths) == 300
    shape = gen_tree.shape(paths)
    assert shape["go"] == 195
    # About one Go file in seven is a test, as in the real tree (2,085 of 14,971).
    assert 0.08 <= shape["go_tests"] / shape["go"] <= 0.25
    assert {"staging", "vendor", "pkg", "test", "cmd"} <= set(shape["top"])
    assert shape["top"]["staging"] > shape["top"]["vendor"] > shape["top"]["pkg"] > shape["top"]["test"]
    assert 5 <= shape["depth_q10_50_90_max"][1] <= 8  # the real median depth is 7
    for landmark in ("go.mod", "pkg/kubelet/kubelet.go", "staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go", gen_tree.BIG_FILE):
        assert landmark in files
    assert (small_tree / "go.mod").read_text().startswith("module k8s.io/kubernetes\n")
    # Without big_file, generated.pb.go is an ordinary file.
    assert (small_tree / gen_tree.BIG_FILE).read_text().count("\n") < gen_tree.BIG_FILE_LINES


def test_small_tree_is_a_git_checkout_with_everything_committed(small_tree):
    listed = subprocess.run(["git", "ls-files"], cwd=small_tree, capture_output=True, text=True, check=True).stdout.split("\n")[:-1]
    assert sorted(listed) == sorted(tree_files(small_tree))
    author = subprocess.run(["git", "log", "-1", "--format=%an <%ae>"], cwd=small_tree, capture_output=True, text=True, check=True).stdout
    assert author.strip() == "k8sread bench <bench@k8sread.invalid>"
    assert subprocess.run(["git", "status", "--porcelain"], cwd=small_tree, capture_output=True, text=True, check=True).stdout == ""


def test_generated_go_parses(small_tree):
    go = [p for p in tree_files(small_tree) if p.endswith(".go")][:40]
    for path in go:
        source = (small_tree / path).read_bytes()
        tree = parse_go(source)
        assert not tree.root_node.has_error, path
        assert source.decode().split("\n")[2].startswith("package ")


def test_big_file_has_the_exact_line_count_and_parses():
    text = gen_tree.big_go_source()
    assert text.count("\n") == gen_tree.BIG_FILE_LINES
    assert not parse_go(text).root_node.has_error


def test_same_seed_same_tree_other_seed_other_tree(tmp_path, small_tree):
    again = gen_tree.generate(tmp_path / "again", files=300, go_files=195, seed=3, git=False, big_file=False, cache=False)
    assert tree_files(again) == tree_files(small_tree)
    assert not (again / ".git").exists()
    other = [s.path for s in gen_tree.layout(files=300, go_files=195, seed=4, big_file=False)]
    assert other != sorted(tree_files(small_tree))


def test_sizes_follow_the_measured_quantiles():
    specs = gen_tree.layout(files=3000, go_files=2000, seed=1, big_file=False)
    sizes = sorted(s.size for s in specs if s.kind in ("go", "test"))
    median = sizes[len(sizes) // 2]
    assert 2500 <= median <= 4500  # 3,385 bytes in the real tree
    assert sizes[int(len(sizes) * 0.9)] > 4 * median


def test_cached_tree_is_built_once(tmp_path, monkeypatch):
    calls = []
    real_build = gen_tree.build
    monkeypatch.setattr(gen_tree, "build", lambda dest, **kw: calls.append(kw) or real_build(dest, **kw))
    first = gen_tree.cached_tree(files=120, go_files=60, git=False, big_file=False, cache=tmp_path)
    second = gen_tree.cached_tree(files=120, go_files=60, git=False, big_file=False, cache=tmp_path)
    assert first == second and len(calls) == 1
    assert len(tree_files(first)) == 120
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no half-built leftovers


# ---- the runner -----------------------------------------------------------------------------------


def test_measure_makes_rows_with_medians_targets_and_peers():
    values = iter([5.0, 1.0, 3.0, 2.0, 4.0, 9.0])  # the first is the warm-up
    bench = Benchmark(
        name="toy", run=lambda ctx: next(values), target_ms=2.5, peer=lambda ctx: {"name": "other tool", "median_ms": 1.5, "runs": 3}, notes="a toy"
    )
    (row,) = run.measure("none", bench, 5, log=lambda line: None)
    assert (row["benchmark"], row["median_ms"], row["min_ms"], row["max_ms"], row["runs"]) == ("toy", 3.0, 1.0, 9.0, 5)
    assert row["target_ms"] == 2.5 and row["peer"]["name"] == "other tool" and row["notes"] == "a toy"
    assert run.verdict(row) == "✗"


def test_metrics_become_rows_with_their_own_targets():
    bench = Benchmark(name="multi", run=lambda ctx: {"fast": 1.0, "slow": 200.0}, target_ms={"fast": 10, "slow": 100}, warmup=0, notes={"slow": "the slow one"})
    rows = run.measure("none", bench, 3, log=lambda line: None)
    assert [(r["benchmark"], r["target_ms"], run.verdict(r)) for r in rows] == [("multi: fast", 10, "✓"), ("multi: slow", 100, "✗")]
    assert rows[1]["notes"] == "the slow one" and rows[0]["notes"] == ""


def test_fresh_process_runs_a_benchmark_module(tmp_path):
    (tmp_path / "bench_toy_child.py").write_text(
        "import os\nfrom harness import Benchmark\n"
        "BENCHMARKS = [Benchmark(name='pid', run=lambda ctx: float(os.getpid() % 1000) + ctx['add'], fresh_process=True)]\n"
    )
    bench = Benchmark(name="pid", run=None, setup=lambda: {"add": 0.5}, fresh_process=True, warmup=0, env={"PYTHONPATH": f"{tmp_path}:{BENCH}"})
    rows = run.measure("bench_toy_child", bench, 3, log=lambda line: None)
    assert rows[0]["runs"] == 3 and rows[0]["median_ms"] % 1 == 0.5


def test_table_formats_figures():
    rows = [
        harness.summarize("a", [0.5, 0.25, 0.75], target_ms=1),
        harness.summarize("b|c", [1500.0], peer={"name": "fzf", "median_ms": 13.0}),
    ]
    lines = run.table(rows).split("\n")
    assert lines[0] == "| benchmark | median | min | max | target | peer | pass |"
    assert lines[2] == "| a | 0.50 ms | 0.25 ms | 0.75 ms | < 1 ms |  | ✓ |"
    assert lines[3] == "| b\\|c | 1.50 s | 1.50 s | 1.50 s |  | fzf: 13 ms |  |"


def test_results_md_merges_every_results_file(tmp_path):
    results = tmp_path / "results"
    mine = [
        run.rows_for(
            Benchmark(name="list tree", run=None, target_ms=50), [12.0, 14.0, 13.0], None, load={"load_before": [0.4, 0.3, 0.2], "load_after": [1.9, 0.5, 0.3]}
        )[0]
    ]
    harness.write_result_file(results / "tree.json", mine)
    # Another helper's file in the documented row format...
    (results / "other.json").write_text(
        json.dumps(
            [
                {
                    "benchmark": "paging",
                    "median_ms": 7.5,
                    "runs": 5,
                    "target_ms": 8,
                    "peer": {"name": "TextArea", "median_ms": 20},
                    "notes": "per screen",
                    "load_before": [2.6, 1.0, 0.5],
                }
            ]
        )
    )
    # ... and a free-form report with its own markdown table.
    (results / "source_view.json").write_text(
        json.dumps({"title": "Source view", "summary": "5 fresh processes", "table_markdown": "| metric | x |\n|---|---|\n| first screen | 40 ms |"})
    )
    (results / "broken.json").write_text("{not json")
    machine = {
        "cpu": "Test CPU 9000",
        "cores": 2,
        "memory_gib": 4.0,
        "python": "3.11.7",
        "platform": "Linux",
        "packages": {"textual": "8.2.0", "rich": "14.0.0", "tree-sitter": "0.25.1"},
    }
    out = run.write_results(results, tmp_path / "RESULTS.md", machine=machine, date="2026-11-26T20:00:00+00:00")
    text = out.read_text()
    assert "Test CPU 9000, 2 cores, 4.0 GiB RAM" in text
    assert "textual 8.2.0, rich 14.0.0, tree-sitter 0.25.1" in text
    assert "| list tree | 13 ms | 12 ms | 14 ms | < 50 ms |  | ✓ |" in text
    assert "| paging | 7.5 ms |  |  | < 8 ms | TextArea: 20 ms | ✓ |" in text
    assert "- paging: per screen" in text
    assert "## Source view" in text and "| first screen | 40 ms |" in text
    sources = {line.split("`")[1]: line for line in text.split("\n") if line.startswith("- `")}
    assert "busy" not in sources["tree.json"]  # 1.9 on 2 cores: the benchmark itself and a little more
    assert "busy" in sources["other.json"]
    assert "own" in sources["source_view.json"]
    # The first rows come first.
    assert text.index("| list tree |") < text.index("| paging |")
    assert "`broken.json`: unreadable" in text
    assert "bench/run.py" in text.split("## How to run")[1]


def test_store_keeps_rows_of_benchmarks_not_rerun(tmp_path):
    first = run.rows_for(Benchmark(name="one", run=None), [1.0], None) + run.rows_for(Benchmark(name="two", run=None), [2.0], None)
    run.store(tmp_path, "bench_x", first)
    rerun = run.rows_for(Benchmark(name="two", run=None), [3.0], None)
    path = run.store(tmp_path, "bench_x", rerun)
    assert path.name == "x.json"
    rows = harness.read_result_file(path)[0]
    assert sorted((r["benchmark"], r["median_ms"]) for r in rows) == [("one", 1.0), ("two", 3.0)]


def test_discover_finds_the_benchmark_modules():
    found = dict(run.discover())
    assert {"bench_tree", "bench_pack", "bench_finder"} <= set(found)
    assert all(isinstance(b, Benchmark) for benchmarks in found.values() for b in benchmarks)
    assert "bench_source_view" not in found  # a standalone script: its results file is merged instead
