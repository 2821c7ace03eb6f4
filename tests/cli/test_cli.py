"""The command line: help with examples, version, exit codes, errors on stderr."""

from __future__ import annotations

import subprocess
import sys

import pytest

from k8sread import __version__
from k8sread.cli import COMMANDS, main


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "k8sread.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"k8sread {__version__}"


def test_help_lists_every_subcommand_with_examples():
    result = run_cli("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    assert "examples:" in result.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_help_shows_an_example(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out.lower() and f"k8sread {name}" in out


def test_unknown_option_is_usage_error():
    result = run_cli("--no-such-option")
    assert result.returncode == 2
    assert "error" in result.stderr and "Traceback" not in result.stderr


def test_missing_tree_is_clear_error(tmp_path):
    result = run_cli(str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.startswith("k8sread: error:") and "no such folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unexpected_error_is_one_line_unless_debugging(monkeypatch, capsys):
    from k8sread.commands import notes

    def broken(args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(notes, "run", broken)
    assert main(["notes", "x.go"]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == "k8sread: error: internal error (RecursionError: maximum recursion depth exceeded); run with K8SREAD_DEBUG=1 to see where, and please report it\n"
    )
    monkeypatch.setenv("K8SREAD_DEBUG", "1")
    with pytest.raises(RecursionError):
        main(["notes", "x.go"])


def test_os_errors_name_the_file_and_the_folder_that_is_a_file(monkeypatch, capsys, tmp_path):
    from k8sread.commands import notes

    blocker = tmp_path / "data"
    blocker.write_text("")

    def broken(args):
        (blocker / "packs").mkdir(parents=True)

    monkeypatch.setattr(notes, "run", broken)
    assert main(["notes", "x.go"]) == 2
    assert capsys.readouterr().err == f"k8sread: error: {blocker / 'packs'}: Not a directory ({blocker} is a file, not a folder)\n"


def test_error_messages_are_one_inert_line(monkeypatch, capsys):
    from k8sread.commands import notes
    from k8sread.core.errors import K8sreadError

    def broken(args):
        raise K8sreadError("pack \x1b]52;c;ZXZpbA==\x07evil:\nsecond line")

    monkeypatch.setattr(notes, "run", broken)
    assert main(["notes", "x.go"]) == 2
    assert capsys.readouterr().err == "k8sread: error: pack \u241b]52;c;ZXZpbA==\u2407evil: second line\n"
