"""Make, share and collect packs of notes.

examples:
  k8sread pack new ./k8s-notes --title "Our team's notes" --lang en
  k8sread pack add ./k8s-notes                     register a pack folder where it is
  k8sread pack add https://github.com/someone/k8s-notes.git --name team
  k8sread pack update                              fast-forward every pack that came from git
  k8sread pack update team
  k8sread pack list                                every pack, on or off, where new notes go
  k8sread pack use team                            new notes go to the pack "team"
  k8sread pack disable series                      hide a pack's notes in the reader
  k8sread pack remove team

A pack is a folder of TOML files meant to live in git (see docs/pack-format.md); `pack new`
makes one with pack.toml, a README and a .gitattributes, and starts a git repository there.
The reader shows the bundled packs, your own pack (`mine`) and every registered pack
together, each with its own marker. Cloned packs live in k8sread's data folder. `update`
refuses, naming the files, when it would overwrite or delete files that exist only in the
clone (changed, untracked or ignored by git). `remove` deletes a clone only when git shows
nothing in it exists only there: no such file, stash, or commit not on a remote (or with
--force); it only unregisters a local folder, never deletes it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from k8sread.core import notes_merge, pack_git, registry, tomlfmt
from k8sread.core.atomic import atomic_write_text
from k8sread.core.config import choose_language, load_config
from k8sread.core.errors import K8sreadError
from k8sread.core.note import LANG_RE, default_author
from k8sread.core.pack import META_FILE, NAME_RE, Pack
from k8sread.core.paths import bundled_annotations_dir, user_pack_dir
from k8sread.core.series import SERIES_COMMIT

HELP = "make, add, update, list and remove packs of notes (share them over git)"
REPOSITORY = "https://github.com/kubernetes/kubernetes"

GITATTRIBUTES = """\
# Note files are text with LF line ends everywhere, so diffs and merges line up across systems.
*.toml text eol=lf
*.md text eol=lf
# Merge note files note by note (by id) when the k8sread merge driver is configured in this
# clone (`k8sread pack add` and `k8sread pack new` do it); without it git merges lines as usual.
*.toml merge=k8sread-notes
"""


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, help=help_text, description=f"{help_text}\n\n{__doc__}", formatter_class=argparse.RawDescriptionHelpFormatter)

    new = action("new", "scaffold a pack: pack.toml, README.md, .gitattributes (and git init)")
    new.add_argument("folder", metavar="DIR")
    new.add_argument("--name", help="the pack's short id (default: from DIR)")
    new.add_argument("--title", help="a title (default: the name)")
    new.add_argument("--lang", action="append", default=[], metavar="L", help="a language notes are written in (repeat; the first is primary)")
    new.add_argument("--author", action="append", default=[], metavar="A", help="an author (repeat; default: your user name)")
    new.add_argument("--license", default="CC-BY-4.0", help="the notes' license (default: CC-BY-4.0)")
    new.add_argument("--commit", help="the Kubernetes commit the notes are written against (default: --repo's, else the series commit)")
    new.add_argument("--repo", metavar="PATH", help="a Kubernetes checkout whose commit the pack pins")
    new.add_argument("--no-git", action="store_true", help="do not start a git repository in DIR")
    new.add_argument("--add", action="store_true", help="also register the new pack so the reader shows it")

    add = action("add", "register a pack folder, or clone a pack from git into k8sread's data folder")
    add.add_argument("source", metavar="PATH|GIT-URL")
    add.add_argument("--name", help="the name to show it under (default: the pack's own name)")

    update = action("update", "git pull the registered packs (all, or NAME)")
    update.add_argument("name", nargs="?", metavar="NAME")

    listing = action("list", "list every pack: bundled, your own, registered")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")

    remove = action("remove", "unregister a pack (and delete it if it was cloned)")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("--force", action="store_true", help="delete a clone even when it holds files, stashes or commits that exist only there")

    use = action("use", "send new notes to pack NAME (`mine` for your own pack)")
    use.add_argument("name", metavar="NAME")

    for verb in ("enable", "disable"):
        switch = action(verb, f"{verb} showing a pack's notes in the reader")
        switch.add_argument("name", metavar="NAME")

    # What git runs when merging note files (configured by `pack new` / `pack add`).
    merge = actions.add_parser("merge-driver", help=argparse.SUPPRESS)
    for name in ("base", "ours", "theirs"):
        merge.add_argument(name)
    merge.add_argument("path", nargs="?", default="")


def run(args: argparse.Namespace) -> int:
    return {
        "new": _new,
        "add": _add,
        "update": _update,
        "list": _list,
        "remove": _remove,
        "use": _use,
        "enable": _switch,
        "disable": _switch,
        "merge-driver": _merge_driver,
    }[args.action](args)


# ---- new ----------------------------------------------------------------------------------


def _commit_for(args: argparse.Namespace) -> str:
    if args.commit:
        return args.commit
    if args.repo:
        from k8sread.core.source_tree import SourceTree

        commit = SourceTree.open(args.repo).commit
        if commit:
            return commit
        print(f"k8sread: {args.repo} is not a git checkout; pinning the series commit", file=sys.stderr)
    return SERIES_COMMIT


def _readme(name: str, title: str) -> str:
    return f"""# {title}

A [k8sread](https://github.com/kubernetes/kubernetes) pack: notes pinned to line ranges of the
Kubernetes source. `pack.toml` says which commit the line numbers refer to; the notes on
`pkg/kubelet/kubelet.go` live in `pkg/kubelet/kubelet.go.toml`.

Read it with k8sread:

    k8sread pack add <this repository's URL or folder>
    k8sread

Add notes to it:

    k8sread note add --pack {name} pkg/kubelet/kubelet.go:1966-2006 --title "syncLoop" --body "..."

Check that every note is still on its code (e.g. in CI):

    k8sread check --repo ~/src/kubernetes .

Publish it as Markdown, or as a VS Code CodeTour:

    k8sread export --pack {name} -o {name}.md
    k8sread export --pack {name} --format codetour
"""


def _new(args: argparse.Namespace) -> int:
    folder = Path(args.folder).expanduser()
    if (folder / META_FILE).exists():
        raise K8sreadError(f"{folder} is already a pack (it has a {META_FILE})")
    if folder.exists() and not folder.is_dir():
        raise K8sreadError(f"{folder}: not a folder")
    name = args.name or registry.name_from(str(folder.resolve()))
    if not NAME_RE.match(name):
        raise K8sreadError(f"pack name {name!r} must be lowercase letters, digits, '.', '_' or '-'")
    languages = args.lang or [choose_language(None, load_config())]
    for lang in languages:
        if not LANG_RE.match(lang):
            raise K8sreadError(f"--lang {lang!r} is not a language code such as zh or en")
    commit = _commit_for(args)
    meta: dict[str, Any] = {
        "format": 1,
        "name": name,
        "title": args.title or name,
        "languages": languages,
        "authors": args.author or [default_author()],
        "license": args.license,
    }
    text = "\n".join(tomlfmt.assignments(meta)) + "\n\n[source]\n"
    text += "\n".join(tomlfmt.assignments({"repository": REPOSITORY, "commit": commit})) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / META_FILE, text)
    if not (folder / "README.md").exists():
        atomic_write_text(folder / "README.md", _readme(name, args.title or name))
    if not (folder / ".gitattributes").exists():
        atomic_write_text(folder / ".gitattributes", GITATTRIBUTES)
    Pack.open(folder)  # what we wrote must read back
    print(f"created pack {name} in {folder}")
    if not args.no_git:
        from k8sread.core import git

        if git.tree_location(folder) is None:
            git.run_git(["init", "--quiet"], cwd=folder)
            print("  started a git repository there (commit and push it to share the pack)")
        if notes_merge.install(folder):
            print("  configured the note-by-note merge driver in its git config")
    if args.add:
        entry = pack_git.add_local(folder, name)
        print(f"  registered as {entry.name}")
    else:
        print(f"  show it in the reader: k8sread pack add {folder}")
    return 0


# ---- add / update / remove -------------------------------------------------------------------


def _progress(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


def _add(args: argparse.Namespace) -> int:
    source: str = args.source
    if Path(source).expanduser().exists() or not pack_git.is_git_url(source):
        entry = pack_git.add_local(Path(source), args.name)
        print(f"registered pack {entry.name} ({entry.path})")
    else:
        print(f"cloning {source} ...", file=sys.stderr)
        entry = pack_git.clone(source, args.name, progress=_progress)
        print(f"added pack {entry.name} from {source} ({entry.path})")
    return 0


def _update(args: argparse.Namespace) -> int:
    reg = registry.Registry.load()
    if args.name:
        entries = [reg.get(args.name)]
    else:
        entries = [entry for entry in reg.entries() if entry.url]
        if not entries:
            print("no pack came from git; nothing to update (k8sread pack add GIT-URL clones one)")
            return 0
    failed = 0
    for entry in entries:
        print(f"updating {entry.name} ...", file=sys.stderr)
        try:
            print(f"{entry.name}: {pack_git.pull(entry, progress=_progress)}")
        except K8sreadError as error:
            if args.name:
                raise
            print(f"k8sread: error: {error}", file=sys.stderr)
            failed += 1
    return 2 if failed else 0


def _remove(args: argparse.Namespace) -> int:
    if args.name in registry.reserved_names():
        raise K8sreadError(f"{args.name!r} is one of k8sread's own packs and cannot be removed; hide it with `k8sread pack disable {args.name}`")
    entry = registry.Registry.load().get(args.name)
    clone = entry.url is not None and entry.path.resolve().parent == registry.clones_dir().resolve()
    if clone and entry.path.exists() and not args.force:
        reasons = pack_git.removal_risks(entry.path)
        if reasons:
            listed = "\n".join(f"  {reason}" for reason in reasons)
            raise K8sreadError(
                f"pack {entry.name} was not removed: deleting its clone {entry.path} could lose work that exists only there:\n{listed}\n"
                "commit and push it (or copy it elsewhere) first, or remove with --force"
            )
    registry.unregister(entry.name)
    if clone and entry.path.exists():
        shutil.rmtree(entry.path)
        print(f"removed pack {entry.name} and deleted its clone {entry.path}")
    else:
        print(f"removed pack {entry.name} (its folder {entry.path} is left as it is)")
    return 0


# ---- list / use / enable / disable --------------------------------------------------------


def pack_rows() -> list[dict[str, Any]]:
    """Every pack k8sread knows, in the reader's order: bundled, mine, registered."""
    reg = registry.Registry.load()
    rows: list[dict[str, Any]] = []

    def row(name: str, kind: str, path: Path, url: str | None = None) -> None:
        item: dict[str, Any] = {"name": name, "kind": kind, "path": str(path), "url": url}
        try:
            pack = Pack.open(path)
            item.update(title=_plain(pack.meta.title), files=len(pack.files()), commit=pack.meta.commit, problem=None)
        except K8sreadError as error:
            item.update(title="", files=0, commit="", problem=str(error))
        item["enabled"] = name not in reg.disabled
        item["target"] = (reg.target or registry.MINE) == name
        item["writable"] = kind != "bundled"
        rows.append(item)

    base = bundled_annotations_dir()
    if base.is_dir():
        for folder in sorted(base.iterdir()):
            if (folder / META_FILE).is_file():
                row(folder.name, "bundled", folder)
    row(registry.MINE, "mine", user_pack_dir())
    if rows[-1]["problem"] and not user_pack_dir().exists():
        rows[-1].update(problem=None, title="My notes (made with your first note)")
    for entry in reg.entries():
        row(entry.name, "git" if entry.url else "local", entry.path, entry.url)
    return rows


def _plain(title: Any) -> str:
    if isinstance(title, dict):
        return " / ".join(str(value) for value in title.values())
    return str(title)


def _list(args: argparse.Namespace) -> int:
    rows = pack_rows()
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    width = max(len(item["name"]) for item in rows)
    for item in rows:
        mark = "*" if item["target"] else " "
        state = "on " if item["enabled"] else "off"
        where = item["url"] or item["path"]
        detail = f"problem: {item['problem']}" if item["problem"] else f"{item['files']} file(s)  {item['title']}"
        print(f"{mark} {item['name']:<{width}}  {item['kind']:<7} {state}  {detail}  ({where})")
    print("* new notes go here; change with `k8sread pack use NAME`")
    return 0


def _known_names() -> set[str]:
    return {item["name"] for item in pack_rows()}


def _use(args: argparse.Namespace) -> int:
    if args.name in registry.reserved_names() - {registry.MINE}:
        raise K8sreadError(f"pack {args.name!r} is bundled and read-only; new notes cannot go there")
    registry.set_target(args.name)
    print(f"new notes go to pack {args.name}")
    return 0


def _switch(args: argparse.Namespace) -> int:
    if args.name not in _known_names():
        raise K8sreadError(f"no pack named {args.name!r}; see `k8sread pack list`")
    registry.set_enabled(args.name, args.action == "enable")
    print(f"pack {args.name} {'shown' if args.action == 'enable' else 'hidden'} in the reader")
    return 0


def _merge_driver(args: argparse.Namespace) -> int:
    status, conflicts = notes_merge.merge_files(Path(args.base), Path(args.ours), Path(args.theirs), args.path)
    for note_id in conflicts:
        print(f"k8sread: {args.path}: note {note_id} was changed on both sides; both versions kept", file=sys.stderr)
    return status
