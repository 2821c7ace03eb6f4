"""User settings from config.toml in the config dir. A broken file is reported, not fatal."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from typing import Any

from k8sread.core.paths import config_dir

LANGUAGES = ("zh", "en")


@dataclass
class Config:
    lang: str | None = None
    theme: str | None = None
    keymap: dict[str, Any] = field(default_factory=dict)  # binding id -> keys (k8sread.core.keymap)
    problem: str | None = None  # why config.toml was ignored, for the status line

    @property
    def path(self):
        return config_dir() / "config.toml"


def load_config() -> Config:
    config = Config()
    path = config.path
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        config.problem = f"{path}: {error}; using defaults"
        return config
    lang = data.get("lang")
    if lang in LANGUAGES:
        config.lang = lang
    elif lang is not None:
        config.problem = f"{path}: lang must be one of {', '.join(LANGUAGES)}"
    theme = data.get("theme")
    if isinstance(theme, str):
        config.theme = theme
    keymap = data.get("keymap", {})
    if isinstance(keymap, dict):
        config.keymap = keymap
    else:
        config.problem = f"{path}: [keymap] must be a table of binding id = keys"
    return config


def locale_language(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(key, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def choose_language(option: str | None, config: Config, environ: dict[str, str] | None = None) -> str:
    """--lang, else the config setting, else the locale."""
    return option or config.lang or locale_language(environ)
