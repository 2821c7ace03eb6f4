"""Fetch the real Kubernetes source and make it the tree `k8sread` opens.

A partial clone (file contents are fetched only for the checked-out commit), then a checkout
of the commit the bundled notes are written against. On any failure nothing is left behind
and nothing is remembered.

examples:
  k8sread clone                       into ./kubernetes
  k8sread clone ~/src/kubernetes      then just run `k8sread`
  k8sread clone k8s --commit v1.22.0 --url https://github.com/kubernetes/kubernetes.git
"""

from __future__ import annotations

import argparse
import codecs
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from k8sread.core.errors import K8sreadError
from k8sread.core.git import GitError, git_env, last_line, missing_git_error, run_git
from k8sread.core.series import DEFAULT_CLONE_DIR, KUBERNETES_URL, SERIES_COMMIT
from k8sread.core.tree_choice import remember_tree

# Parts of git's messages that mean the server could not be reached.
_NETWORK_TROUBLE = ("Could not resolve host", "Failed to connect", "unable to access", "Connection refused", "Network is unreachable", "timed out")

HELP = "fetch the Kubernetes source with git (partial clone) and open it from now on"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir", nargs="?", default=DEFAULT_CLONE_DIR, metavar="DIR", help=f"where to put it; must not exist or be empty (default: ./{DEFAULT_CLONE_DIR})"
    )
    parser.add_argument("--url", default=KUBERNETES_URL, help="repository to clone (default: %(default)s)")
    parser.add_argument("--commit", default=SERIES_COMMIT, metavar="REV", help="commit (or tag) to check out (default: the series' commit, %(default).12s)")


def run(args: argparse.Namespace) -> int:
    target = Path(args.dir).expanduser().absolute()
    _refuse_existing(target, args.dir)
    created = _make_parents(target.parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f"{target.name}.partial-", dir=target.parent))
    except OSError as error:
        _remove_created(created)
        raise K8sreadError(f"cannot create a folder in {target.parent}: {error.strerror}") from None
    try:
        commit = _clone(args.url, args.commit, tmp)
        _refuse_existing(target, args.dir)  # someone may have made it meanwhile
        if target.is_dir():
            target.rmdir()  # empty, checked above
        os.rename(tmp, target)
    except BaseException as error:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_created(created)
        if isinstance(error, KeyboardInterrupt):
            raise K8sreadError(f"clone interrupted; nothing was kept in {target.parent}") from None
        if isinstance(error, OSError):
            raise K8sreadError(f"cannot move the clone into {target}: {error.strerror}") from None
        raise
    try:
        remember_tree(target)
    except OSError as error:
        # The clone itself is complete and usable; only `k8sread` alone will not find it.
        raise K8sreadError(f"cloned into {target}, but could not remember it ({error.strerror}); open it with `k8sread {target}`") from None
    print(f"Cloned {args.url} at {commit[:12]} into {target}")
    print("Run `k8sread` to read it (it opens the last tree you cloned or read).")
    return 0


def _refuse_existing(target: Path, given: str) -> None:
    if not (target.exists() or target.is_symlink()):
        return
    if not target.is_dir() or target.is_symlink():
        raise K8sreadError(f"{given} already exists and is not a folder; choose another DIR")
    try:
        empty = next(os.scandir(target), None) is None
    except OSError as error:
        raise K8sreadError(f"{given}: cannot read it ({error.strerror})") from None
    if not empty:
        raise K8sreadError(f"{given} already exists and is not empty; choose another DIR or remove it")


def _make_parents(folder: Path) -> list[Path]:
    """Create missing parent folders; return them, deepest first, to undo on failure."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    try:
        for path in reversed(missing):
            path.mkdir()
    except OSError as error:
        _remove_created(missing)
        raise K8sreadError(f"cannot create {path}: {error.strerror}") from None
    return missing


def _remove_created(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            pass


def _clone(url: str, rev: str, tmp: Path) -> str:
    """Clone into the (empty) tmp folder and check out rev; returns the commit checked out."""
    print(f"Cloning {url} (partial clone: file contents come with the checkout)...", file=sys.stderr)
    _stream_git(["clone", "--filter=blob:none", "--no-checkout", "--progress", url, str(tmp)], what=f"cloning {url}")
    commit = _find_commit(tmp, rev)
    if commit is None:
        # A missing commit id was already asked of the server by rev-parse (a partial clone
        # fetches missing objects itself); what is left is a ref the clone did not bring,
        # such as refs/pull/N/head: ask for it by name.
        print(f"Fetching {rev}...", file=sys.stderr)
        _stream_git(
            ["-C", str(tmp), "fetch", "--filter=blob:none", "--progress", "--end-of-options", "origin", rev],
            what=f"fetching {rev} from {url}",
            failure=f"commit {rev} is not in {url}",
        )
        commit = _find_commit(tmp, "FETCH_HEAD")
        if commit is None:
            raise K8sreadError(f"commit {rev} is not in {url}")
    print(f"Checking out {commit[:12]}...", file=sys.stderr)
    _stream_git(["-C", str(tmp), "-c", "advice.detachedHead=false", "checkout", "--progress", "--detach", commit], what=f"checking out {commit[:12]}")
    return commit


def _find_commit(repo: Path, rev: str) -> str | None:
    try:
        out = run_git(["-C", str(repo), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"])
    except GitError:
        return None
    return out.strip() or None


def _stream_git(args: list[str], *, what: str, failure: str | None = None) -> None:
    """Run git with its progress passed through to our stderr as it comes; on failure, a
    K8sreadError that ends with git's own last message."""
    env = git_env()
    try:
        process = subprocess.Popen(["git", *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    except FileNotFoundError:
        raise missing_git_error() from None
    tail = b""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    try:
        assert process.stdout is not None
        while chunk := os.read(process.stdout.fileno(), 4096):
            tail = (tail + chunk)[-4096:]
            sys.stderr.write(decoder.decode(chunk))
            sys.stderr.flush()
        code = process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        if process.stdout is not None:
            process.stdout.close()
    if code != 0:
        message = last_line(tail) or f"exit status {code}"
        if any(sign in message for sign in _NETWORK_TROUBLE):
            message += " (check the network connection and the URL)"
        raise K8sreadError(f"{failure} ({message})" if failure else f"{what} failed: {message}")
