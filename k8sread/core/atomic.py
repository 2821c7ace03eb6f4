"""Writes that leave either the old file or the new one, never a torn one.

New files get the mode the umask allows (as git and every editor do), not mkstemp's 0600, so
a shared pack or an export stays readable by the group; an existing file keeps its mode.
Only regular files are ever replaced: a device, FIFO or folder in the way is refused here, and
`write_output` (files the user names, such as `export -o`) writes devices and FIFOs in place.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# A write killed between creating its temp file and renaming it (SIGKILL, power loss) leaves
# the temp file behind. Surely abandoned after this long: a live write takes milliseconds.
STALE_TEMP_SECONDS = 3600


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync it, rename over, fsync the folder."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """atomic_write_text for bytes (caches, pickles). An OSError always names `path`."""
    path = Path(path)
    try:
        _atomic_write_bytes(path, data)
    except OSError as error:
        # ENOSPC and EIO come from write/fsync without a file name; the user needs to know which.
        if error.filename is None:
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = _stat_or_none(path)
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # A rename would put a regular file where a device, FIFO or folder was (as root, even /dev/null).
        raise OSError(errno.EEXIST, f"not a regular file ({_kind(existing.st_mode)}); refusing to replace it", str(path))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # Keep the permissions the user gave the file; a new one gets what the umask allows.
        os.fchmod(fd, existing.st_mode & 0o7777 if existing is not None else 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)
    sweep_stale_temps(path)


def write_output(path: Path, data: bytes) -> None:
    """Write a file the user named on the command line (`export -o`). A regular file, or a new
    one, is written atomically. A character device or FIFO (/dev/null, a named pipe, /dev/stdout
    when it is a pipe or terminal) is opened and written in place, as a shell redirection would,
    never replaced; /dev/stdout, /dev/fd/N and /proc/*/fd/N are always written in place (appending,
    so a `>>` redirection is kept). Anything else in the way (a folder, a socket) is refused."""
    path = Path(path)
    existing = _stat_or_none(path)
    descriptor = _names_a_descriptor(path)
    if descriptor or (existing is not None and (stat.S_ISCHR(existing.st_mode) or stat.S_ISFIFO(existing.st_mode))):
        flags = os.O_WRONLY | (os.O_APPEND if descriptor else 0) | getattr(os, "O_NOCTTY", 0)
        try:
            fd = os.open(path, flags)
        except OSError as error:
            raise OSError(error.errno, error.strerror, str(path)) from error
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as error:
            raise OSError(error.errno, error.strerror, str(path)) from error
        finally:
            os.close(fd)
        return
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    atomic_write_bytes(path, data)


_DESCRIPTOR_NAMES = re.compile(r"/dev/(stdout|stderr|fd/\d+)|/proc/(self|thread-self|\d+)/fd/\d+")


def _names_a_descriptor(path: Path) -> bool:
    # What the shell already opened for us: replacing it would break the redirection.
    return bool(_DESCRIPTOR_NAMES.fullmatch(os.path.normpath(os.path.abspath(path))))


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)  # follows symlinks: what a write would reach
    except (FileNotFoundError, NotADirectoryError):
        return None


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask() both reads and
    sets, which would race with other threads creating files)."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_pattern(name: str) -> re.Pattern[str]:
    # Exactly what mkstemp makes for `name` above: prefix, 8 random characters, suffix.
    return re.compile(r"\." + re.escape(name) + r"\.[A-Za-z0-9_]{8}\.tmp")


def sweep_stale_temps(path: Path, older_than: float = STALE_TEMP_SECONDS) -> int:
    """Remove temp files that killed writes of `path` left, once they are stale; how many.
    Only that file's temps, and never a fresh one: another process may be writing it now."""
    pattern = _temp_pattern(Path(path).name)
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(Path(path).parent))
    except OSError:
        return 0
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if now - info.st_mtime > older_than:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def set_aside(path: Path, target: Path) -> bool:
    """Rename an unreadable file out of the way, not deleted: its text may still be worth
    recovering by hand. False when it could not be moved."""
    try:
        os.replace(path, target)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def file_lock(lock_dir: Path, name: str) -> Iterator[None]:
    """An exclusive advisory lock; the kernel drops it when the holder dies, so a killed
    process never leaves a stale lock behind."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    lock_path = lock_dir / (hashlib.sha1(name.encode()).hexdigest()[:16] + ".lock")
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
