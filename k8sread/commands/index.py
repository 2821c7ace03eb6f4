"""Build or refresh the symbol index the reader's ctrl+t searches.

examples:
  k8sread index                      index the tree the reader would open
  k8sread index ~/src/kubernetes     index that checkout
  k8sread index --rebuild            scan every file again, ignoring the cache
  k8sread index --find syncPod       print the best matches for a symbol (for scripts)

Files are re-scanned only when their mtime or size changed, so a refresh after `git pull`
costs little. vendor/ and _output/ are not indexed.
"""

from __future__ import annotations

import argparse
import sys
import time

from k8sread.core.symbol_index import SymbolIndex, index_file

HELP = "build or refresh the symbol index (ctrl+t in the reader)"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH", help="the tree (default: --repo, else chosen like the reader)")
    parser.add_argument("--repo", metavar="PATH", help="the tree (same as PATH)")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cache and scan every file")
    parser.add_argument("--find", metavar="NAME", help="after refreshing, print the best matches for NAME")
    parser.add_argument("--limit", type=int, default=20, help="how many matches --find prints (default 20)")


class _Bar:
    """A progress bar on stderr when it is a terminal; a few plain lines otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if total == 0:
            return
        percent = done * 100 // total
        if self.tty:
            filled = percent * 30 // 100
            sys.stderr.write(f"\rindexing [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} files")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        elif percent // 25 != self.last // 25 or done == total:
            print(f"indexing: {done}/{total} files", file=sys.stderr)
        self.last = percent


def run(args: argparse.Namespace) -> int:
    from k8sread.core.tree_choice import tree_from_args

    if args.path and not args.repo:
        args.repo = args.path
    tree = tree_from_args(args)
    started = time.perf_counter()
    index = SymbolIndex(tree.root) if args.rebuild else SymbolIndex.load(tree.root)
    go_files = [path for path in tree.list_files() if path.endswith(".go")]
    scanned, total = index.refresh(go_files, rebuild=args.rebuild, progress=_Bar())
    index.save()
    elapsed = time.perf_counter() - started
    print(f"{len(index)} symbols in {total} Go files ({scanned} scanned) in {elapsed:.2f} s -> {index_file(tree.root)}")
    if args.find:
        for hit in index.search(args.find, limit=args.limit):
            print(f"{hit.path}:{hit.line}\t{hit.kind}\t{hit.name}")
    return 0
