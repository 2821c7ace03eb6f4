"""Packs over git never destroy notes: `pack update` and `pack remove` against real git in tmp dirs.

Every test drives the CLI as a reader would (HOME and the XDG folders point at a scratch folder),
and checks the notes on disk afterwards, not only the exit code.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from k8sread.cli import main
from k8sread.commands.pack import GITATTRIBUTES
from k8sread.core import registry
from k8sread.core.note import Note
from k8sread.core.pack import Pack
from k8sread.core.paths import data_dir

SOURCE = "package x\n\nfunc A() {\n\treturn\n}\n"
REAL_GIT = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True).stdout.strip()


pytestmark = pytest.mark.usefixtures("scratch_git_home")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def error_of(err: str) -> str:
    """k8sread's own message, without git's progress that went to stderr before it."""
    assert "k8sread: error: " in err, err
    assert "Traceback" not in err
    return err[err.index("k8sread: error: ") :]


@pytest.fixture
def tree(tmp_path) -> Path:
    folder = tmp_path / "T"
    (folder / "pkg").mkdir(parents=True)
    (folder / "pkg" / "a.go").write_text(SOURCE)
    (folder / "pkg" / "b.go").write_text(SOURCE)
    return folder


class Upstream:
    """The publisher's work dir, pushing to a bare repository the reader clones by file:// URL."""

    def __init__(self, tmp_path: Path, gitignore: str | None, *, gitattributes: bool = False):
        self.work = tmp_path / "publisher"
        pack = Pack.create(self.work, "shared", title="Shared notes")
        pack.upsert("pkg/b.go", Note(id="theirs-b", start=1, end=1, title="theirs on b"))
        if gitignore is not None:
            (self.work / ".gitignore").write_text(gitignore)
        if gitattributes:
            (self.work / ".gitattributes").write_text(GITATTRIBUTES)
        git(self.work, "init", "-q")
        git(self.work, "add", "-A", "-f", ".")  # the publisher's own notes are committed, ignored or not
        git(self.work, "commit", "-qm", "pack")
        self.bare = tmp_path / "shared.git"
        git(tmp_path, "clone", "-q", "--bare", str(self.work), str(self.bare))
        git(self.work, "remote", "add", "origin", str(self.bare))
        git(self.work, "fetch", "-q", "origin")
        git(self.work, "branch", "-q", "--set-upstream-to=origin/main")
        self.url = f"file://{self.bare}"

    def publish_note(self, source: str, title: str, note_id: str = "theirs") -> None:
        Pack.open(self.work).upsert(source, Note(id=note_id, start=3, end=5, title=title))
        self.push(f"note on {source}")

    def push(self, message: str) -> None:
        git(self.work, "add", "-A", "-f", ".")
        git(self.work, "commit", "-qm", message)
        git(self.work, "push", "-q", "origin", "main")


@pytest.fixture
def upstream(tmp_path) -> Upstream:
    """A published pack whose .gitignore hides note files, as in the report."""
    return Upstream(tmp_path, "*.go.toml\n")


def add_clone(capsys, url: str) -> Path:
    code, _, err = cli(capsys, "pack", "add", url, "--name", "team")
    assert code == 0, err
    assert cli(capsys, "pack", "use", "team")[0] == 0
    return data_dir() / "packs" / "team"


def my_note(capsys, tree: Path, source: str = "pkg/a.go", title: str = "my note") -> None:
    code, _, err = cli(capsys, "note", "add", "--repo", str(tree), f"{source}:3-5", "--title", title, "--body", "mine.")
    assert code == 0, err


def titles(clone: Path, source: str) -> list[str]:
    data = tomllib.loads((clone / f"{source}.toml").read_text())
    return [note["title"] for note in data.get("notes", [])]


# ---- pack update ---------------------------------------------------------------------------


def test_update_refuses_to_overwrite_an_ignored_note_file_and_names_it(upstream, tree, capsys):
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree)
    assert git(clone, "status", "--porcelain") == ""  # the note is invisible to git status
    before = git(clone, "rev-parse", "HEAD")
    upstream.publish_note("pkg/a.go", "upstream's note")

    code, _, err = cli(capsys, "pack", "update")

    assert code == 2
    message = error_of(err)
    assert "pkg/a.go.toml" in message and "ignored" in message
    assert "commit" in message and "move" in message  # says how to go on
    assert titles(clone, "pkg/a.go") == ["my note"]
    assert git(clone, "rev-parse", "HEAD") == before  # nothing half-applied


def test_update_after_moving_the_file_aside_takes_upstream_and_keeps_the_copy(upstream, tree, capsys):
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree)
    upstream.publish_note("pkg/a.go", "upstream's note")
    assert cli(capsys, "pack", "update", "team")[0] == 2
    aside = clone / "pkg" / "a.go.toml.mine"
    (clone / "pkg" / "a.go.toml").rename(aside)

    code, out, err = cli(capsys, "pack", "update", "team")

    assert code == 0, err
    assert "team: updated" in out
    assert titles(clone, "pkg/a.go") == ["upstream's note"]
    assert "my note" in aside.read_text()


def test_update_keeps_local_files_upstream_does_not_touch(upstream, tree, capsys):
    """Ignored, untracked and changed-but-uncommitted note files all survive an update that
    changes other files, and the update goes through."""
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree, "pkg/a.go", "ignored note")  # hidden by *.go.toml
    (clone / "notes.md").write_text("untracked, not ignored\n")
    Pack.open(clone).upsert("pkg/b.go", Note(id="mine-b", start=2, end=2, title="mine on b"))  # tracked, now changed
    upstream.publish_note("pkg/c.go", "upstream on c")

    code, out, err = cli(capsys, "pack", "update")

    assert code == 0, err
    assert "team: updated" in out
    assert titles(clone, "pkg/c.go") == ["upstream on c"]
    assert titles(clone, "pkg/a.go") == ["ignored note"]
    assert titles(clone, "pkg/b.go") == ["theirs on b", "mine on b"]
    assert (clone / "notes.md").read_text() == "untracked, not ignored\n"


def test_update_refuses_for_a_changed_tracked_file_and_for_an_untracked_one_and_names_both(tmp_path, tree, capsys):
    upstream = Upstream(tmp_path, None)  # nothing ignored: git itself would refuse, but say it plainly
    clone = add_clone(capsys, upstream.url)
    Pack.open(clone).upsert("pkg/b.go", Note(id="mine-b", start=2, end=2, title="mine on b"))
    my_note(capsys, tree, "pkg/a.go", "untracked note")
    upstream.publish_note("pkg/a.go", "upstream on a")
    upstream.publish_note("pkg/b.go", "upstream on b", note_id="theirs-b2")

    code, _, err = cli(capsys, "pack", "update", "team")

    assert code == 2
    message = error_of(err)
    assert "pkg/a.go.toml" in message and "pkg/b.go.toml" in message
    assert "not tracked" in message and "not committed" in message
    assert titles(clone, "pkg/a.go") == ["untracked note"]
    assert titles(clone, "pkg/b.go") == ["theirs on b", "mine on b"]


def test_update_refuses_when_upstream_deletes_a_file_changed_here(tmp_path, capsys):
    upstream = Upstream(tmp_path, None)
    clone = add_clone(capsys, upstream.url)
    Pack.open(clone).upsert("pkg/b.go", Note(id="mine-b", start=2, end=2, title="mine on b"))
    git(upstream.work, "rm", "-q", "pkg/b.go.toml")
    git(upstream.work, "commit", "-qm", "drop b")
    git(upstream.work, "push", "-q", "origin", "main")

    code, _, err = cli(capsys, "pack", "update", "team")

    assert code == 2 and "pkg/b.go.toml" in error_of(err)
    assert titles(clone, "pkg/b.go") == ["theirs on b", "mine on b"]


def test_update_refuses_when_upstream_puts_a_file_where_an_ignored_folder_holds_notes(upstream, tree, capsys):
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree, "pkg/a.go", "deep note")
    # Upstream makes `pkg` a file: git would clear the ignored folder `pkg/` to check it out.
    git(upstream.work, "rm", "-rq", "pkg")
    (upstream.work / "pkg").write_text("not a folder any more\n")
    upstream.push("pkg is a file")

    code, _, err = cli(capsys, "pack", "update", "team")

    assert code == 2 and "pkg/a.go.toml" in error_of(err)
    assert titles(clone, "pkg/a.go") == ["deep note"]


def fake_git(tmp_path: Path, monkeypatch, before_merge: str) -> None:
    """A `git` first on PATH that runs `before_merge` (shell) in the clone just before a merge
    or pull writes the work tree, then hands over to the real git."""
    assert REAL_GIT
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "git"
    script.write_text(f'#!/bin/sh\ncase "$1" in merge|pull)\n{before_merge}\n;;\nesac\nexec {REAL_GIT} "$@"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def test_a_note_saved_while_the_update_runs_is_not_overwritten(upstream, tree, tmp_path, monkeypatch, capsys):
    """The check and the merge are two steps; a reader saving a note between them must not
    lose it: git is told not to overwrite ignored files either."""
    clone = add_clone(capsys, upstream.url)
    upstream.publish_note("pkg/a.go", "upstream's note")
    late = tmp_path / "late.toml"
    late.write_text('[[notes]]\nid = "late"\nstart = 3\nend = 5\ntitle = "saved meanwhile"\n')
    fake_git(tmp_path, monkeypatch, f"mkdir -p pkg && cp '{late}' pkg/a.go.toml")

    code, _, err = cli(capsys, "pack", "update", "team")

    assert code == 2
    assert "pkg/a.go.toml" in error_of(err)
    assert titles(clone, "pkg/a.go") == ["saved meanwhile"]


def test_a_merge_that_fails_leaves_every_local_file_in_place(upstream, tree, tmp_path, monkeypatch, capsys):
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree, "pkg/a.go", "ignored note")
    upstream.publish_note("pkg/c.go", "upstream on c")
    fake_git(tmp_path, monkeypatch, "echo 'error: simulated: disk full' >&2; exit 128")

    code, _, err = cli(capsys, "pack", "update", "team")

    assert code == 2 and "simulated: disk full" in error_of(err)
    assert titles(clone, "pkg/a.go") == ["ignored note"]
    assert not (clone / "pkg" / "c.go.toml").exists()


def test_update_when_upstream_and_the_clone_diverged_still_names_files_at_risk(upstream, tree, capsys):
    """`merge by hand` would be `git pull`, which overwrites ignored files: say which first."""
    clone = add_clone(capsys, upstream.url)
    Pack.open(clone).upsert("pkg/b.go", Note(id="mine-b", start=2, end=2, title="mine on b"))
    git(clone, "commit", "-qam", "mine")
    my_note(capsys, tree, "pkg/a.go", "ignored note")
    upstream.publish_note("pkg/a.go", "upstream on a")

    code, _, err = cli(capsys, "pack", "update", "team")

    assert code == 2
    message = error_of(err)
    assert "pkg/a.go.toml" in message
    assert titles(clone, "pkg/a.go") == ["ignored note"]


def test_update_on_a_branch_without_upstream_says_so(upstream, capsys):
    clone = add_clone(capsys, upstream.url)
    git(clone, "switch", "-q", "-c", "work")
    upstream.publish_note("pkg/c.go", "upstream on c")

    code, _, err = cli(capsys, "pack", "update", "team")

    assert code == 2
    message = error_of(err)
    assert "work" in message and "upstream" in message
    assert not (clone / "pkg" / "c.go.toml").exists()


def test_update_without_git_says_git_is_missing(upstream, tmp_path, monkeypatch, capsys):
    add_clone(capsys, upstream.url)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    code, _, err = cli(capsys, "pack", "update", "team")

    assert code == 2 and "git is not installed" in error_of(err)


# ---- pack remove ---------------------------------------------------------------------------


def refused_remove(capsys, clone: Path) -> str:
    code, _, err = cli(capsys, "pack", "remove", "team")
    assert code == 2, err
    assert clone.is_dir() and "team" in registry.Registry.load().packs
    message = error_of(err)
    assert "--force" in message
    return message


def test_remove_refuses_ignored_note_files(upstream, tree, capsys):
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree)
    assert git(clone, "status", "--porcelain") == ""

    message = refused_remove(capsys, clone)

    assert "pkg/a.go.toml" in message and "ignored" in message
    assert titles(clone, "pkg/a.go") == ["my note"]


def test_remove_refuses_commits_on_a_branch_without_upstream(upstream, capsys):
    clone = add_clone(capsys, upstream.url)
    git(clone, "switch", "-q", "-c", "work")
    Pack.open(clone).upsert("pkg/b.go", Note(id="mine-b", start=2, end=2, title="mine on b"))
    git(clone, "commit", "-qam", "mine")

    message = refused_remove(capsys, clone)

    assert "work" in message and "not pushed" in message


def test_remove_refuses_another_branch_ahead_of_its_upstream(upstream, capsys):
    clone = add_clone(capsys, upstream.url)
    git(clone, "switch", "-q", "-c", "other", "--track", "origin/main")
    Pack.open(clone).upsert("pkg/b.go", Note(id="mine-b", start=2, end=2, title="mine on b"))
    git(clone, "commit", "-qam", "mine")
    git(clone, "switch", "-q", "main")  # the checked-out branch is clean and even with upstream

    message = refused_remove(capsys, clone)

    assert "other" in message and "not pushed" in message


def test_remove_refuses_commits_on_a_detached_head(upstream, capsys):
    clone = add_clone(capsys, upstream.url)
    git(clone, "switch", "-q", "--detach")
    Pack.open(clone).upsert("pkg/b.go", Note(id="mine-b", start=2, end=2, title="mine on b"))
    git(clone, "commit", "-qam", "mine")

    message = refused_remove(capsys, clone)

    assert "HEAD" in message and "not pushed" in message


def test_remove_refuses_a_stash(upstream, tree, capsys):
    clone = add_clone(capsys, upstream.url)
    Pack.open(clone).upsert("pkg/b.go", Note(id="mine-b", start=2, end=2, title="mine on b"))
    git(clone, "stash", "-q")
    assert git(clone, "status", "--porcelain") == ""

    message = refused_remove(capsys, clone)

    assert "stash" in message


def test_remove_refuses_when_git_is_missing(upstream, tree, tmp_path, monkeypatch, capsys):
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    message = refused_remove(capsys, clone)

    assert "git is not installed" in message


def test_remove_refuses_a_clone_that_is_no_longer_a_git_repository(upstream, tree, capsys):
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree)
    subprocess.run(["rm", "-rf", str(clone / ".git")], check=True)

    message = refused_remove(capsys, clone)

    assert "not a git repository" in message


def test_remove_deletes_a_clone_with_nothing_of_its_own(upstream, capsys):
    """A branch that only points at pushed commits loses nothing: no refusal for it."""
    clone = add_clone(capsys, upstream.url)
    git(clone, "branch", "spare")  # no upstream, no commit of its own

    code, out, err = cli(capsys, "pack", "remove", "team")

    assert code == 0, err
    assert not clone.exists() and "deleted its clone" in out


def test_remove_force_deletes_whatever_is_there(upstream, tree, capsys):
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree)
    git(clone, "switch", "-q", "-c", "work")

    code, _, err = cli(capsys, "pack", "remove", "team", "--force")

    assert code == 0, err
    assert not clone.exists() and "team" not in registry.Registry.load().packs


def test_the_advice_to_commit_then_pull_keeps_both_notes(tmp_path, tree, capsys):
    """What the refusal suggests first works: commit the note, merge by hand, both survive."""
    upstream = Upstream(tmp_path, "*.go.toml\n", gitattributes=True)
    clone = add_clone(capsys, upstream.url)
    my_note(capsys, tree)
    upstream.publish_note("pkg/a.go", "upstream's note")
    assert cli(capsys, "pack", "update", "team")[0] == 2
    git(clone, "add", "-f", "pkg/a.go.toml")
    git(clone, "commit", "-qm", "my note")

    code, _, err = cli(capsys, "pack", "update", "team")
    assert code == 2 and "merge by hand" in error_of(err)
    git(clone, "pull", "-q", "--no-rebase", "--no-edit")

    assert sorted(titles(clone, "pkg/a.go")) == ["my note", "upstream's note"]
