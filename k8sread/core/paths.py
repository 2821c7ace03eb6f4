"""Where k8sread keeps things: bundled data, and the user's state, data and cache dirs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "k8sread"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def bundled_annotations_dir() -> Path:
    """The packs shipped with k8sread: inside the wheel, or at the repo root in a checkout."""
    installed = _PACKAGE_DIR / "annotations"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "annotations"


def bundled_pack_dir(name: str) -> Path:
    return bundled_annotations_dir() / name


def demo_tree_dir() -> Path:
    """The small Kubernetes-shaped Go tree shown on a fresh machine."""
    return _PACKAGE_DIR / "demo"


# K8SREAD_HOME lets tests (and people with odd setups) move every writable dir at once.
def _home_override() -> Path | None:
    home = os.environ.get("K8SREAD_HOME")
    return Path(home) if home else None


def state_dir() -> Path:
    home = _home_override()
    return home / "state" if home else Path(platformdirs.user_state_dir(APP))


def data_dir() -> Path:
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    home = _home_override()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP))


def config_dir() -> Path:
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP))


def user_pack_dir() -> Path:
    """The reader's own writable pack."""
    return data_dir() / "packs" / "mine"
