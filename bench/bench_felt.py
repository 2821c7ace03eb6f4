"""Felt latency: the real reader driven in tmux and timed from outside, as a user feels it, with
vim doing the same things in the same run.

    python bench/bench_felt.py --tree /work/k8s-1.22      # the 1.22 tree, then the demo tree
    python bench/bench_felt.py --quick                     # the demo tree only, a few of each
    python bench/bench_felt.py --tree T --out X.json --title "..."   # another results file

Each action is a `send-keys` followed by `capture-pane -e` (colours included: moving the cursor
changes no text) every ~10 ms until the screen has not changed for a quiet window; the action's
time is when the last change was seen (settled) and the first (first change). Both go through
one tmux control-mode client, so polling costs no process per capture.

Actions, as in issue 11: start to the code on screen (`k8sread TREE --open FILE:LINE`; the demo
is `k8sread` with no path), `]` over the whole trail (walk 1), `[` back over it (walk 2), `]`
again (walk 3), `1`-`6`, `L`, `j`/`k`, PgDn, ctrl+p and keystrokes in the finder, Enter = go to
definition. The peer is vim in the same tmux server: the same start line, the same trail steps
through a `]`/`[` mapping (the step list is computed with k8sread's own core API: the trail and
where each note sits in this checkout), j/k, PgDn, and ctags `C-]` for go to definition. RSS is
read from /proc after the first screen and after each walk.

Everything runs with HOME, XDG_* and K8SREAD_HOME in a temp folder: no real state is read or
written. The reader's first start in that folder builds the symbol index and is not counted
(the issue's start target is the warm start).

Results: a report in bench/results/felt.json (or --out) that bench/run.py turns into a section
of RESULTS.md; `--no-results-md` leaves RESULTS.md alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
SIZE = (160, 50)
POLL = 0.010
# --rev: the k8sread measured is a `git archive` of that revision here, not the working tree
# (others edit the same tree while this runs; a half-done refactor must not be measured).
SOURCE: Path | None = None
# --gc-policy: run the reader with k8sread.ui.gc_policy attached, as the app will once it is
# wired (freeze after the first screen and when the symbol index is in, collect when idle).
GC_POLICY = False
STARTS_ONLY = False  # --starts-only
GC_NOTE = ", gc_policy attached by the benchmark"
GC_SHIM = """
import sys
from k8sread.ui import app as _app, gc_policy as _gp
from k8sread.ui.screens import reader as _rs
_mount = _app.ReaderApp.on_mount
def on_mount(self):
    _mount(self)
    self.gc_policy = _gp.GcPolicy.attach(self)
_app.ReaderApp.on_mount = on_mount
_ready = _rs.ReaderScreen._index_ready
def _index_ready(self, index, status):
    _ready(self, index, status)
    policy = getattr(self.app, "gc_policy", None)
    if policy is not None:
        policy.freeze()
_rs.ReaderScreen._index_ready = _index_ready
from k8sread.cli import main
sys.exit(main())
"""
SGR = re.compile(r"\x1b\[[0-9;:?]*[A-Za-z]")

# Issue 11's targets, ms (median unless the name says worst).
TARGETS = {
    "]": 60,
    "[": 60,
    "1-6": 60,
    "] worst": 120,
    "[ worst": 120,
    "1-6 worst": 120,
    "L": 33,
    "j/k": 33,
    "PgDn": 33,
    "finder keystroke": 33,
    "ctrl+p": 80,
    "go to definition": 80,
    "start (1.22, warm)": 400,
    "start (demo)": 300,
}


# ---- tmux through one control-mode client -------------------------------------------------------


class Tmux:
    """A private tmux server (its own socket in the temp folder) and one control-mode client.

    Commands are written to the client's stdin and their output read between `%begin` and
    `%end`; notifications outside those blocks are skipped. The client sits in a session of its
    own, so it receives no %output from the panes measured."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.socket = str(workdir / "tmux.sock")
        self.env = env
        base = ["tmux", "-S", self.socket, "-f", "/dev/null"]
        subprocess.run([*base, "new-session", "-d", "-s", "ctl", "-x", "80", "-y", "24"], env=env, check=True)
        self.proc = subprocess.Popen([*base, "-C", "attach", "-t", "ctl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=0)
        self._read_block()  # the attach itself answers with an empty block
        for option in (
            "set -g default-size 160x50",
            "set -g status off",
            "set -g escape-time 0",
            "set -g default-terminal tmux-256color",
            "set -g remain-on-exit on",
            "refresh-client -f no-output",
        ):
            self.command(option, check=False)

    def _readline(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("tmux control client went away")
        return line.decode("utf-8", "replace").rstrip("\n")

    def _read_block(self) -> tuple[bool, list[str]]:
        while True:
            line = self._readline()
            if line.startswith("%begin "):
                number = line.split()[2]
                break
        out: list[str] = []
        while True:
            line = self._readline()
            parts = line.split()
            if len(parts) >= 3 and parts[0] in ("%end", "%error") and parts[2] == number:
                return parts[0] == "%end", out
            out.append(line)

    def command(self, line: str, *, check: bool = True) -> list[str]:
        self.proc.stdin.write(line.encode() + b"\n")
        ok, out = self._read_block()
        if check and not ok:
            raise RuntimeError(f"tmux: {line}: {' '.join(out)}")
        return out

    def start(self, name: str, argv: list[str], cwd: Path) -> None:
        # exec: the pane's pid is the program's own, for RSS.
        shell = "exec " + " ".join(_quote(arg) for arg in argv)
        self.command(f"new-session -d -s {name} -x {SIZE[0]} -y {SIZE[1]} -c {_quote(str(cwd))} {_quote(shell)}")

    def kill(self, name: str) -> None:
        self.command(f"kill-session -t {name}", check=False)

    def pid(self, name: str) -> int:
        return int(self.command(f"display-message -p -t {name} '#{{pane_pid}}'")[0])

    def dead(self, name: str) -> bool:
        # remain-on-exit keeps a crashed program's last screen (its error) for the report.
        return self.command(f"display-message -p -t {name} '#{{pane_dead}}'")[0].strip() == "1"

    def capture(self, name: str) -> str:
        return "\n".join(self.command(f"capture-pane -p -e -t {name}"))

    def send(self, name: str, key: str) -> None:
        """A tmux key name (Enter, NPage, C-p, Escape) or, in `lit:x`, characters typed as is."""
        if key.startswith("lit:"):
            self.command(f"send-keys -t {name} -l {_quote(key[4:])}")
        else:
            self.command(f"send-keys -t {name} {key}")

    def close(self) -> None:
        try:
            self.command("kill-server", check=False)
        except (RuntimeError, BrokenPipeError):
            pass
        self.proc.kill()
        self.proc.wait()
        # When the control client broke first, the server is still up: stop it from outside.
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, check=False)


def _quote(text: str) -> str:
    # tmux command syntax: single quotes take everything literally except a single quote.
    return "'" + text.replace("'", "'\\''") + "'" if "'" in text else f"'{text}'"


def plain(screen: str) -> str:
    return SGR.sub("", screen)


@dataclass
class Timing:
    first: float | None  # ms to the first change seen
    settled: float | None  # ms to the last change before the quiet window
    found: float | None = None  # ms to when `expect` first held


def watch(tmux: Tmux, name: str, *, since: float, before: str | None, quiet: float, timeout: float, expect=None) -> tuple[Timing, str]:
    """Poll the pane until it has been still for `quiet` seconds (after a change, or after
    `expect` holds when given); times are from `since`."""
    prev = before
    first = last = found = None
    deadline = since + timeout
    tick = time.perf_counter()
    while True:
        asked = time.perf_counter()
        screen = tmux.capture(name)
        if screen != prev:
            # The change happened before the capture was asked for at the latest.
            at = (asked - since) * 1000
            first = at if first is None else first
            last = at
            prev = screen
            if expect is not None and found is None and expect(plain(screen)):
                found = at
        now = time.perf_counter()
        ready = last is not None and (expect is None or found is not None)
        if ready and now - (since + last / 1000) >= quiet:
            break
        if now > deadline:
            break
        if expect is not None and found is None and int((now - since) / POLL) % 20 == 0 and tmux.dead(name):
            raise Exited(f"{name} exited:\n{plain(prev or '').strip()[-2000:]}")
        tick += POLL
        time.sleep(max(0.0, tick - time.perf_counter()))
    return Timing(first, last, found), prev or ""


def press(tmux: Tmux, name: str, key: str, screen: str, *, quiet: float, timeout: float = 3.0, expect=None) -> tuple[Timing, str]:
    since = time.perf_counter()
    tmux.send(name, key)
    return watch(tmux, name, since=since, before=screen, quiet=quiet, timeout=timeout, expect=expect)


class Exited(Exception):
    """The measured program is gone."""


def settle(tmux: Tmux, name: str, *, quiet: float, timeout: float) -> str:
    """Wait until the pane has been still for `quiet` seconds (no timing)."""
    screen = tmux.capture(name)
    still_since = time.perf_counter()
    deadline = still_since + timeout
    while time.perf_counter() < deadline:
        time.sleep(POLL)
        now = tmux.capture(name)
        if now != screen:
            screen, still_since = now, time.perf_counter()
        elif time.perf_counter() - still_since >= quiet:
            break
    return screen


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ---- what to walk: k8sread's own core API --------------------------------------------------------


@dataclass
class Plan:
    name: str
    root: Path
    argv: list[str]  # k8sread's arguments
    open_path: str
    open_line: int
    expect_text: str  # a piece of the opening line: the code is on screen when it is
    steps: list[tuple[str, int, int]]  # the trail: (path, start, end) where each note sits now
    components: list[str]
    definition: tuple[int, str, str] | None  # (line, word, target path) in open_path
    page_path: str = ""  # a long file for j/k and PgDn
    extra: dict = field(default_factory=dict)


def _expect_text(lines: list[str], line: int) -> str:
    for text in lines[line - 1 : line + 5]:
        words = text.strip().split("\t")[0]
        if len(words) >= 6:
            return words[:30]
    return ""


def _definition_target(root: Path, path: str, lines: list[str], near: int) -> tuple[int, str, str] | None:
    """A `pkg.Name` reference near `near` that k8sread resolves to one place in another file."""
    from k8sread.core.definitions import DefinitionFinder, reference_at

    finder = DefinitionFinder(root)
    source = (root / path).read_bytes()
    rx = re.compile(r"\b([a-z]\w*)\.([A-Z]\w*)\(")
    order = sorted(range(len(lines)), key=lambda i: abs(i + 1 - near))
    for index in order[:4000]:
        text = lines[index]
        match = rx.search(text)
        if match is None or text.find(match.group(2)) != match.start(2):
            continue  # the search for the word must land on this occurrence
        ref = reference_at(text, match.start(2), lines[index - 1] if index else "")
        found = finder.find(path, source, ref) if ref else []
        if len(found) == 1 and found[0].path != path:
            return index + 1, match.group(2), found[0].path
    return None


def make_plan(name: str, root: Path, argv: list[str], open_path: str, open_line: int) -> Plan:
    from k8sread.core.highlight import split_lines
    from k8sread.core.packset import PackSet
    from k8sread.core.placement import Locator
    from k8sread.core.source_tree import SourceTree

    tree = SourceTree.open(root)
    trail = PackSet.for_tree(tree.root).trail()
    steps: list[tuple[str, int, int]] = []
    components: list[str] = []
    if trail is not None:
        locator = Locator(trail.pack, tree)
        for step in trail.steps:
            where = trail.locate(step.note_id)
            if where is None:
                continue
            located = locator.file(where[0]).get(step.note_id)
            if located is not None and not located.orphan:
                steps.append((where[0], located.start, located.end))
            else:
                steps.append((where[0], where[1].start, where[1].end))  # k8sread says "orphaned" and stays
        components = [c.key for c in trail.components if c.key]
    lines = split_lines(tree.read_text(open_path).text)
    # The open file when it is long (kubelet.go), else the tree's longest hand-written Go file.
    page_path = open_path
    if len(lines) < 500:
        sizes = [(path, (root / path).stat().st_size) for path in tree.list_files() if path.endswith(".go") and "generated" not in path]
        page_path = max(sizes, key=lambda item: item[1])[0] if sizes else open_path
    return Plan(
        name,
        root,
        argv,
        open_path,
        open_line,
        _expect_text(lines, open_line),
        steps,
        components,
        _definition_target(root, open_path, lines, open_line),
        page_path,
    )


# ---- the two programs ------------------------------------------------------------------------------

VIMRC = """set nocompatible
set viminfo= noswapfile hidden number laststatus=2 ruler
set timeoutlen=1000 ttimeoutlen=0
syntax on
filetype on
set tags={tags}
source {steps}
"""

VIM_STEPS = """let g:steps = {steps}
let g:step = -1
" The same range k8sread selects, as a match: walking must not leave visual mode behind.
function! FeltStep(direction) abort
  let g:step = max([0, min([len(g:steps) - 1, g:step + a:direction])])
  let [path, start, end] = g:steps[g:step]
  if expand('%') !=# path
    execute 'edit ' . fnameescape(path)
  endif
  execute start
  normal! zz
  call clearmatches()
  call matchadd('Visual', '\\%>' . (start - 1) . 'l\\%<' . (end + 1) . 'l')
endfunction
nnoremap <silent> ] :call FeltStep(1)<CR>
nnoremap <silent> [ :call FeltStep(-1)<CR>
"""


class Session:
    """One measured program in a tmux session."""

    def __init__(self, tmux: Tmux, name: str, quiet: float) -> None:
        self.tmux = tmux
        self.name = name
        self.quiet = quiet
        self.screen = ""
        self.samples: dict[str, list[Timing]] = {}

    def start(self, argv: list[str], cwd: Path, expect_text: str, *, label: str | None, timeout: float = 60.0) -> Timing:
        since = time.perf_counter()
        self.tmux.start(self.name, argv, cwd)
        timing, self.screen = watch(
            self.tmux, self.name, since=since, before=None, quiet=max(self.quiet, 1.0), timeout=timeout, expect=lambda text: expect_text in text
        )
        if label:
            self.samples.setdefault(label, []).append(timing)
        return timing

    def key(self, key: str, label: str | None, *, timeout: float = 3.0, expect=None) -> Timing:
        timing, self.screen = press(self.tmux, self.name, key, self.screen, quiet=self.quiet, timeout=timeout, expect=expect)
        if label:
            self.samples.setdefault(label, []).append(timing)
        return timing

    def check(self, section: str) -> None:
        """Stop measuring (and say why) when the program is gone."""
        if self.tmux.dead(self.name):
            raise Exited(f"during {section}; its last screen: {plain(self.tmux.capture(self.name)).strip()[-2000:]}")

    def keys(self, *keys: str) -> None:
        """Keys whose timing does not matter (positioning), each once the screen has settled:
        a key typed before a prompt is up would go to the view under it."""
        for key in keys:
            self.tmux.send(self.name, key)
            self.screen = settle(self.tmux, self.name, quiet=self.quiet, timeout=10.0)

    def settle(self, quiet: float | None = None, timeout: float = 60.0) -> None:
        self.screen = settle(self.tmux, self.name, quiet=quiet or self.quiet, timeout=timeout)

    def rss(self) -> float | None:
        return rss_mb(self.tmux.pid(self.name))

    def stop(self) -> None:
        self.tmux.kill(self.name)


def run_k8sread(tmux: Tmux, plan: Plan, cwd: Path, *, quick: bool, quiet: float, log) -> dict:
    if GC_POLICY:
        # A file, not -c: a command line with newlines would end the tmux command early.
        shim = cwd / "k8sread_gc_shim.py"
        shim.write_text(GC_SHIM)
        argv = [sys.executable, str(shim), *plan.argv]
    elif SOURCE is not None:
        argv = [sys.executable, "-m", "k8sread.cli", *plan.argv]  # PYTHONPATH points at SOURCE
    else:
        argv = [shutil.which("k8sread", path=str(Path(sys.executable).parent)) or "k8sread", *plan.argv]
    out: dict = {"rss_mb": {}, "walk_steps": len(plan.steps)}
    # A first start builds the symbol index in the temp home: the warm start is what is timed.
    starts = 2 if quick else 6
    start_samples: list[Timing] = []
    for n in range(starts):
        s = Session(tmux, f"k{n}", quiet)
        t = s.start(argv, cwd, plan.expect_text, label=None)
        log(f"  k8sread start {n}: code {t.found} ms, settled {t.settled} ms")
        if n == 0:
            s.settle(quiet=2.0, timeout=120.0)  # let the index finish and be saved
        else:
            start_samples.append(t)
        s.stop()
    s = Session(tmux, "reader", quiet)
    start_samples.append(s.start(argv, cwd, plan.expect_text, label=None))
    s.samples["start"] = start_samples
    if STARTS_ONLY:
        s.stop()
        out["samples"] = s.samples
        return out
    s.settle(quiet=1.5, timeout=60.0)
    out["rss_mb"]["first screen"] = s.rss()
    steps = plan.steps[:10] if quick else plan.steps
    walks = [("]", steps), ("[", steps[:-1]), ("]", steps[1:])]
    if quick:
        walks = walks[:2]
    where = plan.open_path
    position = -1
    for walk, (key, chunk) in enumerate(walks, start=1):
        for _ in chunk:
            target = position + (1 if key == "]" else -1)
            path = plan.steps[target][0]
            kind = "within a file" if path == where else "to another file"
            t = s.key(f"lit:{key}", key)
            s.samples.setdefault(f"{key} {kind}", []).append(t)
            s.samples.setdefault(f"{key} walk {walk}", []).append(t)
            where, position = path, target
        s.settle(quiet=1.0)
        out["rss_mb"][f"after walk {walk}"] = s.rss()
        log(
            f"  k8sread walk {walk} ({key} x{len(chunk)}): settled median {_median(s.samples[f'{key} walk {walk}'])} ms, RSS {out['rss_mb'][f'after walk {walk}']} MB"
        )
    try:
        for _ in range(1 if quick else 3):
            for key in plan.components[:2] if quick else plan.components[:6]:
                s.key(f"lit:{key}", "1-6")
        s.check("1-6")
        for _ in range(2 if quick else 6):
            s.key("lit:L", "L")
        # j/k and PgDn on a long file, from its top: at the end of a short one they do nothing.
        open_in_finder(s, plan.page_path)
        s.keys("lit::", "lit:1", "Enter")
        for _ in range(3 if quick else 10):
            s.key("lit:j", "j/k")
        for _ in range(3 if quick else 10):
            s.key("lit:k", "j/k")
        for _ in range(3 if quick else 10):
            s.key("NPage", "PgDn")
        s.check("L, j/k, PgDn")
        for _ in range(1 if quick else 3):
            s.key("C-p", "ctrl+p")
            for letter in "kub" if quick else "kubelet":
                s.key(f"lit:{letter}", "finder keystroke")
            s.keys("Escape")
        s.check("the finder")
        if plan.definition is not None:
            line, word, target = plan.definition
            open_in_finder(s, plan.open_path)
            s.check("opening the file from the finder")
            for _ in range(1 if quick else 5):
                s.keys("lit::", f"lit:{line}", "Enter", "lit:/", f"lit:{word}", "Enter", "Escape")
                # Settled, and when the target's path is in the header.
                s.key("Enter", "go to definition", expect=lambda text, target=target: target in text.split("\n", 1)[0])
                s.keys("C-o")
                s.check("go to definition")
        out["rss_mb"]["end"] = s.rss()
    except Exited as exited:
        out["exited"] = str(exited)
        log(f"  k8sread exited: {exited}")
    s.stop()
    out["samples"] = s.samples
    return out


def open_in_finder(s: Session, path: str) -> None:
    # ctrl+u first: a path typed while the finder is still coming up lost its first keys.
    s.keys("C-p", "C-u", f"lit:{path}", "Enter")


def run_vim(tmux: Tmux, plan: Plan, cwd: Path, workdir: Path, *, quick: bool, quiet: float, log) -> dict:
    steps_file = workdir / f"steps-{plan.name}.vim"
    steps_file.write_text(VIM_STEPS.format(steps=json.dumps([list(step) for step in plan.steps])))
    tags = workdir / f"tags-{plan.name}"
    if shutil.which("ctags") and plan.definition is not None:
        # The folders the peer indexed, and the one the jump lands in (vendor/ on the demo).
        folders = sorted({f for f in ("cmd", "pkg", "plugin", "staging", plan.definition[2].split("/")[0]) if (plan.root / f).is_dir()})
        # Paths in the tags file relative to the tree (vim runs there), not to the temp folder.
        subprocess.run(["ctags", "-R", "--languages=Go", "--tag-relative=never", "-f", str(tags), *folders], cwd=plan.root, capture_output=True, check=False)
    vimrc = workdir / "vimrc"
    vimrc.write_text(VIMRC.format(tags=tags, steps=steps_file))
    argv = ["vim", "-u", str(vimrc), "-i", "NONE", "-n", f"+{plan.open_line}", plan.open_path]
    out: dict = {"rss_mb": {}, "walk_steps": len(plan.steps)}
    s = Session(tmux, "vim", quiet)
    for n in range(2 if quick else 5):
        s.start(argv, plan.root, plan.expect_text, label="start")
        if n < (1 if quick else 4):
            s.stop()
    s.settle(quiet=1.0)
    out["rss_mb"]["first screen"] = s.rss()
    if STARTS_ONLY:
        s.stop()
        out["samples"] = s.samples
        return out
    steps = plan.steps[:10] if quick else plan.steps
    where = plan.open_path
    position = -1
    for walk, (key, chunk) in enumerate([("]", steps), ("[", steps[:-1])], start=1):
        for _ in chunk:
            target = position + (1 if key == "]" else -1)
            path = plan.steps[target][0]
            kind = "within a file" if path == where else "to another file"
            t = s.key(f"lit:{key}", key)
            s.samples.setdefault(f"{key} {kind}", []).append(t)
            where, position = path, target
        s.settle(quiet=1.0)
        out["rss_mb"][f"after walk {walk}"] = s.rss()
    log(f"  vim walks: ] median {_median(s.samples[']'])} ms")
    s.keys("lit::e " + plan.page_path, "Enter", "lit:gg")
    for _ in range(3 if quick else 10):
        s.key("lit:j", "j/k")
    for _ in range(3 if quick else 10):
        s.key("lit:k", "j/k")
    for _ in range(3 if quick else 10):
        s.key("NPage", "PgDn")
    if plan.definition is not None and tags.exists():
        line, word, _ = plan.definition
        s.keys("lit::e " + plan.open_path, "Enter")
        for _ in range(1 if quick else 5):
            s.keys("lit::", f"lit:{line}", "Enter", "lit:0", "lit:/", f"lit:{word}", "Enter")
            s.key("C-]", "go to definition")
            s.keys("C-t")
    s.stop()
    out["samples"] = s.samples
    return out


# ---- peers for the start only ----------------------------------------------------------------------


def run_less(tmux: Tmux, plan: Plan, *, quick: bool, quiet: float) -> list[Timing]:
    if not shutil.which("less"):
        return []
    s = Session(tmux, "less", quiet)
    for _ in range(2 if quick else 5):
        s.start(["less", f"+{plan.open_line}", plan.open_path], plan.root, plan.expect_text, label="start")
        s.stop()
    return s.samples.get("start", [])


# ---- figures -----------------------------------------------------------------------------------------


def _values(timings: list[Timing], attr: str = "settled") -> list[float]:
    return [getattr(t, attr) for t in timings if getattr(t, attr) is not None]


def _median(timings: list[Timing], attr: str = "settled") -> float | None:
    values = _values(timings, attr)
    return round(statistics.median(values), 1) if values else None


def _worst(timings: list[Timing], attr: str = "settled") -> float | None:
    values = _values(timings, attr)
    return round(max(values), 1) if values else None


def summarize(samples: dict[str, list[Timing]], attr: str = "settled") -> dict[str, dict]:
    return {
        label: {
            "median_ms": _median(ts, attr),
            "worst_ms": _worst(ts, attr),
            "first_change_median_ms": _median(ts, "first"),
            "n": len(ts),
            "no_change": sum(1 for t in ts if t.settled is None),
        }
        for label, ts in samples.items()
    }


ROWS = [
    ("start", "start to code on screen", "found"),
    ("]", "`]` (all walks)", "settled"),
    ("] walk 1", "`]` walk 1", "settled"),
    ("[ walk 2", "`[` walk 2 (back over the trail)", "settled"),
    ("] walk 3", "`]` walk 3", "settled"),
    ("] within a file", "`]` within one file", "settled"),
    ("] to another file", "`]` to another file", "settled"),
    ("[", "`[`", "settled"),
    ("1-6", "`1`-`6`", "settled"),
    ("L", "`L`", "settled"),
    ("j/k", "`j`/`k`", "settled"),
    ("PgDn", "PgDn", "settled"),
    ("ctrl+p", "ctrl+p opens the finder", "settled"),
    ("finder keystroke", "a keystroke in the finder", "settled"),
    ("go to definition", "Enter = go to definition (vim: ctags `C-]`), settled", "settled"),
    ("go to definition", "Enter = go to definition: target file in the header", "found"),
]


def _fmt(value) -> str:
    return "" if value is None else f"{value:.0f}"


def _target_for(label: str, tree: str) -> str:
    key = {"] walk 1": "]", "] walk 3": "]", "[ walk 2": "[", "] within a file": "]", "] to another file": "]"}.get(label, label)
    if label == "start":
        key = "start (demo)" if tree == "demo" else "start (1.22, warm)"
    median = TARGETS.get(key)
    worst = TARGETS.get(f"{key} worst")
    if median is None:
        return ""
    return f"≤ {median}" + (f" / {worst}" if worst else "")


def table(tree: str, k8s: dict, vim: dict, less: list[Timing]) -> str:
    lines = ["| action | k8sread median / worst ms | first change, median | n | vim median / worst ms | target (median / worst) |", "|---|---|---|---|---|---|"]
    for label, title, attr in ROWS:
        ours = k8s["samples"].get(label)
        if not ours:
            continue
        peer = vim["samples"].get(label, []) if vim else []
        peer_cell = f"{_fmt(_median(peer, attr))} / {_fmt(_worst(peer, attr))}" if _values(peer, attr) else ""
        if label == "start":
            title += " (settled " + _fmt(_median(ours, "settled")) + ")"
            if less and _values(less, "found"):
                peer_cell += f"; less {_fmt(_median(less, 'found'))}"
        # A start's "first change" is tmux clearing the new pane: not a figure.
        first = "" if label == "start" else _fmt(_median(ours, "first"))
        lines.append(
            f"| {title} | {_fmt(_median(ours, attr))} / {_fmt(_worst(ours, attr))} | {first} | {len(ours)} | {peer_cell} | {_target_for(label, tree)} |"
        )
    if k8s.get("exited"):
        first = k8s["exited"].split("\n")[0]
        lines.append(f"\nk8sread exited {first} (the rest was not measured).")
    rss = k8s["rss_mb"]
    vim_rss = vim.get("rss_mb", {}) if vim else {}
    lines += [
        "",
        "| RSS, MB | " + " | ".join(rss) + " |",
        "|---|" + "---|" * len(rss),
        "| k8sread | " + " | ".join(_fmt(v) for v in rss.values()) + " |",
        "| vim | " + " | ".join(_fmt(vim_rss.get(k)) for k in rss) + " |",
    ]
    return "\n".join(lines)


# ---- main ----------------------------------------------------------------------------------------------


def temp_env(home: Path) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE too: a user's install has the reader's bytecode cached (pip
    # compiles it; an editable install writes it on the first start), and this machine's
    # environment sets it, which made every start compile k8sread from source (~65 ms).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "K8SREAD_", "TMUX")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "K8SREAD_HOME": str(home / "k8sread"),
            **({"PYTHONPATH": str(SOURCE)} if SOURCE is not None else {}),
            "COLORTERM": "truecolor",
            "LANG": env.get("LANG", "C.UTF-8") if "UTF-8" in env.get("LANG", "") else "C.UTF-8",
        }
    )
    return env


def run_tree(label: str, root: Path | None, workdir: Path, *, quick: bool, quiet: float, log) -> dict:
    from k8sread.core.paths import demo_tree_dir

    home = workdir / f"home-{label}"
    home.mkdir()
    env = temp_env(home)
    # The plan is computed with the same temp home (PackSet creates the user's pack there).
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        if root is None:
            demo = demo_tree_dir()
            plan = make_plan("demo", demo, [], "cmd/kubectl/kubectl.go", 1)
        else:
            plan = make_plan(label, root, [str(root), "--open", "pkg/kubelet/kubelet.go:1966"], "pkg/kubelet/kubelet.go", 1966)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    cwd = workdir / f"cwd-{label}"  # not inside a checkout: `k8sread` alone opens the demo
    cwd.mkdir()
    log(f"{label}: {len(plan.steps)} trail steps, go to definition {plan.definition}, code on screen = {plan.expect_text!r}")
    (workdir / label).mkdir()
    tmux = Tmux(workdir / label, env)
    load_before = load_average()
    try:
        k8s = run_k8sread(tmux, plan, cwd, quick=quick, quiet=quiet, log=log)
        vim = run_vim(tmux, plan, cwd, workdir, quick=quick, quiet=quiet, log=log) if shutil.which("vim") else {}
        less = run_less(tmux, plan, quick=quick, quiet=quiet)
    finally:
        tmux.close()
    result = {
        "tree": label,
        "root": str(plan.root),
        "steps": len(plan.steps),
        "definition": plan.definition,
        "load_before": load_before,
        "load_after": load_average(),
        "k8sread": {"summary": summarize(k8s["samples"]), "start_code": summarize({"start": k8s["samples"]["start"]}, "found"), "rss_mb": k8s["rss_mb"]},
        "vim": {
            "summary": summarize(vim.get("samples", {})),
            "start_code": summarize({"start": vim.get("samples", {}).get("start", [])}, "found"),
            "rss_mb": vim.get("rss_mb", {}),
        }
        if vim
        else None,
        "less_start_ms": _median(less, "found"),
        "k8sread_exited": k8s.get("exited"),
        "table_markdown": table(label, k8s, vim, less),
    }
    return result


def machine() -> dict:
    sys.path.insert(0, str(BENCH_DIR))
    import harness

    return harness.machine()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, help="a Kubernetes checkout (release-1.22); the demo tree is always measured too")
    parser.add_argument("--skip-demo", action="store_true", help="only the --tree")
    parser.add_argument("--quick", action="store_true", help="a few of each action (a smoke run; figures are not meaningful)")
    parser.add_argument("--quiet-ms", type=float, default=None, help="how long the screen must stay still to count as settled (default 300, quick 150)")
    parser.add_argument("--rev", help="measure this git revision (extracted to a temp dir) instead of the working tree")
    parser.add_argument("--starts-only", action="store_true", help="only the start to code on screen (a quick check while working on start-up)")
    parser.add_argument("--gc-policy", action="store_true", help="attach k8sread.ui.gc_policy to the reader (until the app does it itself)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results" / "felt.json")
    parser.add_argument("--title", default="Felt latency in tmux, k8sread vs vim (issue 11)")
    parser.add_argument("--summary", default="", help="text put above the tables")
    parser.add_argument("--no-results-md", action="store_true", help="do not rewrite bench/RESULTS.md")
    args = parser.parse_args(argv)
    if not shutil.which("tmux"):
        print("tmux is not installed (apt-get install -y tmux vim)", file=sys.stderr)
        return 2
    quiet = (args.quiet_ms if args.quiet_ms is not None else 150 if args.quick else 300) / 1000

    def log(text: str) -> None:
        print(text, flush=True)

    trees: list[tuple[str, Path | None]] = []
    if args.tree:
        trees.append(("k8s-1.22" if "1.22" in str(args.tree) else args.tree.name, args.tree.resolve()))
    if not args.skip_demo or not trees:
        trees.append(("demo", None))
    results = []
    global SOURCE, GC_POLICY, STARTS_ONLY
    GC_POLICY = args.gc_policy
    STARTS_ONLY = args.starts_only
    revision = _commit()
    with tempfile.TemporaryDirectory(prefix="k8sread-felt-") as tmp:
        if args.rev:
            SOURCE = Path(tmp) / "source"
            SOURCE.mkdir()
            archive = subprocess.run(["git", "archive", args.rev], cwd=REPO, capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(SOURCE)], input=archive, check=True)
            revision = subprocess.run(["git", "rev-parse", "--short", args.rev], cwd=REPO, capture_output=True, text=True).stdout.strip()
        sys.path.insert(0, str(SOURCE or REPO))
        for label, root in trees:
            log(f"== {label} (load {load_average()})")
            results.append(run_tree(label, root, Path(tmp), quick=args.quick, quiet=quiet, log=log))
    info = machine()
    date = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    info["date"] = date
    parts = []
    for r in results:
        parts.append(f"### {r['tree']} ({r['steps']} trail steps; load average {r['load_before']} before, {r['load_after']} after)\n\n{r['table_markdown']}")
    summary = args.summary or ""
    text = "\n\n".join(parts)
    report = {
        "title": args.title,
        "summary": (summary + "\n\n" if summary else "")
        + (
            f"Measured {date[:16].replace('T', ' ')} UTC on {info.get('cpu')} ({info.get('cores')} cores), {SIZE[0]}x{SIZE[1]}, tmux {_tmux_version()}, "
            f"vim {_vim_version()}; k8sread at {revision}{GC_NOTE if args.gc_policy else ''}; settled = the last screen change before {quiet * 1000:.0f} ms of stillness, polled every {POLL * 1000:.0f} ms. "
            + ("Quick mode: a few samples, not meaningful. " if args.quick else "")
            + "Run: `python bench/bench_felt.py --tree /work/k8s-1.22`."
        ),
        "table_markdown": text,
        "machine": info,
        "quick": args.quick,
        "trees": results,
        "rows": [],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(text)
    print(f"\nwrote {args.out}")
    if not args.no_results_md:
        import run

        run.write_results()
        print(f"rewrote {run.RESULTS_MD}")
    return 0


def _commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "k8sread"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    # Others work in the same tree: say when the code measured was not all committed.
    return f"{head or 'unknown'}" + (" with uncommitted changes in k8sread/" if dirty else "")


def _tmux_version() -> str:
    return subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip().removeprefix("tmux ")


def _vim_version() -> str:
    if not shutil.which("vim"):
        return "absent"
    first = subprocess.run(["vim", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    match = re.search(r"Vi IMproved (\S+)", first)
    return match.group(1) if match else first


if __name__ == "__main__":
    sys.exit(main())
