"""Every test runs with its own K8SREAD_HOME: no test reads or writes the real home."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("k8sread-home")
    monkeypatch.setenv("K8SREAD_HOME", str(home))
    # The locale decides the default note language; tests pin it unless they test it.
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    return home
