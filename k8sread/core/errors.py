"""Errors that reach the user as a message, never as a traceback."""

from __future__ import annotations

from pathlib import Path


class K8sreadError(Exception):
    """A problem the user can act on. `str()` is the whole message."""

    exit_code = 2


class PathEscapeError(K8sreadError):
    """A path that would leave the tree or pack it belongs to."""


class PackFileError(K8sreadError):
    """A pack file that could not be read; names the file, line and column."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None):
        self.path = Path(path)
        self.line = line
        self.column = column
        self.reason = message
        where = str(self.path)
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class NoteLimitError(K8sreadError):
    """A write refused because the notes file would grow past what a reader accepts."""
