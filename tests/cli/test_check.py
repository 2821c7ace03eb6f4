"""`k8sread check` on two versions of a small Go tree (tests/fixtures/drift, our own code).

The fixture pack was written against v1 in the format from before anchors. v2 inserts a
const block above everything, moves Total to the end, renames Remove to Delete, rewrites a
line of Add, deletes legacyDiscount (whose body memberDiscount duplicates) and moves
pkg/shop/price.go to pkg/pricing/price.go.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from k8sread.cli import main
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.paths import user_pack_dir

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "drift"
V1 = FIXTURES / "v1"
V2 = FIXTURES / "v2"

# id -> (status, method, new range) on v2 once the pack is anchored on v1.
EXPECTED_V2 = {
    "imports": ("exact", "unchanged", [4, 7]),
    "cart-type": ("moved", "symbol", [18, 22]),
    "add-whole": ("moved", "fuzzy", [29, 37]),
    "add-check": ("moved", "symbol", [31, 33]),
    "add-store": ("changed", "declaration", [34, 35]),  # its line was rewritten; Add is still there
    "remove-delete": ("moved", "text", [44, 45]),
    "total-loop": ("moved", "symbol", [59, 61]),
    "legacy-rule": ("orphan", None, None),
    "member-rule": ("moved", "symbol", [50, 52]),
    "price-double": ("orphan", None, None),
    "main-add": ("exact", "unchanged", [12, 14]),
}


@pytest.fixture
def pack_dir(tmp_path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(FIXTURES / "pack", target)
    return target


def run_check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_json(capsys, *args: str) -> tuple[int, dict]:
    code, out, _ = run_check(capsys, "--json", *args)
    return code, json.loads(out)


def notes_by_id(document: dict) -> dict[str, dict]:
    return {note["id"]: note for pack in document["packs"] for item in pack["files"] for note in item["notes"]}


def lines_of(root: Path, path: str, start: int, end: int) -> list[str]:
    return (root / path).read_text().split("\n")[start - 1 : end]


def anchored(capsys, pack_dir: Path) -> None:
    code, out, _ = run_check(capsys, "--repo", str(V1), "--fix", str(pack_dir))
    assert code == 0, out


def test_old_pack_loads_unanchored_and_fix_adds_anchors(capsys, pack_dir):
    code, out, _ = run_check(capsys, "--repo", str(V1), str(pack_dir))
    assert code == 0  # unanchored notes warn, they do not fail
    assert "pkg/shop/cart.go: 0 exact, 0 moved, 0 orphaned, 9 unanchored" in out
    assert "warning   add-check: 25-27 has no anchor" in out
    assert "anchor." not in (pack_dir / "pkg/shop/cart.go.toml").read_text()

    anchored(capsys, pack_dir)
    text = (pack_dir / "pkg/shop/cart.go.toml").read_text()
    assert 'anchor.symbol = "(*Cart).Add"' in text and "anchor.fingerprint" in text
    # Only anchors were added: ids, lines and titles are as the author wrote them.
    notes = {n.id: n for n in Pack.open(pack_dir).notes_for("pkg/shop/cart.go")}
    assert (notes["add-check"].start, notes["add-check"].end) == (25, 27)
    assert notes["add-check"].title == "Add rejects non-positive quantities"

    code, out, _ = run_check(capsys, "--repo", str(V1), str(pack_dir))
    assert code == 0
    assert "pkg/shop/cart.go: 9 exact, 0 moved, 0 orphaned" in out
    assert "11 notes in 3 files, 1 pack(s): 11 exact, 0 moved, 0 orphaned, 0 error(s)" in out


def test_against_v2_notes_follow_their_code_or_become_orphans(capsys, pack_dir):
    anchored(capsys, pack_dir)
    code, out, _ = run_check(capsys, "--repo", str(V2), str(pack_dir))
    assert code == 1  # orphans fail the check
    assert "cmd/shop/main.go: 1 exact, 0 moved, 0 orphaned" in out
    assert "pkg/shop/cart.go: 1 exact, 6 moved, 1 changed, 1 orphaned" in out
    assert "changed   add-store: 28-29 -> 34-35 (code changed since it was written; 50% of its lines found)" in out
    assert "pkg/shop/price.go: 0 exact, 0 moved, 1 orphaned  (file not in the tree)" in out
    assert "moved     total-loop: 46-48 -> 59-61 (by symbol)" in out
    assert "orphaned  legacy-rule: 53-55: legacyDiscount is gone" in out
    assert out.rstrip().endswith("11 notes in 3 files, 1 pack(s): 2 exact, 6 moved, 1 changed, 2 orphaned, 0 error(s)")


def test_json_gives_every_note_and_moved_notes_sit_on_the_same_text(capsys, pack_dir):
    anchored(capsys, pack_dir)
    code, document = check_json(capsys, "--repo", str(V2), str(pack_dir))
    assert code == 1 and document["ok"] is False
    assert document["summary"] == {
        "packs": 1,
        "files": 3,
        "notes": 11,
        "comments": 0,
        "exact": 2,
        "moved": 6,
        "changed": 1,
        "orphaned": 2,
        "unanchored": 0,
        "errors": 0,
        "fixed": 0,
    }
    notes = notes_by_id(document)
    assert {key: (n["status"], n["method"], n["new"]) for key, n in notes.items()} == EXPECTED_V2
    assert notes["total-loop"]["old"] == [46, 48]
    assert notes["price-double"]["reason"] == "file not in the tree"
    paths = {n["id"]: item["path"] for item in document["packs"][0]["files"] for n in item["notes"]}
    for note_id, note in notes.items():
        if note["status"] == "moved" and note["method"] != "fuzzy":
            path = paths[note_id]
            assert lines_of(V2, path, *note["new"]) == lines_of(V1, path, *note["old"]), note_id
    assert notes["add-whole"]["score"] >= 0.8


def test_fix_rewrites_moved_notes_and_a_second_check_finds_them_exact(capsys, pack_dir):
    anchored(capsys, pack_dir)
    main_file = pack_dir / "cmd/shop/main.go.toml"
    main_before = main_file.read_text()
    code, out, _ = run_check(capsys, "--repo", str(V2), "--fix", str(pack_dir))
    assert code == 1  # orphans are still there after fixing
    assert "fixed 7 note(s)" in out
    assert main_file.read_text() == main_before  # nothing to fix there: not rewritten

    code, document = check_json(capsys, "--repo", str(V2), str(pack_dir))
    notes = notes_by_id(document)
    for note_id, (status, _, new) in EXPECTED_V2.items():
        if status == "moved":
            assert (notes[note_id]["status"], notes[note_id]["new"]) == ("exact", new), note_id
        else:
            assert notes[note_id]["status"] == status, note_id
    # Changed notes (without --accept-changed) and orphans keep the lines the author gave them.
    assert notes["add-store"]["old"] == [28, 29]
    assert document["summary"]["orphaned"] == 2 and document["summary"]["changed"] == 1 and code == 1
    # No temp files left behind by the atomic writes.
    assert not [p for p in pack_dir.rglob("*") if p.name.endswith(".tmp")]


def test_malformed_pack_file_is_reported_and_the_rest_still_checked(capsys, pack_dir):
    anchored(capsys, pack_dir)
    broken = pack_dir / "pkg/shop/broken.go.toml"
    broken.write_text('format = 1\nfile = "pkg/shop/broken.go"\n\n[[notes]]\nid = "x"\ntitle = "unterminated\nlines = [1, 2]\n')
    before = broken.read_text()
    code, out, _ = run_check(capsys, "--repo", str(V1), "--fix", str(pack_dir))
    assert code == 1
    error_lines = [line for line in out.splitlines() if "error:" in line]
    assert len(error_lines) == 1
    assert f"{broken}:6:22: invalid TOML" in error_lines[0], error_lines
    assert "pkg/shop/cart.go: 9 exact, 0 moved, 0 orphaned" in out
    assert "1 error(s)" in out
    assert broken.read_text() == before  # --fix never writes a file it could not parse

    code, document = check_json(capsys, "--repo", str(V1), str(pack_dir))
    (error,) = document["packs"][0]["errors"]
    assert error["file"] == str(broken) and (error["line"], error["column"]) == (6, 22)
    assert document["summary"]["exact"] == 11


def test_duplicate_ids_across_files_are_an_error(capsys, pack_dir):
    path = pack_dir / "cmd/shop/main.go.toml"
    path.write_text(path.read_text().replace('id = "main-add"', 'id = "add-check"'))
    code, out, _ = run_check(capsys, "--repo", str(V1), str(pack_dir))
    assert code == 1
    assert "note id 'add-check' is also used in" in out


def test_broken_pack_toml_is_an_error_and_other_packs_are_checked(capsys, pack_dir, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(pack_dir, other)
    (other / "pack.toml").write_text("format = 1\nname = \n")
    code, out, _ = run_check(capsys, "--repo", str(V1), str(other), str(pack_dir))
    assert code == 1
    assert f"{other / 'pack.toml'}:2:" in out
    assert "pkg/shop/cart.go: 0 exact, 0 moved, 0 orphaned, 9 unanchored" in out


def test_usage_errors_exit_2(capsys, pack_dir, tmp_path):
    code, _, err = run_check(capsys, "--repo", str(V1), str(tmp_path / "no-such-pack"))
    assert code == 2 and "k8sread: error:" in err and "no-such-pack" in err
    code, _, err = run_check(capsys, "--repo", str(tmp_path / "no-such-tree"), str(pack_dir))
    assert code == 2 and "no such folder" in err
    not_a_pack = tmp_path / "plain"
    not_a_pack.mkdir()
    code, _, err = run_check(capsys, "--repo", str(V1), str(not_a_pack))
    assert code == 2 and "pack.toml" in err


def test_default_packs_include_your_own(capsys, monkeypatch, tmp_path):
    import k8sread.commands.check as check

    monkeypatch.setattr(check, "bundled_annotations_dir", lambda: tmp_path / "no-bundled-packs")
    mine = Pack.create(user_pack_dir(), "mine", title="My notes")
    mine.save_notes("pkg/shop/cart.go", [Note(id="mine-1", start=44, end=50, title="Total")])
    code, out, _ = run_check(capsys, "--repo", str(V1))
    assert code == 0
    assert "pack mine" in out and "pkg/shop/cart.go: 0 exact, 0 moved, 0 orphaned, 1 unanchored" in out
    code, out, _ = run_check(capsys, "--repo", str(V1), "--fix")
    code, out, _ = run_check(capsys, "--repo", str(V2))
    assert code == 0
    assert "moved     mine-1: 44-50 -> 57-63 (by symbol)" in out


def test_default_packs_include_registered_ones(tmp_path, capsys):
    from k8sread.cli import main as cli_main

    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "a.go").write_text("package pkg\n\nfunc A() {}\n")
    pack = tmp_path / "team"
    assert cli_main(["pack", "new", str(pack)]) == 0
    assert cli_main(["pack", "add", str(pack), "--name", "team"]) == 0
    assert cli_main(["note", "add", "--repo", str(tree), "--pack", str(pack), "pkg/a.go:3", "--title", "A", "--body", "b"]) == 0
    capsys.readouterr()
    assert cli_main(["check", "--repo", str(tree)]) == 0
    out = capsys.readouterr().out
    assert "pkg/a.go: 1 exact" in out and "1 pack(s)" in out  # the series goes with Kubernetes trees only
