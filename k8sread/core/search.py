"""Search the whole tree: ripgrep when installed, else `git grep`, else a Python scan.

Matches stream out as they are found (a generator), so the UI can show the first files while
the rest of a 23k-file tree is still being searched. Vendored and build folders are skipped
unless asked for, like everywhere else in k8sread.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from k8sread.core.errors import K8sreadError
from k8sread.core.git import git_env

MAX_LINE = 400  # long generated lines are cut: a match list is for reading, not for blobs
HIDDEN_GLOBS = ("vendor/", "_output/")


@dataclass(frozen=True)
class Match:
    path: str
    line: int
    text: str


@dataclass(frozen=True)
class Query:
    pattern: str
    regex: bool = False
    case_sensitive: bool | None = None  # None: smart case (sensitive only with an upper-case letter)
    word: bool = False
    go_only: bool = False
    include_hidden: bool = False

    def python_regex(self) -> re.Pattern[str]:
        body = self.pattern if self.regex else re.escape(self.pattern)
        if self.word:
            body = rf"\b(?:{body})\b"
        sensitive = self.case_sensitive if self.case_sensitive is not None else any(ch.isupper() for ch in self.pattern)
        try:
            return re.compile(body, 0 if sensitive else re.IGNORECASE)
        except re.error as error:
            raise K8sreadError(f"invalid regular expression {self.pattern!r}: {error}") from None


def backend(root: Path) -> str:
    if shutil.which("rg"):
        return "rg"
    if shutil.which("git") and (root / ".git").exists():
        return "git"
    return "python"


def search(root: Path, query: Query, *, files: list[str] | None = None, use: str | None = None) -> Iterator[Match]:
    """Yield matches grouped by file (each file's matches together, in line order)."""
    if not query.pattern:
        return
    query.python_regex()  # a bad regex is reported the same way whatever runs the search
    chosen = use or backend(root)
    if chosen == "rg":
        yield from _ripgrep(root, query)
    elif chosen == "git":
        yield from _git_grep(root, query)
    else:
        yield from _python_scan(root, query, files)


def _case_flags(query: Query) -> list[str]:
    if query.case_sensitive is None:
        return ["--smart-case"]
    return ["--case-sensitive"] if query.case_sensitive else ["--ignore-case"]


def _ripgrep(root: Path, query: Query) -> Iterator[Match]:
    args = ["rg", "--null", "--line-number", "--no-heading", "--color", "never", "--no-messages", "--max-columns", str(MAX_LINE), "--max-columns-preview"]
    args += _case_flags(query)
    if not query.regex:
        args.append("--fixed-strings")
    if query.word:
        args.append("--word-regexp")
    if query.go_only:
        args += ["--type", "go"]
    if not query.include_hidden:
        for folder in HIDDEN_GLOBS:
            args += ["--glob", f"!{folder}"]
    args += ["--regexp", query.pattern, "--", "."]
    yield from _stream(args, root, _parse_rg)


def _git_grep(root: Path, query: Query) -> Iterator[Match]:
    args = ["git", "grep", "-z", "-n", "-I", "--no-color", "--untracked"]
    sensitive = query.case_sensitive if query.case_sensitive is not None else any(ch.isupper() for ch in query.pattern)
    if not sensitive:
        args.append("-i")
    args.append("-E" if query.regex else "-F")
    if query.word:
        args.append("-w")
    args += ["-e", query.pattern, "--"]
    args += ["*.go"] if query.go_only else ["."]
    if not query.include_hidden:
        args += [f":(exclude){folder}" for folder in HIDDEN_GLOBS]
    yield from _stream(args, root, _parse_git)


def _parse_rg(raw: bytes) -> Match | None:
    path, _, rest = raw.partition(b"\0")
    number, _, text = rest.partition(b":")
    return _match(path, number, text)


def _parse_git(raw: bytes) -> Match | None:
    path, _, rest = raw.partition(b"\0")
    number, _, text = rest.partition(b"\0")
    return _match(path, number, text)


def _match(path: bytes, number: bytes, text: bytes) -> Match | None:
    if not number.isdigit():
        return None
    rel = path.decode("utf-8", "replace")
    if rel.startswith("./"):
        rel = rel[2:]
    return Match(rel, int(number), text.decode("utf-8", "replace")[:MAX_LINE])


def _stream(args: list[str], root: Path, parse) -> Iterator[Match]:
    try:
        process = subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=git_env(), stdin=subprocess.DEVNULL)
    except OSError as error:
        raise K8sreadError(f"could not run {args[0]}: {error.strerror}") from None
    assert process.stdout is not None
    try:
        for raw in process.stdout:
            found = parse(raw.rstrip(b"\n"))
            if found is not None:
                yield found
    finally:
        # The consumer may stop early (a new query was typed): do not leave the search running.
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        if process.stderr:
            process.stderr.close()
        code = process.wait()
    # rg and git grep exit 1 for "no match"; 2 and up is a real error.
    if code not in (0, 1, -9) and stderr.strip():
        raise K8sreadError(f"{args[0]} failed: {stderr.strip().splitlines()[-1]}")


def _python_scan(root: Path, query: Query, files: list[str] | None) -> Iterator[Match]:
    pattern = query.python_regex()
    if files is None:
        files = _walk(root, query.include_hidden)
    for rel in files:
        if query.go_only and not rel.endswith(".go"):
            continue
        if not query.include_hidden and rel.startswith(HIDDEN_GLOBS):
            continue
        try:
            data = (root / rel).read_bytes()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue
        text = data.decode("utf-8", "replace")
        if not pattern.search(text):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                yield Match(rel, number, line[:MAX_LINE])


def _walk(root: Path, include_hidden: bool) -> list[str]:
    out: list[str] = []
    for folder, dirs, names in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        dirs[:] = sorted(d for d in dirs if d != ".git" and (include_hidden or f"{d}/" not in HIDDEN_GLOBS or rel_folder != "."))
        for name in sorted(names):
            out.append(name if rel_folder == "." else f"{rel_folder}/{name}".replace(os.sep, "/"))
    return out


def group_by_file(matches: list[Match]) -> dict[str, list[Match]]:
    grouped: dict[str, list[Match]] = {}
    for found in matches:
        grouped.setdefault(found.path, []).append(found)
    return grouped
