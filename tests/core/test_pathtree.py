from __future__ import annotations

from k8sread.core.pathtree import PathTree, folder_totals


def test_children_per_folder():
    tree = PathTree(["go.mod", "cmd/kubectl/kubectl.go", "cmd/kubelet/kubelet.go", "pkg/a/b/c.go", "pkg/a/x.go"])
    assert tree.children("") == (["cmd", "pkg"], ["go.mod"])
    assert tree.children("cmd") == (["kubectl", "kubelet"], [])
    assert tree.children("pkg/a") == (["b"], ["x.go"])
    assert tree.children("pkg/a/b") == ([], ["c.go"])
    assert tree.children("nope") == ([], [])


def test_folder_totals():
    totals = folder_totals({"pkg/a/x.go": 2, "pkg/b.go": 3, "top.go": 1, "empty.go": 0})
    assert totals == {"pkg/a": 2, "pkg": 5, "": 6}
