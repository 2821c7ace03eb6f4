"""A checkout on disk: its file list, its commit, and its files read as text, never outside it."""

from __future__ import annotations

import codecs
import itertools
import os
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath

from k8sread.core import git
from k8sread.core.errors import K8sreadError, PathEscapeError

# Hidden unless asked for: vendored copies and build output would bury the real source.
HIDDEN_PREFIXES = ("vendor/", "_output/", ".git/")
_HIDDEN_TOP = frozenset(prefix.rstrip("/") for prefix in HIDDEN_PREFIXES)
HIGHLIGHT_CAP = 8 * 1024 * 1024  # bigger files open as plain text
READ_CAP = 256 * 1024 * 1024  # bigger files are refused: they would not fit a reader anyway
BINARY_SNIFF = 8192  # a NUL in the first bytes means binary, as git and grep decide


@dataclass(frozen=True)
class SourceText:
    """A file as the reader shows it.

    `text` has '\\n' line ends (CRLF normalised) and no BOM; split it with `lines()` (or
    text.split('\\n')), not str.splitlines(), which also breaks at \\f, \\x1c or U+2028 and
    would shift line numbers away from git's and GitHub's.
    """

    path: str
    text: str
    size: int
    lossy: bool = False  # undecodable bytes were replaced with U+FFFD
    binary: bool = False  # then text is ""
    too_big_to_highlight: bool = False

    def lines(self) -> list[str]:
        if not self.text:
            return []
        lines = self.text.split("\n")
        if lines[-1] == "":
            lines.pop()
        return lines

    @property
    def line_count(self) -> int:
        return len(self.lines())


def is_kubernetes_checkout(path: Path) -> bool:
    """go.mod names the k8s.io/kubernetes module and the apiserver's main package is there."""
    path = Path(path)
    try:
        with open(path / "go.mod", "rb") as handle:
            head = handle.read(16384).decode("utf-8", "replace")
    except OSError:
        return False
    module = any(line.split() == ["module", "k8s.io/kubernetes"] for line in head.splitlines())
    return module and (path / "cmd" / "kube-apiserver").is_dir()


class SourceTree:
    def __init__(self, root: Path):
        """Use SourceTree.open(path): it checks the folder first."""
        self.root = root
        self.name = root.name or str(root)
        self._files: list[str] | None = None
        self._visible: list[str] | None = None

    @classmethod
    def open(cls, path: Path | str) -> SourceTree:
        given = Path(path).expanduser()
        try:
            root = given.resolve(strict=True)
        except FileNotFoundError:
            raise K8sreadError(f"{given}: no such folder") from None
        except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop on older Pythons
            raise K8sreadError(f"{given}: cannot open ({getattr(error, 'strerror', None) or error})") from None
        if not root.is_dir():
            raise K8sreadError(f"{given}: not a folder; give the root of a source tree")
        try:
            with os.scandir(root) as entries:
                next(entries, None)
        except OSError as error:
            raise K8sreadError(f"{given}: cannot read the folder ({error.strerror})") from None
        return cls(root)

    def __repr__(self) -> str:
        return f"SourceTree({str(self.root)!r})"

    # ---- git -------------------------------------------------------------------------

    @cached_property
    def _git_location(self) -> tuple[Path, str] | None:
        return git.tree_location(self.root)

    @property
    def is_git(self) -> bool:
        return self._git_location is not None

    @cached_property
    def commit(self) -> str | None:
        """HEAD of the checkout whose top is this tree. None for a subfolder of another repo
        (the demo tree inside a k8sread checkout): that commit says nothing about the tree."""
        location = self._git_location
        if location is None or location[1]:
            return None
        return git.head_commit(self.root)

    # ---- listing ---------------------------------------------------------------------

    def list_files(self, include_hidden: bool = False) -> list[str]:
        """Every file as a POSIX path relative to the root, sorted; computed once (see refresh)."""
        if self._files is None and self._visible is None:
            tracked = self._git_files()
            if tracked is not None:
                self._files = tracked
        if include_hidden:
            if self._files is None:
                self._files = sorted(_walk(self.root))
            return self._files
        if self._visible is None:
            if self._files is not None:
                self._visible = [p for p in self._files if not p.startswith(HIDDEN_PREFIXES)]
            else:
                # Without git, not walking vendor/ at all saves most of the time.
                self._visible = sorted(_walk(self.root, skip=_HIDDEN_TOP))
        return self._visible

    def refresh(self) -> None:
        """Forget the cached listing and git facts (after a checkout or new files)."""
        self._files = self._visible = None
        self.__dict__.pop("_git_location", None)
        self.__dict__.pop("commit", None)

    def _git_files(self) -> list[str] | None:
        location = self._git_location
        if location is None:
            return None
        # A tree that is only part of a bigger repository (the demo tree inside a k8sread
        # checkout) is small, and may hold files not committed yet: list those too.
        paths = git.ls_files(self.root, untracked=bool(location[1]))
        if paths is None:
            return None
        if not paths and _has_entries(self.root):
            # Nothing tracked here while the folder has entries: it is ignored by the
            # enclosing repository (or nothing is committed yet), so git knows nothing about it.
            return None
        paths.sort()  # git sorts by bytes already; this is linear on sorted input
        return list(dict.fromkeys(paths)) if _has_duplicates(paths) else paths

    # ---- reading ---------------------------------------------------------------------

    def resolve(self, relpath: str) -> Path:
        """The file behind a tree-relative path; PathEscapeError for anything that would leave
        the tree: '..', an absolute path, or a symlink (at any level) pointing outside."""
        if not relpath or "\0" in relpath:
            raise PathEscapeError(f"{relpath!r} is not a path inside {self.name}")
        pure = PurePosixPath(relpath)
        if pure.is_absolute():
            raise PathEscapeError(f"{relpath}: absolute paths are refused; give a path relative to {self.name}")
        if ".." in pure.parts:
            raise PathEscapeError(f"{relpath}: '..' is refused; paths must stay inside {self.name}")
        real = Path(os.path.realpath(self.root.joinpath(*pure.parts)))
        if real != self.root and self.root not in real.parents:
            raise PathEscapeError(f"{relpath}: a symlink that leads outside {self.name} is refused")
        return real

    def read_text(self, relpath: str) -> SourceText:
        path = self.resolve(relpath)
        try:
            info = path.stat()
        except FileNotFoundError:
            raise K8sreadError(f"{relpath}: no such file in {self.name} ({self.root})") from None
        except OSError as error:
            raise K8sreadError(f"{relpath}: {error.strerror}") from None
        if stat.S_ISDIR(info.st_mode):
            raise K8sreadError(f"{relpath}: a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device would block or never end.
            raise K8sreadError(f"{relpath}: not a regular file")
        if info.st_size > READ_CAP:
            raise K8sreadError(f"{relpath}: {info.st_size // (1024 * 1024)} MiB is too big to open (the limit is {READ_CAP // (1024 * 1024)} MiB)")
        try:
            with open(path, "rb") as handle:
                data = handle.read(READ_CAP + 1)
        except OSError as error:
            raise K8sreadError(f"{relpath}: cannot read ({error.strerror})") from None
        size = len(data)
        if size > READ_CAP:  # it grew since the stat
            raise K8sreadError(f"{relpath}: too big to open (the limit is {READ_CAP // (1024 * 1024)} MiB)")
        if b"\0" in data[:BINARY_SNIFF]:
            return SourceText(relpath, "", size, binary=True, too_big_to_highlight=size > HIGHLIGHT_CAP)
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text, lossy = data.decode("utf-8"), False
        except UnicodeDecodeError:
            text, lossy = data.decode("utf-8", "replace"), True
        if "\r\n" in text:
            text = text.replace("\r\n", "\n")
        return SourceText(relpath, text, size, lossy=lossy, too_big_to_highlight=size > HIGHLIGHT_CAP)


def _has_entries(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(entry.name != ".git" for entry in entries)
    except OSError:
        return False


def _has_duplicates(paths: list[str]) -> bool:
    # git lists a conflicted path once per stage; sorted, duplicates are neighbours.
    return any(a == b for a, b in itertools.pairwise(paths))


def _walk(root: Path, skip: frozenset[str] = frozenset()) -> list[str]:
    """Files under root, by scandir, skipping .git (git's database, never source).

    `skip` names top-level folders not to enter. Symlinked folders are followed when they stay inside the tree, unless they lead back to a
    folder already on the way down (a loop); folders that cannot be read are skipped.
    """
    found: list[str] = []
    root_str = str(root)
    inside = root_str.rstrip("/") + "/"
    # (folder on disk, its tree-relative prefix, real paths of it and its ancestors)
    stack: list[tuple[str, str, tuple[str, ...]]] = [(root_str, "", (root_str,))]
    while stack:
        folder, prefix, ancestors = stack.pop()
        try:
            with os.scandir(folder) as entries:
                items = list(entries)
        except OSError:
            continue  # unreadable: its files could not be opened anyway
        for entry in items:
            rel = prefix + entry.name
            try:
                if entry.is_dir():  # follows symlinks
                    if entry.name == ".git" or (not prefix and entry.name in skip):
                        continue
                    if entry.is_symlink():
                        real = os.path.realpath(entry.path)
                        if not real.startswith(inside) or real in ancestors:
                            continue
                    else:
                        real = os.path.join(ancestors[-1], entry.name)
                    stack.append((entry.path, rel + "/", (*ancestors, real)))
                elif entry.is_file() or entry.is_symlink():
                    # A dangling or outside symlink is listed: opening it says why it cannot be read.
                    found.append(rel)
            except OSError:
                continue
    return found
