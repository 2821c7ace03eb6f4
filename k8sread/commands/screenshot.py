"""Render a reader view headlessly to an SVG file and exit.

examples:
  k8sread screenshot --open cmd/kubectl/kubectl.go:20 --out kubectl.svg
  k8sread screenshot ~/src/kubernetes --open pkg/kubelet/kubelet.go:1966 --size 160x50 --out kubelet.svg
  k8sread screenshot --open cmd/kubectl/kubectl.go --keys "] ]" --out step2.svg

--keys types keys into the reader before the picture is taken (space-separated Textual key
names, e.g. "ctrl+p k u b e enter", "question_mark", "]").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
from pathlib import Path

from k8sread.commands.read import parse_open
from k8sread.core.errors import K8sreadError

HELP = "render a view headlessly to an SVG file"
_SIZE = re.compile(r"^(\d{2,3})x(\d{2,3})$")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH", help="the tree (default: chosen like the reader)")
    parser.add_argument("--open", metavar="FILE[:LINE]", help="file (and line) to show")
    parser.add_argument("--size", default="120x40", metavar="COLSxROWS", help="terminal size (default 120x40)")
    parser.add_argument("--out", required=True, metavar="X.svg", help="where to write the SVG")
    parser.add_argument("--keys", default="", help="keys to press first, space-separated")
    parser.add_argument("--lang", choices=["zh", "en"], help="language of bilingual notes")
    parser.add_argument("--pack", metavar="DIR", help="pack new notes go to")


def parse_size(text: str) -> tuple[int, int]:
    match = _SIZE.match(text)
    if not match:
        raise K8sreadError(f"--size {text!r}: expected COLSxROWS such as 120x40")
    cols, rows = int(match[1]), int(match[2])
    if not (40 <= cols <= 400 and 10 <= rows <= 200):
        raise K8sreadError(f"--size {text}: between 40x10 and 400x200")
    return cols, rows


async def capture(app, size: tuple[int, int], keys: list[str], out: Path) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        # Let the background parse land so the picture is fully highlighted.
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot(filename=out.name, path=str(out.parent))


def run(args: argparse.Namespace) -> int:
    from k8sread.core.source_tree import SourceTree
    from k8sread.core.tree_choice import choose_tree
    from k8sread.ui.app import ReaderApp

    size = parse_size(args.size)
    out = Path(args.out)
    if out.suffix.lower() != ".svg":
        raise K8sreadError(f"--out {out}: must end in .svg")
    if not out.parent.exists():
        raise K8sreadError(f"--out {out}: folder {out.parent} does not exist")
    choice = choose_tree(args.path, Path(os.getcwd()))
    tree = SourceTree.open(choice.root)
    open_path, open_line = parse_open(args.open)
    if open_path:
        tree.read_text(open_path)  # a clear error now rather than a notification in the picture
    app = ReaderApp(tree, banner=choice.banner, pack_dir=args.pack, lang=args.lang, open_path=open_path, open_line=open_line, remember=False)
    asyncio.run(capture(app, size, args.keys.split(), out))
    print(f"wrote {out}")
    return 0
