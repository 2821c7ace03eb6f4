"""Fuzzer: hostile packs and trees, run through the reader (headless) and every subcommand.

Each case is built from a seed by one of the families of issue 15 (deep nesting, TOML token
floods, special files, slow anchors, oversized or duplicated trails, thousands of files,
hostile CodeTour files, hostile trees, random mutations of a valid pack), then run in a fresh
process: the reader opens on it and walks it with keys, then each subcommand runs on it.

A case fails when anything raises out of the reader or `cli.main`, a traceback or a live
escape reaches the output, an exit code is not 0/1/2, exit 2 comes without a one-line
`k8sread: error: ...`, or the process does not finish within the case's wall-clock limit (a
hang: a FIFO opened, a regex backtracking). Steps slower than the issue's budgets (first screen
2 s, an action 1 s, a subcommand 4 s) are reported as slow, apart from the failures.

    /work/venv/bin/python bench/fuzz_packs.py --cases 200 --seed 1    # the long run (a benchmark)
    /work/venv/bin/python bench/fuzz_packs.py --cases 9 --seed 7      # what CI runs, through
                                                                      # tests/reliability/test_fuzz_packs.py

The long run writes bench/results/fuzz_packs.json (merged into RESULTS.md): cases per family,
failures, slow steps, the slowest step of each family.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "fuzz_packs.json"
FAMILIES = ("deep", "tokens", "special", "anchors", "trail", "many_files", "codetour", "tree", "mutate")
# The budgets for the reader; a subcommand may take longer (an import searches a tour's
# patterns for up to codetour.PATTERN_TOTAL_SECONDS).
BUDGET_MS = {"first screen": 2000.0, "action": 1000.0, "command": 4000.0}
CASE_LIMIT_S = 120.0  # a hang guard, not a budget: a case that takes this long is stuck
GO_LINE = "\tm.Field{n} = append(m.Field{n}, dAtA[iNdEx:postIndex]...) // {n}\n"
LIVE = ("\x1b]", "\x1b[", "\x9b", "\x07")


# ---- building a case -------------------------------------------------------------------------------


class _CaseRandom(random.Random):
    """A seeded generator that also knows the case's number within its family, so a family's
    main kinds take turns (a random choice left the regex patterns out of a 90-case run)."""

    variant = 0


def _kind(rng: random.Random, options: list[str]) -> str:
    return options[getattr(rng, "variant", 0) % len(options)]


def _toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string for the text we generate


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def _notes_file(pack: Path, source: str) -> Path:
    return pack / (source + ".toml")


def _tree(dest: Path, rng: random.Random, *, long_lines: int = 2000) -> Path:
    tree = dest / "tree"
    files = {
        "go.mod": "module example.com/fuzz\n\ngo 1.16\n",
        "cmd/app/main.go": "package main\n\nfunc main() {\n\trun()\n}\n\nfunc run() {}\n",
        "pkg/a/a.go": "package a\n\n// A does it.\nfunc A() int {\n\treturn 1\n}\n\nfunc B() {}\n",
        "pkg/gen/gen.go": "package gen\n\nfunc init() {\n" + "".join(GO_LINE.format(n=n) for n in range(long_lines)) + "}\n",
    }
    for rel, text in files.items():
        _write(tree / rel, text)
    return tree


def _pack(dest: Path, meta: str = "", name: str = "fuzz") -> Path:
    pack = dest / "pack"
    _write(pack / "pack.toml", f'format = 1\nname = "{name}"\ntitle = "Fuzz"\n' + meta)
    return pack


def _honest_notes(rng: random.Random, count: int, last_line: int) -> str:
    out = []
    for i in range(count):
        start = rng.randint(1, max(1, last_line - 5))
        out.append(f'[[notes]]\nid = "n{i}"\nlines = [{start}, {start + rng.randint(0, 4)}]\ntitle = "note {i}"\nbody = "body {i}"\n')
    return "".join(out)


def _trail_meta(steps: list[str]) -> str:
    return '[[components]]\nid = "c"\nkey = "1"\nfolders = ["pkg"]\n[[chapters]]\ncomponent = "c"\nsteps = [' + ",".join(_toml_string(s) for s in steps) + "]\n"


def family_deep(rng: random.Random, dest: Path) -> str:
    _tree(dest, rng)
    depth = rng.choice([15, 16, 17, 100, 499, 1000, 5000, 20000])
    opener, closer = rng.choice([("[", "]"), ("{a=", "}")])
    value = opener * depth + ("1" if opener != "[" else "") + closer * depth
    where = _kind(rng, ["pack.toml", "notes", "both"])
    pack = _pack(dest, f"x = {value}\n" if where in ("pack.toml", "both") else _trail_meta(["n0"]))
    notes = _honest_notes(rng, 3, 6) + (f"deep = {value}\n" if where in ("notes", "both") else "")
    _write(_notes_file(pack, "pkg/a/a.go"), notes)
    return f"{opener}×{depth} in {where}"


def family_tokens(rng: random.Random, dest: Path) -> str:
    _tree(dest, rng)
    pack = _pack(dest, _trail_meta(["n0", "n1"]))
    shape = _kind(rng, ["ints", "tables", "dates", "keys", "escapes", "inline", "dotted"])
    count = rng.choice([1_000, 40_000, 99_000, 150_000, 400_000])
    body = {
        "ints": lambda: "x = [" + ",".join("1" for _ in range(count)) + "]\n",
        "tables": lambda: "".join(f"[t{i}]\n" for i in range(count // 3)),
        "dates": lambda: "x = [" + ",".join("1979-05-27T07:32:00Z" for _ in range(count // 6)) + "]\n",
        "keys": lambda: "".join(f"k{i}=1\n" for i in range(count // 2)),
        "escapes": lambda: 'x = "' + "\\n" * count + '"\n',
        "inline": lambda: "x = [" + ",".join("{}" for _ in range(count)) + "]\n",
        "dotted": lambda: "".join(f"a.b.c{i} = 1\n" for i in range(count // 4)),
    }[shape]()
    target = rng.choice(["notes", "pack.toml"])
    if target == "pack.toml":
        _write(pack / "pack.toml", (pack / "pack.toml").read_text() + body)
    _write(_notes_file(pack, "pkg/a/a.go"), _honest_notes(rng, 2, 6) + (body if target == "notes" else ""))
    return f"{shape} ~{count} tokens in {target}"


def family_special(rng: random.Random, dest: Path) -> str:
    tree = _tree(dest, rng)
    pack = _pack(dest, _trail_meta(["n0"]))
    kind = _kind(rng, ["fifo notes", "fifo pack.toml", "dev/zero notes", "dev/zero pack.toml", "folder notes", "socket notes", "fifo source"])
    notes = _notes_file(pack, "pkg/a/a.go")
    notes.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo notes":
        os.mkfifo(notes)
    elif kind == "fifo pack.toml":
        (pack / "pack.toml").unlink()
        os.mkfifo(pack / "pack.toml")
        _write(notes, _honest_notes(rng, 2, 6))
    elif kind == "dev/zero notes":
        # notes_path refuses a symlinked notes file; the listing skips it
        notes.symlink_to("/dev/zero")
    elif kind == "dev/zero pack.toml":
        (pack / "pack.toml").unlink()
        (pack / "pack.toml").symlink_to("/dev/zero")
    elif kind == "folder notes":
        notes.mkdir()
    elif kind == "socket notes":
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(notes))
    else:
        os.mkfifo(tree / "pkg/a/fifo.go")
        _write(_notes_file(pack, "pkg/a/fifo.go"), _honest_notes(rng, 2, 3))
    if kind != "fifo notes" and not notes.exists():
        _write(notes, _honest_notes(rng, 2, 6))
    return kind


def family_anchors(rng: random.Random, dest: Path) -> str:
    lines = rng.choice([200, 5_000, 30_000, 67_000])
    _tree(dest, rng, long_lines=lines)
    last = lines + 4
    pack = _pack(dest, _trail_meta([f"a{i}" for i in range(0, 50, 7)]))
    count = rng.choice([10, 500, 3000, 5000])
    out = []
    for i in range(count):
        start = rng.randint(1, last)
        kind = rng.randrange(7)
        span = rng.choice([0, 1, 30, 400, 401, 30_000, 10**9])
        end = start + span
        anchor: dict = {"fingerprint": rng.choice(["0" * 16, f"{rng.getrandbits(64):016x}"])}
        if kind == 1:
            anchor["line_hashes"] = [rng.choice(["a1b2c3", "ffffff", f"{rng.getrandbits(24):06x}"]) for _ in range(min(span + 1, 400))]
        elif kind == 2:
            anchor["before"] = ["x" * rng.choice([10, 5_000])] * 3
            anchor["after"] = ["}"] * 3
        elif kind == 3:
            anchor["symbol"] = f"Gone{i}"
            anchor["offset"] = rng.choice([0, -5, 10**9])
        elif kind == 4:
            anchor = {}  # unanchored: the gutter
            end = min(end, last)
        elif kind == 5:
            anchor["line_hashes"] = "not a list"
        parts = ", ".join(f"{key} = {json.dumps(value)}" for key, value in anchor.items())
        out.append(f'[[notes]]\nid = "a{i}"\nlines = [{start}, {max(start, end)}]\ntitle = "a"\nanchor = {{ {parts} }}\n')
    text = "".join(out)
    from k8sread.core.pack import MAX_TOML_TOKENS, toml_tokens

    while toml_tokens(text.encode()) > MAX_TOML_TOKENS and rng.random() < 0.7:
        out = out[: len(out) * 3 // 4]  # mostly within the limit, sometimes over it
        text = "".join(out)
    _write(_notes_file(pack, "pkg/gen/gen.go"), text)
    return f"{len(out)} notes on a {lines}-line file"


def family_trail(rng: random.Random, dest: Path) -> str:
    _tree(dest, rng)
    components = rng.choice([0, 3, 64, 65, 2000])
    map_nodes = rng.choice([0, 5, 64, 65, 5000])
    steps = [rng.choice(["n0", "n1", "n2", "ghost", "text:t0", "text:nope", "n0"]) for _ in range(rng.choice([0, 3, 50, 2000, 2001]))]
    title = rng.choice(["T", "kube-" + "T" * 10_000, "\x1b]52;c;ZXZpbA==\x07[bold]x[/bold]"])
    meta = "map = [" + ",".join(f'"c{i}"' for i in range(map_nodes)) + "]\n"
    meta += "".join(f'[[components]]\nid = "c{i % 70}"\nkey = "{i % 10}"\ntitle = {_toml_string(title)}\nfolders = ["pkg", "cmd"]\n' for i in range(components))
    meta += '[[chapters]]\ncomponent = "c0"\ntitle = "one"\nsteps = [' + ",".join(_toml_string(s) for s in steps) + "]\n"
    meta += '[[texts]]\nid = "t0"\ntitle = "text"\nbody = "prose"\n'
    pack = _pack(dest, meta)
    _write(_notes_file(pack, "pkg/a/a.go"), _honest_notes(rng, 3, 6))
    return f"{components} components, {map_nodes} map nodes, {len(steps)} steps"


def family_many_files(rng: random.Random, dest: Path) -> str:
    _tree(dest, rng)
    from k8sread.core.pack import MAX_PACK_FILES

    pack = _pack(dest, _trail_meta([f"n{i}" for i in range(0, 40, 3)]))
    count = rng.choice([100, MAX_PACK_FILES - 1, MAX_PACK_FILES + 50])
    depth = rng.choice([1, 50, 300])
    deep = "/".join(["d"] * depth)
    for i in range(count):
        _write(_notes_file(pack, f"{deep}/f{i}.go" if i % 2 else f"pkg/f{i // 100}/f{i}.go"), f'[[notes]]\nid = "n{i}"\nlines = [1, 1]\ntitle = "t"\n')
    _write(_notes_file(pack, "pkg/a/a.go"), _honest_notes(rng, 2, 6))
    return f"{count} notes files, folders {depth} deep"


def family_codetour(rng: random.Random, dest: Path) -> str:
    tree = _tree(dest, rng)
    pack = _pack(dest, _trail_meta(["n0"]))
    _write(_notes_file(pack, "pkg/a/a.go"), _honest_notes(rng, 2, 6))
    _write(tree / "pkg/a/words.go", "package a\n// " + " ".join(["ab"] * 40) + "\n")
    kind = _kind(rng, ["numbers", "pattern", "nested", "many", "bytes"])
    if kind == "numbers":
        bad = rng.choice(["NaN", "Infinity", "-Infinity", "1e400", "1e300", "-1", "0", "2147483648"])
        text = (
            '{"title": "t", "steps": [{"file": "pkg/a/a.go", "line": 3, "description": "ok"}, {"file": "pkg/a/a.go", "line": '
            + bad
            + ', "description": "bad"}]}'
        )
    elif kind == "pattern":
        pattern = rng.choice([r"^(\s*\S+)*@", r"(a|aa)+$", r"(x+x+)+y", "(" * 2000, r"^func A"])
        steps = [{"file": "pkg/a/words.go", "pattern": pattern, "description": "p"} for _ in range(rng.choice([1, 3, 10]))]
        text = json.dumps({"title": "t", "steps": [{"file": "pkg/a/a.go", "line": 3, "description": "ok"}, *steps]})
    elif kind == "nested":
        text = "[" * rng.choice([1000, 100_000]) + "]" * 10
    elif kind == "many":
        text = json.dumps({"title": "t", "steps": [{"file": "pkg/a/a.go", "line": 1 + i % 8, "description": "d"} for i in range(rng.choice([100, 5001]))]})
    else:
        text = '{"title": "\xff\xfe"}'
    _write(dest / "fuzz.tour", text.encode("utf-8", errors="surrogateescape") if kind != "bytes" else b'{"title": "\xff\xfe", "steps": []}')
    return kind


def family_tree(rng: random.Random, dest: Path) -> str:
    tree = _tree(dest, rng)
    kind = _kind(rng, ["long line", "binary", "not utf-8", "symlink loop", "many files", "control names"])
    if kind == "long line":
        _write(tree / "pkg/a/long.go", "package a\n// " + "x" * rng.choice([100_000, 3_000_000]) + "\n")
    elif kind == "binary":
        _write(tree / "pkg/a/bin.go", b"\x7fELF\x00\x00" + bytes(range(256)) * 100)
    elif kind == "not utf-8":
        _write(tree / "pkg/a/latin.go", b"package a\n// caf\xe9 \xff\xfe\n")
    elif kind == "symlink loop":
        (tree / "pkg/loop").symlink_to(tree / "pkg")
        (tree / "pkg/self.go").symlink_to(tree / "pkg/self.go")
    elif kind == "many files":
        for i in range(3000):
            _write(tree / f"pkg/many/f{i}.go", "package many\n")
    else:
        _write(tree / "pkg/a/e\x1b]52;c;x\x07[b]n.go", "package a\n")
    pack = _pack(dest, _trail_meta(["n0", "n1"]))
    for source in ["pkg/a/a.go", "pkg/a/long.go", "pkg/a/bin.go", "pkg/a/latin.go", "pkg/self.go"]:
        _write(_notes_file(pack, source), _honest_notes(rng, 3, 3))
    return kind


def family_mutate(rng: random.Random, dest: Path) -> str:
    _tree(dest, rng)
    pack = _pack(dest, _trail_meta(["n0", "n1", "n2"]))
    text = bytearray(_honest_notes(rng, 20, 6).encode())
    edits = rng.choice([1, 5, 50])
    for _ in range(edits):
        at = rng.randrange(len(text))
        op = rng.randrange(4)
        if op == 0:
            text[at] = rng.randrange(256)
        elif op == 1:
            text[at:at] = rng.choice([b"[", b"{", b"]]", b'"""', b"\\u", b"\x00", b"=", b"\n[[notes]]\n", b"<<<<<<< x\n"]) * rng.randint(1, 40)
        elif op == 2:
            del text[at : at + rng.randint(1, 30)]
        else:
            text[at:at] = text[: rng.randint(0, 200)]
    _write(_notes_file(pack, "pkg/a/a.go"), bytes(text))
    if rng.random() < 0.5:
        meta = bytearray((pack / "pack.toml").read_bytes())
        at = rng.randrange(len(meta))
        meta[at:at] = rng.choice([b"[", b"{", b"=", b"\xff", b"map = 5\n"])
        (pack / "pack.toml").write_bytes(bytes(meta))
    return f"{edits} byte edits"


BUILDERS: dict[str, Callable[[random.Random, Path], str]] = {
    "deep": family_deep,
    "tokens": family_tokens,
    "special": family_special,
    "anchors": family_anchors,
    "trail": family_trail,
    "many_files": family_many_files,
    "codetour": family_codetour,
    "tree": family_tree,
    "mutate": family_mutate,
}


def build_case(seed: int, family: str, dest: Path, variant: int = 0) -> dict:
    rng = _CaseRandom(f"{family}:{seed}")
    rng.variant = variant
    what = BUILDERS[family](rng, dest)
    case = {"seed": seed, "family": family, "what": what}
    (dest / "case.json").write_text(json.dumps(case))
    return case


# ---- running a case (in a fresh process) ---------------------------------------------------------


class _Run:
    def __init__(self, dest: Path, progress: Path):
        self.dest = dest
        self.progress = progress
        self.steps: list[dict] = []
        self.failures: list[str] = []

    def mark(self, name: str) -> None:
        # Written before each step, so a parent that kills a stuck child knows where it was.
        with open(self.progress, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")

    def record(self, name: str, kind: str, started: float) -> None:
        self.steps.append({"step": name, "kind": kind, "ms": round((time.perf_counter() - started) * 1000, 1)})

    def command(self, argv: list[str]) -> None:
        from k8sread.cli import main

        name = "k8sread " + " ".join(a if not a.startswith(str(self.dest)) else "…" + a[len(str(self.dest)) :] for a in argv)
        self.mark(name)
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as stop:  # argparse usage errors
                    code = stop.code if isinstance(stop.code, int) else 2
        except BaseException as error:  # anything escaping main is the finding
            self.failures.append(f"{name}: raised {type(error).__name__}: {error}"[:400])
            self.record(name, "command", started)
            return
        self.record(name, "command", started)
        text = out.getvalue() + err.getvalue()
        if code not in (0, 1, 2):
            self.failures.append(f"{name}: exit code {code}")
        if "Traceback (most recent call last)" in text:
            self.failures.append(f"{name}: a traceback in the output")
        if code == 2 and not any(line.startswith(("k8sread: error: ", "usage: ")) for line in err.getvalue().splitlines()):
            self.failures.append(f"{name}: exit 2 without 'k8sread: error: ...' ({err.getvalue()[:200]!r})")
        if any(seq in text for seq in LIVE):
            self.failures.append(f"{name}: a live escape sequence in the output")

    async def reader(self, tree: Path, open_path: str | None) -> None:
        from k8sread.core.source_tree import SourceTree
        from k8sread.ui.app import ReaderApp

        self.mark("reader: first screen")
        started = time.perf_counter()
        try:
            app = ReaderApp(SourceTree.open(tree), lang="en", open_path=open_path)
            async with app.run_test(size=(120, 36), notifications=True) as pilot:
                await pilot.pause()
                self.record("reader: first screen", "first screen", started)
                for key in ("right_square_bracket", "t", "escape", "right_square_bracket", "O", "escape", "1", "P", "escape", "G", "left_square_bracket"):
                    self.mark(f"reader: key {key}")
                    began = time.perf_counter()
                    await pilot.press(key)
                    await pilot.pause()
                    self.record(f"reader: key {key}", "action", began)
                    if not app.is_running:
                        self.failures.append(f"reader: stopped after key {key}")
                        break
                for strip in app.screen._compositor.render_strips():
                    for segment in strip:
                        if any(seq in segment.text for seq in LIVE):
                            self.failures.append("reader: a live escape sequence on screen")
                            break
        except BaseException as error:  # anything escaping the reader is the finding
            self.failures.append(f"reader: raised {type(error).__name__}: {str(error)[:300]}")


def run_case(dest: Path) -> dict:
    """Everything a case goes through; returns the steps and failures (for the parent)."""
    os.environ["K8SREAD_HOME"] = str(dest / "home")
    case = json.loads((dest / "case.json").read_text())
    run = _Run(dest, dest / "progress.txt")
    tree, pack, tour = dest / "tree", dest / "pack", dest / "fuzz.tour"
    from k8sread.core import registry

    run.command(["pack", "add", str(pack), "--name", "fuzz"])
    if "fuzz" not in registry.Registry.load().packs:
        # Refused (that is often right): register it anyway, so the reader meets it at start.
        registry.update(lambda reg: reg.packs.__setitem__("fuzz", registry.Entry("fuzz", pack.resolve())))
    run.command(["pack", "list"])
    open_path = {"anchors": "pkg/gen/gen.go", "special": "pkg/a/a.go"}.get(case["family"], "pkg/a/a.go")
    asyncio.run(run.reader(tree, open_path))
    run.command(["check", "--repo", str(tree), str(pack)])
    run.command(["check", "--repo", str(tree), "--json", str(pack)])
    run.command(["notes", "--repo", str(tree), "--pack", str(pack), open_path])
    run.command(["export", "--repo", str(tree), "--pack", str(pack), "-o", str(dest / "out.md")])
    run.command(["export", "--repo", str(tree), "--pack", str(pack), "--format", "codetour", "-o", str(dest / "out.tour")])
    if tour.exists():
        run.command(["import", "codetour", str(tour), "--repo", str(tree), "--pack", str(dest / "imported")])
    run.command(["note", "add", "--repo", str(tree), "--pack", str(pack), "pkg/a/a.go:3", "--title", "added by the fuzzer"])
    run.mark("done")
    return {**case, "steps": run.steps, "failures": run.failures}


def run_in_child(dest: Path, limit_s: float = CASE_LIMIT_S) -> dict:
    """Run a built case in a fresh process; a case that outlives `limit_s` is a hang."""
    progress = dest / "progress.txt"
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--run", str(dest)], capture_output=True, text=True, timeout=limit_s, cwd=BENCH.parent
        )
    except subprocess.TimeoutExpired:
        stuck = progress.read_text().splitlines()[-1] if progress.exists() else "?"
        case = json.loads((dest / "case.json").read_text())
        return {**case, "steps": [], "failures": [f"hang: still running after {limit_s:.0f} s, in {stuck}"], "wall_s": limit_s}
    wall = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        case = json.loads((dest / "case.json").read_text())
        return {**case, "steps": [], "failures": [f"the case process failed ({done.returncode}): {done.stderr[-800:]}"], "wall_s": wall}
    case = json.loads((dest / "case.json").read_text())
    return {**case, **json.loads(lines[-1]), "wall_s": round(wall, 2)}


def slow_steps(result: dict) -> list[dict]:
    return [step for step in result["steps"] if step["ms"] > BUDGET_MS[step["kind"]]]


def fuzz(cases: int, seed: int, *, families: tuple[str, ...] = FAMILIES, limit_s: float = CASE_LIMIT_S, log=print) -> list[dict]:
    results = []
    for number in range(cases):
        family = families[number % len(families)]
        with tempfile.TemporaryDirectory(prefix=f"k8sread-fuzz-{family}-") as folder:
            dest = Path(folder)
            build_case(seed * 100_000 + number, family, dest, variant=seed + number // len(families))
            result = run_in_child(dest, limit_s)
        results.append(result)
        slow = slow_steps(result)
        log(f"case {number + 1}/{cases} {family} ({result['what']}): {len(result['failures'])} failures, {len(slow)} slow, {result.get('wall_s', 0):.1f} s")
        for failure in result["failures"]:
            log(f"    FAIL {failure}")
    return results


# ---- the report ------------------------------------------------------------------------------------


def report(results: list[dict], seed: int) -> dict:
    sys.path.insert(0, str(BENCH))
    import harness

    rows, table = [], ["| family | cases | failures | slow steps | slowest step (ms) | what was tried |", "|---|---|---|---|---|---|"]
    for family in FAMILIES:
        mine = [r for r in results if r["family"] == family]
        if not mine:
            continue
        steps = [s for r in mine for s in r["steps"]]
        slowest = max(steps, key=lambda s: s["ms"], default=None)
        tried = "; ".join(sorted({r["what"] for r in mine}))[:300]
        failures = sum(len(r["failures"]) for r in mine)
        slow = sum(len(slow_steps(r)) for r in mine)
        table.append(
            f"| {family} | {len(mine)} | {failures} | {slow} | {slowest['ms']:.0f} ({slowest['step']}) | {tried} |"
            if slowest
            else f"| {family} | {len(mine)} | {failures} | {slow} | | {tried} |"
        )
        firsts = [s["ms"] for s in steps if s["kind"] == "first screen"]
        if firsts:
            rows.append(
                harness.summarize(
                    f"fuzz {family}: reader first screen",
                    firsts,
                    target_ms=BUDGET_MS["first screen"],
                    notes=f"{len(mine)} cases, seed {seed}",
                    extra={"date": harness.now_iso()},
                )
            )
    failures = [f for r in results for f in r["failures"]]
    summary = (
        f"{len(results)} cases (seed {seed}), {len(FAMILIES)} families, each in a fresh process: the reader (11 keys) and "
        f"{sum(1 for r in results for s in r['steps'] if s['kind'] == 'command')} subcommand runs in all. "
        f"{len(failures)} failures. Budgets: first screen {BUDGET_MS['first screen']:.0f} ms, action {BUDGET_MS['action']:.0f} ms, "
        f"subcommand {BUDGET_MS['command']:.0f} ms (slow steps are listed, not failures; the machine is shared: "
        f"{harness.machine().get('cpu')}, {os.cpu_count()} cores, load {harness.load_average()})."
    )
    return {
        "title": "Fuzzing hostile packs and trees (issue 15)",
        "summary": summary,
        "table_markdown": "\n".join(table),
        "machine": {**harness.machine(), "date": harness.now_iso()},
        "rows": rows,
        "failures": failures[:50],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=len(FAMILIES) * 10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=CASE_LIMIT_S, help="seconds before a case counts as a hang")
    parser.add_argument("--run", metavar="CASE_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--no-results", action="store_true", help="do not write bench/results/fuzz_packs.json")
    args = parser.parse_args(argv)
    if args.run:
        try:
            print(json.dumps(run_case(Path(args.run))))
        except BaseException:  # the parent reports it
            print(json.dumps({"steps": [], "failures": ["the case runner raised: " + traceback.format_exc()[-600:]]}))
        return 0
    began = time.perf_counter()
    results = fuzz(args.cases, args.seed, limit_s=args.limit)
    data = report(results, args.seed)
    data["wall_s"] = round(time.perf_counter() - began, 1)
    print(data["summary"])
    print(data["table_markdown"])
    if not args.no_results:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    walls = [r.get("wall_s", 0) for r in results]
    print(f"{len(results)} cases in {data['wall_s']} s (median {statistics.median(walls):.1f} s a case)")
    return 1 if data["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
