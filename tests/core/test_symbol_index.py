"""The symbol index: incremental by mtime and size, cached, searchable."""

from __future__ import annotations

import os

import pytest

from k8sread.core.symbol_index import SymbolIndex, index_file


@pytest.fixture
def tree(tmp_path):
    files = {
        "pkg/kubelet/kubelet.go": "package kubelet\n\ntype Kubelet struct{}\n\nfunc (kl *Kubelet) syncPod() error { return nil }\n\nfunc (kl *Kubelet) Run() {}\n",
        "pkg/kubelet/pod_workers.go": "package kubelet\n\ntype syncPodFnType func() error\n\nconst (\n\tSyncPodCreate = iota\n\tSyncPodUpdate\n)\n",
        "pkg/proxy/proxier.go": 'package proxy\n\nfunc (p *Proxier) syncProxyRules() {}\n\nvar Version = "1"\n',
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path, sorted(files)


def test_build_save_load_search(tree):
    root, files = tree
    index = SymbolIndex(root)
    scanned, total = index.refresh(files, workers=1)
    assert (scanned, total) == (3, 3)
    index.save()
    loaded = SymbolIndex.load(root)
    assert len(loaded) == len(index) == 8
    names = [hit.name for hit in loaded.search("syncpod")]
    assert names[0] == "(*Kubelet).syncPod"  # exact short name beats prefix matches
    assert set(names) >= {"SyncPodCreate", "SyncPodUpdate", "syncPodFnType"}
    assert "(*Proxier).syncProxyRules" not in names
    hit = loaded.search("syncProxyRules")[0]
    assert (hit.path, hit.line, hit.kind) == ("pkg/proxy/proxier.go", 3, "method")
    assert [h.name for h in loaded.search("spr")][:1] == ["(*Proxier).syncProxyRules"]
    assert loaded.search("zzzz") == [] and loaded.search("  ") == []


def test_refresh_rescans_only_changed_files(tree):
    root, files = tree
    index = SymbolIndex(root)
    index.refresh(files, workers=1)
    path = root / "pkg/proxy/proxier.go"
    path.write_text(path.read_text() + "\nfunc NewProxier() {}\n")
    scanned, total = index.refresh(files, workers=1)
    assert (scanned, total) == (1, 3)
    assert index.search("NewProxier")[0].line == 7
    # same size, new mtime: still rescanned
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert index.refresh(files, workers=1)[0] == 1
    # deleted files drop out
    path.unlink()
    index.refresh(files, workers=1)
    assert index.search("NewProxier") == []


def test_rebuild_and_parallel_build_agree(tree):
    root, files = tree
    serial = SymbolIndex(root)
    serial.refresh(files, workers=1)
    parallel = SymbolIndex(root)
    from k8sread.core import symbol_index

    old_chunk = symbol_index.CHUNK
    symbol_index.CHUNK = 1  # force several chunks through the process pool
    try:
        parallel.refresh(files, workers=2, rebuild=True)
    finally:
        symbol_index.CHUNK = old_chunk
    assert {k: v[2] for k, v in serial.files.items()} == {k: v[2] for k, v in parallel.files.items()}


def test_unreadable_cache_is_ignored(tree):
    root, _files = tree
    index_file(root).parent.mkdir(parents=True, exist_ok=True)
    index_file(root).write_bytes(b"not a pickle")
    assert len(SymbolIndex.load(root)) == 0


def test_progress_reported(tree):
    root, files = tree
    seen = []
    SymbolIndex(root).refresh(files, workers=1, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
