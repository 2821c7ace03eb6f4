"""Text from strangers' packs reaches the terminal with no live control character in it, and
an exported document with no HTML or link the author did not write as plain Markdown."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8sread.core.sanitize import escape_all_markdown, inert, inert_line, is_inert_markdown, markdown_body, markdown_code, markdown_text

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


# ---- Markdown --------------------------------------------------------------------------------

# Pieces a hostile body is built from: HTML, autolinks, links and definitions with every scheme,
# fences, code spans, containers, tables, escapes; glued at random they reach the odd corners
# (a definition inside a code span, a code span across a table cell, a fence in a quote).
PIECES = [
    "<",
    ">",
    "`",
    "``",
    "```",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "]:",
    "](",
    "\\",
    "|",
    "---",
    "*",
    "_",
    " ",
    "\t",
    "#",
    "=",
    "\n",
    "\n\n",
    "> ",
    "- ",
    "1. ",
    "    ",
    "a",
    "javascript:alert(1)",
    "JaVaScRiPt:x",
    "data:text/html,x",
    "https://ok.example",
    "#anchor",
    "<img src=x onerror=alert(1)>",
    "<script>",
    "</div>",
    "<!--",
    "-->",
    "<?php",
    "<![CDATA[",
    "&#106;",
    "&lt;",
    "<https://ok.example>",
    "<javascript:x>",
    "<mailto:a@b>",
    "![",
    '"t"',
    "[x]: ",
    "[x]",
    "<a href=x>",
]
BODIES = st.lists(st.sampled_from(PIECES), max_size=40).map("".join) | st.text(max_size=200)


@settings(max_examples=400, deadline=None)
@given(BODIES)
def test_any_body_comes_out_inert(body):
    out = markdown_body(body)
    assert is_inert_markdown(out), (body, out)
    assert not LIVE.search(out)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_titles_and_the_fallback_are_plain_text(text):
    from markdown_it import MarkdownIt

    assert is_inert_markdown(escape_all_markdown(text))
    # A title renders as exactly its one-line text: no emphasis, code, link or entity.
    title = markdown_text(text)
    tokens = MarkdownIt("commonmark").enable("strikethrough").parseInline(f"[{title}]")[0].children
    assert all(token.type == "text" for token in tokens), title
    assert "".join(token.content for token in tokens) == f"[{inert_line(text)}]", title


LEGIT = [
    "Reads `<-stopCh` until closed; `<nil>` means none, `a < b` and `x<y>`.",
    "- a *list*\n- with **bold**, _em_ and ~~strike~~\n  1. nested",
    "See [the docs](https://kubernetes.io/docs/) and [Go](https://en.wikipedia.org/wiki/Go_(programming_language)), <https://k8s.io>.",
    '[a step](#note-sync-loop) and [ref][k]\n\n[k]: https://github.com/kubernetes/kubernetes "k8s"',
    "```go\nfor {\n\t<-ch\n}\n```",
    "~~~~\n```\n<b>shown</b>\n~~~~",
    "    indented <code>\n",
    "> a quote with `code`\n>\n> - and a list",
    "| a | b |\n|---|---|\n| `x` | <https://ok.example> |",
    "# A heading\n\nText with a trailing backslash\\\nand a hard break.",
    "Plain 5 < 6 and 7 > 3, a & b, 1 <= 2.",
]


@pytest.mark.parametrize("body", LEGIT)
def test_legitimate_markdown_is_kept_byte_for_byte(body):
    assert markdown_body(body) == body


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)>"),
        ("[x](javascript:alert(1))", "[x]\\(javascript:alert(1))"),
        ("[x](<javascript:alert(1)>)", "[x]\\(\\<javascript:alert(1)>)"),
        ("![x](data:image/svg+xml,<svg onload=alert(1)>)", "![x]\\(data:image/svg+xml,\\<svg onload=alert(1)>)"),
        ("<javascript:alert(1)>", "\\<javascript:alert(1)>"),
        ("[r][x]\n\n[x]: javascript:alert(1)", "[r][x]\n\n\\[x\\]: javascript:alert(1)"),
        ("```\nnever closed", "```\nnever closed\n```"),
        ("````\n```\nstill open", "````\n```\nstill open\n````"),
        ("text <!-- a comment that swallows\n\n# the rest", "text \\<!-- a comment that swallows\n\n# the rest"),
    ],
)
def test_what_could_run_or_swallow_is_escaped_or_closed(body, shown):
    assert markdown_body(body) == shown


def test_code_spans_hold_any_backticks():
    assert markdown_code("a``b") == "```a``b```"
    assert markdown_code("`x`") == "`` `x` ``"
    assert markdown_code("") == ""
