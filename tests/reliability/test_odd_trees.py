"""Odd trees and terminals, through the real CLI and the real reader: a clear message or a
sensible view, never a traceback, never a hang.

Covered elsewhere and not repeated: the core reads of lossy, binary, BOM and CRLF files and the
walk through symlink loops (tests/core/test_source_tree.py), a missing tree on the command line
(tests/cli/test_cli.py), 80x24 and one shrink to 40x10 (tests/ui/test_reader.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from reader_support import settle, sync

from k8sread.cli import main
from k8sread.core.packset import PackSet, writable_pack
from k8sread.core.source_tree import HIGHLIGHT_CAP, SourceTree

LIVE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
GO = "package odd\n\n// F is fine.\nfunc F() int {\n\treturn 1\n}\n"


def make_app(root: Path, **kwargs):
    from k8sread.ui.app import ReaderApp

    mine = writable_pack(None)
    return ReaderApp(SourceTree.open(root), packs=PackSet(packs=[mine], writable=mine), lang="en", **kwargs)


def screen_text(app) -> str:
    strips = app.screen._compositor.render_strips()
    for strip in strips:
        for segment in strip:
            assert not LIVE.search(segment.text), repr(segment.text)
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


@sync
async def test_odd_files_open_with_a_flag_a_placeholder_or_a_message(tmp_path):
    root = tmp_path / "odd"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/latin1.go").write_bytes(b"package odd\n\n// caf\xe9 cr\xe8me\nfunc F() {}\n")
    (root / "pkg/blob.bin").write_bytes(b"\x7fELF\x02\x01\x00\x00" + bytes(range(256)) * 64)
    (root / "pkg/empty.go").write_bytes(b"")
    (root / "pkg/ctl\x1b[31m\x07\x9b2J.go").write_text(GO)
    (root / "pkg/loop").symlink_to(root / "pkg")  # a folder that contains itself
    (root / "pkg/self.go").symlink_to(root / "pkg/self.go")  # ELOOP when opened
    (root / "pkg/dangling.go").symlink_to(root / "nowhere.go")
    (root / "pkg/outside.go").symlink_to("/etc/hostname")
    os.mkfifo(root / "pkg/fifo.go")  # opening it for reading would block forever
    tree = SourceTree.open(root)
    assert not tree.is_git
    listed = tree.list_files()
    assert "pkg/latin1.go" in listed and not any(path.startswith("pkg/loop/pkg/loop") for path in listed)

    app = make_app(root, open_path="pkg/latin1.go")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        view = app.query_one("SourceView")
        assert app.current_path == "pkg/latin1.go" and "caf\ufffd cr\ufffdme" in view.lines[2]
        assert any("not valid UTF-8" in m for m in messages(app))

        assert app.open_file("pkg/blob.bin")
        await settle(pilot)
        assert "binary file" in view.lines[0] and len(view.lines) == 1
        screen_text(app)

        assert app.open_file("pkg/empty.go")
        await settle(pilot)
        assert view.lines == [] or view.lines == [""]
        await pilot.press("G", "j", "k", "v", "a")  # moving and annotating in an empty file
        await settle(pilot)
        await pilot.press("escape", "escape")

        control_named = "pkg/ctl\x1b[31m\x07\x9b2J.go"
        assert app.open_file(control_named)
        await settle(pilot)
        assert "ctl␛[31m␇<U+009B>2J.go" in screen_text(app)

        app.clear_notifications()
        for bad, why in [
            ("pkg/self.go", "pkg/self.go"),
            ("pkg/dangling.go", "no such file"),
            ("pkg/outside.go", "leads outside"),
            ("pkg/fifo.go", "not a regular file"),
        ]:
            assert not app.open_file(bad)
            await settle(pilot)  # notifications arrive as messages
            assert any(why in m for m in messages(app)), (bad, messages(app))
        assert app.current_path == control_named  # still showing the last good file
        screen_text(app)


@sync
async def test_a_100_mb_file_opens_plain_and_scrolls_to_its_end(tmp_path):
    root = tmp_path / "big"
    (root / "pkg").mkdir(parents=True)
    chunk = "".join(f'\tx{i} := fmt.Sprintf("%d", {i}) // line {i}\n' for i in range(20_000)).encode()
    with open(root / "pkg/huge.go", "wb") as handle:
        handle.write(b"package big\n\nfunc Big() {\n")
        while handle.tell() < 100 * 1024 * 1024:
            handle.write(chunk)
        handle.write(b"}\n")
    size = (root / "pkg/huge.go").stat().st_size
    assert size > 100 * 1024 * 1024 > HIGHLIGHT_CAP
    lines = 3 + (size - len(b"package big\n\nfunc Big() {\n") - 2) // len(chunk) * 20_000 + 1

    app = make_app(root, open_path="pkg/huge.go")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        view = app.query_one("SourceView")
        assert app.current_path == "pkg/huge.go" and len(view.lines) == lines
        assert any("shown without highlighting" in m for m in messages(app))
        assert view.render_line(0).text.rstrip().endswith("package big")
        await pilot.press("G")
        await settle(pilot)
        assert view.cursor_line == lines
        assert "}" in view.render_line(view.cursor_line - 1 - int(view.scroll_y)).text
        await pilot.press("slash", *"x19999", "enter")  # search works on it too
        await settle(pilot)
        screen_text(app)


@sync
async def test_an_empty_folder_opens_to_an_empty_tree_and_a_hint(tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    app = make_app(root)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert app.current_path is None
        assert len(app.query_one("FileTree").root.children) == 0
        text = screen_text(app)
        assert "Open a file to see its notes." in text
        # Every key that needs a file says so instead of failing.
        for key in ("a", "e", "d", "o", "O", "x", "t", "]", "1", "ctrl+p"):
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("escape")
        assert app.is_running


def test_empty_folder_and_odd_paths_on_the_command_line(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "shot.svg"
    assert main(["screenshot", str(empty), "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    capsys.readouterr()

    a_file = tmp_path / "file.go"
    a_file.write_text(GO)
    fifo = empty / "pipe.go"
    os.mkfifo(fifo)
    cases = [
        (["screenshot", str(tmp_path / "missing"), "--out", str(out)], "no such folder"),
        (["screenshot", str(a_file), "--out", str(out)], "not a folder"),
        (["screenshot", str(empty), "--open", "pipe.go", "--out", str(out)], "not a regular file"),
        (["screenshot", str(empty), "--open", "../file.go", "--out", str(out)], "'..' is refused"),
        (["screenshot", str(empty), "--open", "nope.go:12", "--out", str(out)], "no such file"),
        ([str(a_file)], "not a folder"),
    ]
    for argv, expected in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("k8sread: error: ") and expected in err and "Traceback" not in err, (argv, err)


def test_a_symlink_loop_as_the_tree_itself_is_a_clear_error(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    done = subprocess.run([sys.executable, "-m", "k8sread.cli", str(loop)], capture_output=True, text=True, timeout=60, env={**os.environ, "TERM": "dumb"})
    assert done.returncode == 2
    assert done.stderr.startswith("k8sread: error: ") and "Traceback" not in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder, so chmod cannot make one unreadable")
@sync
async def test_unreadable_folders_are_skipped(tmp_path):
    root = tmp_path / "locked"
    (root / "open").mkdir(parents=True)
    (root / "open/a.go").write_text(GO)
    (root / "shut").mkdir()
    (root / "shut/b.go").write_text(GO)
    (root / "shut").chmod(0)
    try:
        app = make_app(root)
        async with app.run_test(size=(100, 24)) as pilot:
            await settle(pilot)
            assert app.current_path == "open/a.go"
    finally:
        (root / "shut").chmod(0o755)


@sync
async def test_shrinking_to_40x10_and_below_and_growing_back(tmp_path):
    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/a.go").write_text(GO * 40)
    app = make_app(root, open_path="pkg/a.go")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        widgets = {name: app.query_one(f"#{name}") for name in ("tree", "source", "notes")}
        before = {name: (w.size.width, w.size.height) for name, w in widgets.items()}
        for size in [(40, 10), (20, 5), (1, 1), (40, 10), (200, 60), (120, 40)]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            screen_text(app)
            assert app.is_running
        assert {name: (w.size.width, w.size.height) for name, w in widgets.items()} == before
        view = widgets["source"]
        first, last = view.visible_range()
        assert first == 1 and last >= 30
        # With a dialog open, too.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.resize_terminal(40, 10)
        await settle(pilot)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert {name: (w.size.width, w.size.height) for name, w in widgets.items()} == before
