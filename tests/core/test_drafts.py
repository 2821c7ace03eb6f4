"""Drafts of notes being written: saved atomically, restored, broken ones set aside, kill-safe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from k8sread.core.drafts import Draft, DraftStore, parse_tags
from k8sread.core.note import Note
from k8sread.core.paths import state_dir


def test_round_trip_and_default_folder():
    store = DraftStore()
    assert store.folder == state_dir() / "drafts"
    draft = Draft.new(tree_root="/src/k8s", path="pkg/kubelet/kubelet.go", start=10, end=20, pack="mine")
    draft = draft.with_text(title="同步循环", body="第一段\n\n```go\nfor {}\n```\n", tags="kubelet, 循环 #sync")
    saved = store.save(draft)
    assert saved.saved_at and store.path_for(draft.key).is_file()
    (loaded,) = DraftStore().load_all()
    assert loaded == draft and loaded.saved_at == saved.saved_at
    assert loaded.tag_list == ("kubelet", "循环", "sync")
    assert loaded.is_new and loaded.note_id  # id chosen up front: a retried save cannot duplicate


def test_from_note_picks_language_and_tracks_changes():
    note = Note(id="sync-loop", start=5, end=9, title={"zh": "同步", "en": "Sync"}, body={"zh": "正文", "en": "Body"}, tags=("a", "b"))
    draft = Draft.from_note(tree_root="/t", path="x.go", note=note, pack="mine", lang="zh")
    assert (draft.title, draft.body, draft.tags, draft.note_id, draft.is_new) == ("同步", "正文", "a b", "sync-loop", False)
    assert not draft.changed
    assert not draft.with_text(title="同步", body="正文", tags="a,b").changed  # same tags, other spelling
    assert draft.with_text(title="同步!", body="正文", tags="a b").changed
    assert (draft.start, draft.end) == (5, 9)


def test_keys_separate_trees_files_and_notes():
    a = Draft.new(tree_root="/t1", path="x.go", start=1, end=1, pack="mine")
    b = Draft.new(tree_root="/t1", path="x.go", start=1, end=1, pack="mine")
    c = Draft.from_note(tree_root="/t2", path="x.go", note=Note(id="n", start=1, end=1, title="t"), pack="mine")
    d = Draft.from_note(tree_root="/t2", path="y.go", note=Note(id="n", start=1, end=1, title="t"), pack="mine")
    assert len({a.key, b.key, c.key, d.key}) == 4
    store = DraftStore()
    for draft in (a, b, c, d):
        store.save(draft)
    assert len(store.load_all()) == 4
    store.discard(b.key)
    store.discard(b.key)  # twice is fine
    assert {draft.key for draft in store.load_all()} == {a.key, c.key, d.key}


def test_load_all_is_oldest_first():
    store = DraftStore()
    first = Draft.new(tree_root="/t", path="a.go", start=1, end=2, pack="mine")
    second = Draft.new(tree_root="/t", path="b.go", start=1, end=2, pack="mine")
    store.save(second)
    store.save(first)
    store.save(second.with_text(title="later", body="", tags=""))
    assert [draft.path for draft in store.load_all()] == ["a.go", "b.go"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"format": 1, "tree_root": "/t", "path": "x.go", "sta',
        b"\xff\xfe not utf-8",
        b"[1, 2, 3]",
        json.dumps({"format": 1, "tree_root": "/t", "path": "x.go", "start": "ten", "end": 2, "note_id": "n", "pack": "p"}).encode(),
        json.dumps({"format": 1, "tree_root": "/t", "path": "x.go", "start": 5, "end": 2, "note_id": "n", "pack": "p"}).encode(),
        json.dumps({"format": 99, "tree_root": "/t", "path": "x.go", "start": 1, "end": 2, "note_id": "n", "pack": "p"}).encode(),
        json.dumps({"format": 1, "path": "x.go", "start": 1, "end": 2, "note_id": "n", "pack": "p"}).encode(),
    ],
)
def test_unreadable_drafts_are_reported_set_aside_and_skipped(content):
    store = DraftStore()
    good = Draft.new(tree_root="/t", path="good.go", start=1, end=1, pack="mine").with_text(title="kept", body="", tags="")
    store.save(good)
    bad = store.folder / ("0" * 32 + ".json")
    bad.write_bytes(content)
    assert store.load_all() == [good]
    assert len(store.problems) == 1 and str(bad) in store.problems[0]
    assert not bad.exists() and bad.with_name(bad.name + ".broken").read_bytes() == content
    # Reported once, not on every start.
    assert store.load_all() == [good] and store.problems == []


def test_missing_folder_and_stale_temp_files(tmp_path):
    assert DraftStore(tmp_path / "nowhere").load_all() == []
    store = DraftStore(tmp_path / "drafts")
    store.folder.mkdir()
    stale = store.folder / ".abc.json.x1.tmp"
    fresh = store.folder / ".abc.json.x2.tmp"
    stale.write_text("{")
    fresh.write_text("{")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    assert store.load_all() == [] and store.problems == []
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a write under way


def test_parse_tags():
    assert parse_tags("a, b  c,,#d\te，中文、 a") == ("a", "b", "c", "d", "e", "中文")
    assert parse_tags("") == () and parse_tags(" , # ") == ()


WRITER = textwrap.dedent(
    """
    import sys
    from k8sread.core.drafts import Draft, DraftStore

    store = DraftStore(sys.argv[1])
    draft = Draft(tree_root="/t", path="pkg/x.go", start=1, end=3, note_id="n-1", pack="mine", editor="e1")
    n = 0
    while True:
        n += 1
        # Big enough that a write takes a while, so kills land mid-write.
        store.save(draft.with_text(title=f"t{n}", body=("正文 %d " % n) * 40000, tags="a b"))
        if n == 1:
            print("ready", flush=True)
    """
)


def test_killed_while_saving_leaves_a_complete_draft(tmp_path):
    folder = tmp_path / "drafts"
    seen_titles: set[str] = set()
    for round_number in range(12):
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(folder)], stdout=subprocess.PIPE, text=True)
        try:
            assert process.stdout.readline().strip() == "ready"
            time.sleep(0.02 + (round_number % 4) * 0.037)
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        files = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        assert len(files) == 1
        data = json.loads((folder / files[0]).read_text("utf-8"))  # complete JSON, every time
        assert data["body"] == ("正文 {} ".format(data["title"][1:])) * 40000
        store = DraftStore(folder)
        (draft,) = store.load_all()
        assert store.problems == [] and draft.path == "pkg/x.go"
        seen_titles.add(draft.title)
    assert len(seen_titles) > 1  # the writer got past its first save: kills hit repeated saves
