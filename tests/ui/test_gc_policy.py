"""The reader's garbage collection policy: freeze after start-up, full collections when idle."""

from __future__ import annotations

import gc

import pytest
from reader_support import sync
from textual.app import App, ComposeResult
from textual.widgets import Static

from k8sread.ui.gc_policy import GcPolicy


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def restore_gc():
    threshold = gc.get_threshold()
    callbacks = list(gc.callbacks)
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    gc.unfreeze()
    gc.set_threshold(*threshold)
    gc.callbacks[:] = callbacks


def age_something() -> None:
    # A generation-1 collection: what survives it is promoted, and count[2] goes up.
    keep = [[i] for i in range(100)]
    gc.collect(1)
    del keep


def test_collects_only_when_idle_and_something_aged(restore_gc):
    clock = Clock()
    policy = GcPolicy(idle_after=1.0, clock=clock)
    policy.install()
    policy.note_input()
    age_something()
    assert gc.get_count()[2] > 0
    assert not policy.collect_if_idle()  # a key was just pressed
    clock.now += 0.5
    assert not policy.collect_if_idle()
    clock.now += 0.6
    assert policy.collect_if_idle()
    assert policy.stats["idle"] == 1
    assert gc.get_count()[2] == 0
    assert not policy.collect_if_idle()  # nothing aged since


def test_install_makes_full_collections_rare_and_detach_restores(restore_gc):
    before = gc.get_threshold()
    policy = GcPolicy(full_every=123)
    policy.install()
    assert gc.get_threshold() == (before[0], before[1], 123)
    policy.freeze()
    assert gc.get_freeze_count() > 0
    policy.detach()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_automatic_and_idle_full_collections_are_counted_apart(restore_gc):
    clock = Clock()
    policy = GcPolicy(clock=clock)
    policy.install()
    gc.collect()  # someone else's full collection: what the policy wants to see rarely
    assert policy.stats["automatic_full"] == 1
    clock.now += 10
    age_something()
    assert policy.collect_if_idle()
    assert policy.stats["idle"] == 1 and policy.stats["automatic_full"] == 1


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")

    def on_mount(self) -> None:
        self.policy = GcPolicy.attach(self)


def test_freeze_when_idle_waits_for_idleness_then_collects_and_freezes(restore_gc):
    clock = Clock()
    policy = GcPolicy(idle_after=1.0, clock=clock)
    policy.install()
    policy.note_input()
    policy.freeze_when_idle()
    assert not policy.collect_if_idle()
    assert gc.get_freeze_count() == 0
    clock.now += 2
    assert policy.collect_if_idle()
    assert policy.stats["idle"] == 1
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    assert not policy.collect_if_idle()  # done once


def test_the_start_up_freeze_collects_nothing_and_enables_the_collector(restore_gc):
    gc.disable()
    policy = GcPolicy()
    policy.install()
    policy.freeze_start_up()
    # A full collection of the fresh heap was the 110 ms pause between the first frame and the code.
    assert policy.stats["automatic_full"] == 0 and policy.stats["idle"] == 0
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()


@sync
async def test_attach_freezes_after_the_first_screen_and_sees_keys(restore_gc):
    # As `k8sread` starts: the collector off during start-up, back on once the screen is up.
    gc.disable()
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        policy = app.policy
        assert policy.stats["frozen"] > 0
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
        policy._last_input = 0.0
        await pilot.press("x")
        assert policy._last_input > 0.0
        assert not policy.idle()
        policy.detach()
    assert gc.get_freeze_count() == 0
