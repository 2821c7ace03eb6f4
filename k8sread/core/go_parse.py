"""One place that builds the tree-sitter Go parser (tree-sitter 0.25/0.26 API).

The Language is built once; parsers are per thread because a tree-sitter Parser is not safe
to share between threads (the reader parses in a worker while the UI thread may too).
"""

from __future__ import annotations

import threading
from functools import lru_cache

import tree_sitter
import tree_sitter_go

_local = threading.local()


@lru_cache(maxsize=1)
def go_language() -> tree_sitter.Language:
    return tree_sitter.Language(tree_sitter_go.language())


def go_parser() -> tree_sitter.Parser:
    """This thread's Go parser."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = tree_sitter.Parser(go_language())
        _local.parser = parser
    return parser


def as_bytes(source: str | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    # surrogatepass: a str decoded with errors="surrogateescape" must not make parsing raise.
    return source.encode("utf-8", errors="surrogatepass")


def parse_go(source: str | bytes) -> tree_sitter.Tree:
    """Parse Go source; tree-sitter never fails on bad input, it marks ERROR nodes instead."""
    return go_parser().parse(as_bytes(source))
