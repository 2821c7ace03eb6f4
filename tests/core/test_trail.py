"""The trail is data in pack.toml: components, map, chapters of steps."""

from __future__ import annotations

import pytest

from k8sread.core.errors import PackFileError
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.trail import Trail, entry_line

META = """
format = 1
name = "t"
map = ["cli", "server", "db", "worker"]

[[components]]
id = "cli"
key = "1"
title.en = "The CLI"
title.zh = "命令行"
entry = "cmd/cli/main.go"
entry_symbol = "main"
folders = ["cmd/cli", "pkg/cli"]

[[components]]
id = "server"
key = "2"
title = "Server"
entry = "cmd/server/main.go"
folders = ["cmd/server", "pkg/server", "pkg/server/storage"]

[[components]]
id = "worker"
key = "3"
title = "Worker"
folders = ["pkg/worker"]

[[chapters]]
component = "cli"
title = "CLI"
steps = ["c1", "c2"]

[[chapters]]
component = "server"
title = "Server"
steps = ["s1"]
"""


@pytest.fixture
def pack(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    (root / "pack.toml").write_text(META)
    pack = Pack.open(root)
    pack.save_notes("cmd/cli/main.go", [Note(id="c1", start=3, end=5, title="main"), Note(id="c2", start=10, end=12, title="run")])
    pack.save_notes("pkg/server/storage/store.go", [Note(id="s1", start=1, end=2, title="store")])
    return pack


def test_steps_in_order_across_chapters(pack):
    trail = Trail.from_pack(pack)
    assert [s.note_id for s in trail.steps] == ["c1", "c2", "s1"]
    assert [s.component for s in trail.steps] == ["cli", "cli", "server"]
    assert trail.map == ["cli", "server", "db", "worker"]
    assert trail.missing_steps() == []


def test_next_previous_and_ends(pack):
    trail = Trail.from_pack(pack)
    assert trail.next_step(None).note_id == "c1"
    assert trail.next_step("c2").note_id == "s1"
    assert trail.next_step("s1") is None
    assert trail.previous_step("s1").note_id == "c2"
    assert trail.previous_step("c1") is None


def test_locate_and_components(pack):
    trail = Trail.from_pack(pack)
    assert trail.locate("s1")[0] == "pkg/server/storage/store.go"
    assert trail.component_by_key("2").id == "server"
    assert trail.component("cli").title_in("zh") == "命令行"
    assert trail.component_for_path("pkg/server/storage/store.go").id == "server"
    assert trail.component_for_path("pkg/other/x.go") is None
    assert trail.first_step_of("worker") is None
    assert trail.step_near("cmd/cli/main.go", 11).note_id == "c2"


def test_progress(pack):
    trail = Trail.from_pack(pack)
    assert trail.progress({"c1", "s1", "unrelated"}) == {"cli": (1, 2), "server": (1, 1)}


def test_missing_step_reported(pack):
    raw = (pack.root / "pack.toml").read_text().replace('steps = ["s1"]', 'steps = ["s1", "ghost"]')
    (pack.root / "pack.toml").write_text(raw)
    assert Trail.from_pack(Pack.open(pack.root)).missing_steps() == ["ghost"]


def test_bad_component_key_is_a_pack_error(pack):
    raw = (pack.root / "pack.toml").read_text().replace('key = "1"', 'key = "one"')
    (pack.root / "pack.toml").write_text(raw)
    with pytest.raises(PackFileError, match="key must be one digit"):
        Trail.from_pack(Pack.open(pack.root))


def test_trail_numbers_without_chapters(tmp_path):
    root = tmp_path / "q"
    root.mkdir()
    (root / "pack.toml").write_text('name = "q"\n[[components]]\nid = "a"\nfolders = ["a"]\n')
    pack = Pack.open(root)
    pack.save_notes("a/x.go", [Note(id="two", start=5, end=5, title="t", trail=2), Note(id="one", start=9, end=9, title="t", trail=1)])
    trail = Trail.from_pack(pack)
    assert [s.note_id for s in trail.steps] == ["one", "two"]


def test_entry_line():
    text = 'package main\n\nimport "os"\n\nfunc helper() {}\n\nfunc main() {\n\tos.Exit(0)\n}\n'
    assert entry_line(text, "main") == 7
    assert entry_line(text, "absent") == 1
    assert entry_line("func (o *Opts) Run() error {\n", "(*Opts).Run") == 1


# ---- bounded (issue 15) -------------------------------------------------------------------


def test_a_step_listed_twice_is_kept_once_and_said(pack):
    """Item 6: `steps = ["s1", "s1"]` made the trail view crash (DuplicateID) and ] loop."""
    raw = (pack.root / "pack.toml").read_text().replace('steps = ["s1"]', 'steps = ["s1", "c1", "s1"]')
    (pack.root / "pack.toml").write_text(raw)
    trail = Trail.from_pack(Pack.open(pack.root))
    assert [s.note_id for s in trail.steps] == ["c1", "c2", "s1"]
    assert [s.index for s in trail.steps] == [0, 1, 2]
    assert len(trail.problems) == 2 and all("more than once" in problem for problem in trail.problems)
    walked, current = [], None
    while (step := trail.next_step(current)) is not None:
        walked.append(step.note_id)
        current = step.note_id
        assert len(walked) <= len(trail.steps)
    assert walked == ["c1", "c2", "s1"]


def test_lookups_keep_the_first_of_two_components_with_one_id_or_key(tmp_path):
    root = tmp_path / "dup"
    root.mkdir()
    (root / "pack.toml").write_text(
        'name = "dup"\n[[components]]\nid = "a"\nkey = "1"\ntitle = "first"\n[[components]]\nid = "a"\nkey = "1"\ntitle = "second"\n'
    )
    trail = Trail.from_pack(Pack.open(root))
    assert trail.component("a").title == "first" and trail.component_by_key("1").title == "first"
    assert trail.step_for(None) is None and trail.step_for("nothing") is None


@pytest.mark.parametrize(
    ("what", "text"),
    [
        ("steps", '[[chapters]]\ncomponent = "a"\nsteps = [' + ",".join(f'"s{i}"' for i in range(2001)) + "]\n"),
        ("chapters", '[[chapters]]\ncomponent = "a"\n' * 501),
        ("texts", "".join(f'[[texts]]\nid = "t{i}"\n' for i in range(2001))),
        ("folders", '[[components]]\nid = "a"\nfolders = [' + ",".join(f'"f{i}"' for i in range(65)) + "]\n"),
    ],
)
def test_trail_sizes_are_bounded(tmp_path, what, text):
    root = tmp_path / "big"
    root.mkdir()
    (root / "pack.toml").write_text('name = "big"\n' + text)
    with pytest.raises(PackFileError, match="over the"):
        Trail.from_pack(Pack.open(root))


def test_trail_numbers_are_read_only_from_files_that_have_them(tmp_path, parsed_notes):
    root = tmp_path / "q"
    root.mkdir()
    (root / "pack.toml").write_text('name = "q"\n[[components]]\nid = "a"\nfolders = ["a"]\n')
    pack = Pack.open(root)
    pack.save_notes("a/x.go", [Note(id="one", start=9, end=9, title="t", trail=1)])
    for i in range(30):
        pack.save_notes(f"a/plain{i}.go", [Note(id=f"p{i}", start=1, end=1, title="no trail here")])
    parsed_notes.clear()  # what saving the notes above parsed
    trail = Trail.from_pack(Pack.open(root))
    assert [s.note_id for s in trail.steps] == ["one"] and parsed_notes == ["a/x.go"]


def test_a_step_parses_only_the_notes_files_that_mention_its_note(pack, parsed_notes):
    # The first `]` used to parse every notes file with a step in it (85 files, 160 ms on the
    # series pack) before moving; now a step costs the files whose bytes name its note.
    pack.save_notes("pkg/server/other.go", [Note(id="other", start=1, end=1, title="not a step")])
    parsed = parsed_notes
    parsed.clear()  # what saving the note above parsed
    trail = Trail.from_pack(Pack.open(pack.root))
    assert trail.locate("s1")[0] == "pkg/server/storage/store.go"
    assert parsed == ["pkg/server/storage/store.go"]
    assert trail.step_near("cmd/cli/main.go", 11).note_id == "c2"
    assert parsed == ["pkg/server/storage/store.go", "cmd/cli/main.go"]
    assert trail.locate("ghost") is None
    assert trail.missing_steps() == []  # the whole index, when it is asked for
    assert sorted(parsed) == ["cmd/cli/main.go", "pkg/server/storage/store.go"]


def test_a_note_id_in_two_files_is_found_in_the_first_as_before(pack):
    # A copy of c1 in a file read later (by path order, after the step's own file) does not win.
    pack.save_notes("pkg/zz/copy.go", [Note(id="c1", start=7, end=7, title="a copy")])
    trail = Trail.from_pack(Pack.open(pack.root))
    assert trail.locate("c1")[0] == "cmd/cli/main.go"
    assert Trail.from_pack(Pack.open(pack.root))._index()["c1"][0] == "cmd/cli/main.go"
