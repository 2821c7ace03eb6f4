"""Where k8sread keeps things: bundled data, and the user's state, data and cache dirs."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import platformdirs

from k8sread.core.errors import K8sreadError

APP = "k8sread"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def bundled_annotations_dir() -> Path:
    """The packs shipped with k8sread: inside the wheel, or at the repo root in a checkout."""
    installed = _PACKAGE_DIR / "annotations"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "annotations"


def bundled_pack_dir(name: str) -> Path:
    return bundled_annotations_dir() / name


def demo_tree_dir() -> Path:
    """The small Kubernetes-shaped Go tree shown on a fresh machine."""
    return _PACKAGE_DIR / "demo"


# K8SREAD_HOME lets tests (and people with odd setups) move every writable dir at once.
def _home_override() -> Path | None:
    home = os.environ.get("K8SREAD_HOME")
    return Path(home) if home else None


class NoHomeError(K8sreadError):
    """Neither HOME nor the password database says where the user's folders are."""


def _platform_dir(kind: str, find: Callable[[str], str]) -> Path:
    try:
        return Path(find(APP))
    except RuntimeError:
        # platformdirs' "could not determine the home directory": HOME unset and no passwd entry
        # (a container started with an arbitrary uid). Say what to set instead of a traceback.
        raise NoHomeError(
            f"cannot find your home folder for k8sread's {kind} (HOME is not set and user id {os.getuid()} has no entry in the password database): "
            "set HOME, or K8SREAD_HOME to a folder k8sread may write in"
        ) from None


def state_dir() -> Path:
    home = _home_override()
    return home / "state" if home else _platform_dir("state", platformdirs.user_state_dir)


def data_dir() -> Path:
    home = _home_override()
    return home / "data" if home else _platform_dir("data", platformdirs.user_data_dir)


def cache_dir() -> Path:
    home = _home_override()
    return home / "cache" if home else _platform_dir("cache", platformdirs.user_cache_dir)


def config_dir() -> Path:
    home = _home_override()
    return home / "config" if home else _platform_dir("settings", platformdirs.user_config_dir)


def user_pack_dir() -> Path:
    """The reader's own writable pack."""
    return data_dir() / "packs" / "mine"


def describe_os_error(error: OSError) -> str:
    """One line for an OSError: the file, what went wrong, and which folder in its path is a
    file when that is the cause (a data folder that is a file gives only "Not a directory")."""
    what = error.strerror or str(error)
    if error.filename is None:
        return what
    name = os.fsdecode(error.filename)
    line = f"{name}: {what}"
    if error.filename2 is not None:
        line = f"{name} -> {os.fsdecode(error.filename2)}: {what}"
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        blocker = first_non_folder(Path(name))
        if blocker is not None:
            line += f" ({blocker} is a file, not a folder)"
    return line


def first_non_folder(path: Path) -> Path | None:
    """The nearest existing ancestor of `path` (or `path`) that is not a folder, if any."""
    for candidate in reversed((path, *path.parents)):
        try:
            if candidate.exists() and not candidate.is_dir():
                return candidate
        except OSError:
            return None
    return None


def state_problem() -> str | None:
    """Why the reader cannot keep its state (your place, drafts, the symbol index, your own
    pack, the lock files), or None when it can. Each of the state, data and cache folders is
    created and a small file written, flushed to disk and removed: that catches a folder that is
    a file, an unwritable or read-only one, and a full disk (ENOSPC shows at write or fsync)."""
    # No home folder at all is not a problem to read around (the reader needs its folders' names
    # everywhere): NoHomeError goes up to the command line as an error.
    for kind, folder in (("state", state_dir()), ("data", data_dir()), ("cache", cache_dir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".k8sread-probe.", dir=folder)
            try:
                os.write(fd, b"k8sread")
                os.fsync(fd)
            finally:
                os.close(fd)
                os.unlink(probe)
        except OSError as error:
            if error.filename is None:
                error = OSError(error.errno, error.strerror, str(folder))
            return f"cannot write the {kind} folder: {describe_os_error(error)}"
    return None
