"""Benchmark: the worst pack a stranger can build within k8sread's limits, on Kubernetes 1.22.

Issue 15: a pack of at most 20 MB must never make the reader take more than 2 s to show its
first screen, nor one action more than 1 s. This script builds the pack that costs the most
against each limit at once, opens the reader on the 1.22 tree with it, and times the first
screen and the actions that read the pack; the peer is the same reader without the pack.

The pack (about 20 MB, built once into bench/.cache/hostile-pack):
- pack.toml at the token limit (MAX_TOML_TOKENS) and near 2 MiB: a trail at every trail limit
  (64 components of 64 folders, a 64-node map, 500 chapters, 2000 steps, 2000 text steps);
- the notes of generated.pb.go (67k lines, the file the reader opens): 5000 notes, the most a
  file may hold, within the token limit: anchors that search the whole file and cannot match
  (the anchor budget stops them), notes over the whole file (the gutter), long bodies;
- the trail's steps spread over files of 2 MiB at the token limit, so going to a step or
  opening the trail view reads as much TOML as the trail's parse budget allows;
- 10,000 small notes files (MAX_PACK_FILES): all read at start for the tree's note counts.

    /work/venv/bin/python bench/bench_hostile_pack.py            # 5 runs
    /work/venv/bin/python bench/bench_hostile_pack.py --runs 9

Every figure is the median over fresh processes (one per run), headless, App.run_test(size=(160, 45)).
Results: a table on stdout and bench/results/hostile_pack.json (merged into RESULTS.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import harness  # noqa: E402

TREE = Path(os.environ.get("K8SREAD_BENCH_K8S", "/work/k8s-1.22"))
OPEN = "staging/src/k8s.io/api/core/v1/generated.pb.go"
CACHE = BENCH / ".cache" / "hostile-pack"
RESULTS = BENCH / "results" / "hostile_pack.json"
SIZE = (160, 45)
TARGETS = {"first screen": 2000.0, "action": 1000.0}
STEP_FILES = ["pkg/kubelet/kubelet.go", "pkg/kubelet/kubelet_pods.go", "pkg/kubelet/pod_workers.go", "pkg/proxy/iptables/proxier.go"]


# ---- the pack --------------------------------------------------------------------------------------


def _fill_tokens(lines: list[str], budget: int, make) -> None:
    """Append make(i) while the text stays within `budget` TOML tokens."""
    from k8sread.core.pack import toml_tokens

    used = toml_tokens("".join(lines).encode())
    i = 0
    while True:
        piece = make(i)
        cost = toml_tokens(piece.encode())
        if used + cost > budget:
            return
        lines.append(piece)
        used += cost
        i += 1


def build_pack(dest: Path) -> dict:
    from k8sread.core.pack import MAX_FILE_BYTES, MAX_NOTES_PER_FILE, MAX_PACK_FILES, MAX_TOML_TOKENS, toml_tokens
    from k8sread.core.trail import MAX_CHAPTERS, MAX_COMPONENTS, MAX_FOLDERS, MAX_MAP_NODES, MAX_STEPS, MAX_TEXTS

    dest.mkdir(parents=True, exist_ok=True)
    lines_of_open = (TREE / OPEN).read_bytes().count(b"\n")
    # Steps: one note per step, spread over STEP_FILES; the first step in each file.
    steps = [f"step-{i:04d}" for i in range(MAX_STEPS - MAX_TEXTS // 2)] + [f"text:t{i}" for i in range(MAX_TEXTS // 2)]
    per_chapter = MAX_STEPS // MAX_CHAPTERS
    parts = ['format = 1\nname = "hostile"\ntitle = "The worst pack within the limits"\n']
    parts.append("map = [" + ",".join(f'"c{i}"' for i in range(MAX_MAP_NODES)) + "]\n")
    for i in range(MAX_COMPONENTS):
        folders = ",".join(f'"pkg/f{i}/{"x" * 40}{j}"' for j in range(MAX_FOLDERS))
        parts.append(f'[[components]]\nid = "c{i}"\nkey = "{i % 10}"\ntitle = "{"kube-" + "T" * 300}"\nfolders = [{folders}, "pkg"]\n'.replace(', "pkg"]', "]"))
    for c in range(MAX_CHAPTERS):
        chunk = steps[c * per_chapter : (c + 1) * per_chapter]
        parts.append(f'[[chapters]]\ncomponent = "c{c % MAX_COMPONENTS}"\ntitle = "Chapter {c}"\nsteps = [{",".join(json.dumps(s) for s in chunk)}]\n')
    for t in range(MAX_TEXTS):
        parts.append(f'[[texts]]\nid = "t{t}"\ntitle = "Text {t}"\nbody = "{"words without punctuation " * 5}"\n')
    # The tokens left: dates (the slowest values to parse); then prose up to the size limit.
    _fill_tokens(parts, MAX_TOML_TOKENS - 10, lambda i: f"[x{i}]\nd = [{', '.join(['1979-05-27T07:32:00Z'] * 50)}]\n")
    room = MAX_FILE_BYTES - len("".join(parts).encode()) - 100
    parts.insert(1, 'description = """' + "y" * max(0, room) + '"""\n')
    meta = "".join(parts)
    assert toml_tokens(meta.encode()) <= MAX_TOML_TOKENS, toml_tokens(meta.encode())
    assert len(meta.encode()) <= MAX_FILE_BYTES
    (dest / "pack.toml").write_text(meta)

    def write_notes(source: str, text: str) -> None:
        path = dest / (source + ".toml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        assert toml_tokens(text.encode()) <= MAX_TOML_TOKENS and len(text.encode()) <= MAX_FILE_BYTES, (source, toml_tokens(text.encode()))

    # The opened file: 5000 notes. A third search the whole file for a fingerprint that is
    # nowhere (one line, no line hashes: every start is a candidate), a third cover the whole
    # file without an anchor (the gutter marks every line), a third carry a symbol that is gone
    # and a 30,000-line range. Bodies fill the bytes the tokens leave.
    notes: list[str] = []
    for i in range(MAX_NOTES_PER_FILE - 1):  # and the filler below
        kind = i % 3
        if kind == 0:
            line = 100 + i
            notes.append(f'[[notes]]\nid = "o{i}"\nlines = [{line}, {line}]\ntitle = "scan"\nanchor = {{ fingerprint = "00000000000{i:05d}" }}\n')
        elif kind == 1:
            notes.append(f'[[notes]]\nid = "o{i}"\nlines = [1, {lines_of_open}]\ntitle = "all"\n')
        else:
            notes.append(
                f'[[notes]]\nid = "o{i}"\nlines = [20000, 50000]\ntitle = "gone"\nanchor = {{ fingerprint = "ffffffffffffffff", symbol = "Gone{i}" }}\n'
            )
    text = "format = 1\n" + "".join(notes)
    room = MAX_FILE_BYTES - len(text.encode()) - 1000
    text += '[[notes]]\nid = "filler"\nlines = [1, 1]\ntitle = "filler"\nbody = """' + "x" * max(0, room) + '"""\n'
    write_notes(OPEN, text)

    # The trail's step notes: files at the token limit, the earliest steps first.
    note_steps = [s for s in steps if not s.startswith("text:")]
    per_file = -(-len(note_steps) // len(STEP_FILES))
    for f, source in enumerate(STEP_FILES):
        own = note_steps[f * per_file : (f + 1) * per_file]
        lines = ["format = 1\n"] + [f'[[notes]]\nid = "{s}"\nlines = [{10 + k}, {10 + k}]\ntitle = "step {s}"\n' for k, s in enumerate(own)]
        _fill_tokens(lines, MAX_TOML_TOKENS - 10, lambda i: f'[[notes]]\nid = "pad{i}"\nlines = [1, 1]\ntitle = "p"\ncreated = 1979-05-27T07:32:00Z\n')
        room = MAX_FILE_BYTES - len("".join(lines).encode()) - 200
        lines.append('[[notes]]\nid = "filler"\nlines = [1, 1]\ntitle = "filler"\nbody = """' + "z" * max(0, room) + '"""\n')
        write_notes(source, "".join(lines))

    # Small files up to the listing limit: read whole at start for the tree's note counts.
    count = MAX_PACK_FILES - len(STEP_FILES) - 1
    so_far = sum(p.stat().st_size for p in dest.rglob("*.toml"))
    body = max(0, (19_900_000 - so_far) // count - 60)
    small = '[[notes]]\nid = "s"\nlines = [1, 1]\ntitle = "small"\nbody = """' + "y" * body + '"""\n'
    for i in range(count):
        write_notes(f"vendor/hostile/d{i // 100:03d}/f{i:05d}.go", small)
    total = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    info = {"bytes": total, "files": sum(1 for p in dest.rglob("*.toml")), "lines_of_open_file": lines_of_open}
    (dest / ".built").write_text(json.dumps(info))
    return info


def cached_pack() -> tuple[Path, dict]:
    marker = CACHE / ".built"
    if marker.is_file():
        return CACHE, json.loads(marker.read_text())
    if CACHE.exists():
        import shutil

        shutil.rmtree(CACHE)
    return CACHE, build_pack(CACHE)


# ---- one run, in a fresh process ---------------------------------------------------------------


async def _settle(app, pilot) -> None:
    await pilot.pause()
    await pilot.pause()


async def _measure(with_pack: bool) -> dict[str, float]:
    from k8sread.core.pack import Pack
    from k8sread.core.packset import PackSet, writable_pack
    from k8sread.core.source_tree import SourceTree
    from k8sread.ui.app import ReaderApp

    figures: dict[str, float] = {}
    start = time.perf_counter()
    mine = writable_pack(None)
    packs = [Pack.open(CACHE, writable=False), mine] if with_pack else [mine]
    app = ReaderApp(SourceTree.open(TREE), packs=PackSet(packs=packs, writable=mine), open_path=OPEN, lang="en")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _settle(app, pilot)
        figures["first screen"] = harness.elapsed_ms(start)

        async def timed(name: str, *keys: str, call=None) -> None:
            began = time.perf_counter()
            if call is not None:
                call()
            for key in keys:
                await pilot.press(key)
            await _settle(app, pilot)
            figures[name] = harness.elapsed_ms(began)

        await timed(
            "open the 67k-line file again (parse cached, resolve, gutter)", call=lambda: app.open_file("pkg/kubelet/kubelet.go") and app.open_file(OPEN)
        )
        await timed("next trail step (find its note, open its file)", "right_square_bracket")
        await timed("trail view (every step's note)", "t")
        await timed("close the trail view", "escape")
        await timed("next trail step again", "right_square_bracket")
        await timed("open a file of the pack at the token limit", call=lambda: app.open_file(STEP_FILES[-1]))
        await timed("component key 1", "1")
    return figures


def _gutter_from_core() -> None:
    """Reader.markers drawn by core.gutter.marks_by_kind, as the reader is meant to: what the
    figures would be once it is (the reader's own loop marks every line of every note)."""
    from k8sread.core import reader as reader_module
    from k8sread.core.gutter import marks_by_kind

    kinds = ("exact", "moved", "changed")[: max(2, str(reader_module.Reader.markers.__annotations__.get("return", "")).count("dict["))]

    def markers(self):
        found = marks_by_kind(
            (p.start, p.end, p.pack_index, "changed" if getattr(p, "changed", False) else "moved" if p.moved else "exact") for p in self.placed()
        )
        return tuple(found.get(kind, {}) for kind in kinds)

    reader_module.Reader.markers = markers


def child(mode: str) -> None:
    os.environ["K8SREAD_HOME"] = tempfile.mkdtemp(prefix="k8sread-bench-hostile-")
    if mode == "pack-core-gutter":
        _gutter_from_core()
    print(json.dumps(asyncio.run(_measure(mode != "none"))))


def run_fresh(mode: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", mode], capture_output=True, text=True, timeout=900, cwd=BENCH.parent)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- the report ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=["pack", "pack-core-gutter", "none"])
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    if not (TREE / OPEN).is_file():
        print(f"needs a Kubernetes 1.22 checkout at {TREE} (set K8SREAD_BENCH_K8S)", file=sys.stderr)
        return 2
    began = time.perf_counter()
    folder, info = cached_pack()
    print(f"pack: {folder} ({info['bytes'] / 1e6:.1f} MB, {info['files']} files), built or found in {time.perf_counter() - began:.1f} s")
    load_before = harness.load_average()
    hostile: list[dict[str, float]] = []
    wired: list[dict[str, float]] = []
    plain: list[dict[str, float]] = []
    run_fresh("pack")  # warm-up: the OS file cache, .pyc files
    for n in range(args.runs):
        hostile.append(run_fresh("pack"))
        wired.append(run_fresh("pack-core-gutter"))
        plain.append(run_fresh("none"))
        print(f"run {n + 1}/{args.runs}: {json.dumps(hostile[-1])}")
    load_after = harness.load_average()
    rows = []
    table = [
        "| measured | limit | with the pack (median) | slowest run | the same, gutter from core.gutter (median) | without the pack (median) |",
        "|---|---|---|---|---|---|",
    ]
    for metric in hostile[0]:
        values = [h[metric] for h in hostile]
        peer_values = [p[metric] for p in plain if metric in p]
        target = TARGETS["first screen"] if metric == "first screen" else TARGETS["action"]
        peer = (
            {"name": "the same reader without the pack", "median_ms": round(statistics.median(peer_values), 3), "runs": len(peer_values)}
            if peer_values
            else None
        )
        rows.append(
            harness.summarize(
                f"hostile pack at every limit: {metric}",
                values,
                target_ms=target,
                peer=peer,
                notes=f"{info['bytes'] / 1e6:.1f} MB pack, {info['files']} files; {TREE} opened at {OPEN}; fresh process per run",
                extra={"date": harness.now_iso(), "load_before": load_before, "load_after": load_after},
            )
        )
        median = statistics.median(values)
        wired_median = statistics.median([w[metric] for w in wired])

        def mark(value: float, target: float = target) -> str:
            return "✓" if value <= target else "✗"

        peer_cell = f"{statistics.median(peer_values):.0f} ms" if peer_values else ""
        table.append(
            f"| {metric} | ≤ {target:.0f} ms | {median:.0f} ms {mark(median)} | {max(values):.0f} ms | {wired_median:.0f} ms {mark(wired_median)} | {peer_cell} |"
        )
    from k8sread.core import anchors, pack, trail

    summary = (
        f"The pack: {info['bytes'] / 1e6:.1f} MB in {info['files']} files, built against every limit at once "
        f"(`MAX_FILE_BYTES` {pack.MAX_FILE_BYTES // 1024 // 1024} MiB, `MAX_TOML_TOKENS` {pack.MAX_TOML_TOKENS}, "
        f"`MAX_NOTES_PER_FILE` {pack.MAX_NOTES_PER_FILE}, `MAX_PACK_FILES` {pack.MAX_PACK_FILES}, anchor budget "
        f"{anchors.NOTE_BUDGET:,} a note / {anchors.FILE_BUDGET:,} a file, trail at every size limit, "
        f"`TRAIL_PARSE_TOKENS` {trail.TRAIL_PARSE_TOKENS}); see the docstring of bench/bench_hostile_pack.py. "
        f"Tree: {TREE} (release-1.22), the reader opened on {OPEN} ({info['lines_of_open_file']} lines). "
        f"Medians of {args.runs} fresh processes each, App.run_test(size={SIZE}); the peer is the same reader with "
        f"no stranger's pack. Machine: {harness.machine().get('cpu')}, {os.cpu_count()} cores, shared; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after."
    )
    report = {
        "title": "A stranger's pack at every limit (issue 15)",
        "summary": summary,
        "table_markdown": "\n".join(table),
        "machine": {**harness.machine(), "date": harness.now_iso()},
        "rows": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(summary)
    print("\n".join(table))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
