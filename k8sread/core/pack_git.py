"""Getting packs over git: clone one into the data dir, pull the ones that came from git.

git's progress (its stderr) is handed to a callback as it arrives, so a terminal can show it;
on failure the error quotes git's last line ("repository ... not found", "Could not resolve
host ..."), and a half-made clone is removed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import secrets
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
        process = subprocess.Popen(
            ["git", *args], cwd=cwd, env=git.git_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
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
                return line[len(prefix):]
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


def pull(entry: registry.Entry, progress: Progress | None = None) -> str:
    """`git pull --ff-only` in a pack from git; returns what changed in a few words."""
    if git.tree_location(entry.path) is None:
        raise K8sreadError(f"pack {entry.name} ({entry.path}) is not a git repository; nothing to pull")
    before = git.head_commit(entry.path)
    status, output = _stream(["pull", "--ff-only", "--progress"], entry.path, progress)
    if status != 0:
        reason = git_reason(output) or f"exit status {status}"
        hint = ""
        if "fast-forward" in reason.lower() or "diverg" in reason.lower():
            hint = f"; the pack has commits of its own: merge by hand with `git -C {entry.path} pull`"
        raise K8sreadError(f"cannot update pack {entry.name}: git pull failed: {reason}{hint}")
    after = git.head_commit(entry.path)
    if before == after:
        return "already up to date"
    return f"updated {(before or '')[:12]} -> {(after or '')[:12]}"


def unsaved_work(path: Path) -> str | None:
    """What removing a cloned pack would lose: uncommitted files or commits not pushed."""
    if git.tree_location(path) is None:
        return None
    try:
        status = git.run_git(["status", "--porcelain"], cwd=path)
    except K8sreadError:
        return None
    if status.strip():
        return f"{len(status.strip().splitlines())} file(s) changed and not committed"
    try:
        ahead = git.run_git(["rev-list", "--count", "@{upstream}..HEAD"], cwd=path).strip()
    except K8sreadError:
        return None  # no upstream: nothing to compare with
    if ahead not in ("", "0"):
        return f"{ahead} commit(s) not pushed"
    return None
