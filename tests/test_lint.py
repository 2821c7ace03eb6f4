"""Types and lint are part of the test run (and so of CI): mypy on k8sread/, ruff check and ruff
format on the code and its tests, with the settings in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["k8sread", "tests", "bench"]

pytestmark = pytest.mark.slow


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def tool(name: str) -> list[str]:
    # The test extra installs both; `python -m` finds them in the venv that runs the tests.
    return [sys.executable, "-m", name]


def test_ruff_check():
    result = run(*tool("ruff"), "check", *TARGETS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = run(*tool("ruff"), "format", "--check", *TARGETS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy():
    result = run(*tool("mypy"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr


def test_the_tools_are_installed_by_the_test_extra():
    assert shutil.which("ruff") or run(*tool("ruff"), "--version").returncode == 0
    assert run(*tool("mypy"), "--version").returncode == 0
