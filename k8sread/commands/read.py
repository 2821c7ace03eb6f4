"""Open the reader (what `k8sread [PATH]` runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from k8sread.core.errors import K8sreadError

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


def require_terminal() -> None:
    """The reader draws a full-screen UI and reads keys: with a pipe on either side it would draw
    into whatever is left and never end. Say so, and point at the subcommands, which pipe fine."""
    for name, stream in (("input", sys.stdin), ("output", sys.stdout)):
        try:
            interactive = stream is not None and stream.isatty()
        except (OSError, ValueError):  # closed or detached
            interactive = False
        if not interactive:
            raise K8sreadError(f"the reader needs a terminal, and standard {name} is not one; the subcommands (k8sread --help) work in pipes and scripts")


def read_only_reason(tree_root: Path, remember: bool) -> str | None:
    """Why the reader must open read-only (it cannot keep its state), else None. Remembers the
    tree as the last one read on the way: that write is the first one a full disk refuses."""
    from k8sread.core.paths import describe_os_error, state_problem
    from k8sread.core.tree_choice import remember_tree

    problem = state_problem()
    if problem is not None or not remember:
        return problem
    try:
        remember_tree(tree_root)
    except OSError as error:
        return f"cannot save which tree you read: {describe_os_error(error)}"
    except UnicodeEncodeError:
        pass  # a tree path that is not UTF-8 is not remembered; everything else works
    return None


def run(args: argparse.Namespace) -> int:
    import os

    from k8sread.core.source_tree import SourceTree
    from k8sread.core.tree_choice import choose_tree

    choice = choose_tree(args.path, Path(os.getcwd()))
    tree = SourceTree.open(choice.root)
    open_path, open_line = parse_open(args.open)
    require_terminal()
    problem = read_only_reason(tree.root, remember=choice.reason != "demo")
    import gc

    # Nothing worth collecting while Textual and the reader import and draw the first screen;
    # the app's GcPolicy freezes start-up's objects and turns the collector back on then.
    gc.disable()
    from k8sread.ui.app import ReaderApp

    # Read-only: the reader says why for the whole session and refuses every write.
    app = ReaderApp(tree, banner=choice.banner, pack_dir=args.pack, lang=args.lang, open_path=open_path, open_line=open_line, read_only=problem)
    app.run()
    return 0
