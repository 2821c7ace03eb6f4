"""Issue 10, reproduction 8: typing steadily (a key every 200 ms) never pauses long enough for
the 300 ms debounce; the draft must still reach the disk at most 1 s after a change, and at
once on SIGHUP, SIGTERM and SIGINT. Real reader processes, real signals."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from k8sread.core.drafts import DraftStore

GO = "package a\n\n// A does a thing.\nfunc A() int {\n\treturn 1\n}\n"

TYPIST = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path
    from k8sread.core.packset import PackSet, writable_pack
    from k8sread.core.source_tree import SourceTree
    from k8sread.ui.app import ReaderApp

    root, text = Path(sys.argv[1]), sys.argv[2]

    async def run():
        mine = writable_pack(None)
        app = ReaderApp(SourceTree.open(root), packs=PackSet(packs=[mine], writable=mine), open_path="pkg/a.go", lang="en")
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            await pilot.press("a")
            await pilot.pause()
            for index, key in enumerate(text):
                await pilot.press(key)
                print(f"typed {index + 1} {time.monotonic()}", flush=True)
                await asyncio.sleep(0.2)  # steady typing: never a 300 ms pause
            await asyncio.sleep(600)

    asyncio.run(run())
    """
)

TEXT = "steadytypingwithoutanypause"


def make_tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/a.go").write_text(GO)
    return root


def type_then(root: Path, keys: int, then) -> tuple[int, float]:
    """Start a reader typing TEXT; once `keys` keys are typed, call `then(process)`.
    Returns how many keys had been typed and when the last one was."""
    process = subprocess.Popen([sys.executable, "-c", TYPIST, str(root), TEXT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    typed, at = 0, 0.0
    try:
        while typed < keys:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            _, count, stamp = line.split()
            typed, at = int(count), float(stamp)
        then(process)
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return typed, at


def drafted_title() -> str | None:
    drafts = DraftStore().load_all(include_live=True)
    return drafts[-1].title if drafts else None


def test_steady_typing_reaches_the_disk_within_a_second(tmp_path):
    root = make_tree(tmp_path)

    def kill_after_a_moment(process):
        time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)  # no chance to flush: only the timers count

    typed, _ = type_then(root, 15, kill_after_a_moment)  # 3 s of typing, no pause
    title = drafted_title()
    assert title is not None, "no draft at all after 3 s of steady typing"
    # At most one second (five keys) behind, plus a key of slack for a loaded machine.
    assert TEXT.startswith(title) and len(title) >= typed - 6


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda n: signal.Signals(n).name)
def test_a_signal_flushes_the_draft_and_the_reader_exits(tmp_path, number):
    """The real `k8sread` in a pseudo-terminal, typed into as a person types."""
    root = make_tree(tmp_path)
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "30"}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from k8sread.cli import main; sys.exit(main())", str(root), "--open", "pkg/a.go:4", "--lang", "en"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    screen = bytearray()

    def drain() -> None:  # a terminal that is not read blocks the app's writes
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            screen.extend(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        # Drawn once the output stops growing (the terminal splits words between styles,
        # so no text can be waited for).
        deadline = time.monotonic() + 30
        seen = -1
        while time.monotonic() < deadline and (len(screen) < 2000 or len(screen) != seen):
            seen = len(screen)
            time.sleep(0.5)
        assert len(screen) >= 2000, "the reader never drew its first screen"
        os.write(master, b"a")
        time.sleep(1.0)
        typed = TEXT[:6]
        for key in typed:
            os.write(master, key.encode())
            time.sleep(0.1)  # faster than the debounce: only the handler can write it all
        time.sleep(0.05)
        os.kill(process.pid, number)
        assert process.wait(timeout=15) is not None  # and the reader went away
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    title = drafted_title()
    assert title == typed
