"""`k8sread note add` validates the range against the real file and writes the pack."""

from __future__ import annotations

import tomllib

import pytest

from k8sread.cli import main
from k8sread.core.pack import Pack
from k8sread.core.paths import user_pack_dir

GO = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n'


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "src" / "cmd").mkdir(parents=True)
    (tmp_path / "src" / "cmd" / "main.go").write_text(GO)
    (tmp_path / "src" / "blob.bin").write_bytes(b"\0\1\2")
    return tmp_path / "src"


def test_add_to_explicit_pack(tree, tmp_path, capsys):
    pack_dir = tmp_path / "pack"
    code = main(
        [
            "note",
            "add",
            "--repo",
            str(tree),
            "--pack",
            str(pack_dir),
            "cmd/main.go:5-7",
            "--title",
            "main",
            "--body",
            "Entry.",
            "--tag",
            "a",
            "--tag",
            "b",
            "--id",
            "n-main",
        ]
    )
    assert code == 0, capsys.readouterr().err
    data = tomllib.loads((pack_dir / "cmd/main.go.toml").read_text())
    note = data["notes"][0]
    assert (note["id"], note["lines"], note["title"], note["body"], note["tags"]) == ("n-main", [5, 7], "main", "Entry.", ["a", "b"])
    assert "created" in note and "author" in note
    assert note["anchor"]["symbol"] == "main" and note["anchor"]["offset"] == 0 and note["anchor"]["fingerprint"]
    assert Pack.open(pack_dir).notes_for("cmd/main.go")[0].id == "n-main"


def test_default_pack_is_users_own(tree, capsys):
    assert main(["note", "add", "--repo", str(tree), "cmd/main.go:1", "--title", "pkg", "--body", "x"]) == 0
    assert Pack.open(user_pack_dir()).files() == ["cmd/main.go"]


def test_body_file_and_language(tree, tmp_path):
    body = tmp_path / "body.md"
    body.write_text("中文正文\n\n第二段")
    assert (
        main(["note", "add", "--repo", str(tree), "--pack", str(tmp_path / "p"), "--lang", "zh", "cmd/main.go:5", "--title", "入口", "--body-file", str(body)])
        == 0
    )
    note = Pack.open(tmp_path / "p").notes_for("cmd/main.go")[0]
    assert note.title == {"zh": "入口"} and note.body == {"zh": "中文正文\n\n第二段"}


@pytest.mark.parametrize(
    "location, message",
    [
        ("cmd/main.go:7-9", "has 7 lines"),
        ("cmd/main.go:0-2", "START-END"),
        ("cmd/main.go:5-3", "START-END"),
        ("cmd/main.go", "FILE:START-END"),
        ("cmd/missing.go:1", "missing.go"),
        ("../outside.go:1", "outside"),
        ("blob.bin:1", "binary"),
    ],
)
def test_bad_locations_are_clear_errors(tree, tmp_path, capsys, location, message):
    code = main(["note", "add", "--repo", str(tree), "--pack", str(tmp_path / "p"), location, "--title", "t", "--body", "b"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("k8sread: error:") and message in err
    assert not (tmp_path / "p" / "cmd").exists()


def test_duplicate_id_refused(tree, tmp_path, capsys):
    args = ["note", "add", "--repo", str(tree), "--pack", str(tmp_path / "p"), "cmd/main.go:1", "--title", "t", "--body", "b", "--id", "same"]
    assert main(args) == 0
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err


def test_missing_body_is_usage_error(tree, capsys):
    with pytest.raises(SystemExit) as info:
        main(["note", "add", "--repo", str(tree), "cmd/main.go:1", "--title", "t"])
    assert info.value.code == 2
