from __future__ import annotations

from k8sread.core.config import Config, choose_language, load_config, locale_language
from k8sread.core.paths import config_dir


def test_language_precedence():
    assert choose_language("en", Config(lang="zh"), {"LANG": "zh_CN.UTF-8"}) == "en"
    assert choose_language(None, Config(lang="zh"), {"LANG": "en_US.UTF-8"}) == "zh"
    assert choose_language(None, Config(), {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert choose_language(None, Config(), {"LANG": "de_DE.UTF-8"}) == "en"
    assert locale_language({}) == "en"
    assert locale_language({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"}) == "zh"


def test_config_file_read_and_broken_file_reported():
    config_dir().mkdir(parents=True)
    (config_dir() / "config.toml").write_text('lang = "zh"\ntheme = "nord"\n')
    config = load_config()
    assert (config.lang, config.theme, config.problem) == ("zh", "nord", None)
    (config_dir() / "config.toml").write_text("lang = \n")
    broken = load_config()
    assert broken.lang is None and "config.toml" in broken.problem
    (config_dir() / "config.toml").write_text('lang = "fr"\n')
    assert "lang must be" in load_config().problem
