"""Quality gates for the series pack shipped in annotations/series."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from k8sread.core.note import languages_of
from k8sread.core.pack import Pack
from k8sread.core.paths import bundled_pack_dir
from k8sread.core.trail import Trail

PLACEHOLDERS = re.compile(r"\b(TODO|TBD|FIXME|lorem|ipsum|placeholder)\b|待补充|待完善|待写|占位", re.IGNORECASE)
COMPONENTS = ["kubectl", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"]


@pytest.fixture(scope="module")
def series():
    pack = Pack.open(bundled_pack_dir("series"), writable=False)
    notes = {path: pack.notes_for(path) for path in pack.files()}
    return pack, notes, Trail.from_pack(pack)


def all_notes(notes):
    return [(path, note) for path, items in notes.items() for note in items]


def test_pack_validates(series):
    pack, notes, _ = series
    assert pack.errors == {}
    assert pack.meta.languages == ("zh", "en")
    assert pack.meta.commit == "b68064208b29e5956cdff79a94831b52dc50d89a"
    ids = [note.id for _, note in all_notes(notes)]
    assert len(ids) == len(set(ids)) >= 80


def test_six_components_declared_with_entry_points(series):
    _, _, trail = series
    assert [c.id for c in trail.components] == COMPONENTS
    assert [c.key for c in trail.components] == ["1", "2", "3", "4", "5", "6"]
    entries = {c.id: c.entry for c in trail.components}
    assert entries["kubectl"] == "cmd/kubectl/kubectl.go" and entries["kube-proxy"] == "cmd/kube-proxy/proxy.go"
    assert trail.map == ["kubectl", "kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"]


def test_every_component_has_at_least_ten_notes(series):
    _, _, trail = series
    per_component = Counter(step.component for step in trail.steps)
    for component in COMPONENTS:
        assert per_component[component] >= 10, component


def test_trail_steps_point_to_notes_and_cover_them(series):
    _, notes, trail = series
    assert trail.missing_steps() == []
    steps = [step.note_id for step in trail.steps]
    assert len(steps) == len(set(steps))
    assert set(steps) == {note.id for _, note in all_notes(notes)}


def test_every_note_bilingual_short_and_substantial(series):
    _, notes, _ = series
    for path, note in all_notes(notes):
        where = f"{path}:{note.id}"
        assert languages_of(note.title) >= {"zh", "en"}, where
        assert languages_of(note.body) >= {"zh", "en"}, where
        assert note.end - note.start + 1 <= 60, where
        assert len(note.body["en"].split()) >= 50, where
        assert len(re.findall(r"[\u4e00-\u9fff]", note.body["zh"])) >= 60, where
        for text in (*note.title.values(), *note.body.values()):
            assert not PLACEHOLDERS.search(text), where


def test_every_note_carries_its_anchor(series):
    _, notes, _ = series
    for path, note in all_notes(notes):
        assert {"symbol", "offset", "fingerprint", "before", "after"} <= set(note.anchor), f"{path}:{note.id}"
        assert note.anchor["symbol"] == note.symbol, f"{path}:{note.id}"
