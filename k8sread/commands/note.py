"""Add notes from the shell (pack authors script with this).

examples:
  k8sread note add pkg/kubelet/kubelet.go:1966-2006 --title "syncLoop" --body "The kubelet's main loop."
  k8sread note add --repo ~/src/kubernetes --pack ./my-pack \\
      cmd/kubectl/kubectl.go:35-52 --title "main" --body-file note.md --tag kubectl --tag entry
  k8sread note add cmd/kubectl/kubectl.go:40 --title "one line" --lang zh --body "中文正文"

The range is checked against the file in the tree (--repo, else the tree the reader would
open). Notes go to --pack DIR (created when missing), else to your own pack.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from k8sread.core.errors import K8sreadError
from k8sread.core.note import LANG_RE, Note, NoteError, default_author, new_id, now
from k8sread.core.packset import writable_pack
from k8sread.core.placement import anchored
from k8sread.core.tree_choice import add_repo_argument, tree_from_args

HELP = "add a note to a pack from the shell"
_LOCATION = re.compile(r"^(?P<path>.+?):(?P<start>\d+)(?:-(?P<end>\d+))?$")


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add a note on FILE:START-END",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_repo_argument(add)
    add.add_argument("--pack", metavar="DIR", help="pack folder to write to (default: your own pack)")
    add.add_argument("location", metavar="FILE:START-END", help="source path relative to the tree, and a 1-based inclusive line range")
    add.add_argument("--title", required=True, help="the note's title")
    body = add.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", help="the note's Markdown body")
    body.add_argument("--body-file", metavar="F", help="read the Markdown body from F ('-' for stdin)")
    add.add_argument("--tag", action="append", default=[], metavar="X", help="a tag (repeat for more)")
    add.add_argument("--id", dest="note_id", help="a stable id (default: generated)")
    add.add_argument("--lang", help="store title and body under this language (e.g. zh, en)")
    add.add_argument("--author", help="author (default: your user name)")


def parse_location(text: str) -> tuple[str, int, int]:
    match = _LOCATION.match(text)
    if not match:
        raise K8sreadError(f"{text!r} is not FILE:START-END (for example pkg/kubelet/kubelet.go:1966-2006)")
    start = int(match["start"])
    end = int(match["end"]) if match["end"] else start
    if start < 1 or end < start:
        raise K8sreadError(f"{text!r}: the range must be START-END with 1 <= START <= END")
    return match["path"], start, end


def argument_text(option: str, value: str) -> str:
    """An argument as text. Bytes that are not UTF-8 reach Python as lone surrogates (PEP 383)
    and would fail later, deep in the TOML writer; name the option and the byte now."""
    for index, char in enumerate(value):
        if "\udc80" <= char <= "\udcff":
            raise K8sreadError(f"{option}: not valid UTF-8 (byte 0x{ord(char) - 0xDC00:02x} at character {index + 1}); notes are UTF-8 text")
        if "\ud800" <= char <= "\udfff":
            raise K8sreadError(f"{option}: not valid text (a lone surrogate at character {index + 1})")
    return value


def _read_body(args: argparse.Namespace) -> str:
    if args.body is not None:
        return argument_text("--body", args.body)
    if args.body_file == "-":
        raw = getattr(sys.stdin, "buffer", None)  # a test's StringIO has no bytes to check
        try:
            return raw.read().decode("utf-8") if raw is not None else sys.stdin.read()
        except UnicodeDecodeError:
            raise K8sreadError("--body-file -: standard input is not UTF-8 text") from None
    try:
        return Path(args.body_file).read_text("utf-8")
    except OSError as error:
        raise K8sreadError(f"--body-file {args.body_file}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise K8sreadError(f"--body-file {args.body_file}: not UTF-8 text") from None


def run(args: argparse.Namespace) -> int:
    path, start, end = parse_location(args.location)
    tree = tree_from_args(args)
    source = tree.read_text(path)  # refuses paths that leave the tree; clear error when missing
    if source.binary:
        raise K8sreadError(f"{path} is a binary file; notes pin lines of text")
    line_count = source.line_count
    if end > line_count:
        raise K8sreadError(f"{path} has {line_count} lines; {start}-{end} is past its end")
    body = _read_body(args)
    args.title = argument_text("--title", args.title)
    if args.lang and not LANG_RE.match(args.lang):
        raise K8sreadError(f"--lang {args.lang!r} is not a language code such as zh or en")
    title: str | dict[str, str] = {args.lang: args.title} if args.lang else args.title
    body_text: str | dict[str, str] = {args.lang: body} if args.lang else body
    pack = writable_pack(args.pack)
    stamp = now()
    try:
        note = Note(
            id=args.note_id or new_id(),
            start=start,
            end=end,
            title=title,
            body=body_text,
            tags=tuple(args.tag),
            author=args.author or default_author(),
            created=stamp,
            updated=stamp,
        )
    except NoteError as error:
        raise K8sreadError(str(error)) from None
    if any(existing.id == note.id for existing in pack.notes_for(path)) or pack.find(note.id):
        raise K8sreadError(f"note id {note.id!r} already exists in pack {pack.name}")
    # Record the anchor now, while the lines are known to be the ones the author meant.
    note = anchored(note, source.lines(), is_go=path.endswith(".go"))
    pack.upsert(path, note)
    print(f"added {note.id} on {path}:{start}-{end} to {pack.root / (path + '.toml')}")
    return 0
