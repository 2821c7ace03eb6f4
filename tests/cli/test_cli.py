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
