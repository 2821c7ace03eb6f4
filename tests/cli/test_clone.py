"""`k8sread clone` against a local bare repository made here (partial clone over file://)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from k8sread.cli import main
from k8sread.core.state import load_state, state_path

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def upstream(tmp_path):
    """A bare repository with two commits; returns (file:// URL, first commit, second commit)."""
    work = tmp_path / "work"
    (work / "pkg" / "kubelet").mkdir(parents=True)
    git(work, "init", "-q")
    (work / "pkg" / "kubelet" / "kubelet.go").write_text("package kubelet\n// first\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "first")
    first = git(work, "rev-parse", "HEAD")
    (work / "pkg" / "kubelet" / "kubelet.go").write_text("package kubelet\n// second\n")
    git(work, "commit", "-q", "-am", "second")
    second = git(work, "rev-parse", "HEAD")
    bare = tmp_path / "upstream.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")
    return bare.as_uri(), first, second


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial-" in p.name)


def test_clone_checks_out_the_commit_and_remembers_the_tree(tmp_path, upstream, capsys):
    url, first, _ = upstream
    target = tmp_path / "src" / "kubernetes"  # the parent is created too
    assert main(["clone", str(target), "--url", url, "--commit", first]) == 0
    out = capsys.readouterr()
    assert (target / "pkg" / "kubelet" / "kubelet.go").read_text() == "package kubelet\n// first\n"
    assert git(target, "rev-parse", "HEAD") == first
    # A real partial clone: the promisor remote is recorded.
    assert git(target, "config", "remote.origin.partialclonefilter") == "blob:none"
    assert load_state()["last_tree"] == str(target.resolve())
    assert first[:12] in out.out and str(target) in out.out
    assert "Cloning" in out.err
    assert leftovers(target.parent) == []


def hidden_commit(tmp_path: Path, url: str) -> str:
    """Push a commit that no branch or tag reaches (so a clone does not bring it) to refs/hidden/side."""
    bare = Path(url.removeprefix("file://"))
    work = tmp_path / "side"
    git(tmp_path, "clone", "-q", str(bare), str(work))
    (work / "side.go").write_text("package side\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "side")
    git(work, "push", "-q", "origin", "HEAD:refs/hidden/side")
    git(bare, "config", "uploadpack.allowAnySHA1InWant", "true")
    return git(work, "rev-parse", "HEAD")


def test_commit_outside_every_branch_is_fetched(tmp_path, upstream, capsys):
    url, _, _ = upstream
    side = hidden_commit(tmp_path, url)
    target = tmp_path / "k"
    assert main(["clone", str(target), "--url", url, "--commit", side]) == 0
    assert (target / "side.go").read_text() == "package side\n"
    assert git(target, "rev-parse", "HEAD") == side


def test_ref_name_outside_branches_is_fetched_by_name(tmp_path, upstream, capsys):
    url, _, _ = upstream
    side = hidden_commit(tmp_path, url)
    target = tmp_path / "k"
    assert main(["clone", str(target), "--url", url, "--commit", "refs/hidden/side"]) == 0
    assert "Fetching refs/hidden/side" in capsys.readouterr().err
    assert git(target, "rev-parse", "HEAD") == side
    assert (target / "side.go").exists()


def test_unreachable_url_fails_cleanly(tmp_path, capsys):
    target = tmp_path / "kubernetes"
    # Port 9 on localhost refuses at once: what being offline looks like to git, without a network.
    code = main(["clone", str(target), "--url", "http://127.0.0.1:9/kubernetes.git"])
    err = capsys.readouterr().err
    assert code == 2
    assert "k8sread: error: cloning http://127.0.0.1:9/kubernetes.git failed" in err
    assert "check the network" in err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("k8sread: error: ")
    assert not target.exists()
    assert leftovers(tmp_path) == []
    assert not state_path().exists()


def test_failure_keeps_the_previous_tree_remembered(tmp_path, upstream, capsys):
    url, first, _ = upstream
    assert main(["clone", str(tmp_path / "good"), "--url", url, "--commit", first]) == 0
    before = state_path().read_text()
    assert main(["clone", str(tmp_path / "deep" / "bad"), "--url", (tmp_path / "missing.git").as_uri()]) == 2
    assert state_path().read_text() == before
    assert not (tmp_path / "deep").exists()  # the parent made for it is gone again


def test_existing_non_empty_dir_is_refused(tmp_path, upstream, capsys):
    url, first, _ = upstream
    target = tmp_path / "kubernetes"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    assert main(["clone", str(target), "--url", url, "--commit", first]) == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    assert leftovers(tmp_path) == []
    assert not state_path().exists()


def test_existing_empty_dir_is_used(tmp_path, upstream, capsys):
    url, first, _ = upstream
    target = tmp_path / "kubernetes"
    target.mkdir()
    assert main(["clone", str(target), "--url", url, "--commit", first]) == 0
    assert (target / "pkg" / "kubelet" / "kubelet.go").exists()


def test_unknown_commit_fails_cleanly(tmp_path, upstream, capsys):
    url, _, _ = upstream
    target = tmp_path / "kubernetes"
    code = main(["clone", str(target), "--url", url, "--commit", "0123456789abcdef0123456789abcdef01234567"])
    err = capsys.readouterr().err
    assert code == 2
    assert "k8sread: error: commit 0123456789abcdef0123456789abcdef01234567 is not in" in err
    assert not target.exists()
    assert leftovers(tmp_path) == []
    assert not state_path().exists()


def test_help_shows_an_example(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["clone", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:\n  k8sread clone " in out
    assert "k8sread clone ~/src/kubernetes" in out


@pytest.mark.slow
def test_clone_through_a_real_process(tmp_path, upstream, isolated_home):
    url, _, second = upstream
    target = tmp_path / "kubernetes"
    env = {**os.environ, "K8SREAD_HOME": str(isolated_home)}
    done = subprocess.run(
        [sys.executable, "-m", "k8sread.cli", "clone", str(target), "--url", url, "--commit", second], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert (target / "pkg" / "kubelet" / "kubelet.go").read_text().endswith("// second\n")
    assert json.loads((isolated_home / "state" / "state.json").read_text())["last_tree"] == str(target.resolve())
    # Running again into the same, now full, folder is refused with exit 2 and one clear line.
    again = subprocess.run([sys.executable, "-m", "k8sread.cli", "clone", str(target), "--url", url], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.strip().splitlines()[-1].startswith("k8sread: error: ")


@pytest.mark.slow
def test_ctrl_c_leaves_nothing(tmp_path, isolated_home):
    # A server that accepts the connection and never answers: the clone waits until interrupted.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/kubernetes.git"
        target = tmp_path / "kubernetes"
        env = {**os.environ, "K8SREAD_HOME": str(isolated_home)}
        process = subprocess.Popen(
            [sys.executable, "-m", "k8sread.cli", "clone", str(target), "--url", url],
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        try:
            assert process.stderr is not None
            seen = ""
            while "Cloning into" not in seen:
                line = process.stderr.readline()
                assert line, f"clone ended early: {seen}"
                seen += line
            assert leftovers(tmp_path) != []  # the clone is under way in its temp folder
            time.sleep(0.3)
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 2
    assert "k8sread: error: clone interrupted" in err
    assert not target.exists()
    assert leftovers(tmp_path) == []
    assert not (isolated_home / "state" / "state.json").exists()


def test_missing_git_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert main(["clone", str(tmp_path / "k")]) == 2
    assert "k8sread: error: git is not installed" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
