"""Getting packs over git: clone one into the data dir, update the ones that came from git,
and tell what removing a clone would lose. Neither an update nor a removal (without --force)
ever destroys a file that exists only in the clone: see `pull` and `removal_risks`.

git's progress (its stderr) is handed to a callback as it arrives, so a terminal can show it;
on failure the error quotes git's last line ("repository ... not found", "Could not resolve
host ..."), and a half-made clone is removed.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from k8sread.core import git, notes_merge, registry
from k8sread.core.errors import K8sreadError
from k8sread.core.pack import META_FILE, Pack

Progress = Callable[[str], None]

_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


def is_git_url(text: str) -> bool:
    """https://, ssh://, git://, file:// URLs and scp-like user@host:path."""
    return bool(_URL.match(text))


def _stream(args: list[str], cwd: Path | None, progress: Progress | None) -> tuple[int, str]:
    try:
        process = subprocess.Popen(["git", *args], cwd=cwd, env=git.git_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except FileNotFoundError:
        raise git.missing_git_error() from None
    chunks: list[str] = []
    assert process.stdout is not None
    while True:
        data = os.read(process.stdout.fileno(), 4096)
        if not data:
            break
        text = data.decode("utf-8", "replace")
        chunks.append(text)
        if progress:
            progress(text)
    process.stdout.close()
    return process.wait(), "".join(chunks)


def git_reason(output: str) -> str:
    """git's first fatal/error line: its last line is often advice ("and the repository exists.")."""
    for line in output.replace("\r", "\n").split("\n"):
        line = line.strip()
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix) :]
    return git.last_line(output)


def clone(url: str, name: str | None = None, progress: Progress | None = None) -> registry.Entry:
    """Clone `url` into <data dir>/packs/<name>, check it is a pack, register it.

    The name is --name, else the pack's own name from its pack.toml."""
    if name is not None:
        registry.check_name(name)
    base = registry.clones_dir()
    base.mkdir(parents=True, exist_ok=True)
    staging = base / f".adding-{secrets.token_hex(4)}"
    try:
        status, output = _stream(["clone", "--progress", "--", url, str(staging)], None, progress)
        if status != 0:
            raise K8sreadError(f"cannot clone {url}: git clone failed: {git_reason(output) or f'exit status {status}'}")
        if not (staging / META_FILE).is_file():
            raise K8sreadError(f"{url} is not a k8sread pack: it has no {META_FILE} at its top")
        pack = Pack.open(staging)
        chosen = name or pack.name
        target = base / chosen
        if target.exists() or chosen in registry.Registry.load().packs:
            raise K8sreadError(f"a pack named {chosen!r} already exists ({target}); choose another with --name")
        entry = registry.register(chosen, target, url)  # checks the name before anything moves
        try:
            staging.rename(target)
        except OSError:
            registry.unregister(chosen)
            raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    notes_merge.install(target)
    return entry


def add_local(path: Path, name: str | None = None) -> registry.Entry:
    """Register a pack folder where it is (nothing is copied)."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise K8sreadError(f"{path}: no such folder, and not a git URL (https://, ssh://, file://, git@host:path)")
    pack = Pack.open(folder)
    entry = registry.register(name or pack.name, folder)
    notes_merge.install(folder)
    return entry


def _require_git() -> None:
    # tree_location() answers None both outside git and when git is missing; the two need
    # different messages, and "missing" must never read as "nothing to check".
    git.run_git(["--version"])


def _top(path: Path) -> Path | None:
    location = git.tree_location(path)
    return location[0] if location else None


def _paths(output: str) -> list[str]:
    return [item for item in output.split("\0") if item]


CHANGED = "changed and not committed"
UNTRACKED = "not tracked by git"
IGNORED = "ignored by git, not committed"


def local_files(top: Path) -> dict[str, str]:
    """Every file in the work tree at `top` that exists only here, by path from the top:
    changed (or deleted) and not committed, untracked, or ignored. Ignored files are listed
    one by one, even inside an ignored folder, since git overwrites them without asking."""
    # --no-optional-locks: status must not take index.lock from under a git the user runs.
    output = git.run_git(["--no-optional-locks", "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--ignored=traditional"], cwd=top)
    files: dict[str, str] = {}
    for item in _paths(output):
        code, path = item[:2], item[3:]
        files[path] = UNTRACKED if code == "??" else IGNORED if code == "!!" else CHANGED
    return files


def _changed_between(top: Path, old: str | None, new: str) -> list[str]:
    if old is None:
        return _paths(git.run_git(["ls-tree", "-r", "-z", "--name-only", new], cwd=top))
    return _paths(git.run_git(["diff", "--name-only", "--no-renames", "-z", old, new, "--"], cwd=top))


def _overlaps(a: str, b: str) -> bool:
    """Whether writing one path can destroy the other: the same path, or one is a folder of
    the other (upstream turning a folder into a file, or a file into a folder)."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def at_risk(local: dict[str, str], incoming: list[str]) -> dict[str, str]:
    """The local files that checking out `incoming` would overwrite or delete."""
    if not local or not incoming:
        return {}
    return {path: state for path, state in local.items() if any(_overlaps(path, other) for other in incoming)}


def _is_ancestor(top: Path, older: str, newer: str) -> bool:
    try:
        git.run_git(["merge-base", "--is-ancestor", older, newer], cwd=top)
    except git.GitError:
        return False
    return True


def _merge_base(top: Path, one: str | None, other: str) -> str | None:
    """None for unrelated histories: then every file of `other` counts as incoming."""
    if one is None:
        return None
    try:
        return git.run_git(["merge-base", one, other], cwd=top).strip() or None
    except git.GitError:
        return None


def _upstream(top: Path) -> tuple[str, str] | None:
    """(its name such as origin/main, its commit) for the checked-out branch, or None."""
    try:
        name = git.run_git(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"], cwd=top).strip()
        commit = git.run_git(["rev-parse", "--verify", "--quiet", "@{upstream}^{commit}"], cwd=top).strip()
    except git.GitError:
        return None
    return (name, commit) if name and commit else None


def _branch(top: Path) -> str | None:
    try:
        return git.run_git(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd=top).strip() or None
    except git.GitError:
        return None


def _file_lines(files: dict[str, str]) -> str:
    return "\n".join(f"  {path} ({state})" for path, state in sorted(files.items()))


def _refusal(name: str, top: Path, upstream: str, risky: dict[str, str]) -> K8sreadError:
    return K8sreadError(
        f"cannot update pack {name}: {upstream} changes files that hold work not committed in {top}, "
        f"and updating would overwrite or delete them:\n{_file_lines(risky)}\n"
        f"nothing was changed. Commit them (`git -C {top} add -f FILE` and `git -C {top} commit`), then merge with `git -C {top} pull --no-rebase`; "
        f"or move them out of the pack folder, then run `k8sread pack update {name}` again"
    )


def pull(entry: registry.Entry, progress: Progress | None = None) -> str:
    """Fast-forward a pack from git to its upstream; returns what changed in a few words.

    Refuses, before anything is written, when the update would overwrite or delete a file
    that exists only here (changed, untracked or ignored) and names those files: git itself
    protects changed and untracked files but silently replaces ignored ones, and a pack whose
    .gitignore hides note files would lose the reader's notes. The merge runs with
    --no-overwrite-ignore as well, so a note saved between the check and the merge is kept
    (the update then fails instead)."""
    _require_git()
    top = _top(entry.path)
    if top is None:
        raise K8sreadError(f"pack {entry.name} ({entry.path}) is not a git repository; nothing to pull")
    status, output = _stream(["fetch", "--progress"], top, progress)
    if status != 0:
        raise K8sreadError(f"cannot update pack {entry.name}: git fetch failed: {git_reason(output) or f'exit status {status}'}")
    upstream = _upstream(top)
    if upstream is None:
        branch = _branch(top)
        where = f"branch {branch!r}" if branch else "a detached HEAD (no branch)"
        raise K8sreadError(
            f"cannot update pack {entry.name}: its clone ({top}) is on {where}, which has no upstream branch to update from; "
            f"switch back to a branch that tracks the published one (`git -C {top} branch -vv` lists them), "
            f"or give this one an upstream with `git -C {top} branch --set-upstream-to=origin/BRANCH`"
        )
    upstream_name, target = upstream
    before = git.head_commit(top)
    if before == target:
        return "already up to date"
    if before is not None and _is_ancestor(top, target, before):
        return f"already up to date (it has commits of its own that {upstream_name} does not have)"
    diverged = before is not None and not _is_ancestor(top, before, target)
    since = _merge_base(top, before, target) if diverged else before
    incoming = _changed_between(top, since, target)
    risky = at_risk(local_files(top), incoming)
    if risky:
        raise _refusal(entry.name, top, upstream_name, risky)
    if diverged:
        raise K8sreadError(
            f"cannot update pack {entry.name}: the pack has commits of its own that {upstream_name} does not have, so it cannot simply "
            f"move forward: merge by hand with `git -C {top} pull --no-rebase` (note files merge note by note)"
        )
    status, output = _stream(["merge", "--ff-only", "--no-overwrite-ignore", "--progress", target], top, progress)
    if status != 0:
        # Most likely a file appeared since the check (a reader saved a note meanwhile), and
        # git refused to write over it: name it the same way.
        risky = at_risk(local_files(top), incoming)
        if risky:
            raise _refusal(entry.name, top, upstream_name, risky)
        raise K8sreadError(
            f"cannot update pack {entry.name}: git merge failed: {git_reason(output) or f'exit status {status}'}; "
            f"files that exist only here were left as they were (see `git -C {top} status`)"
        )
    after = git.head_commit(top)
    return f"updated {(before or '')[:12]} -> {(after or '')[:12]}"


def _name_some(items: list[str], limit: int = 20) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def removal_risks(path: Path) -> list[str]:
    """Why deleting the clone at `path` could lose work: one line per reason, [] only when git
    shows that everything in it is also on a remote (as of the last fetch or push).

    Whatever cannot be checked (git missing, not a repository of its own) is a reason too."""
    try:
        _require_git()
    except git.GitError:
        return ["git is not installed (or not on PATH), so k8sread cannot check it for notes that exist only there"]
    top = _top(path)
    # A clone whose .git is gone can sit inside another repository (a home folder kept in git):
    # that one's status says nothing about this folder.
    if top is None or top.resolve() != path.resolve():
        return ["it is not a git repository of its own (no .git), so k8sread cannot tell what exists only there"]
    try:
        return _local_work(top)
    except git.GitError as error:
        return [f"git could not check it ({error}), so k8sread cannot tell what exists only there"]


def _local_work(top: Path) -> list[str]:
    reasons: list[str] = []
    files = local_files(top)
    for state in (CHANGED, UNTRACKED, IGNORED):
        paths = sorted(p for p, s in files.items() if s == state)
        if paths:
            reasons.append(f"{len(paths)} file(s) {state}: {_name_some(paths)}")
    stashes = [line for line in git.run_git(["stash", "list"], cwd=top).splitlines() if line.strip()]
    if stashes:
        reasons.append(f"{len(stashes)} stash(es): {_name_some(stashes, 5)}")
    refs = git.run_git(["for-each-ref", "--format=%(refname)"], cwd=top).split()
    heads = [ref for ref in refs if not ref.startswith("refs/remotes/") and ref != "refs/stash"]
    if _branch(top) is None:
        heads.append("HEAD")
    for ref in heads:
        count = git.run_git(["rev-list", "--count", ref, "--not", "--remotes"], cwd=top).strip()
        if count not in ("", "0"):
            kind = "branch " if ref.startswith("refs/heads/") else ""
            name = ref.removeprefix("refs/heads/").removeprefix("refs/tags/")
            reasons.append(f"{kind}{name}: {count} commit(s) not pushed")
    worktrees = [line[len("worktree ") :] for line in git.run_git(["worktree", "list", "--porcelain"], cwd=top).splitlines() if line.startswith("worktree ")]
    if len(worktrees) > 1:
        reasons.append(f"other work trees use it: {_name_some(worktrees[1:])}")
    return reasons


def unsaved_work(path: Path) -> str | None:
    """`removal_risks` in one line, or None when nothing would be lost."""
    reasons = removal_risks(path)
    return "; ".join(reasons) if reasons else None
