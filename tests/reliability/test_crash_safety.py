"""SIGKILL a saving process at random moments, hundreds of times.

After every kill the notes file (and the draft, when there is one) must be exactly one of the
versions the writer could have written, complete, and never older than what was there before.
A save that wrote the file in place instead of through a temp file and a rename fails this
within a few rounds: the file is found cut short or mixing two versions.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import crash_writer as cw
import pytest

from k8sread.core.atomic import STALE_TEMP_SECONDS, atomic_write_text
from k8sread.core.drafts import Draft, DraftStore
from k8sread.core.pack import Pack, parse_notes_file, render_notes_file

# Rounds per scenario; docs/reliability.md reports these numbers.
ROUNDS = {"atomic": 100, "save_notes": 100, "upsert": 100, "draft": 100}
# Long enough for a few saves, so kills land before, between and inside them.
MAX_DELAY = {"atomic": 0.040, "save_notes": 0.060, "upsert": 0.060, "draft": 0.040}
WRITER = Path(cw.__file__)


class Zygote:
    """The warm writer process: forks one child per round; the test kills the child."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def start(self, scenario: str, folder: Path, version: int) -> int:
        self.proc.stdin.write(f"go {scenario} {folder} {version}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().split()
        assert line and line[0] == "pid", (line, self.proc.stderr.read() if self.proc.poll() is not None else "")
        return int(line[1])

    def wait_dead(self) -> int:
        line = self.proc.stdout.readline().split()
        assert line and line[0] == "dead", line
        return int(line[1])

    def close(self) -> str:
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.stderr.read()


def seed(folder: Path, scenario: str) -> Pack:
    pack = Pack.create(folder / "pack", "crash")
    if scenario == "upsert":
        pack.save_notes(cw.SOURCE, cw.upsert_state(0))
    elif scenario == "draft":
        pack.save_notes(cw.SOURCE, [cw.draft_note(0)])
    else:
        pack.save_notes(cw.SOURCE, cw.whole_file_version(0))
    return pack


def pack_version(pack: Pack, scenario: str) -> int:
    """Which version the notes file holds; asserts it is that version byte for byte."""
    path = pack.notes_path(cw.SOURCE)
    text = path.read_text("utf-8")
    notes = parse_notes_file(path, cw.SOURCE)  # parses: never cut short, never torn
    assert notes, f"{scenario}: the file lost its notes"
    version = max(cw.version_of_title(n.title) for n in notes)
    if scenario == "atomic":
        if version == 0:
            assert text == render_notes_file(cw.SOURCE, cw.whole_file_version(0))
        else:
            assert text == cw.atomic_text(version), f"atomic: file is not exactly version {version}"
        return version
    expected = {
        "save_notes": lambda v: cw.whole_file_version(v),
        "upsert": lambda v: cw.upsert_state(v),
        "draft": lambda v: [cw.draft_note(v)],
    }[scenario](version)
    assert text == render_notes_file(cw.SOURCE, expected), f"{scenario}: file is not exactly version {version}"
    return version


def draft_version(folder: Path) -> int | None:
    store = DraftStore(folder / "drafts")
    drafts = store.load_all()
    assert store.problems == []  # no draft was ever found half-written
    if not drafts:
        return None
    (draft,) = drafts
    version = cw.version_of_title(draft.title)
    assert draft == cw.draft_of(version)
    raw = json.loads(store.path_for(draft.key).read_text("utf-8"))
    assert Draft.from_json(raw) == draft
    return version


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*.tmp")]


@pytest.mark.parametrize("scenario", list(ROUNDS))
def test_sigkill_at_random_moments_leaves_old_or_new_never_torn(tmp_path, scenario):
    rng = random.Random(f"crash-{scenario}")  # same delays on every run
    folder = tmp_path / scenario
    pack = seed(folder, scenario)
    seen = seen_in_pack = 0
    advanced = 0  # rounds where at least one save completed before the kill
    mid_write = 0  # rounds where the kill left a temp file: it landed inside a write
    zygote = Zygote()
    try:
        for _ in range(ROUNDS[scenario]):
            temps_before = len(temp_files(folder))
            pid = zygote.start(scenario, folder, seen + 1)
            time.sleep(rng.uniform(0, MAX_DELAY[scenario]))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            status = zygote.wait_dead()
            assert status == -signal.SIGKILL, f"writer died on its own (exit {status}): {zygote.close()}"

            version = pack_version(pack, scenario)
            assert version >= seen_in_pack, f"{scenario}: the pack went back from version {seen_in_pack} to {version}"
            seen_in_pack = version
            if scenario == "draft":
                in_draft = draft_version(folder)
                if in_draft is not None:
                    # The draft is written first and discarded only after the note is saved:
                    # the latest text is in the draft, or already in the pack.
                    assert in_draft >= version, (in_draft, version)
                    version = in_draft
            assert version >= seen, f"{scenario}: the latest text went back from version {seen} to {version}"
            advanced += version > seen
            seen = version
            mid_write += len(temp_files(folder)) > temps_before
    finally:
        errors = zygote.close()
    assert errors == ""
    # Shown with -s; docs/reliability.md quotes a typical run.
    print(f"\n{scenario}: {ROUNDS[scenario]} kills, {advanced} after a completed save, {mid_write} inside a write")
    # The kills really landed between saves and inside them, not only before the first one.
    assert advanced > ROUNDS[scenario] // 4, advanced
    if scenario == "atomic":
        assert mid_write > ROUNDS[scenario] // 10, "too few kills landed inside a write"

    # Temp files left by kills are invisible to the pack and swept once they are stale.
    assert cw.SOURCE in pack.files() and len(pack.files()) == 1
    leftovers = temp_files(folder / "pack")
    old = time.time() - STALE_TEMP_SECONDS - 60
    for path in leftovers:
        os.utime(path, (old, old))
    pack.save_notes(cw.SOURCE, cw.whole_file_version(2))
    assert temp_files(folder / "pack") == []
    assert len(parse_notes_file(pack.notes_path(cw.SOURCE), cw.SOURCE)) == len(cw.whole_file_version(2))


def test_a_save_sweeps_only_its_own_stale_temp_files(tmp_path):
    target = tmp_path / "x.go.toml"
    stale = tmp_path / ".x.go.toml.abcd1234.tmp"
    fresh = tmp_path / ".x.go.toml.efgh5678.tmp"  # maybe another process writing right now
    other = tmp_path / ".y.go.toml.abcd1234.tmp"  # another file's: its own save sweeps it
    lookalike = tmp_path / ".x.go.toml.notes.tmp"  # not a name mkstemp makes
    old = time.time() - STALE_TEMP_SECONDS - 60
    for path in (stale, fresh, other, lookalike):
        path.write_text("partial")
        if path is not fresh:
            os.utime(path, (old, old))
    atomic_write_text(target, "format = 1\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, fresh.name, other.name, lookalike.name])
