"""Packs (and trees) from strangers: sizes beyond reason are refused with a clear message, a
folder's git configuration cannot make k8sread run a program, symlinks do not lead out, and a
pack.toml of the wrong types is an error message, never a crash.

What is already covered elsewhere is not repeated: '..' and absolute paths and a symlinked
notes file (tests/core/test_pack.py), inert rendering of every screen (test_hostile_pack_ui.py).
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reader_support import sync

from k8sread.cli import main
from k8sread.core.errors import K8sreadError, PackFileError, PathEscapeError
from k8sread.core.note import Note, localized
from k8sread.core.pack import MAX_FILE_BYTES, MAX_NOTES_PER_FILE, Pack
from k8sread.core.pack_git import unsaved_work
from k8sread.core.packset import PackSet, writable_pack
from k8sread.core.search import Query, search
from k8sread.core.source_tree import SourceTree
from k8sread.core.trail import Trail

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"]


def git(cwd, *args):
    done = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def pack(tmp_path) -> Pack:
    return Pack.create(tmp_path / "pack", "stranger")


# ---- sizes ---------------------------------------------------------------------------------


def test_a_20_mb_notes_file_is_refused_by_its_size_without_being_read(pack):
    path = pack.notes_path("big.go")
    with open(path, "wb") as handle:  # sparse: 20 MB on paper, nothing to read
        handle.truncate(20 * 1024 * 1024)
    assert pack.notes_for("big.go") == []
    message = str(pack.errors["big.go"])
    assert str(path) in message and "20480 KiB" in message and "2 MiB" in message
    assert pack.count_notes("big.go") == 0  # the tree badge does not read it either
    with pytest.raises(PackFileError):
        pack.upsert("big.go", Note(id="n", start=1, end=1, title="t"))  # nor is it written over
    assert path.stat().st_size == 20 * 1024 * 1024


def test_50k_notes_in_one_file_are_refused(pack):
    # Inline tables keep 50k notes under the size limit; their keys and values are over the
    # token limit, so the file is refused before it is parsed (100k took a second to parse).
    text = "format = 1\nnotes = [" + ",".join(f'{{id="n{i}",lines=[1],title="t"}}' for i in range(50_000)) + "]\n"
    assert len(text.encode()) < MAX_FILE_BYTES
    pack.notes_path("many.go").write_text(text)
    assert pack.notes_for("many.go") == []
    assert "TOML tokens, over the 100000 a pack file may have" in str(pack.errors["many.go"])
    # Under the token limit, the note count is what refuses.
    text = "format = 1\nnotes = [" + ",".join(f'{{id="n{i}",lines=[1],title="t"}}' for i in range(MAX_NOTES_PER_FILE + 1)) + "]\n"
    pack.notes_path("many.go").write_text(text)
    assert pack.notes_for("many.go") == []
    assert f"{MAX_NOTES_PER_FILE + 1} notes in one file, over the {MAX_NOTES_PER_FILE} allowed" in str(pack.errors["many.go"])


def test_the_note_limit_is_exact(pack):
    def write(name, count):
        pack.notes_path(name).write_text("".join(f'[[notes]]\nid = "n{i}"\nlines = [1, 1]\ntitle = "t"\n' for i in range(count)))

    write("at.go", MAX_NOTES_PER_FILE)
    write("over.go", MAX_NOTES_PER_FILE + 1)
    assert len(pack.notes_for("at.go")) == MAX_NOTES_PER_FILE
    assert pack.notes_for("over.go") == [] and "over the 5000 allowed" in str(pack.errors["over.go"])


def test_a_20_mb_pack_toml_is_refused_everywhere_with_a_clear_message(tmp_path, capsys):
    folder = tmp_path / "huge"
    folder.mkdir()
    with open(folder / "pack.toml", "wb") as handle:
        handle.write(b'format = 1\nname = "huge"\n# ')
        handle.truncate(20 * 1024 * 1024)
    with pytest.raises(PackFileError, match="over the 2 MiB"):
        Pack.open(folder)
    assert main(["pack", "add", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("k8sread: error: ") and "over the 2 MiB" in err and "Traceback" not in err


@sync
async def test_the_reader_refuses_an_oversized_notes_file_and_keeps_going(tmp_path):
    from k8sread.ui.app import ReaderApp

    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/a.go").write_text("package a\n\nfunc A() {}\n")
    (root / "pkg/b.go").write_text("package b\n\nfunc B() {}\n")
    stranger = Pack.create(tmp_path / "stranger", "stranger")
    stranger.save_notes("pkg/b.go", [Note(id="fine", start=3, end=3, title="fine note")])
    with open(stranger.notes_path("pkg/a.go"), "wb") as handle:
        handle.truncate(20 * 1024 * 1024)
    mine = writable_pack(None)
    app = ReaderApp(SourceTree.open(root), packs=PackSet(packs=[stranger, mine], writable=mine), open_path="pkg/a.go", lang="en")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.current_path == "pkg/a.go"
        assert any("over the 2 MiB" in n.message for n in app._notifications)
        assert app.open_file("pkg/b.go")
        await pilot.pause()
        assert [item.note.id for item in app.query_one("NotesPane").items] == ["fine"]


# ---- nothing runs --------------------------------------------------------------------------


def _booby_trap(repo: Path, marker: Path) -> None:
    """What a folder's own .git could hold to run a program when git merely looks at it."""
    command = f"touch {marker}; false"
    git(repo, "config", "core.fsmonitor", command)
    hooks = repo / ".git" / "hooks"
    for name in ("post-checkout", "post-merge", "post-index-change", "reference-transaction"):
        hook = hooks / name
        hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
        hook.chmod(hook.stat().st_mode | stat.S_IEXEC)


def test_a_trees_git_config_cannot_make_the_reader_run_a_program(tmp_path):
    tree = tmp_path / "tarball"
    tree.mkdir()
    (tree / "x.go").write_text("package x\n")
    git(tree, "init", "-q")
    git(tree, "add", "x.go")
    git(tree, "commit", "-qm", "x")
    marker = tmp_path / "RAN"
    _booby_trap(tree, marker)
    opened = SourceTree.open(tree)
    assert opened.list_files() == ["x.go"] and opened.commit
    assert [m.path for m in search(tree, Query("package"), use="git")] == ["x.go"]
    assert not marker.exists(), "git ran a program named by the tree's own .git/config"
    # The trap is real: plain git in that folder does run it.
    subprocess.run(["git", "ls-files"], cwd=tree, capture_output=True)
    assert marker.exists()


def test_a_pack_folders_git_config_and_attributes_cannot_run_a_program(tmp_path, capsys):
    folder = tmp_path / "local-pack"
    pack = Pack.create(folder, "local")
    pack.save_notes("a.go", [Note(id="a", start=1, end=1, title="a")])
    # The pack's own .gitattributes names drivers; only configuration could define them.
    (folder / ".gitattributes").write_text("*.toml merge=evil filter=evil diff=evil\n")
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "pack")
    marker = tmp_path / "RAN"
    _booby_trap(folder, marker)
    assert main(["pack", "add", str(folder)]) == 0
    capsys.readouterr()
    # What `pack remove` asks before deleting a clone: git status, which runs core.fsmonitor.
    # No program ran; the check still reports the commit that exists only here.
    assert "not pushed" in (unsaved_work(folder) or "")
    assert not marker.exists()


def test_a_published_packs_hooks_and_config_never_travel_with_it(tmp_path, capsys):
    """git's guarantee, which `pack add URL` relies on: a clone gets the files, never the
    publisher's hooks or configuration; so updating it runs nothing of theirs either."""
    work = tmp_path / "work"
    Pack.create(work, "hooked").save_notes("a.go", [Note(id="a", start=1, end=1, title="a")])
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "pack")
    marker = tmp_path / "RAN"
    _booby_trap(work, marker)
    bare = tmp_path / "hooked.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    git(bare, "config", "core.fsmonitor", f"touch {marker}; false")
    assert main(["pack", "add", f"file://{bare}"]) == 0
    assert main(["pack", "update", "hooked"]) == 0
    capsys.readouterr()
    assert not marker.exists()
    (clone,) = [p for p in (Path(os.environ["K8SREAD_HOME"])).rglob("hooked") if (p / ".git").is_dir()]
    hooks = [h.name for h in (clone / ".git" / "hooks").iterdir() if os.access(h, os.X_OK) and not h.name.endswith(".sample")]
    assert hooks == []
    assert "fsmonitor" not in (clone / ".git" / "config").read_text()


# ---- folders that lead out ----------------------------------------------------------------


def test_a_symlinked_folder_in_a_pack_is_neither_listed_read_nor_written(pack, tmp_path):
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    secret = outside / "pkg" / "s.go.toml"
    secret.write_text('[[notes]]\nid = "s"\nlines = [1, 1]\ntitle = "secret"\n')
    (pack.root / "linked").symlink_to(outside)
    fresh = Pack.open(pack.root)
    assert fresh.files() == []
    assert fresh.notes_for("linked/pkg/s.go") == []
    assert fresh.count_notes("linked/pkg/s.go") == 0
    with pytest.raises(PathEscapeError):
        fresh.save_notes("linked/pkg/new.go", [Note(id="n", start=1, end=1, title="t")])
    assert sorted(p.name for p in (outside / "pkg").iterdir()) == ["s.go.toml"]


# ---- pack.toml of the wrong types ----------------------------------------------------------

_TOML_VALUES = st.sampled_from(["5", '"x"', "[1, 2]", '["a"]', "{}", "{ en = 1 }", '{ "zz zz" = "x" }', '{ en = "ok" }', "true", "1979-05-27T07:32:00Z", '""'])
_META_KEYS = ["title", "description", "languages", "authors", "license", "map", "source"]
_COMPONENT_KEYS = ["id", "key", "title", "entry", "entry_symbol", "folders", "summary"]
_CHAPTER_KEYS = ["component", "title", "steps"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    meta=st.dictionaries(st.sampled_from(_META_KEYS), _TOML_VALUES, max_size=4),
    component=st.dictionaries(st.sampled_from(_COMPONENT_KEYS), _TOML_VALUES, max_size=5),
    chapter=st.dictionaries(st.sampled_from(_CHAPTER_KEYS), _TOML_VALUES, max_size=3),
)
def test_pack_toml_of_any_types_is_an_error_message_or_a_usable_pack(tmp_path_factory, meta, component, chapter):
    folder = tmp_path_factory.mktemp("typed")
    lines = ["format = 1", 'name = "typed"'] + [f"{k} = {v}" for k, v in meta.items() if k != "source"]
    if "source" in meta:
        lines.append(f"source = {meta['source']}")
    lines.append("[[components]]")
    lines += [f"{k} = {v}" for k, v in component.items()]
    lines.append("[[chapters]]")
    lines += [f"{k} = {v}" for k, v in chapter.items()]
    (folder / "pack.toml").write_text("\n".join(lines) + "\n")
    try:
        pack = Pack.open(folder)
        trail = Trail.from_pack(pack)
    except K8sreadError:
        return  # a message naming the file; the reader shows it and goes on
    # Everything the reader, the packs screen and the exports do with these fields.
    for lang in ("en", "zh", None):
        assert isinstance(localized(pack.meta.title, lang), str)
        assert isinstance(localized(pack.meta.description, lang), str)
        for item in trail.components:
            assert isinstance(item.title_in(lang), str) and isinstance(localized(item.summary, lang), str)
            assert item.entry is None or isinstance(item.entry, str)
        for item in trail.chapters:
            assert isinstance(localized(item.title, lang), str)
    trail.component_for_path("pkg/a.go")
    trail.progress(set())
    trail.missing_steps()


@sync
async def test_the_most_notes_a_file_may_hold_open_with_a_bounded_pane(tmp_path):
    """5000 notes, each over the whole file: it took 87 s to list them all; the pane lists the
    first MAX_ENTRIES and says how many it left out, the gutter still marks every line."""
    from k8sread.ui.app import ReaderApp
    from k8sread.ui.widgets.notes_pane import MAX_ENTRIES

    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/a.go").write_text("package a\n" + "// x\n" * 2000)
    stranger = Pack.create(tmp_path / "stranger", "stranger")
    stranger.notes_path("pkg/a.go").parent.mkdir(parents=True)
    stranger.notes_path("pkg/a.go").write_text(
        "".join(f'[[notes]]\nid = "n{i:04d}"\nlines = [1, 2001]\ntitle = "note {i}"\nbody = "*body* {i}"\n' for i in range(MAX_NOTES_PER_FILE))
    )
    mine = writable_pack(None)
    app = ReaderApp(
        SourceTree.open(root), packs=PackSet(packs=[Pack.open(stranger.root, writable=False), mine], writable=mine), open_path="pkg/a.go", lang="en"
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        pane = app.query_one("NotesPane")
        assert len(app.reader.placements) == MAX_NOTES_PER_FILE
        assert [item.note.id for item in pane.items] == [f"n{i:04d}" for i in range(MAX_ENTRIES)]
        more = f"{MAX_NOTES_PER_FILE - MAX_ENTRIES} more notes on this file are not listed"
        assert any(more in str(static.render()) for static in pane.query(".notes-pane--empty"))
        await pilot.press("G")
        await pilot.pause()
        assert app.query_one("SourceView").cursor_line == 2001


# ---- bounded in time and memory (issue 15, items 1-7) ------------------------------------------
#
# Each of these froze or crashed the reader before. Freezes are checked by counting work (bytes
# hashed, files parsed) or by whether a file was opened at all, never by the clock.

DEEP = 5000  # `x = [[[...]]]`: 10 KB


def _deep(opener: str = "[", closer: str = "]", depth: int = DEEP) -> str:
    return "x = " + opener * depth + closer * depth + "\n"


def test_deeply_nested_values_are_refused_in_pack_toml_notes_files_and_the_registry(tmp_path, capsys):
    """Item 1: 5000 '[' made every start and `pack list` end in a RecursionError (and a notes
    file crashed the reader when opened); inline tables nest the same way."""
    folder = tmp_path / "deep"
    folder.mkdir()
    (folder / "pack.toml").write_text('format = 1\nname = "deep"\n' + _deep())
    with pytest.raises(PackFileError, match="nested more than"):
        Pack.open(folder)
    assert main(["pack", "add", str(folder)]) == 2
    assert "nested more than" in capsys.readouterr().err

    fine = Pack.create(tmp_path / "fine", "fine")
    for name, text in {
        "lists.go": _deep(),
        "tables.go": "x = " + "{a=" * DEEP + "1" + "}" * DEEP + "\n",
        "just-over.go": _deep(depth=17),
    }.items():
        fine.notes_path(name).write_text(text)
        assert fine.notes_for(name) == []
        assert "nested more than 16 levels" in str(fine.errors[name])
    fine.notes_path("at-limit.go").write_text("x = " + "[" * 15 + "]" * 15 + '\n[[notes]]\nid = "n"\nlines = [1, 1]\ntitle = "t"\n')
    assert [note.id for note in fine.notes_for("at-limit.go")] == ["n"]

    # A registered pack whose pack.toml turned deep later (a `pack update`): start and `pack list`.
    good = tmp_path / "later"
    Pack.create(good, "later")
    assert main(["pack", "add", str(good)]) == 0
    (good / "pack.toml").write_text('format = 1\nname = "later"\n' + _deep())
    capsys.readouterr()
    assert main(["pack", "list"]) == 0
    out = capsys.readouterr()
    assert "nested more than" in out.out and "Traceback" not in out.err
    packs = PackSet.for_tree(tmp_path)
    assert any("nested more than" in problem for problem in packs.problems)

    # The registry itself (hand-edited): a message, not a RecursionError at every start.
    from k8sread.core.registry import Registry, registry_path

    registry_path().write_text(_deep())
    with pytest.raises(K8sreadError, match="nested more than"):
        Registry.load()


def test_a_file_of_too_many_toml_tokens_is_refused_before_it_is_parsed(pack, monkeypatch):
    """4 MiB of `1,1,1,...` took tomllib 3 s; the token count refuses it without parsing."""
    import tomllib

    from k8sread.core import pack as pack_module

    parsed: list[int] = []
    real_loads = tomllib.loads
    monkeypatch.setattr(pack_module.tomllib, "loads", lambda text: parsed.append(len(text)) or real_loads(text))
    pack.notes_path("ints.go").write_text("x = [" + ",".join("1" for _ in range(150_000)) + "]\n")  # 300 KB
    assert pack.notes_for("ints.go") == []
    assert "TOML tokens, over the 100000" in str(pack.errors["ints.go"])
    pack.notes_path("tables.go").write_text("".join(f"[t{i}]\n" for i in range(40_000)))
    assert pack.notes_for("tables.go") == [] and "TOML tokens" in str(pack.errors["tables.go"])
    assert parsed == []


def test_a_notes_file_that_is_a_fifo_is_never_opened(pack, tmp_path):
    """Item 5: a FIFO as a notes file froze the reader on a blank screen (open() blocks until a
    writer comes; q and ctrl+c were never read). A thread stands ready to write valid notes
    into the FIFO: if anything opened it for reading, that thread's open would return and the
    notes would be read. It must still be waiting at the end."""
    import threading

    fifo = pack.notes_path("pkg/a.go")
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    opened = threading.Event()

    def writer() -> None:
        fd = os.open(fifo, os.O_WRONLY)  # blocks until someone opens the FIFO for reading
        opened.set()
        try:
            os.write(fd, b'[[notes]]\nid = "from-fifo"\nlines = [1, 1]\ntitle = "read"\n')
        except BrokenPipeError:
            pass  # the test's own release below: the read end is already closed
        finally:
            os.close(fd)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        assert pack.notes_for("pkg/a.go") == []
        assert "not a regular file" in str(pack.errors["pkg/a.go"])
        assert pack.count_notes("pkg/a.go") == 0
        assert pack.scan("pkg/a.go") is None
        assert "pkg/a.go" not in pack.files()  # never listed either
        assert not opened.is_set(), "the FIFO was opened"
    finally:
        # Release the writer whatever happened: open the read end without blocking, and close.
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        thread.join(10)

    # pack.toml as a FIFO or a device: the pack is refused with a message.
    special = tmp_path / "special"
    special.mkdir()
    os.mkfifo(special / "pack.toml")
    with pytest.raises(K8sreadError):
        Pack.open(special)
    (special / "pack.toml").unlink()
    (special / "pack.toml").symlink_to("/dev/zero")
    with pytest.raises(K8sreadError, match=r"not a regular file|not a pack"):
        Pack.open(special)


BUDGET_REASON = "anchor search budget exceeded"  # anchors.BUDGET_REASON, spelled out: what the reader shows


def _long_file(lines: int = 67_000) -> str:
    # Distinct lines, like the 67k-line generated.pb.go of Kubernetes 1.22.
    return "\n".join(f"\tm.Field{i} = append(m.Field{i}, dAtA[iNdEx:postIndex]...) // {i}" for i in range(lines)) + "\n"


def test_a_slow_anchor_is_an_orphan_on_a_budget(tmp_path, hashed_bytes):
    """Item 2: one note over lines 20000-50000 with a fingerprint that matches nothing and no
    line hashes froze the reader for 26 s (the block was rehashed at each of 4001 starts);
    5000 such notes would take hours. Now the note is an orphan whose reason says why, and the
    whole file's notes together hash a bounded amount."""
    from k8sread.core import anchors
    from k8sread.core.anchors import resolve_all

    lines = _long_file().split("\n")
    one = resolve_all([((20_000, 50_000), {"fingerprint": "0000000000000000"})], lines)
    assert one[0].status == "orphan" and one[0].reason.startswith(BUDGET_REASON)
    hashed_bytes[0] = 0
    many = resolve_all([((20_000, 50_000), {"fingerprint": "0000000000000000"})] * 5000, lines)
    assert all(r.status == "orphan" and r.reason.startswith(BUDGET_REASON) for r in many)
    # Budget units are lines: a line of this file is ~70 bytes.
    assert hashed_bytes[0] <= anchors.FILE_BUDGET * 80


def test_a_files_expensive_notes_do_not_starve_its_plain_ones(tmp_path, hashed_bytes):
    """Plain notes at their place are checked first, shortest first: 5000 costly notes of a
    stranger's pack cannot turn the reader's own unchanged notes on the same file into orphans."""
    from k8sread.core.anchors import compute_anchor, resolve_all

    lines = _long_file(20_000).split("\n")
    honest = [((n, n + 4), compute_anchor(lines, n, n + 4)) for n in range(100, 10_000, 97)]
    costly = [((2_000, 12_000), {"fingerprint": "0000000000000000", "symbol": "Gone"})] * 5000
    results = resolve_all(costly + honest, lines)
    assert all(r.reason.startswith(BUDGET_REASON) for r in results[: len(costly)])
    assert all(r.status == "exact" for r in results[len(costly) :])


@pytest.mark.skipif(not Path("/work/k8s-1.22/staging/src/k8s.io/api/core/v1/generated.pb.go").is_file(), reason="needs the 1.22 tree")
def test_the_slow_anchor_of_the_issue_on_the_real_generated_pb_go(hashed_bytes):
    from k8sread.core import anchors
    from k8sread.core.anchors import resolve_all

    lines = Path("/work/k8s-1.22/staging/src/k8s.io/api/core/v1/generated.pb.go").read_text().split("\n")
    (found,) = resolve_all([((20_000, 50_000), {"fingerprint": "0000000000000000"})], lines)
    assert found.status == "orphan" and found.reason.startswith(BUDGET_REASON)
    assert hashed_bytes[0] <= anchors.FILE_BUDGET * 200


def test_a_huge_map_and_component_list_are_refused_with_a_message(tmp_path):
    """Item 3: a map of 100k ids and 40k components froze the reader for 3 minutes before the
    first screen (a linear component() search for every map node on every render)."""
    folder = tmp_path / "mapped"
    folder.mkdir()
    ids = [f"c{i}" for i in range(100_000)]
    head = 'format = 1\nname = "mapped"\n'
    (folder / "pack.toml").write_text(head + "map = [" + ",".join(f'"{i}"' for i in ids) + "]\n")
    # 100k map ids are over the token limit already: refused before parsing.
    with pytest.raises(PackFileError, match="TOML tokens"):
        Pack.open(folder)
    from k8sread.core.trail import MAX_COMPONENTS, MAX_MAP_NODES

    # Within the token limit, the trail's own limits say what is wrong.
    (folder / "pack.toml").write_text(head + "map = [" + ",".join(f'"{i}"' for i in ids[: MAX_MAP_NODES + 1]) + "]\n")
    with pytest.raises(PackFileError, match=f"{MAX_MAP_NODES + 1} map, over the {MAX_MAP_NODES}"):
        Trail.from_pack(Pack.open(folder))
    components = "".join(f'[[components]]\nid = "c{i}"\n' for i in range(MAX_COMPONENTS + 1))
    (folder / "pack.toml").write_text(head + components)
    with pytest.raises(PackFileError, match=f"over the {MAX_COMPONENTS}"):
        Trail.from_pack(Pack.open(folder))
    # The reader's start: the trail is not loaded, said once, and nothing else fails.
    packs = PackSet(packs=[Pack.open(folder)], writable=None)
    with pytest.raises(K8sreadError):
        packs.trail()


def test_the_trail_parses_only_the_files_its_steps_are_in(tmp_path, monkeypatch, parsed_notes):
    """Going to a step parsed the whole pack (20 MB of TOML is a minute); now a raw scan picks
    the files that mention a step's id and only those are parsed, within a token budget."""
    from k8sread.core import trail as trail_module

    folder = tmp_path / "wide"
    stranger = Pack.create(folder, "wide")
    steps = ["s1", "s2"]
    (folder / "pack.toml").write_text('format = 1\nname = "wide"\n[[chapters]]\ncomponent = "c"\nsteps = ["s1", "s2", "s3"]\n')
    for i in range(200):
        stranger.notes_path(f"pkg/f{i:03d}.go").parent.mkdir(parents=True, exist_ok=True)
        note_id = steps[i] if i < len(steps) else f"other-{i}"
        stranger.notes_path(f"pkg/f{i:03d}.go").write_text(f'[[notes]]\nid = "{note_id}"\nlines = [1, 1]\ntitle = "t"\nbody = "id = \\"x\\""\n')
    trail = Trail.from_pack(Pack.open(folder))
    parsed = parsed_notes
    parsed.clear()  # from here on
    assert trail.locate("s1")[0] == "pkg/f000.go" and trail.locate("s2")[0] == "pkg/f001.go"
    assert trail.missing_steps() == ["s3"]
    assert sorted(parsed) == ["pkg/f000.go", "pkg/f001.go"]
    # Over the budget: the files of the earliest steps are read, the rest said.
    monkeypatch.setattr(trail_module, "TRAIL_PARSE_TOKENS", 10)
    trail = Trail.from_pack(Pack.open(folder))
    assert trail.missing_steps() == ["s1", "s2", "s3"]
    assert any("not read" in problem for problem in trail.index_problems)


def test_listing_a_pack_stops_at_its_file_limit_and_says_so(pack, monkeypatch):
    from k8sread.core import pack as pack_module

    monkeypatch.setattr(pack_module, "MAX_PACK_FILES", 10)
    for i in range(25):
        pack.notes_path(f"f{i:02d}.go").write_text(f'[[notes]]\nid = "n{i}"\nlines = [1, 1]\ntitle = "t"\n')
    fresh = Pack.open(pack.root)
    assert len(fresh.files()) == 10
    assert "the rest of the pack is not read" in str(fresh.errors[""])
    # Folders too deep are not listed either: every read checks a notes file's path part by
    # part, and 5000 files 300 folders deep made `check` take 15 s.
    monkeypatch.setattr(pack_module, "MAX_PACK_FILES", 5000)
    deep = "/".join(["d"] * 30)
    pack.notes_path(f"{deep}/x.go").parent.mkdir(parents=True)
    pack.notes_path(f"{deep}/x.go").write_text('[[notes]]\nid = "deep"\nlines = [1, 1]\ntitle = "t"\n')
    fresh = Pack.open(pack.root)
    assert len(fresh.files()) == 25 and f"{deep}/x.go" not in fresh.files()
    assert "levels deep are not read" in str(fresh.errors[""])
