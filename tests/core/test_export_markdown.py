"""Markdown export of a pack against a small tree of our own Go files."""

from __future__ import annotations

import re
import subprocess

import pytest

from k8sread.core.errors import K8sreadError
from k8sread.core.export_markdown import build, export_markdown, fence_for, inert, permalink
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.placement import anchored
from k8sread.core.source_tree import SourceTree

PACK_COMMIT = "1111111111111111111111111111111111111111"

CLIENT = """package client

// Send posts one object.
func Send(obj string) error {
	body := "```not a fence```"
	return post(body)
}

func post(body string) error {
	return nil
}
"""

SERVER = """package server

func Serve() {
	for {
		handle()
	}
}

func handle() {}
"""

PACK_TOML = f"""format = 1
name = "story"
title.en = "A small story"
title.zh = "一个小故事"
description.en = "From client to server."
languages = ["en", "zh"]
map = ["client", "wire", "server"]

[source]
repository = "https://github.com/kubernetes/kubernetes"
commit = "{PACK_COMMIT}"

[[components]]
id = "client"
title.en = "The \\"client\\""
title.zh = "客户端"
folders = ["cmd/client"]
summary.en = "Sends things."

[[components]]
id = "server"
title = "Server"
folders = ["pkg/server"]

[[chapters]]
component = "client"
title.en = "Client side"
title.zh = "客户端"
steps = ["send", "post", "gone-file"]

[[chapters]]
component = "server"
title = "Server side"
steps = ["serve", "missing-note"]
"""


def write_tree(root):
    (root / "cmd" / "client").mkdir(parents=True)
    (root / "pkg" / "server").mkdir(parents=True)
    (root / "cmd" / "client" / "client.go").write_text(CLIENT)
    (root / "pkg" / "server" / "server.go").write_text(SERVER)
    return root


def lines_of(text):
    return text.split("\n")[:-1]


@pytest.fixture
def tree(tmp_path):
    return write_tree(tmp_path / "tree")


@pytest.fixture
def pack(tmp_path, tree):
    root = tmp_path / "pack"
    root.mkdir()
    (root / "pack.toml").write_text(PACK_TOML)
    pack = Pack.open(root)
    client = lines_of(CLIENT)
    send = Note(id="send", start=3, end=7, title={"en": "Send: \x1b[31mone\x1b[0m object", "zh": "发送一个对象"}, body={"en": "It posts.\n\n- a *list*\n- <b>html</b> stays", "zh": "它发出请求。"})
    pack.upsert("cmd/client/client.go", anchored(send, client, is_go=True))
    pack.upsert("cmd/client/client.go", anchored(Note(id="post", start=9, end=11, title="post", body="Does nothing."), client, is_go=True))
    pack.upsert("cmd/client/client.go", Note(id="side", start=1, end=1, title="package line", body="Not on the trail."))
    pack.upsert("cmd/client/gone.go", Note(id="gone-file", start=1, end=2, title="A file that is gone"))
    pack.upsert("pkg/server/server.go", anchored(Note(id="serve", start=3, end=7, title="Serve loops"), lines_of(SERVER), is_go=True))
    pack.upsert("pkg/server/server.go", Note(id="past-end", start=50, end=60, title="Past the end"))
    return Pack.open(root)


def test_whole_pack_document(pack, tree):
    text, doc = export_markdown(pack, SourceTree.open(tree), lang="en")
    assert text.startswith("# A small story\n\nFrom client to server.\n")
    # Table of contents links to anchors that exist.
    toc = text.split("## Contents", 1)[1].split("<a id=", 1)[0]
    targets = re.findall(r"\]\(#([^)]+)\)", toc)
    assert targets[:3] == ["map", "chapter-1", "note-send"]
    for target in targets:
        assert f'<a id="{target}"></a>' in text, target
    # Mermaid: map nodes with component titles, edges in order, step counts.
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert mermaid.splitlines() == [
        "flowchart LR",
        '  c0["The #quot;client#quot;<br/>3 steps"]',
        '  c1["wire"]',
        '  c2["Server<br/>2 steps"]',
        "  c0 --> c1",
        "  c1 --> c2",
    ]
    # A step: heading, place, excerpt of exactly the noted lines with numbers, body, permalink.
    assert "### 1. Send: \u241b[31mone\u241b[0m object\n" in text and "\x1b" not in text
    assert "`cmd/client/client.go` lines 3–7" in text
    excerpt = text.split("### 1. Send", 1)[1].split("````go\n", 1)[1].split("\n````", 1)[0]
    assert excerpt.splitlines() == [f"{n} | {line}" for n, line in zip(range(3, 8), lines_of(CLIENT)[2:7])]
    assert "- a *list*\n- <b>html</b> stays" in text  # Markdown stays Markdown
    # Not a git checkout: the permalink uses the pack's commit.
    assert f"(https://github.com/kubernetes/kubernetes/blob/{PACK_COMMIT}/cmd/client/client.go#L3-L7)" in text
    # Steps in order, a note off the trail under Other notes.
    assert text.index("### 1. Send") < text.index("### 2. post") < text.index("### 4. Serve loops") < text.index("### package line")
    assert "## Other notes" in text
    # Orphans: their own section, with why; the trail points there.
    orphans = text.split("## Orphaned notes", 1)[1]
    assert "### 3. A file that is gone" in orphans and "file not in the tree" in orphans
    assert "### Past the end" in orphans and "past the end of the file" in orphans
    assert "_3. A file that is gone: its code was not found" in text
    assert [item.where.note.id for item in doc.orphans] == ["gone-file", "past-end"]
    assert any("missing-note" in warning for warning in doc.warnings)


def test_chinese_export_keeps_cjk(pack, tree):
    text, _ = export_markdown(pack, SourceTree.open(tree), lang="zh")
    assert text.startswith("# 一个小故事\n")
    assert "## 目录" in text and "### 1. 发送一个对象" in text and "它发出请求。" in text
    assert '["客户端<br/>3 步"]' in text and "## 孤立的笔记" in text


def test_trail_component_and_file_scopes(pack, tree):
    source = SourceTree.open(tree)
    trail, _ = export_markdown(pack, source, lang="en", trail_only=True)
    assert "## Other notes" not in trail and "### 1. Send" in trail
    component, doc = export_markdown(pack, source, lang="en", component="server")
    assert "### 4. Serve loops" in component and "Send" not in component
    assert "stroke-width:4px" in component and "### Past the end" in component
    one_file, doc = export_markdown(pack, source, lang="en", file="pkg/server/server.go")
    assert "```mermaid" not in one_file and "### Serve loops" in one_file and "### Past the end" in one_file
    with pytest.raises(K8sreadError, match="components: client, server"):
        build(pack, source, lang="en", component="nope")
    with pytest.raises(K8sreadError, match="no notes on"):
        build(pack, source, lang="en", file="nothing.go")


def test_a_plain_pack_has_no_map_and_refuses_trail(tmp_path, tree):
    pack = Pack.create(tmp_path / "plain", "plain")
    pack.upsert("pkg/server/server.go", Note(id="h", start=9, end=9, title="handle"))
    text, _ = export_markdown(pack, SourceTree.open(tree), lang="en")
    assert "```mermaid" not in text and "### handle" in text and "9 | func handle() {}" in text
    with pytest.raises(K8sreadError, match="no trail"):
        build(pack, SourceTree.open(tree), lang="en", trail_only=True)


def test_moved_code_is_exported_where_it_is_now_at_the_checkout_commit(pack, tree):
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    shifted = "// Package client, now with a longer header.\n//\n// It moved everything down.\n" + CLIENT
    (tree / "cmd" / "client" / "client.go").write_text(shifted)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A"], cwd=tree, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"], cwd=tree, check=True)
    source = SourceTree.open(tree)
    assert source.commit
    text, doc = export_markdown(pack, source, lang="en")
    assert "`cmd/client/client.go` lines 6–10 (moved from lines 3–7)" in text
    assert f"/blob/{source.commit}/cmd/client/client.go#L6-L10)" in text
    assert "6 | // Send posts one object." in text
    # An orphan's permalink points where it was written: the pack's commit.
    assert f"/blob/{PACK_COMMIT}/pkg/server/server.go#L50-L60)" in text


def test_fences_and_sanitising():
    assert fence_for(["a", "b"]) == "```"
    assert fence_for(["x = ```", "````"]) == "`````"
    assert "\x1b" not in inert("a\x1b[2Jb\x07c\td\ne\u202ef") and "\td\ne" in inert("c\td\ne")
    assert permalink("https://github.com/o/r.git", "abc", "a/b.go", 3, 4) == "https://github.com/o/r/blob/abc/a/b.go#L3-L4"
