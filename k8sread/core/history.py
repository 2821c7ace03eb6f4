"""Back and forward through jumps, like a browser: a new jump drops the forward list."""

from __future__ import annotations

from dataclasses import dataclass

LIMIT = 200


@dataclass(frozen=True)
class Place:
    path: str
    line: int


class JumpHistory:
    def __init__(self) -> None:
        self._back: list[Place] = []
        self._forward: list[Place] = []

    def jumped(self, origin: Place) -> None:
        """Call before jumping away from `origin`."""
        if not self._back or self._back[-1] != origin:
            self._back.append(origin)
            del self._back[:-LIMIT]
        self._forward.clear()

    def back(self, current: Place) -> Place | None:
        if not self._back:
            return None
        self._forward.append(current)
        return self._back.pop()

    def forward(self, current: Place) -> Place | None:
        if not self._forward:
            return None
        self._back.append(current)
        return self._forward.pop()

    @property
    def can_go_back(self) -> bool:
        return bool(self._back)

    @property
    def can_go_forward(self) -> bool:
        return bool(self._forward)
