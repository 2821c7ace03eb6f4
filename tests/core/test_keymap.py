"""The one key table and the [keymap] table of config.toml."""

from __future__ import annotations

from k8sread.core.config import load_config
from k8sread.core.keymap import DEFAULTS, build_keymap, key_label


def test_every_action_has_a_unique_id_and_some_key():
    ids = [action.id for action in DEFAULTS]
    assert len(ids) == len(set(ids))
    assert all(action.alternatives() for action in DEFAULTS)


def test_chords_are_bindings_of_the_table():
    chords = build_keymap().chords("source")
    assert {second: action.id for second, action in chords["g"].items()} == {"g": "source.top", "d": "source.definition", "r": "source.references"}
    assert key_label("g g") == "gg" and key_label("right_square_bracket") == "]" and key_label("ctrl+p") == "ctrl+p"


def test_overrides_remap_keys_and_chords_and_report_mistakes():
    keymap = build_keymap({"reader.next_step": "n", "source.references": "z r, f7", "nope": "x", "reader.trail": 5, "source.top": "a b c"})
    assert keymap.by_id("reader.next_step").keys == "n"
    assert keymap.by_id("source.references").single_keys() == ["f7"] and keymap.by_id("source.references").chords() == [("z", "r")]
    assert "r" not in keymap.chords("source")["g"]
    assert "'nope' is not a binding id" in keymap.problems[0] and len(keymap.problems) == 4
    # `n` was the source view's "next match": the user's choice wins, and they are told.
    assert keymap.by_id("source.next_match").keys == "" and "source.next_match lost its only key" in keymap.problems[3]
    assert keymap.by_id("source.top").keys == "g g,home,ctrl+home"  # a bad override leaves the default


def test_config_toml_keymap_table(tmp_path, monkeypatch):
    from k8sread.core.paths import config_dir

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text('[keymap]\n"reader.next_step" = "n"\n', "utf-8")
    assert load_config().keymap == {"reader.next_step": "n"}
    (config_dir() / "config.toml").write_text("keymap = 3\n", "utf-8")
    config = load_config()
    assert config.keymap == {} and "[keymap] must be a table" in config.problem
