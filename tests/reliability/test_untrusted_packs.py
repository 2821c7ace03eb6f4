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
from k8sread.core.pack_git import unsaved_work
from k8sread.core.pack import MAX_FILE_BYTES, MAX_NOTES_PER_FILE, Pack
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
    assert str(path) in message and "20480 KiB" in message and "4 MiB" in message
    assert pack.count_notes("big.go") == 0  # the tree badge does not read it either
    with pytest.raises(PackFileError):
        pack.upsert("big.go", Note(id="n", start=1, end=1, title="t"))  # nor is it written over
    assert path.stat().st_size == 20 * 1024 * 1024


def test_100k_notes_in_one_file_are_refused(pack):
    # Inline tables keep 100k notes under the size limit, so the count limit is what refuses.
    text = "format = 1\nnotes = [" + ",".join(f'{{id="n{i}",lines=[1],title="t"}}' for i in range(100_000)) + "]\n"
    assert len(text.encode()) < MAX_FILE_BYTES
    pack.notes_path("many.go").write_text(text)
    assert pack.notes_for("many.go") == []
    assert "100000 notes in one file, over the 5000 allowed" in str(pack.errors["many.go"])


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
    with pytest.raises(PackFileError, match="over the 4 MiB"):
        Pack.open(folder)
    assert main(["pack", "add", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("k8sread: error: ") and "over the 4 MiB" in err and "Traceback" not in err


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
        assert any("over the 4 MiB" in n.message for n in app._notifications)
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

_TOML_VALUES = st.sampled_from(['5', '"x"', "[1, 2]", '["a"]', "{}", '{ en = 1 }', '{ "zz zz" = "x" }', '{ en = "ok" }', "true", "1979-05-27T07:32:00Z", '""'])
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
    lines = ['format = 1', 'name = "typed"'] + [f"{k} = {v}" for k, v in meta.items() if k != "source"]
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
    app = ReaderApp(SourceTree.open(root), packs=PackSet(packs=[Pack.open(stranger.root, writable=False), mine], writable=mine), open_path="pkg/a.go", lang="en")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        pane = app.query_one("NotesPane")
        assert len(app.placed) == MAX_NOTES_PER_FILE
        assert [item.note.id for item in pane.items] == [f"n{i:04d}" for i in range(MAX_ENTRIES)]
        more = f"{MAX_NOTES_PER_FILE - MAX_ENTRIES} more notes on this file are not listed"
        assert any(more in str(static.render()) for static in pane.query(".notes-pane--empty"))
        await pilot.press("G")
        await pilot.pause()
        assert app.query_one("SourceView").cursor_line == 2001
