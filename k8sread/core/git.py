"""The few git calls k8sread makes, through subprocess.

Two kinds: `run_git` for commands the user asked for (clone): failures become a K8sreadError
quoting git's own last word; and quiet queries about a tree (`tree_location`, `head_commit`,
`ls_files`), which answer None when git is missing, the folder is not a work tree or git
refuses it (e.g. "dubious ownership"), so a tree without git still opens.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from k8sread.core.errors import K8sreadError

# Variables that would point git at another repository than the folder we ask about
# (set e.g. when k8sread runs from a git hook).
_LOCATION_VARS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_PREFIX")


# Settings by which a repository's own .git/config runs a program even on a read-only command
# (core.fsmonitor runs on ls-files, grep and status). k8sread runs git in trees and pack
# folders it did not make, say a tarball that carries a .git folder: they are switched off
# for every git k8sread starts, through the environment (git >= 2.31; older ones ignore it).
SAFE_CONFIG = (("core.fsmonitor", "false"), ("core.hooksPath", os.devnull))


class GitError(K8sreadError):
    """git is missing or a git command the user asked for failed."""


def git_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _LOCATION_VARS}
    # Never a credential prompt: GitHub answers a wrong URL by asking for a user name, and
    # k8sread (or a test) would wait forever for it.
    env["GIT_TERMINAL_PROMPT"] = "0"
    try:
        count = int(env.get("GIT_CONFIG_COUNT") or 0)
    except ValueError:
        count = 0
    for key, value in SAFE_CONFIG:
        env[f"GIT_CONFIG_KEY_{count}"] = key
        env[f"GIT_CONFIG_VALUE_{count}"] = value
        count += 1
    env["GIT_CONFIG_COUNT"] = str(count)
    env.update(extra)
    return env


def last_line(stderr: bytes | str) -> str:
    """git's final message line: after progress output (\\r-separated) it is what matters."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    line = lines[-1]
    for prefix in ("fatal: ", "error: "):
        line = line.removeprefix(prefix)
    return line


def missing_git_error() -> GitError:
    return GitError("git is not installed (or not on PATH); install git and try again")


def run_git(args: Sequence[str], cwd: Path | None = None) -> str:
    """Run git; return its stdout; a GitError naming the command and git's message on failure."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=git_env(), stdin=subprocess.DEVNULL, capture_output=True)
    except FileNotFoundError:
        raise missing_git_error() from None
    if done.returncode != 0:
        raise GitError(f"git {args[0]} failed: {last_line(done.stderr) or f'exit status {done.returncode}'}")
    return done.stdout.decode("utf-8", "surrogateescape")


def _query(args: Sequence[str], cwd: Path) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=git_env(), stdin=subprocess.DEVNULL, capture_output=True)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def tree_location(folder: Path) -> tuple[Path, str] | None:
    """(work tree top, folder's prefix inside it: '' or 'sub/dir/'), or None when not in git."""
    out = _query(["rev-parse", "--show-toplevel", "--show-prefix"], folder)
    if out is None:
        return None
    lines = out.decode("utf-8", "surrogateescape").split("\n")
    if len(lines) < 2 or not lines[0]:
        return None
    return Path(lines[0]), lines[1]


def head_commit(folder: Path) -> str | None:
    """The checked-out commit; None outside git or in a repository with no commit yet."""
    out = _query(["rev-parse", "--verify", "--quiet", "HEAD"], folder)
    commit = out.decode("ascii", "replace").strip() if out else ""
    return commit or None


def ls_files(folder: Path, *, untracked: bool = False) -> list[str] | None:
    """Tracked paths under `folder`, relative to it (git limits and relativises to the cwd).

    `untracked` adds files git does not track but does not ignore either; it costs a walk of
    the folder, so it is only worth it for small trees.
    """
    args = ["ls-files", "-z"]
    if untracked:
        args += ["--cached", "--others", "--exclude-standard"]
    out = _query(args, folder)
    if out is None:
        return None
    # surrogateescape: a path that is not UTF-8 still maps back to its bytes on disk.
    paths = out.decode("utf-8", "surrogateescape").split("\0")
    if paths and paths[-1] == "":
        paths.pop()
    return paths


def has_commit(folder: Path, commit: str) -> bool:
    """Whether the repository `folder` is in holds `commit` (never fetched to find out)."""
    if not commit or commit.startswith("-"):
        return False
    try:
        done = subprocess.run(
            ["git", "cat-file", "-e", f"{commit}^{{commit}}"],
            cwd=folder,
            env=git_env(GIT_NO_LAZY_FETCH="1"),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def file_at(folder: Path, commit: str, path: str, *, timeout: float = 30) -> bytes | None:
    """`path` (relative to `folder`) as it was at `commit`, or None. In a partial clone (what
    `k8sread clone` makes) git fetches the file's contents from the remote on demand."""
    if not commit or commit.startswith("-") or not path or path.startswith("-"):
        return None
    try:
        done = subprocess.run(["git", "show", f"{commit}:./{path}"], cwd=folder, env=git_env(), stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
