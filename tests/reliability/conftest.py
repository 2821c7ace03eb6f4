"""The reliability tests reuse the reader tests' helpers (tests/ui/reader_support.py, put on
the path by tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def hashed_bytes(monkeypatch):
    """Bytes hashed by the anchor search, counted; past 400 MB the search is stopped (the
    unbounded search hashed 3.6 GB for one note) so a regression fails in seconds."""
    from k8sread.core import anchors

    total = [0]
    real = anchors._sha1

    def counting(text: str) -> str:
        total[0] += len(text)
        if total[0] > 400_000_000:
            raise AssertionError("the anchor search hashed over 400 MB")
        return real(text)

    monkeypatch.setattr(anchors, "_sha1", counting)
    return total
