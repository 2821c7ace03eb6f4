"""Text from strangers' packs reaches the terminal with no live control character in it."""

from __future__ import annotations

import re

import pytest

from k8sread.core.sanitize import inert, inert_line

LIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    "hostile",
    [
        "\x1b]52;c;ZXZpbA==\x07",  # OSC 52: write the clipboard
        "\x1b[2J\x1b[H",  # CSI: clear the screen
        "\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
        "\x9b2J",  # the same CSI as a single C1 byte
        "\x9d52;c;ZXZpbA==\x9c",  # OSC / ST as C1 bytes
        "a\x00b\x08c\x7fd",
        "abc\u202etxt.exe",  # right-to-left override
    ],
)
def test_no_live_control_characters_survive(hostile):
    shown = inert(hostile)
    assert not LIVE.search(shown)
    assert not LIVE.search(inert_line(hostile))


def test_stand_ins_are_visible_and_specific():
    assert inert("\x1b]52;c;ZXZpbA==\x07") == "\u241b]52;c;ZXZpbA==\u2407"
    assert inert("\x1b[2J") == "\u241b[2J"
    assert inert("\x9b") == "<U+009B>"
    assert inert("\x7f") == "\u2421"
    assert inert("a\u202eb") == "a<U+202E>b"


def test_ordinary_text_is_unchanged():
    text = "第一段：kubelet 的 syncLoop。\n\n```go\n\tfor {\n\t}\n```\n[bold red]x[/] [link=https://evil]x[/link]"
    assert inert(text) == text


def test_line_endings():
    assert inert("a\r\nb") == "a\nb"
    assert inert("a\rb") == "a\u240db"


def test_one_line_fields_lose_breaks():
    assert inert_line("  Title\nwith\tbreaks\x1b[2J ") == "Title with breaks\u241b[2J"
    assert inert("") == "" and inert_line("") == ""
