"""Import notes from elsewhere: VS Code CodeTour tours, source-reading articles in Markdown.

examples:
  k8sread import codetour .tours/getting-started.tour
  k8sread import codetour walkthrough.tour --repo ~/src/kubernetes --pack ./my-pack
  k8sread import codetour walkthrough.tour --pack team --lang en

Each step on a file becomes a note, placed by the step's `selection`, its `line` or its
`pattern` (searched in the file as the extension does), with the step's title (else the
first line of its description) and its description as the body, tagged `codetour`, in tour
order. A content step (text, no file) and a step on a folder, a URI or a view become text
steps of the trail. The tour becomes one chapter of the pack's trail with the tour's title
and description; importing it again replaces that chapter. Steps on a file missing from the
tree, lines past the end or a pattern that matches nothing are listed and skipped.
Notes go to --pack DIR (created when missing) or a registered pack's name, else to the pack
new notes go to (your own, unless `k8sread pack use` chose another).

exit status: 0 the whole tour imported, 1 some steps skipped, 2 errors (not a tour, bad paths).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from k8sread.core.errors import K8sreadError
from k8sread.core.note import ID_RE, LANG_RE, default_author
from k8sread.core.packset import writable_pack
from k8sread.core.tree_choice import add_repo_argument, tree_from_args

HELP = "import a VS Code CodeTour (.tour) or a source-reading article (Markdown) as notes"

MARKDOWN_DOC = """Import a source-reading article: prose, then ```go blocks pasted from the tree.

examples:
  k8sread import markdown kubelet-syncloop.md --repo ~/src/kubernetes --pack ./my-pack
  k8sread import markdown https://raw.githubusercontent.com/USER/blog/main/posts/proxy.md --pack ./my-pack
  k8sread import markdown draft.md --repo ~/src/kubernetes --dry-run      report only, write nothing

Each fenced Go block is looked for in the tree, ignoring the comments the author added,
elisions (`...`, `// ...`), blank lines and indentation, and tolerating small differences (an
article written against another commit). A block pasting several declarations becomes one
note per declaration. When the same code is in several files (the iptables, ipvs and
winkernel proxiers), the article decides: a path in the block's comments or the link under
it, paths and names in the prose before it, the files of the blocks around it; when nothing
tells, the block is not placed and the report says so (never a guess).

The prose since the previous block becomes the note's body; each comment the author added
becomes a line comment on the line it annotates; headings become chapters of the pack's
trail, in article order; blocks that are not code from the tree (shell output, the author's
own code) are kept with their prose as text steps. Importing the same article again replaces
what the first import wrote. For every block the command prints where it landed (file:lines)
and how sure it is, or why it did not land, then a summary line.

exit status: 0 imported, 1 some code blocks could not be placed (ambiguous or only partly
found; kept as text), 2 bad input (no such file, not Markdown, cannot fetch the URL).
"""


def register(parser: argparse.ArgumentParser) -> None:
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    tour = kinds.add_parser("codetour", help="a CodeTour .tour file", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    tour.add_argument("tour", metavar="FILE.tour")
    add_repo_argument(tour)
    tour.add_argument("--pack", metavar="DIR|NAME", help="pack to write to (default: where new notes go)")
    tour.add_argument("--lang", help="store titles and bodies under this language (e.g. en)")
    tour.add_argument("--author", help="author of the notes (default: your user name)")
    article = kinds.add_parser(
        "markdown", help="a Markdown article pasting Go code from the tree", description=MARKDOWN_DOC, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    article.add_argument("article", metavar="ARTICLE", help="a Markdown file, or an http(s) URL of one")
    add_repo_argument(article)
    article.add_argument("--pack", metavar="DIR|NAME", help="pack to write to (default: where new notes go)")
    article.add_argument("--lang", help="language of the article's text (default: zh when mostly Chinese, else en)")
    article.add_argument("--author", help="author of the notes (default: your user name)")
    article.add_argument("--id-prefix", metavar="PREFIX", help="note ids are PREFIX-<block> (default: from the article's file name)")
    article.add_argument("--dry-run", action="store_true", help="match and report; write nothing")


def run(args: argparse.Namespace) -> int:
    if args.kind == "markdown":
        return _run_markdown(args)
    from k8sread.core.codetour import import_tour, read_tour

    if args.lang and not LANG_RE.match(args.lang):
        raise K8sreadError(f"--lang {args.lang!r} is not a language code such as zh or en")
    tour = read_tour(Path(args.tour).expanduser())
    tree = tree_from_args(args)
    pack = writable_pack(args.pack)
    report = import_tour(tour, tree, pack, author=args.author or default_author(), lang=args.lang)
    for warning in report.warnings:
        print(f"k8sread: warning: {warning}", file=sys.stderr)
    lines = [(item.step, f"step {item.step}: {item.note.id} on {item.path}:{item.note.start}-{item.note.end} ({_how(item.how)})") for item in report.imported]
    lines += [(item.step, f"step {item.step}: text step {item.text_id} ({_TEXT_KINDS[item.kind]})") for item in report.texts]
    for _, line in sorted(lines):
        print(line)
    for item in report.skipped:
        print(f"step {item.step}: skipped: {item.reason}", file=sys.stderr)
    done = len(report.imported) + len(report.texts)
    print(f"imported {done} of {done + len(report.skipped)} step(s) into pack {pack.name} ({pack.root}), as one chapter of its trail")
    return 1 if report.skipped else 0


_TEXT_KINDS = {"content": "a content step: text, no file", "directory": "on a folder", "uri": "on a URI", "view": "on a view"}


def _how(how: str) -> str:
    return "no line in the step: pinned to line 1" if how == "file" else f"by {how}"


def _progress(message: str) -> None:
    """One progress line on stderr, rewritten in place on a terminal; elsewhere (a log, a pipe)
    only the line that says what was fetched."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K" + message)
        sys.stderr.flush()
    elif message.startswith("fetched "):
        print(f"k8sread: {message}", file=sys.stderr)


def _run_markdown(args: argparse.Namespace) -> int:
    from k8sread.core.article_import import import_article, print_report, read_article

    if args.lang and not LANG_RE.match(args.lang):
        raise K8sreadError(f"--lang {args.lang!r} is not a language code such as zh or en")
    if args.id_prefix is not None and not ID_RE.match(args.id_prefix):
        raise K8sreadError(f"--id-prefix {args.id_prefix!r}: use letters, digits, '.', '_' or '-'")
    article = read_article(args.article, progress=_progress)
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")
    tree = tree_from_args(args)
    pack = None if args.dry_run else writable_pack(args.pack)
    started = time.monotonic()
    report = import_article(article, tree, pack, lang=args.lang, author=args.author or default_author(), prefix=args.id_prefix, progress=_progress)
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")
    print_report(report)
    where = f"into pack {report.pack.name} ({report.pack.root})" if report.pack is not None else "(dry run: nothing written)"
    print(f"{report.summary()} {where}")
    print(f"k8sread: matched against {report.files_indexed} Go files of {tree.root} in {time.monotonic() - started:.1f}s", file=sys.stderr)
    return 1 if report.failed else 0
