"""Small app-wide state (e.g. the last tree read) in one JSON file in the state dir.

Several parts of k8sread keep keys here, so every write is a read-modify-write under a lock
that keeps the keys it does not know. An unreadable file is set aside (renamed *.corrupt) and
a fresh state starts, so a bad file never stops k8sread.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from k8sread.core.atomic import atomic_write_text, file_lock, set_aside
from k8sread.core.paths import state_dir

STATE_FILE = "state.json"


def state_path() -> Path:
    return state_dir() / STATE_FILE


def load_state() -> dict[str, Any]:
    path = state_path()
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        set_aside(path, path.with_suffix(".corrupt"))
        return {}
    if not isinstance(data, dict):
        set_aside(path, path.with_suffix(".corrupt"))
        return {}
    return data


def update_state(**values: Any) -> dict[str, Any]:
    """Set these keys (a value of None removes the key), keep every other; returns the new state."""
    folder = state_dir()
    with file_lock(folder, STATE_FILE):
        data = load_state()
        for key, value in values.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        atomic_write_text(state_path(), json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return data
