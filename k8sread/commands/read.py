"""Open the reader (what `k8sread [PATH]` runs)."""

from __future__ import annotations

import argparse

HELP = "open the reader (the default command)"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH", help="the tree to read (default: a Kubernetes checkout here, else the last tree, else the demo)")
    add_reader_options(parser)


def add_reader_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--open", metavar="FILE[:LINE]", help="open this file (at this line) instead of where you left off")
    parser.add_argument("--pack", metavar="DIR", help="pack new notes go to (default: your own pack)")
    parser.add_argument("--lang", choices=["zh", "en"], help="language of bilingual notes (default: config, else the locale)")


def parse_open(spec: str | None) -> tuple[str | None, int | None]:
    if not spec:
        return None, None
    path, sep, line = spec.rpartition(":")
    if sep and line.isdigit() and path:
        return path, max(1, int(line))
    return spec, None


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from k8sread.core.tree_choice import choose_tree, remember_tree
    from k8sread.core.source_tree import SourceTree

    choice = choose_tree(args.path, Path(os.getcwd()))
    tree = SourceTree.open(choice.root)
    if choice.reason != "demo":
        remember_tree(tree.root)
    open_path, open_line = parse_open(args.open)
    from k8sread.ui.app import ReaderApp

    app = ReaderApp(tree, banner=choice.banner, pack_dir=args.pack, lang=args.lang, open_path=open_path, open_line=open_line)
    app.run()
    return 0
