"""The reliability tests reuse the reader tests' helpers (tests/ui/reader_support.py)."""

from __future__ import annotations

import sys
from pathlib import Path

_UI = str(Path(__file__).resolve().parent.parent / "ui")
if _UI not in sys.path:
    sys.path.insert(0, _UI)
