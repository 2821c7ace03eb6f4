"""`k8sread pack new/add/update/list/remove/use/enable/disable`, with real git in tmp dirs."""

from __future__ import annotations

import json
import subprocess
import tomllib

import pytest

from k8sread.cli import main
from k8sread.core import registry
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.paths import data_dir

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"]


pytestmark = pytest.mark.usefixtures("scratch_git_home")


def git(cwd, *args):
    done = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def remote(tmp_path):
    """A pack published in a bare repository, reachable by a file:// URL; and its work dir."""
    work = tmp_path / "work"
    pack = Pack.create(work, "shared", title="Shared notes")
    pack.upsert("pkg/a.go", Note(id="first", start=1, end=2, title="first"))
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "pack")
    bare = tmp_path / "shared.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    git(work, "remote", "add", "origin", str(bare))
    git(work, "fetch", "-q", "origin")
    git(work, "branch", "-q", "--set-upstream-to=origin/main")
    return work, f"file://{bare}"


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit):
        main(["pack", "--help"])
    assert "example" in capsys.readouterr().out


def test_new_scaffolds_a_pack_in_git(tmp_path, capsys):
    folder = tmp_path / "k8s-notes"
    code, out, _ = cli(capsys, "pack", "new", str(folder), "--lang", "en", "--lang", "zh", "--author", "ann", "--commit", "abc123")
    assert code == 0, out
    meta = tomllib.loads((folder / "pack.toml").read_text())
    assert (meta["name"], meta["languages"], meta["authors"], meta["source"]["commit"]) == ("k8s-notes", ["en", "zh"], ["ann"], "abc123")
    assert meta["source"]["repository"] == "https://github.com/kubernetes/kubernetes"
    attributes = (folder / ".gitattributes").read_text()
    assert "*.toml text eol=lf" in attributes and "merge=union" not in attributes
    assert "k8sread" in (folder / "README.md").read_text()
    assert (folder / ".git").is_dir()
    assert "pack merge-driver" in git(folder, "config", "--get", "merge.k8sread-notes.driver")
    assert Pack.open(folder).name == "k8s-notes"
    # A second time it refuses: the pack is there.
    code, _, err = cli(capsys, "pack", "new", str(folder))
    assert code == 2 and "already a pack" in err


def test_new_with_add_registers_and_no_git_skips_git(tmp_path, capsys):
    folder = tmp_path / "p"
    assert cli(capsys, "pack", "new", str(folder), "--no-git", "--add", "--name", "team")[0] == 0
    assert not (folder / ".git").exists()
    assert registry.Registry.load().get("team").path == folder.resolve()


def test_add_local_list_use_switch_remove(tmp_path, capsys):
    Pack.create(tmp_path / "local", "localpack")
    code, out, _ = cli(capsys, "pack", "add", str(tmp_path / "local"))
    assert code == 0 and "localpack" in out
    code, out, _ = cli(capsys, "pack", "list", "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["localpack"]["kind"] == "local" and rows["localpack"]["enabled"] and not rows["localpack"]["target"]
    assert rows["mine"]["target"] and rows["series"]["kind"] == "bundled"
    assert cli(capsys, "pack", "use", "localpack")[0] == 0
    assert cli(capsys, "pack", "disable", "series")[0] == 0
    code, out, _ = cli(capsys, "pack", "list")
    line = next(line for line in out.splitlines() if " localpack " in f" {line} ")
    assert line.startswith("* ")
    assert "off" in next(line for line in out.splitlines() if "series" in line and "bundled" in line)
    assert cli(capsys, "pack", "use", "series")[0] == 2
    assert cli(capsys, "pack", "disable", "nope")[0] == 2
    # The same folder or name twice is refused.
    code, _, err = cli(capsys, "pack", "add", str(tmp_path / "local"), "--name", "again")
    assert code == 2 and "already registered" in err
    code, out, _ = cli(capsys, "pack", "remove", "localpack")
    assert code == 0 and (tmp_path / "local" / "pack.toml").exists()
    assert "localpack" not in registry.Registry.load().packs
    assert registry.Registry.load().target is None
    code, _, err = cli(capsys, "pack", "remove", "series")
    assert code == 2 and "disable" in err


def test_add_a_folder_that_is_not_a_pack(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, _, err = cli(capsys, "pack", "add", str(tmp_path / "empty"))
    assert code == 2 and "not a pack" in err
    code, _, err = cli(capsys, "pack", "add", str(tmp_path / "missing"))
    assert code == 2 and "not a git URL" in err


def test_add_from_git_update_and_remove(remote, tmp_path, capsys):
    work, url = remote
    code, out, err = cli(capsys, "pack", "add", url, "--name", "team")
    assert code == 0, err
    clone = data_dir() / "packs" / "team"
    assert "Cloning" in err  # git's progress reaches the terminal
    entry = registry.Registry.load().get("team")
    assert entry.url == url and entry.path == clone.resolve()
    assert [n.id for n in Pack.open(clone).notes_for("pkg/a.go")] == ["first"]
    assert "pack merge-driver" in git(clone, "config", "--get", "merge.k8sread-notes.driver")
    assert not [p for p in (data_dir() / "packs").iterdir() if p.name.startswith(".adding")]

    # Someone pushes a new note; update pulls it.
    Pack.open(work).upsert("pkg/a.go", Note(id="second", start=5, end=6, title="second"))
    git(work, "add", "-A")
    git(work, "commit", "-qm", "more")
    git(work, "push", "-q", "origin", "main")
    code, out, err = cli(capsys, "pack", "update")
    assert code == 0, err
    assert "team: updated" in out
    assert [n.id for n in Pack.open(clone).notes_for("pkg/a.go")] == ["first", "second"]
    code, out, _ = cli(capsys, "pack", "update", "team")
    assert code == 0 and "already up to date" in out

    # A note written in the clone and not pushed keeps the clone from being deleted.
    Pack.open(clone).upsert("pkg/a.go", Note(id="local", start=9, end=9, title="mine"))
    code, _, err = cli(capsys, "pack", "remove", "team")
    assert code == 2 and "not committed" in err and clone.exists()
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "local")
    code, _, err = cli(capsys, "pack", "remove", "team")
    assert code == 2 and "not pushed" in err
    code, out, _ = cli(capsys, "pack", "remove", "team", "--force")
    assert code == 0 and not clone.exists() and "team" not in registry.Registry.load().packs


def test_add_from_git_uses_the_pack_name_and_refuses_a_taken_one(remote, capsys):
    _, url = remote
    assert cli(capsys, "pack", "add", url)[0] == 0
    assert "shared" in registry.Registry.load().packs
    code, _, err = cli(capsys, "pack", "add", url)
    assert code == 2 and "already" in err
    assert not [p for p in (data_dir() / "packs").iterdir() if p.name.startswith(".adding")]


def test_git_failure_is_a_clear_message(tmp_path, capsys):
    code, _, err = cli(capsys, "pack", "add", f"file://{tmp_path}/nothing-here.git")
    assert code == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("k8sread: error: cannot clone file://") and "git clone failed" in last
    assert "does not appear to be a git repository" in last
    assert "Traceback" not in err
    assert not registry.Registry.load().packs


def test_a_repository_without_pack_toml_is_refused(tmp_path, capsys):
    work = tmp_path / "notpack"
    work.mkdir()
    (work / "README.md").write_text("hi\n")
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "x")
    code, _, err = cli(capsys, "pack", "add", f"file://{work}")
    assert code == 2 and "not a k8sread pack" in err
    assert not [p for p in (data_dir() / "packs").iterdir() if p.name.startswith(".adding")]


def test_update_that_cannot_fast_forward_says_what_to_do(remote, capsys):
    work, url = remote
    assert cli(capsys, "pack", "add", url, "--name", "team")[0] == 0
    clone = data_dir() / "packs" / "team"
    Pack.open(clone).upsert("pkg/b.go", Note(id="mine", start=1, end=1, title="mine"))
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "local")
    Pack.open(work).upsert("pkg/c.go", Note(id="theirs", start=1, end=1, title="theirs"))
    git(work, "add", "-A")
    git(work, "commit", "-qm", "remote")
    git(work, "push", "-q", "origin", "main")
    code, _, err = cli(capsys, "pack", "update", "team")
    assert code == 2 and "commits of its own" in err and "merge by hand" in err
    assert [n.id for n in Pack.open(clone).notes_for("pkg/b.go")] == ["mine"]


def test_update_unknown_name(capsys):
    code, _, err = cli(capsys, "pack", "update", "nope")
    assert code == 2 and "no registered pack" in err
