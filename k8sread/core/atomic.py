"""Writes that leave either the old file or the new one, never a torn one."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
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
    """atomic_write_text for bytes (caches, pickles)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            # Keep the permissions the user gave the file.
            os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)
    sweep_stale_temps(path)


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
