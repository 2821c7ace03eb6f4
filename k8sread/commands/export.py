"""Export a pack as a Markdown document ready to publish, or as a VS Code CodeTour.

examples:
  k8sread export --repo ~/src/kubernetes -o series.md           the whole series pack
  k8sread export --trail --lang en -o trail.md                  the trail, in English
  k8sread export --component kubelet -o kubelet.md              one component's steps and notes
  k8sread export --pack ./my-pack --file pkg/kubelet/kubelet.go the notes on one file
  k8sread export --format codetour --pack series                writes .tours/series.tour in the tree
  k8sread export --style article --chapter 2 -o kubelet.md      chapter 2, written like the series' articles

The Markdown has a table of contents, a Mermaid flowchart of the trail across components,
and for each step or note a heading, the noted lines from the checkout (fenced `go`, with line
numbers), the note and a GitHub permalink to those lines at the checkout's commit (the pack's
commit when the tree is not a git checkout). Notes whose code is not found in the checkout are
listed in their own section. Without -o the Markdown goes to stdout.

--style article writes it the way source-reading articles are written: a heading per chapter,
each note's prose, then a ```go excerpt with the line comments as `//` comments above their
lines (`// ...` where lines are left out between notes on one declaration) and a permalink
under it. `k8sread import markdown` reads such an article back onto the same lines.

CodeTour: the steps with file, line, selection and description, and the commit as `ref`;
written to <tree>/.tours/<pack>.tour unless -o names another file (`-o -` for stdout).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from k8sread.core.atomic import write_output
from k8sread.core.config import choose_language, load_config
from k8sread.core.errors import K8sreadError
from k8sread.core.pack import Pack
from k8sread.core.packset import find_pack
from k8sread.core.sanitize import inert_line
from k8sread.core.tree_choice import add_repo_argument, tree_from_args

HELP = "export a pack, its trail, a component or a file as Markdown or a CodeTour"


def register(parser: argparse.ArgumentParser) -> None:
    add_repo_argument(parser)
    parser.add_argument("--pack", metavar="NAME|DIR", help="the pack (default: the bundled pack with a trail for the tree)")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--trail", action="store_true", help="only the trail's steps, in order")
    scope.add_argument("--component", metavar="NAME", help="one component's steps and notes")
    scope.add_argument("--file", metavar="PATH", help="the notes on one source file")
    scope.add_argument("--chapter", metavar="N", type=int, help="one chapter of the trail (1 is the first); with --style article")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of titles and bodies (default: yours when the pack has it, else the pack's first)")
    parser.add_argument("--format", choices=("markdown", "codetour"), default="markdown", help="markdown (default) or codetour")
    parser.add_argument(
        "--style",
        choices=("document", "article"),
        default="document",
        help="markdown as a document (default: contents, map, a heading and numbered excerpt per note) or as an article "
        "(prose, then the code with line comments as // comments, like the series; `k8sread import markdown` reads it back)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write ('-' for stdout)")


def language_for(pack: Pack, option: str | None) -> str:
    if option:
        return option
    mine = choose_language(None, load_config())
    if not pack.meta.languages or mine in pack.meta.languages:
        return mine
    return pack.meta.languages[0]


def scope_of(args: argparse.Namespace) -> dict:
    return {"trail_only": bool(args.trail), "component": args.component, "file": args.file}


def _write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        # Devices and FIFOs (/dev/null, /dev/stdout, a named pipe) are written in place, never
        # replaced by a rename: as root that would put a regular file where /dev/null was.
        write_output(Path(output).expanduser(), text.encode("utf-8"))
    except OSError as error:
        raise K8sreadError(f"-o {output}: cannot write ({error.strerror})") from None


def run(args: argparse.Namespace) -> int:
    if args.chapter is not None and (args.format != "markdown" or args.style != "article"):
        raise K8sreadError("--chapter goes with --style article")
    if args.chapter is not None and args.chapter < 1:
        raise K8sreadError(f"--chapter {args.chapter}: chapters are numbered from 1")
    tree = tree_from_args(args)
    pack = find_pack(args.pack, tree.root)
    lang = language_for(pack, args.lang)
    if args.format == "codetour":
        from k8sread.core.codetour import export_tour, tour_path

        text, doc, left_out = export_tour(pack, tree, lang=lang, **scope_of(args))
        output = args.output or str(tour_path(tree.root, pack.name))
        _write(text, output)
        count = text.count('"file":')
    elif args.style == "article":
        from k8sread.core.export_article import export_article

        text, doc = export_article(pack, tree, lang=lang, chapter=args.chapter, **scope_of(args))
        left_out = []
        output = args.output
        _write(text, output)
        count = len(doc.items)
    else:
        from k8sread.core.export_markdown import export_markdown

        text, doc = export_markdown(pack, tree, lang=lang, **scope_of(args))
        left_out = []
        output = args.output
        _write(text, output)
        count = len(doc.items)
    for warning in doc.warnings + left_out:
        print(f"k8sread: warning: {inert_line(warning)}", file=sys.stderr)  # they quote the pack
    if output not in (None, "-"):
        orphans = f", {len(doc.orphans)} orphaned" if doc.orphans else ""
        print(f"wrote {output}: {count} note(s) from pack {pack.name}{orphans}", file=sys.stderr)
    return 0
