"""Importing source-reading articles: blocks found in the tree despite the author's comments,
elisions and re-indentation; split across declarations and files; the three proxiers told
apart only by the article's context (never by a guess); a block from another version; the
prose as bodies, comments as line comments, headings as chapters, the rest as text steps.

Every article here is written for these tests in the series' style."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from k8sread.core import code_match
from k8sread.core.article_import import import_article, parse_article
from k8sread.core.pack import Pack
from k8sread.core.source_tree import SourceTree
from k8sread.core.trail import Trail

sys.path.insert(0, str(Path(__file__).parent))
import article_gen
import go_tree_gen

DEMO = Path(__file__).resolve().parents[2] / "k8sread" / "demo"
K8S_122 = Path("/work/k8s-1.22")

PROXIER = """package {mode}

import (
	"sync"

	"k8s.io/klog/v2"
)

// Proxier is the {mode} proxier.
type Proxier struct {{
	mu         sync.Mutex
	serviceMap map[string]int
	needSync   bool
}}

// OnServiceAdd is called when a service is created.
func (proxier *Proxier) OnServiceAdd(name string) {{
	proxier.mu.Lock()
	defer proxier.mu.Unlock()
	proxier.serviceMap[name] = len(proxier.serviceMap)
	proxier.needSync = true
}}

// syncProxyRules writes the rules for every service.
func (proxier *Proxier) syncProxyRules() {{
	proxier.mu.Lock()
	defer proxier.mu.Unlock()
	if !proxier.needSync {{
		klog.V(4).InfoS("Not syncing {mode} rules")
		return
	}}
	for name, port := range proxier.serviceMap {{
		proxier.writeRule(name, port)
	}}
	proxier.needSync = false
}}
"""

SERVER = """package server

import (
	"context"
	"fmt"
	"time"
)

// Server serves the API.
type Server struct {
	handler Handler
	port    int
	stopCh  chan struct{}
}

// Run starts the server and blocks until ctx is done.
func (s *Server) Run(ctx context.Context) error {
	if s.port == 0 {
		return fmt.Errorf("no port given")
	}
	listener, err := listen(s.port)
	if err != nil {
		return fmt.Errorf("listen on %d: %w", s.port, err)
	}
	defer listener.Close()

	// Serve until the context ends.
	go serve(listener, s.handler)
	ticker := time.NewTicker(30 * time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			s.reportHealth(listener.Addr())
		}
	}
}

func (s *Server) reportHealth(addr string) {
	fmt.Printf("serving on %s\\n", addr)
}
"""

OPTIONS = """package options

import "fmt"

// Options holds the flags.
type Options struct {
	Port    int
	Verbose bool
}

// Complete fills in the defaults the flags left out.
func (o *Options) Complete() error {
	if o.Port == 0 {
		o.Port = 6443
	}
	if o.Port < 1024 && !o.Verbose {
		return fmt.Errorf("port %d needs root", o.Port)
	}
	return nil
}
"""


@pytest.fixture
def tree(tmp_path) -> SourceTree:
    root = tmp_path / "tree"
    for mode in ("iptables", "ipvs", "winkernel"):
        (root / "pkg" / "proxy" / mode).mkdir(parents=True)
        (root / "pkg" / "proxy" / mode / "proxier.go").write_text(PROXIER.format(mode=mode))
    (root / "pkg" / "server").mkdir(parents=True)
    (root / "pkg" / "server" / "server.go").write_text(SERVER)
    (root / "cmd" / "app" / "options").mkdir(parents=True)
    (root / "cmd" / "app" / "options" / "options.go").write_text(OPTIONS)
    return SourceTree.open(root)


def run(text: str, tree: SourceTree, pack: Pack | None = None, **options):
    return import_article(parse_article(text, "test-article.md"), tree, pack, **options)


def placements(report):
    return [[(p.candidate.path, p.note.start, p.note.end) for p in block.placed] for block in report.blocks]


RUN_ARTICLE = """# Server 源码

## 启动

`Server.Run` 先检查端口，然后开始监听：

```go
func (s *Server) Run(ctx context.Context) error {
    // 没有端口直接报错
    if s.port == 0 {
        return fmt.Errorf("no port given")
    }
    listener, err := listen(s.port) // 监听端口
    ...
    for {
        select {
        case <-ctx.Done():
            return nil
        ...
        }
    }
}
```
"""


def test_added_comments_elisions_and_reindentation(tree):
    report = run(RUN_ARTICLE, tree)
    assert placements(report) == [[("pkg/server/server.go", 17, 39)]]
    placed = report.blocks[0].placed[0]
    assert placed.confidence == "exact" and placed.note.title == "(*Server).Run"
    comments = {(c.start, c.body["zh"]) for c in placed.comments}
    # Above its line, and at the end of one: both land on the code line they explain.
    assert comments == {(18, "没有端口直接报错"), (21, "监听端口")}
    assert all(c.is_comment and c.anchor.get("fingerprint") for c in placed.comments)
    assert placed.note.anchor["symbol"] == "(*Server).Run"
    assert placed.note.body == {"zh": "`Server.Run` 先检查端口，然后开始监听："}
    assert not report.failed


def test_a_block_pasting_two_files_becomes_two_notes(tree):
    article = """两个函数放在一起看：

```go
func (o *Options) Complete() error {
	if o.Port == 0 {
		o.Port = 6443
	}
	...
	return nil
}

func (s *Server) reportHealth(addr string) {
	fmt.Printf("serving on %s\\n", addr)
}
```
"""
    report = run(article, tree)
    assert report.blocks[0].outcome == "split"
    assert placements(report) == [[("cmd/app/options/options.go", 12, 20), ("pkg/server/server.go", 41, 43)]]
    assert [p.note.id for p in report.blocks[0].placed] == ["test-article-1a", "test-article-1b"]


ONSERVICEADD = """```go
func (proxier *Proxier) OnServiceAdd(name string) {
    proxier.mu.Lock()
    defer proxier.mu.Unlock()
    proxier.serviceMap[name] = len(proxier.serviceMap) // 记下 service
    proxier.needSync = true
}
```
"""


def test_the_same_code_in_three_proxiers_is_not_guessed(tree):
    report = run("Service 新增时：\n\n" + ONSERVICEADD, tree)
    block = report.blocks[0]
    assert block.outcome == "ambiguous" and not block.placed and report.failed
    for mode in ("iptables", "ipvs", "winkernel"):
        assert f"pkg/proxy/{mode}/proxier.go:17-22" in block.reason
    assert "nothing in the article says which" in block.reason


@pytest.mark.parametrize(
    "article, mode, why",
    [
        ("在 ipvs 模式下，Service 新增时：\n\n" + ONSERVICEADD, "ipvs", "the text before the block"),
        ("见 `winkernel/proxier.go`：\n\n" + ONSERVICEADD, "winkernel", "the text before the block"),
        (ONSERVICEADD.replace("{\n", "{\n    // pkg/proxy/iptables/proxier.go\n", 1), "iptables", "the block's comments name its file"),
        (
            ONSERVICEADD + "\n[proxier.go](https://github.com/kubernetes/kubernetes/blob/v1.22.0/pkg/proxy/ipvs/proxier.go#L17-L22)\n",
            "ipvs",
            "the link under the block",
        ),
    ],
)
def test_the_articles_context_chooses_the_proxier(tree, article, mode, why):
    report = run(article, tree)
    assert placements(report) == [[(f"pkg/proxy/{mode}/proxier.go", 17, 22)]]
    placed = report.blocks[0].placed[0]
    assert placed.why == why
    # A comment that only says where the code is, is not a comment on the code.
    assert [c.body_in("zh") for c in placed.comments] == ["记下 service"]


def test_the_neighbouring_blocks_choose_the_proxier(tree):
    article = (
        "winkernel 的 syncProxyRules：\n\n```go\nfunc (proxier *Proxier) syncProxyRules() {\n\tproxier.mu.Lock()\n\t...\n"
        '\tif !proxier.needSync {\n\t\tklog.V(4).InfoS("Not syncing winkernel rules")\n\t\treturn\n\t}\n\t...\n}\n```\n\n'
        "同一个文件里：\n\n" + ONSERVICEADD
    )
    report = run(article, tree)
    assert placements(report) == [[("pkg/proxy/winkernel/proxier.go", 25, 36)], [("pkg/proxy/winkernel/proxier.go", 17, 22)]]
    assert report.blocks[1].placed[0].why == "the blocks around it"


def test_code_from_a_slightly_different_version(tree):
    article = """```go
func (s *Server) Run(ctx context.Context) error {
	if s.port == 0 {
		return fmt.Errorf("no port given, cannot start")
	}
	listener, err := listen(s.port)
	if err != nil {
		return fmt.Errorf("listen on %d: %w", s.port, err)
	}
	defer listener.Close()
	go serve(listener, s.handler, s.logger)
	ticker := time.NewTicker(30 * time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			s.reportHealth(listener.Addr())
		}
	}
}
```
"""
    report = run(article, tree)
    assert placements(report) == [[("pkg/server/server.go", 17, 39)]]
    placed = report.blocks[0].placed[0]
    assert placed.confidence != "exact" and placed.candidate.fuzzy == 2
    assert placed.comments == []  # changed lines are not the author's comments


NON_CODE = """# 试一试

先编译：

```bash
make kube-proxy
```

自己写一个例子：

```go
func main() {
    fmt.Println("hello")
}
```

配置文件：

```yaml
mode: ipvs
```

伪代码：

```
for each service:
    write rules
```
"""


def test_blocks_that_are_not_code_from_the_tree_are_text_steps(tree, tmp_path):
    pack = Pack.create(tmp_path / "pack", "pack")
    report = run(NON_CODE, tree, pack)
    assert [b.outcome for b in report.blocks] == ["text"] * 4
    assert "not Go" in report.blocks[0].reason and "not found in the tree" in report.blocks[1].reason
    assert not report.failed and report.notes == []
    trail = Trail.from_pack(Pack.open(pack.root))
    assert [s.note_id for s in trail.steps] == [f"text:test-article-t{i}" for i in range(1, 5)]
    first = trail.text(trail.steps[0])
    assert first is not None and first.body == {"zh": "先编译：\n\n```bash\nmake kube-proxy\n```"}
    assert trail.missing_steps() == []


def test_a_written_pack_reads_back_as_a_trail_and_a_second_import_replaces_the_first(tree, tmp_path):
    pack = Pack.create(tmp_path / "pack", "pack")
    article = (
        RUN_ARTICLE
        + "\n## 配置\n\n"
        + NON_CODE.split("# 试一试\n", 1)[1].split("自己写")[0]
        + "看看 Complete：\n\n```go\nfunc (o *Options) Complete() error {\n\tif o.Port == 0 {\n\t\to.Port = 6443\n\t}\n\t...\n}\n```\n\n全文完。\n"
    )
    report = run(article, tree, pack)
    assert placements(report) == [[("pkg/server/server.go", 17, 39)], [], [("cmd/app/options/options.go", 12, 20)]]
    reopened = Pack.open(pack.root)
    trail = Trail.from_pack(reopened)
    assert [c.title for c in trail.chapters] == [{"zh": "启动"}, {"zh": "配置"}]
    assert [s.note_id for s in trail.steps] == ["test-article-1", "text:test-article-t1", "test-article-3", "text:test-article-t2"]
    assert trail.text("text:test-article-t2").body == {"zh": "全文完。"}
    notes = {n.id: n for n in reopened.notes_for("pkg/server/server.go")}
    assert set(notes) == {"test-article-1", "test-article-1-c1", "test-article-1-c2"}
    assert notes["test-article-1"].tags == ("article",) and notes["test-article-1"].anchor["fingerprint"]
    toml = (pack.root / "pack.toml").read_text()
    assert 'import = "test-article"' in toml and "[[texts]]" in toml

    # The same article again: the same notes, replaced in place (no conflict copies).
    run(article, tree, pack)
    again = Pack.open(pack.root)
    assert {n.id for n in again.notes_for("pkg/server/server.go")} == {"test-article-1", "test-article-1-c1", "test-article-1-c2"}
    assert Trail.from_pack(again).steps == trail.steps

    # The article changes: its first block goes. Importing again replaces, never duplicates.
    shorter = article.split("## 配置")[0].replace("```go\nfunc (s *Server) Run", "```console\nfunc (s *Server) Run")
    run(shorter, tree, pack)
    reopened = Pack.open(pack.root)
    trail = Trail.from_pack(reopened)
    assert [s.note_id for s in trail.steps] == ["text:test-article-t1"]
    assert reopened.notes_for("pkg/server/server.go") == [] and reopened.notes_for("cmd/app/options/options.go") == []
    assert (pack.root / "pack.toml").read_text().count("[[chapters]]") == 1


def test_numbered_trail_notes_become_chapters_before_the_articles(tree, tmp_path):
    from k8sread.core.note import Note

    pack = Pack.create(tmp_path / "pack", "pack")
    pack.upsert("pkg/server/server.go", Note(id="old", start=41, end=43, title="old", trail=1))
    run(RUN_ARTICLE, tree, pack)
    trail = Trail.from_pack(Pack.open(pack.root))
    assert [s.note_id for s in trail.steps] == ["old", "test-article-1"]


def test_demo_tree_article():
    article = (Path(__file__).parent / "articles" / "demo-kubelet.md").read_text()
    report = run(article, SourceTree.open(DEMO))
    assert placements(report) == [
        [("cmd/kubelet/kubelet.go", 24, 51)],
        [("pkg/kubelet/kubelet.go", 95, 105), ("pkg/kubelet/kubelet.go", 109, 130)],
        [],
        [("pkg/proxy/iptables/proxier.go", 151, 165)],
    ]
    comments = [(c.start, c.body["zh"]) for p in report.blocks[1].placed for c in p.comments]
    assert comments == [(101, "每一轮处理一个事件"), (118, "新 Pod")]
    assert report.blocks[2].outcome == "text" and not report.failed


def test_parse_block_sorts_code_comments_and_elisions():
    block = code_match.parse_block("func f() {\n    // 作者的话\n    ...\n    // ... 省略\n    x := `a // b` // 尾注\n    /* 多行\n       注释 */\n}\n")
    kinds = [(e.kind, e.comment) for e in block.entries]
    assert kinds == [
        ("code", ""),
        ("comment", "作者的话"),
        ("elision", ""),
        ("elision", "... 省略"),
        ("code", "尾注"),
        ("comment", "多行"),
        ("comment", "注释"),
        ("code", ""),
    ]
    assert block.entries[4].key == "x:=`a//b`"
    assert code_match.split_trailing_comment('s := "http://x" // note') == ('s := "http://x"', "note")


def test_parse_article_front_matter_setext_permalinks_and_images():
    text = "---\ntitle: 标题\n---\n\n介绍\n\n第一节\n---\n\n![图](img/a.png) 和 [链接](../b.md)\n\n```go\nx()\n```\n[x](https://github.com/o/r/blob/abc/pkg/a.go#L3-L9)\n后文\n"
    article = parse_article(text, "post.md", "https://example.com/blog/post.md")
    assert article.title == "标题"
    assert [type(p).__name__ for p in article.parts] == ["Prose", "Heading", "Prose", "Fence", "Prose"]
    assert article.fences[0].permalink == ("pkg/a.go", 3, 9)
    assert article.parts[-1].lines == ["后文", ""]
    from k8sread.core.article_import import markdown_body

    assert markdown_body(article.parts[2].lines, article.base_url) == "[图](https://example.com/blog/img/a.png) 和 [链接](https://example.com/b.md)"


def _accuracy(tree: SourceTree, seeds: range, blocks: int) -> dict[str, int]:
    total: dict[str, int] = {}
    for seed in seeds:
        generated = article_gen.article(tree, seed, blocks=blocks)
        report = import_article(parse_article(generated.markdown, f"gen-{seed}.md"), tree, None)
        for key, value in article_gen.score(report, generated).items():
            total[key] = total.get(key, 0) + value
    return total


def test_accuracy_on_a_generated_tree(tmp_path):
    go_tree_gen.build(tmp_path / "gen")
    total = _accuracy(SourceTree.open(tmp_path / "gen"), range(4), 20)
    assert total["wrong"] == 0 and total["own_placed"] == 0
    assert total["exact"] >= 0.9 * total["code"], total


@pytest.mark.skipif(not (K8S_122 / "pkg" / "kubelet" / "kubelet.go").is_file(), reason="needs a release-1.22 Kubernetes checkout at /work/k8s-1.22")
def test_accuracy_on_kubernetes_1_22():
    tree = SourceTree.open(K8S_122)
    index_keys: set[str] = set()
    generated = [article_gen.article(tree, seed, blocks=20) for seed in range(3)]
    for g in generated:
        article = parse_article(g.markdown)
        index_keys |= code_match.wanted_keys([code_match.parse_block(f.text) for f in article.fences])
    index = code_match.TreeIndex(tree, index_keys)
    total: dict[str, int] = {}
    for seed, g in enumerate(generated):
        report = import_article(parse_article(g.markdown, f"gen-{seed}.md"), tree, None, index=index)
        for key, value in article_gen.score(report, g).items():
            total[key] = total.get(key, 0) + value
    assert total["wrong"] == 0, total
    assert total["exact"] >= 0.9 * total["code"], total


NEWER_RUN = """```go
func (s *Server) Start(ctx context.Context, opts StartOptions) error {
	if opts.Port == 0 {
		return fmt.Errorf("no port given")
	}
	listener, err := listenWithBacklog(opts.Port, opts.Backlog)
	if err != nil {
		return fmt.Errorf("listen on %d: %w", s.port, err)
	}
	s.logger.Info("listening", "addr", listener.Addr())
	s.metrics.Register(listener)
	defer listener.Close()
	go s.serveForever(listener)
	<-ctx.Done()
	s.logger.Info("stopped")
	return nil
}
```
"""


def test_code_from_another_version_sharing_only_pieces_is_not_placed(tree):
    # Two lines of Run survive in this rewrite, and `defer listener.Close()` everywhere: a
    # candidate explaining a few lines of a declaration is not where the declaration is.
    report = run(NEWER_RUN, tree)
    block = report.blocks[0]
    assert block.placed == [] and block.outcome in ("partial", "text")
    assert report.failed == (block.outcome == "partial")


def test_code_copied_in_many_files_lands_only_where_the_article_says(tmp_path):
    root = tmp_path / "gen"
    body = "package v{n}\n\n// Resource takes an unqualified resource and returns a Group qualified GroupResource.\nfunc Resource(resource string) schema.GroupResource {\n\treturn SchemeGroupVersion.WithResource(resource).GroupResource()\n}\n"
    for n in range(45):  # in more files than any line is looked up in
        (root / "pkg" / "apis" / f"group{n}" / "v1").mkdir(parents=True)
        (root / "pkg" / "apis" / f"group{n}" / "v1" / "register.go").write_text(body.replace("{n}", str(n)))
    tree = SourceTree.open(root)
    block = "```go\nfunc Resource(resource string) schema.GroupResource {\n\treturn SchemeGroupVersion.WithResource(resource).GroupResource()\n}\n```\n"
    assert placements(run(block, tree)) == [[]]
    report = run("`pkg/apis/group7/v1/register.go` 里：\n\n" + block, tree)
    assert placements(report) == [[("pkg/apis/group7/v1/register.go", 4, 6)]]
    assert report.blocks[0].placed[0].why == "the article names its file"
