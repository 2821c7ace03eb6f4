"""Import notes from elsewhere; today: VS Code CodeTour tours.

examples:
  k8sread import codetour .tours/getting-started.tour
  k8sread import codetour walkthrough.tour --repo ~/src/kubernetes --pack ./my-pack
  k8sread import codetour walkthrough.tour --pack team --lang en

Each step on a file becomes a note, placed by the step's `selection`, its `line` or its
`pattern` (searched in the file as the extension does), with the step's title (else the
first line of its description) and its description as the body, tagged `codetour`, in tour
order. Steps that point at a directory, a file missing from the tree, lines past the end or
a pattern that matches nothing, and steps with no file, are listed and skipped.
Notes go to --pack DIR (created when missing) or a registered pack's name, else to the pack
new notes go to (your own, unless `k8sread pack use` chose another).

exit status: 0 every step imported, 1 some steps skipped, 2 errors (not a tour, bad paths).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from k8sread.core.errors import K8sreadError
from k8sread.core.note import LANG_RE, default_author
from k8sread.core.packset import writable_pack
from k8sread.core.tree_choice import add_repo_argument, tree_from_args

HELP = "import a VS Code CodeTour (.tour) as notes"


def register(parser: argparse.ArgumentParser) -> None:
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    tour = kinds.add_parser("codetour", help="a CodeTour .tour file", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    tour.add_argument("tour", metavar="FILE.tour")
    add_repo_argument(tour)
    tour.add_argument("--pack", metavar="DIR|NAME", help="pack to write to (default: where new notes go)")
    tour.add_argument("--lang", help="store titles and bodies under this language (e.g. en)")
    tour.add_argument("--author", help="author of the notes (default: your user name)")



def run(args: argparse.Namespace) -> int:
    from k8sread.core.codetour import import_tour, read_tour

    if args.lang and not LANG_RE.match(args.lang):
        raise K8sreadError(f"--lang {args.lang!r} is not a language code such as zh or en")
    tour = read_tour(Path(args.tour).expanduser())
    tree = tree_from_args(args)
    pack = writable_pack(args.pack)
    report = import_tour(tour, tree, pack, author=args.author or default_author(), lang=args.lang)
    for warning in report.warnings:
        print(f"k8sread: warning: {warning}", file=sys.stderr)
    for item in report.imported:
        note = item.note
        how = "no line in the step: pinned to line 1" if item.how == "file" else f"by {item.how}"
        print(f"step {item.step}: {note.id} on {item.path}:{note.start}-{note.end} ({how})")
    for item in report.skipped:
        print(f"step {item.step}: skipped: {item.reason}", file=sys.stderr)
    print(f"imported {len(report.imported)} of {len(report.imported) + len(report.skipped)} step(s) into pack {pack.name} ({pack.root})")
    return 1 if report.skipped else 0
