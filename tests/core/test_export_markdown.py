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
    send = Note(
        id="send",
        start=3,
        end=7,
        title={"en": "Send: \x1b[31mone\x1b[0m object", "zh": "发送一个对象"},
        body={"en": "It posts.\n\n- a *list*\n- <b>html</b> stays", "zh": "它发出请求。"},
    )
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
    # Titles are plain text: their brackets are escaped, so they show as written.
    assert "### 1. Send: \u241b\\[31mone\u241b\\[0m object\n" in text and "\x1b" not in text
    assert "`cmd/client/client.go` lines 3–7" in text
    excerpt = text.split("### 1. Send", 1)[1].split("````go\n", 1)[1].split("\n````", 1)[0]
    assert excerpt.splitlines() == [f"{n} | {line}" for n, line in zip(range(3, 8), lines_of(CLIENT)[2:7])]
    assert "- a *list*\n- \\<b>html\\</b> stays" in text  # Markdown stays Markdown; raw HTML shows as text
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
    component, _ = export_markdown(pack, source, lang="en", component="server")
    assert "### 4. Serve loops" in component and "Send" not in component
    assert "stroke-width:4px" in component and "### Past the end" in component
    one_file, _ = export_markdown(pack, source, lang="en", file="pkg/server/server.go")
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
    text, _ = export_markdown(pack, source, lang="en")
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


# ---- a hostile pack, exported and rendered (issue 15, item 8) -------------------------------

HOSTILE_PACK_TOML = """format = 1
name = "hostile"
title = "<script>alert('title')</script> [t](javascript:alert(1))"
description = "<iframe src=javascript:alert(1)></iframe> [d](javascript:alert(2)) and **bold** stays"
languages = ["en"]
map = ["client"]

[source]
repository = "https://github.com/kubernetes/kubernetes"
commit = "abc) [z](javascript:alert(3)"

[[components]]
id = "client"
title = 'c"] ; click c0 "javascript:alert(4)" ; x["`**md**`'
folders = ["cmd/client"]
summary = "<img src=x onerror=alert(5)> [s](javascript:alert(6))"

[[chapters]]
component = "client"
title = "[chapter](javascript:alert(7)) <b>b</b>"
steps = ["toc-link", "img-title", "unclosed", "after"]
"""

# Each body keeps what the author wrote as Markdown and loses only what could run or leave the file.
LEGIT_BODY = """Reads `<-stopCh` until it is closed; `<nil>` means none.

- a *list* with [the docs](https://kubernetes.io/docs/concepts/(overview)) and <https://k8s.io>
- see [the next step](#note-after)

~~~~go
x := "```"
~~~~

| a | b |
|---|---|
| `|` | c |

[ref]: https://github.com/kubernetes/kubernetes "k8s"

[a reference][ref]"""

HOSTILE_BODIES = {
    "toc-link": "[x](javascript:alert(8)) ![i](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(9)>",
    "img-title": "<img src=x onerror=alert(10)>\n\n<script>alert(11)</script>\n\n[c](&#106;avascript:alert(12)) [d](<javascript:alert(13)>)",
    "unclosed": "[r][bad]\n\n[bad]: javascript:alert(14)\n\n```go\nfunc open() {\n<!-- and an HTML comment\n",
    "after": LEGIT_BODY,
}
HOSTILE_TITLES = {
    "toc-link": "x](javascript:alert(1)) [y",
    "img-title": "<img src=x onerror=alert(1)>",
    "unclosed": "`code` & *stars* | pipes ~~gone~~ $x$",
    "after": "After the unclosed fence",
}
ANCHOR = re.compile(r'(<a id="[A-Za-z0-9._-]+">|</a>|<a id="[A-Za-z0-9._-]+"></a>\n?)')


@pytest.fixture
def hostile(tmp_path, tree):
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "pack.toml").write_text(HOSTILE_PACK_TOML)
    pack = Pack.open(root)
    client = lines_of(CLIENT)
    for index, note_id in enumerate(HOSTILE_BODIES):
        start = 1 + 2 * index
        note = Note(id=note_id, start=start, end=start + 1, title=HOSTILE_TITLES[note_id], body=HOSTILE_BODIES[note_id])
        pack.upsert("cmd/client/client.go", anchored(note, client, is_go=True))
    return Pack.open(root)


def tokens_of(markdown: str) -> tuple[list, dict]:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # see every link as written, even those markdown-it would drop
    env: dict = {}
    tokens = parser.parse(markdown, env)
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or [])
    return flat, env


def shown(inline) -> str:
    """What a reader sees of an inline token: its text, escapes resolved."""
    return "".join(child.content for child in inline.children)


def test_a_hostile_pack_exports_inert_markdown_that_a_renderer_shows_as_text(hostile, tree):
    from markdown_it import MarkdownIt

    text, doc = export_markdown(hostile, SourceTree.open(tree), lang="en")
    tokens, env = tokens_of(text)
    # The only HTML is the exporter's own anchors.
    html = [token.content for token in tokens if token.type in ("html_block", "html_inline")]
    assert html and all(ANCHOR.fullmatch(block) for block in html), [b for b in html if not ANCHOR.fullmatch(b)]
    # Links and images go to http(s) URLs or to anchors that exist in the file.
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    targets = [token.attrs["href"] for token in tokens if token.type == "link_open"] + [token.attrs["src"] for token in tokens if token.type == "image"]
    targets += [ref["href"] for ref in env.get("references", {}).values()]
    assert targets
    for target in targets:
        assert target.startswith(("https://", "#")), target
        if target.startswith("#"):
            assert target[1:] in anchors, target
    # A real renderer, as it ships: no javascript: or data: link, no raw element from the pack.
    rendered = MarkdownIt().render(text)
    for target in re.findall(r'(?:href|src)="([^"]*)"', rendered):
        assert target.startswith(("https://", "#")), target
    assert any("is not a commit or ref name" in warning for warning in doc.warnings)
    for element in ("<script", "<img", "<iframe", "<b>"):
        assert element not in rendered, element
    assert "&lt;img src=x onerror=alert(10)&gt;" in rendered  # shown, not run
    # Headings are exactly the document's own: nothing swallowed, nothing added.
    headings = [shown(tokens[i + 1]) for i, token in enumerate(tokens) if token.type == "heading_open"]
    assert headings == [
        "<script>alert('title')</script> [t](javascript:alert(1))",
        "Contents",
        "Map of the trail",
        "[chapter](javascript:alert(7)) <b>b</b>",
        "1. x](javascript:alert(1)) [y",
        "2. <img src=x onerror=alert(1)>",
        "3. `code` & *stars* | pipes ~~gone~~ $x$",
        "4. After the unclosed fence",
    ]
    # Mermaid labels cannot end their quotes or start a Markdown string.
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert '"javascript' not in mermaid and "`" not in mermaid
    # The open fence was closed before the next note.
    unclosed = text.split("### 3.", 1)[1].split("### 4.", 1)[0]
    assert unclosed.count("\n```") % 2 == 0


def test_issue_8_title_link_title_html_and_unclosed_fence(hostile, tree):
    text, _ = export_markdown(hostile, SourceTree.open(tree), lang="en")
    toc = text.split("## Contents", 1)[1].split("<a id=", 1)[0]
    # The table of contents holds one link per entry, each to an anchor, however the title reads.
    assert re.findall(r"\]\(([^)]*)\)", toc.replace("\\]", "").replace("\\(", "")) == [
        "#map",
        "#chapter-1",
        "#note-toc-link",
        "#note-img-title",
        "#note-unclosed",
        "#note-after",
    ]
    assert "<img" not in text.replace("\\<img", "")
    tokens, _ = tokens_of(text)
    fences = [token for token in tokens if token.type == "fence"]
    assert all("After the unclosed fence" not in fence.content for fence in fences)


def test_an_authors_markdown_survives_the_export(hostile, tree):
    from markdown_it import MarkdownIt

    text, _ = export_markdown(hostile, SourceTree.open(tree), lang="en")
    assert LEGIT_BODY in text  # byte for byte
    rendered = MarkdownIt().enable("table").render(text.split("### 4.", 1)[1])
    assert "<code>&lt;-stopCh</code>" in rendered and "<em>list</em>" in rendered
    assert '<a href="https://kubernetes.io/docs/concepts/(overview)">the docs</a>' in rendered
    assert '<a href="https://k8s.io">' in rendered and '<a href="#note-after">' in rendered
    assert '<a href="https://github.com/kubernetes/kubernetes" title="k8s">a reference</a>' in rendered
    assert "<table>" in rendered and "x := &quot;```&quot;" in rendered


def test_a_repository_that_is_not_http_gives_no_links_and_says_so(tmp_path, tree):
    pack = Pack.create(tmp_path / "plain", "plain")
    (pack.root / "pack.toml").write_text('format = 1\nname = "plain"\n[source]\nrepository = "javascript:alert(1)//"\ncommit = "abc"\n')
    pack = Pack.open(pack.root)
    pack.upsert("pkg/server/server.go", Note(id="h", start=9, end=9, title="handle"))
    text, doc = export_markdown(pack, SourceTree.open(tree), lang="en")
    assert "javascript" not in text and "](http" not in text
    assert any("not an http(s) URL" in warning for warning in doc.warnings)


def test_links_are_percent_encoded():
    assert (
        permalink("https://github.com/o/r", "a) [x](javascript:y", "p q/(r).go", 1, 2)
        == "https://github.com/o/r/blob/a%29%20%5Bx%5D%28javascript:y/p%20q/%28r%29.go#L1-L2"
    )
