"""When the garbage collector runs in the reader: not while a key is being answered.

CPython runs a full (generation 2) collection whenever enough objects have survived younger
collections; it walks every tracked object in the process. In the reader that is the imports,
Textual's CSS, every widget, the symbol index and each screen's rendered Strips: a full
collection took about 93 ms and hit 65 % of `]` presses (issue 11), so steps stalled at random.

The policy:
- no collection at all while starting (`k8sread` disables the collector before its imports):
  a full collection of the freshly imported heap took about 110 ms and landed between the
  first frame and the code on screen;
- `gc.freeze()` once the first screen is drawn, with no collection first: everything alive
  moves into the permanent generation, which later collections never walk, and the collector
  is enabled again (what is frozen is start-up's, alive for the whole session);
- when big long-lived data arrives (the symbol index), `freeze_when_idle()`: at the next idle
  moment, one collection, then `gc.freeze()` again;
- automatic full collections become rare (generation 2 threshold `FULL_EVERY` instead of 10),
  young collections stay as they are (they are cheap);
- `collect_if_idle()`, from a timer: once no key or mouse event has come for `IDLE_AFTER`
  seconds and something has survived into the old generations since the last one, one full
  collection, while nobody waits for the screen. Frequent and so small (frozen objects are not
  walked): about 12 ms after a trail step, where an automatic one took about 140 ms.
A reader that is never idle (a key held down for minutes) still gets the rare automatic full
collection: memory stays bounded either way.

API (the app wires it):
    policy = GcPolicy.attach(app)   # in on_mount: thresholds, input tracking, the idle timer,
                                    # and a start-up freeze once the first screen is drawn
    policy.freeze_when_idle()       # when the symbol index (or similar) has loaded
    policy.freeze()                 # a collection and a freeze, now
    policy.detach()                 # optional, on unmount: thresholds back, unfreeze
    policy.stats                    # collections seen: {"automatic_full": n, "idle": n, ...}
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from textual import events

# Measured on the 1.22 tree, 150 trail steps a key every ~0.3 s after the screen settles: with
# these, no automatic full collection and 150 idle ones of ~12 ms each, all between keys; with 1 s
# of idleness, 3 automatic full collections of ~140 ms each landed on key presses.
IDLE_AFTER = 0.25  # seconds without input before an idle collection
CHECK_EVERY = 0.1  # how often the timer looks
FULL_EVERY = 200  # generation-1 collections between automatic full ones (CPython's default: 10)

# Events that mean someone is at the keyboard or the mouse.
_INPUT = (events.Key, events.MouseDown, events.MouseUp, events.MouseScrollDown, events.MouseScrollUp, events.Click, events.Paste)


class GcPolicy:
    def __init__(self, *, idle_after: float = IDLE_AFTER, full_every: int = FULL_EVERY, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_after = idle_after
        self.full_every = full_every
        self.clock = clock
        self._last_input = clock()
        self._saved_threshold: tuple[int, int, int] | None = None
        self._timer: Any = None
        self._idle_collecting = False
        self.stats = {"automatic_full": 0, "automatic_full_ms": 0.0, "idle": 0, "idle_ms": 0.0, "frozen": 0}
        self._started: float | None = None
        self._freeze_pending = False

    # ---- wiring ----------------------------------------------------------------------

    @classmethod
    def attach(cls, app, **kwargs) -> GcPolicy:
        """Install the policy for a running `app` (call it from on_mount)."""
        policy = cls(**kwargs)
        policy.install()
        # immediate: counted as the event arrives, not after the queue drains.
        app.message_signal.subscribe(app, policy._message, immediate=True)
        policy._timer = app.set_interval(CHECK_EVERY, policy.collect_if_idle, name="gc-policy")
        app.call_after_refresh(policy.freeze_start_up)
        return policy

    def install(self) -> None:
        """Rare automatic full collections, and a callback that counts them."""
        if self._saved_threshold is None:
            self._saved_threshold = gc.get_threshold()
            young, middle, _ = self._saved_threshold
            gc.set_threshold(young, middle, self.full_every)
            gc.callbacks.append(self._gc_callback)

    def detach(self) -> None:
        """Back to CPython's defaults as they were; frozen objects are collectable again."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._saved_threshold is not None:
            gc.set_threshold(*self._saved_threshold)
            self._saved_threshold = None
            if self._gc_callback in gc.callbacks:
                gc.callbacks.remove(self._gc_callback)
        gc.unfreeze()

    # ---- the policy --------------------------------------------------------------------

    def note_input(self) -> None:
        self._last_input = self.clock()

    def _message(self, message) -> None:
        if isinstance(message, _INPUT):
            self._last_input = self.clock()

    def freeze(self) -> None:
        """What is alive now lives as long as the reader: out of every later collection."""
        self._collect(idle=True)
        gc.freeze()
        self.stats["frozen"] = gc.get_freeze_count()

    def freeze_start_up(self) -> None:
        """The first screen is up: what start-up made lives as long as the reader. No
        collection first (that was the 110 ms pause); the collector works again from here."""
        gc.freeze()
        gc.enable()
        self.stats["frozen"] = gc.get_freeze_count()

    def freeze_when_idle(self) -> None:
        """Freeze what is alive (after one collection) at the next idle moment."""
        self._freeze_pending = True

    def idle(self) -> bool:
        return self.clock() - self._last_input >= self.idle_after

    def collect_if_idle(self) -> bool:
        """One full collection when idle and something has aged since the last (or a freeze is
        due); True if it ran."""
        if not self.idle():
            return False
        if self._freeze_pending:
            self._freeze_pending = False
            self.freeze()
            return True
        # count[2]: generation-1 collections since the last full one, i.e. objects have been
        # promoted to the old generation; nothing to do when none has happened.
        if gc.get_count()[2] == 0:
            return False
        self._collect(idle=True)
        return True

    def _collect(self, *, idle: bool) -> None:
        self._idle_collecting = idle
        try:
            gc.collect()
        finally:
            self._idle_collecting = False

    def _gc_callback(self, phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
            return
        took = (time.perf_counter() - self._started) * 1000 if self._started is not None else 0.0
        kind = "idle" if self._idle_collecting else "automatic_full"
        self.stats[kind] += 1
        self.stats[f"{kind}_ms"] += took
