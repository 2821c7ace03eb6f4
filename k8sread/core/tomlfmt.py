"""Deterministic TOML writing for pack files.

tomli_w decides how single values are spelled; the layout (key order, dotted keys for
per-language text and anchors, inline arrays, one blank line between notes) is ours, so that
changing one note changes only that note's lines in a diff.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

import tomli_w

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key(name: str) -> str:
    if _BARE_KEY.match(name):
        return name
    return _scalar(name, multiline=False)


def _scalar(value: Any, *, multiline: bool) -> str:
    # tomli_w drops '\r' inside multi-line strings, so those stay single-line and escaped.
    use_multiline = multiline and isinstance(value, str) and "\n" in value and "\r" not in value
    text = tomli_w.dumps({"v": value}, multiline_strings=use_multiline)
    return text[len("v = ") :].rstrip("\n")


def value(item: Any, *, multiline: bool = True) -> str:
    """One TOML value; lists and tables inline, long strings as multi-line strings."""
    if isinstance(item, (bool, int, float, str, datetime, date, time)):
        if isinstance(item, datetime):
            item = item.replace(microsecond=0)
            offset = item.utcoffset()
            if offset is not None and not offset:
                # RFC 3339 with 'Z' reads better in a diff than '+00:00'.
                return item.replace(tzinfo=None).isoformat() + "Z"
            return item.isoformat()
        return _scalar(item, multiline=multiline)
    if isinstance(item, (list, tuple)):
        return "[" + ", ".join(value(element, multiline=False) for element in item) + "]"
    if isinstance(item, dict):
        inner = ", ".join(f"{key(str(k))} = {value(v, multiline=False)}" for k, v in item.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {type(item).__name__} to TOML")


def assignments(table: dict[str, Any], prefix: str = "") -> list[str]:
    """`key = value` lines; nested tables become dotted keys (title.zh = ...), sorted inside."""
    out: list[str] = []
    for name, item in table.items():
        dotted = f"{prefix}{key(name)}"
        if isinstance(item, dict) and item:
            out.extend(assignments(dict(sorted(item.items())), prefix=dotted + "."))
        else:
            out.append(f"{dotted} = {value(item)}")
    return out
