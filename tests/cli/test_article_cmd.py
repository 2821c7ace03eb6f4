"""`k8sread import markdown` and `k8sread export --style article` from the shell: per-block
report and exit codes, articles over http (a local server) and offline, line comments in
`check`, `notes` and both Markdown exports, and export -> import giving back the same
placements and line comments (the demo pack over the demo tree; the series pack over a
release-1.22 checkout when one is present)."""

from __future__ import annotations

import http.server
import shutil
import socket
import threading
from pathlib import Path

import pytest

from k8sread.cli import main
from k8sread.core.note import COMMENT, Note
from k8sread.core.pack import Pack
from k8sread.core.placement import Locator, anchored
from k8sread.core.source_tree import SourceTree
from k8sread.core.trail import Trail

ROOT = Path(__file__).resolve().parents[2]
DEMO_TREE = ROOT / "k8sread" / "demo"
DEMO_PACK = ROOT / "annotations" / "demo"
SERIES_PACK = ROOT / "annotations" / "series"
K8S_122 = Path("/work/k8s-1.22")
ARTICLE = ROOT / "tests" / "core" / "articles" / "demo-kubelet.md"


def cli(capsys, *args):
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_markdown_reports_each_block_and_writes_the_pack(tmp_path, capsys):
    pack = tmp_path / "pack"
    code, out, err = cli(capsys, "import", "markdown", ARTICLE, "--repo", DEMO_TREE, "--pack", pack)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "block 1 (line 13, go, 15 lines): cmd/kubelet/kubelet.go:24-51 (exact; 2 line comment(s)) -> demo-kubelet-1"
    assert "pkg/kubelet/kubelet.go:95-105 (exact; 1 line comment(s)) -> demo-kubelet-2a" in lines[1]
    assert "pkg/kubelet/kubelet.go:109-130 (exact; 1 line comment(s)) -> demo-kubelet-2b" in lines[2]
    assert "block 3 (line 65, bash, 1 lines): kept as text: not Go (```bash)" in lines
    assert lines[-1].startswith(
        "4 block(s): 3 placed (1 split), 0 ambiguous, 0 only partly found, 1 kept as text; 4 note(s), 4 line comment(s), 4 chapter(s) into pack pack"
    )
    assert "matched against 39 Go files" in err
    trail = Trail.from_pack(Pack.open(pack))
    assert [c.title for c in trail.chapters] == [
        {"zh": "kubelet 与 kube-proxy 源码阅读（测试用文章）"},
        {"zh": "入口"},
        {"zh": "syncLoop"},
        {"zh": "kube-proxy"},
    ]
    assert trail.steps[0].is_text  # the introduction, under the article's title
    # Line comments are checked like notes and listed as comments.
    code, out, _ = cli(capsys, "check", "--repo", DEMO_TREE, pack)
    assert code == 0 and "8 notes (4 of them line comments) in 3 files" in out
    code, out, _ = cli(capsys, "notes", "--repo", DEMO_TREE, "--pack", pack, "pkg/kubelet/kubelet.go:101")
    assert "pkg/kubelet/kubelet.go:101-101  [pack] demo-kubelet-2a-c1 (line comment): // 每一轮处理一个事件" in out
    code, out, _ = cli(capsys, "notes", "--repo", DEMO_TREE, "--pack", pack, "pkg/kubelet/kubelet.go", "--json")
    assert '"kind": "comment"' in out and '"kind": "note"' in out


def test_dry_run_writes_nothing_and_ambiguous_blocks_exit_1(tmp_path, capsys):
    tree = tmp_path / "tree"
    for mode in ("iptables", "ipvs"):
        (tree / "pkg" / mode).mkdir(parents=True)
        (tree / "pkg" / mode / "proxier.go").write_text(
            f"package {mode}\n\nfunc (p *Proxier) OnServiceAdd(name string) {{\n\tp.serviceMap[name] = len(p.serviceMap)\n\tp.needSync = true\n}}\n"
        )
    article = tmp_path / "a.md"
    article.write_text("```go\nfunc (p *Proxier) OnServiceAdd(name string) {\n    p.serviceMap[name] = len(p.serviceMap)\n    p.needSync = true\n}\n```\n")
    code, out, _ = cli(capsys, "import", "markdown", article, "--repo", tree, "--pack", tmp_path / "pack", "--dry-run")
    assert code == 1
    assert "not placed: the same code is in pkg/iptables/proxier.go:3-6, pkg/ipvs/proxier.go:3-6; nothing in the article says which; kept as text" in out
    assert "(dry run: nothing written)" in out and not (tmp_path / "pack").exists()


@pytest.mark.parametrize(
    "make, args, message",
    [
        (lambda p: None, [], "no such file"),
        (lambda p: p.write_bytes(b"\x00\x01binary"), [], "binary file"),
        (lambda p: p.write_bytes("中文".encode("gbk")), [], "not UTF-8"),
        (lambda p: p.write_text("x"), ["--lang", "zh cn"], "--lang"),
        (lambda p: p.write_text("x"), ["--id-prefix", "a b"], "--id-prefix"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, capsys, make, args, message):
    article = tmp_path / "article.md"
    make(article)
    code, _, err = cli(capsys, "import", "markdown", article, "--repo", DEMO_TREE, "--dry-run", *args)
    assert code == 2 and message in err and "Traceback" not in err


class _Handler(http.server.BaseHTTPRequestHandler):
    pages: dict[str, tuple[str, bytes]] = {}

    def do_GET(self):
        found = self.pages.get(self.path)
        if found is None:
            self.send_error(404, "Not Found")
            return
        kind, data = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.pages = {
        "/posts/kubelet.md": ("text/markdown; charset=utf-8", ARTICLE.read_bytes().replace(b"images/loop.png", b"img/loop.png")),
        "/page.html": ("text/html; charset=utf-8", b"<!DOCTYPE html><html><body>an article</body></html>"),
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_article_over_http(server, tmp_path, capsys):
    pack = tmp_path / "pack"
    code, out, err = cli(capsys, "import", "markdown", f"{server}/posts/kubelet.md", "--repo", DEMO_TREE, "--pack", pack)
    assert code == 0, err
    assert "-> kubelet-1" in out  # ids from the URL's file name
    assert f"k8sread: fetched {server}/posts/kubelet.md (" in err
    body = next(n for n in Pack.open(pack).notes_for("pkg/kubelet/kubelet.go") if n.id == "kubelet-2a").body_in("zh")
    assert f"[主循环]({server}/posts/img/loop.png)" in body  # the image, as a link where it was


def test_http_errors_and_offline_exit_2(server, capsys):
    code, _, err = cli(capsys, "import", "markdown", f"{server}/missing.md", "--repo", DEMO_TREE, "--dry-run")
    assert code == 2 and "the server answered 404" in err
    code, _, err = cli(capsys, "import", "markdown", f"{server}/page.html", "--repo", DEMO_TREE, "--dry-run")
    assert code == 2 and "web page (HTML), not Markdown" in err
    with socket.socket() as probe:  # a port nothing listens on: what offline looks like
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, err = cli(capsys, "import", "markdown", f"http://127.0.0.1:{port}/a.md", "--repo", DEMO_TREE, "--dry-run")
    assert code == 2 and "cannot fetch" in err and "offline?" in err and "Traceback" not in err


def _with_comments(tmp_path) -> Path:
    """The demo pack with a few line comments added, as a reader would add them."""
    pack_dir = tmp_path / "demo"
    shutil.copytree(DEMO_PACK, pack_dir)
    pack = Pack.open(pack_dir)
    tree = SourceTree.open(DEMO_TREE)
    for path, line, text in [
        ("pkg/kubelet/kubelet.go", 118, {"zh": "新 Pod 从这里进入", "en": "new pods enter here"}),
        ("pkg/kubelet/kubelet.go", 112, {"zh": "通道关闭就退出", "en": "a closed channel ends the loop"}),
        ("cmd/kubelet/kubelet.go", 47, {"zh": "只 watch 自己节点的 Pod", "en": "watches its own node's pods only"}),
    ]:
        lines = tree.read_text(path).lines()
        pack.upsert(path, anchored(Note(id=f"c-{line}", kind=COMMENT, start=line, end=line, body=text), lines, is_go=True))
    return pack_dir


def _placed(pack: Pack, tree: SourceTree) -> tuple[set, set]:
    locator = Locator(pack, tree)
    notes, comments = set(), set()
    for path in pack.files():
        for where in locator.file(path).values():
            if where.placed:
                if where.note.is_comment:
                    comments.add((path, where.start, where.note.body_in("zh")))
                else:
                    notes.add((path, where.start, where.end))
    return notes, comments


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_article_then_import_gives_back_the_same_placements_and_comments(tmp_path, capsys, lang):
    pack_dir = _with_comments(tmp_path)
    article = tmp_path / "demo.md"
    code, _, err = cli(capsys, "export", "--repo", DEMO_TREE, "--pack", pack_dir, "--style", "article", "--lang", lang, "-o", article)
    assert code == 0, err
    text = article.read_text()
    assert "\t\t\t// 新 Pod 从这里进入\n\t\t\thandler.HandlePodAdditions(u.Pods)" in text or lang == "en"
    assert "[pkg/kubelet/kubelet.go#L107-L130](https://github.com/kubernetes/kubernetes/blob/" in text
    again = tmp_path / "again"
    code, out, err = cli(capsys, "import", "markdown", article, "--repo", DEMO_TREE, "--pack", again, "--lang", lang)
    assert code == 0, out + err
    tree = SourceTree.open(DEMO_TREE)
    before_notes, before_comments = _placed(Pack.open(pack_dir), tree)
    after_notes, after_comments = _placed(Pack.open(again), tree)
    assert after_notes == before_notes
    if lang == "zh":
        assert after_comments == before_comments
    else:
        assert {(p, line) for p, line, _ in after_comments} == {(p, line) for p, line, _ in before_comments}


def test_export_article_one_chapter_and_merged_excerpts(tmp_path, capsys):
    pack_dir = tmp_path / "p"
    pack_dir.mkdir()
    (pack_dir / "pack.toml").write_text(
        'format = 1\nname = "p"\ntitle = "P"\n[source]\nrepository = "https://github.com/kubernetes/kubernetes"\ncommit = "abc"\n'
        '[[chapters]]\ncomponent = "k"\ntitle = "One"\nsteps = ["a"]\n[[chapters]]\ncomponent = "k"\ntitle = "Two"\nsteps = ["b", "text:t", "c", "d"]\n'
        '[[texts]]\nid = "t"\nbody = "Between the two."\n'
    )
    pack = Pack.open(pack_dir)
    pack.upsert("pkg/kubelet/kubelet.go", Note(id="a", start=88, end=91, title="Run", body="Run."))
    pack.upsert("pkg/kubelet/kubelet.go", Note(id="b", start=95, end=97, title="head", body="The start."))
    pack.upsert("pkg/kubelet/kubelet.go", Note(id="c", start=109, end=111, title="iteration", body="The select."))
    pack.upsert("pkg/kubelet/kubelet.go", Note(id="d", start=127, end=130, title="tail"))  # no prose: joins c
    code, out, err = cli(capsys, "export", "--repo", DEMO_TREE, "--pack", pack_dir, "--style", "article", "--chapter", "2")
    assert code == 0, err
    assert "## One" not in out and "## Two" in out
    assert out.index("The start.") < out.index("Between the two.") < out.index("The select.")
    assert "\tcase u, open := <-configCh:\n\t\t// ...\n\t\tkl.podWorkers.removeTerminated(kl.knownPods())" in out
    assert "[pkg/kubelet/kubelet.go#L109-L130]" in out
    code, _, err = cli(capsys, "export", "--repo", DEMO_TREE, "--pack", pack_dir, "--style", "article", "--chapter", "3")
    assert code == 2 and "no chapter 3" in err
    code, _, err = cli(capsys, "export", "--repo", DEMO_TREE, "--pack", pack_dir, "--chapter", "1")
    assert code == 2 and "--chapter goes with --style article" in err


def test_the_document_export_draws_comments_inside_excerpts_and_keeps_text_steps(tmp_path, capsys):
    pack_dir = _with_comments(tmp_path)
    code, out, err = cli(capsys, "export", "--repo", DEMO_TREE, "--pack", pack_dir, "--lang", "en")
    assert code == 0, err
    assert "    | \t\t\t// new pods enter here\n118 | \t\t\thandler.HandlePodAdditions(u.Pods)" in out
    assert "c-118" not in out  # shown in the excerpt, not as a note of its own
    imported = tmp_path / "imported"
    cli(capsys, "import", "markdown", ARTICLE, "--repo", DEMO_TREE, "--pack", imported)
    code, out, _ = cli(capsys, "export", "--repo", DEMO_TREE, "--pack", imported, "--lang", "zh")
    assert code == 0 and "```bash\n$ kubelet --hostname-override node-1\n```" in out and "全文完。" in out


@pytest.mark.skipif(not (K8S_122 / "pkg" / "kubelet" / "kubelet.go").is_file(), reason="needs a release-1.22 Kubernetes checkout at /work/k8s-1.22")
def test_the_series_pack_round_trips_through_an_article(tmp_path, capsys):
    series = tmp_path / "series"
    shutil.copytree(SERIES_PACK, series)  # a snapshot: the bundled pack is edited while tests run
    article = tmp_path / "series.md"
    code, _, err = cli(capsys, "export", "--repo", K8S_122, "--pack", series, "--style", "article", "--lang", "zh", "-o", article)
    assert code == 0, err
    again = tmp_path / "again"
    code, out, err = cli(capsys, "import", "markdown", article, "--repo", K8S_122, "--pack", again, "--lang", "zh")
    assert code == 0, out + err
    tree = SourceTree.open(K8S_122)
    before, after = _placed(Pack.open(series), tree), _placed(Pack.open(again), tree)
    assert after == before and len(before[1]) > 100  # every note, and every line comment
